// An in-memory Bridge for renderer tests: records invocations, answers from a table (a value, or a function
// of the payload returning a Result), and emits events on demand.
import type { Bridge, EventChannel, EventOf, RequestChannel, RequestOf, ResponseOf, Result } from '../../shared/contract'

type Answer<C extends RequestChannel> = ResponseOf<C> | ((payload: RequestOf<C>) => Result<ResponseOf<C>> | Promise<Result<ResponseOf<C>>>)
export type Answers = { [C in RequestChannel]?: Answer<C> }

let commandIds = 0
/** What the service would answer when a test does not say. */
const DEFAULTS: Answers = {
  'commands:run': ({ targets }) => ({ ok: true, value: { commandId: `c${++commandIds}`, instanceIds: targets } }),
  'instances:attach': ({ instanceId }) => ({ ok: true, value: { commandId: `c${++commandIds}`, instanceIds: [instanceId] } }),
  'logs:get': { lines: [], dropped: 0 },
  'logs:sources': [],
  'logs:clear': null,
  'services:watch': null,
  'settings:check-path': { ok: true, message: 'OK.' },
}

export const fail = (message: string): Result<never> => ({ ok: false, error: { code: 'failed', message } })

export function fakeBridge(answers: Answers = {}) {
  const calls: { channel: RequestChannel; payload: unknown }[] = []
  const listeners = new Map<EventChannel, Set<(p: unknown) => void>>()
  const bridge: Bridge = {
    invoke: ((channel: RequestChannel, payload: unknown): Promise<Result<unknown>> => {
      calls.push({ channel, payload })
      const answer = (answers as Record<string, unknown>)[channel] ?? (DEFAULTS as Record<string, unknown>)[channel]
      if (answer === undefined) return Promise.resolve(fail(`no answer for ${channel} in this test`))
      if (typeof answer !== 'function') return Promise.resolve({ ok: true, value: answer })
      return Promise.resolve((answer as (p: unknown) => Result<unknown> | Promise<Result<unknown>>)(payload))
    }) as Bridge['invoke'],
    on: ((channel: EventChannel, listener: (p: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
      return () => set.delete(listener)
    }) as Bridge['on'],
  }
  return {
    bridge,
    calls,
    /** The payloads sent on one channel, in order. */
    sent: <C extends RequestChannel>(channel: C) => calls.filter((c) => c.channel === channel).map((c) => c.payload as RequestOf<C>),
    emit: <E extends EventChannel>(channel: E, payload: EventOf<E>) => listeners.get(channel)?.forEach((l) => l(payload)),
    /** Answers a channel from now on as this (a value, or a function of the payload). */
    answer: <C extends RequestChannel>(channel: C, answer: Answer<C>) => void ((answers as Record<string, unknown>)[channel] = answer),
  }
}
