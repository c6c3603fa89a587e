// An in-memory Bridge for renderer tests: records invocations, answers from a table, emits events on demand.
import type { Bridge, EventChannel, RequestChannel, Result } from '../../shared/contract'

export function fakeBridge(answers: Partial<Record<RequestChannel, unknown>> = {}) {
  const calls: { channel: string; payload: unknown }[] = []
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const bridge: Bridge = {
    invoke: (async (channel: string, payload: unknown): Promise<Result<unknown>> => {
      calls.push({ channel, payload })
      return { ok: true, value: channel in answers ? answers[channel as RequestChannel] : { commandId: `c${calls.length}` } }
    }) as Bridge['invoke'],
    on: ((channel: string, l: (p: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(l)
      return () => set.delete(l)
    }) as Bridge['on'],
  }
  const emit = (channel: EventChannel, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload))
  return { bridge, calls, emit }
}
