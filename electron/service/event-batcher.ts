// Throttles events to at most EVENTS_PER_SECOND messages per channel: snapshots coalesce to the latest,
// log lines and command output are concatenated, so a chatty daemon cannot flood the renderer.

import { EVENTS_PER_SECOND, type EventChannel, type EventOf, type EventSink } from '../../shared/contract.js'
import type { LogBatch } from '../../shared/types.js'

export class EventBatcher {
  private pending = new Map<EventChannel, unknown[]>()
  private timers = new Map<EventChannel, NodeJS.Timeout>()
  private lastSent = new Map<EventChannel, number>()
  private readonly interval = 1000 / EVENTS_PER_SECOND

  constructor(private readonly sink: EventSink) {}

  push<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    const queue = this.pending.get(channel)
    if (queue) queue.push(payload)
    else this.pending.set(channel, [payload])
    if (this.timers.has(channel)) return
    const wait = Math.max(0, (this.lastSent.get(channel) ?? 0) + this.interval - Date.now())
    this.timers.set(
      channel,
      setTimeout(() => this.flush(channel), wait),
    )
  }

  private flush(channel: EventChannel): void {
    this.timers.delete(channel)
    const queue = this.pending.get(channel) ?? []
    this.pending.delete(channel)
    if (queue.length === 0) return
    this.lastSent.set(channel, Date.now())
    for (const payload of merge(channel, queue)) this.sink(channel, payload as never)
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}

function merge(channel: EventChannel, queue: unknown[]): unknown[] {
  switch (channel) {
    case 'services:changed':
      return [queue.at(-1)]
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
      const byCommand = new Map<string, string[]>()
      for (const { commandId, lines } of queue as EventOf<'commands:output'>[]) byCommand.set(commandId, [...(byCommand.get(commandId) ?? []), ...lines])
      return [...byCommand].map(([commandId, lines]) => ({ commandId, lines }))
    }
    default:
      // rare events (command done, notifications): all of them, in one flush
      return queue
  }
}
