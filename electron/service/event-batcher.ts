// Throttles events to at most EVENTS_PER_SECOND flushes per channel: snapshot deltas compose into one,
// log lines and command output are concatenated, so a chatty daemon cannot flood the renderer. One clock
// flushes every channel, in the contract's order, so a command's last output lines reach the renderer
// before its `commands:done`. Nothing is scheduled while nothing is pending.

import { EVENT_CHANNELS, EVENTS_PER_SECOND, type EventChannel, type EventOf, type EventSink } from '../../shared/contract.js'
import { composeDeltas } from '../../shared/services-delta.js'
import type { LogBatch } from '../../shared/types.js'

export class EventBatcher {
  private pending = new Map<EventChannel, unknown[]>()
  private timer: NodeJS.Timeout | null = null
  private lastFlush = 0
  private readonly interval = 1000 / EVENTS_PER_SECOND

  constructor(private readonly sink: EventSink) {}

  push<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    const queue = this.pending.get(channel)
    if (queue) queue.push(payload)
    else this.pending.set(channel, [payload])
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.lastFlush + this.interval - Date.now()))
  }

  private flush(): void {
    this.timer = null
    this.lastFlush = Date.now()
    const pending = this.pending
    this.pending = new Map()
    for (const channel of EVENT_CHANNELS) {
      const queue = pending.get(channel)
      if (queue) for (const payload of merge(channel, queue)) this.sink(channel, payload as never)
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending.clear()
  }
}

function merge(channel: EventChannel, queue: unknown[]): unknown[] {
  switch (channel) {
    case 'services:changed': {
      const [first, ...rest] = queue as EventOf<'services:changed'>[]
      return first ? [rest.reduce(composeDeltas, first)] : []
    }
    case 'logs:lines': {
      const byInstance = new Map<string, LogBatch>()
      for (const { batches } of queue as EventOf<'logs:lines'>[])
        for (const b of batches) {
          const into = byInstance.get(b.instanceId)
          if (into) into.lines.push(...b.lines)
          else byInstance.set(b.instanceId, { instanceId: b.instanceId, lines: [...b.lines] })
        }
      return [{ batches: [...byInstance.values()] }]
    }
    case 'commands:output': {
      // one message per running command: its payload names a single command
      const byCommand = new Map<string, string[]>()
      for (const { commandId, lines } of queue as EventOf<'commands:output'>[]) {
        const into = byCommand.get(commandId)
        if (into) into.push(...lines)
        else byCommand.set(commandId, [...lines])
      }
      return [...byCommand].map(([commandId, lines]) => ({ commandId, lines }))
    }
    default:
      // rare events (command done, notifications): all of them, in one flush
      return queue
  }
}
