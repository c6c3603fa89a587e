// The dispatcher every transport calls (Electron's ipcMain, the browser host's WebSocket, the tests'
// in-memory bridge): check the sender, look the channel up in the contract, validate the payload, run the
// handler, and turn every outcome into a Result. It never throws.

import { requests, type ErrorData, type Handlers, type RequestChannel, type Result } from '../../shared/contract.js'
import { ValidationError } from '../../shared/validate.js'
import { ServiceError } from './errors.js'

/** Handles one raw request from `sender` (whatever the transport knows of who sent it). */
export type Dispatch<S> = (channel: unknown, payload: unknown, sender?: S) => Promise<Result<unknown>>

/** `allow` says whether a sender may call at all (Electron: is it our own page?); by default everyone may. */
export function createDispatcher<S = unknown>(handlers: Handlers, allow: (sender: S | undefined) => boolean = () => true): Dispatch<S> {
  return async (channel, payload, sender) => {
    try {
      if (!allow(sender)) return fail({ code: 'forbidden', message: 'this sender may not call the panel' })
    } catch {
      return fail({ code: 'forbidden', message: 'sender check failed' })
    }
    if (typeof channel !== 'string' || !Object.hasOwn(requests, channel)) {
      return fail({ code: 'unknown-channel', message: `unknown channel ${String(channel).slice(0, 64)}` })
    }
    const c = channel as RequestChannel
    let valid: unknown
    try {
      valid = requests[c].validate(payload)
    } catch (e) {
      return fail({ code: 'bad-request', message: e instanceof ValidationError ? e.message : 'invalid payload' })
    }
    try {
      return { ok: true, value: await (handlers[c] as (p: unknown) => unknown)(valid) }
    } catch (e) {
      if (e instanceof ServiceError) return fail({ code: e.code, message: e.message })
      if (e instanceof ValidationError) return fail({ code: 'bad-request', message: e.message })
      return fail({ code: 'failed', message: e instanceof Error ? e.message : String(e) })
    }
  }
}

const fail = (error: ErrorData): Result<never> => ({ ok: false, error })
