// The contract over the browser host's WebSocket (the envelope of shared/contract.ts: WireRequest out;
// WireResponse, WireEvent and WireDropped in). No request ever hangs: one made before the first connection
// waits for it; once the connection is lost, requests in flight fail, and one made while disconnected fails
// at once with `disconnected`; every request fails with `timeout` when its answer is late. Reconnects by
// itself, with a growing, jittered delay; `reconnect()` tries at once.

import type { Bridge, EventChannel, LinkStatus, RequestChannel, Result, WireMessage, WireRequest } from '../../../shared/contract'

export interface WsBridgeOptions {
  /** How long a request waits for its answer, in ms. */
  timeoutMs?: number
  minBackoffMs?: number
  maxBackoffMs?: number
}

const DEFAULTS = { timeoutMs: 30_000, minBackoffMs: 250, maxBackoffMs: 5000 }

const failure = (code: 'disconnected' | 'timeout', message: string): Result<never> => ({ ok: false, error: { code, message } })

/** A bridge over the WebSocket at `url`, connecting now. */
export function wsBridge(url: string, options: WsBridgeOptions = {}): Bridge & Required<Pick<Bridge, 'onLink' | 'reconnect'>> {
  const { timeoutMs, minBackoffMs, maxBackoffMs } = { ...DEFAULTS, ...options }
  let socket: WebSocket | null = null
  let everOpen = false
  let backoff = minBackoffMs
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let status: LinkStatus = { state: 'connecting' }
  let nextId = 1
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }>()
  /** Requests made before the first connection, sent once it opens. */
  const queued: { id: number; text: string }[] = []
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>()
  const linkListeners = new Set<(s: LinkStatus) => void>()

  const setStatus = (s: LinkStatus) => {
    status = s
    linkListeners.forEach((l) => l(s))
  }

  const settle = (id: number, result: Result<unknown>) => {
    const p = pending.get(id)
    if (!p) return // answered late, after its timeout
    pending.delete(id)
    clearTimeout(p.timer)
    p.resolve(result)
  }

  function connect(): void {
    retryTimer = null
    const ws = new WebSocket(url)
    ws.onopen = () => {
      socket = ws
      everOpen = true
      backoff = minBackoffMs
      for (const q of queued.splice(0)) ws.send(q.text)
      setStatus({ state: 'open' })
    }
    ws.onmessage = (e: MessageEvent) => receive(e.data)
    ws.onclose = () => {
      socket = null
      const reason = everOpen
        ? 'The connection to the panel host was lost.'
        : 'Cannot reach the panel host: is `npm run serve` running, on this port?'
      for (const q of queued.splice(0)) settle(q.id, failure('disconnected', reason))
      for (const id of [...pending.keys()]) settle(id, failure('disconnected', `${reason} The request may or may not have been done.`))
      // jitter: the tabs of a restarted host do not all knock at once
      const delay = Math.round(backoff * (0.75 + Math.random() / 2))
      backoff = Math.min(backoff * 2, maxBackoffMs)
      retryTimer = setTimeout(connect, delay)
      setStatus({ state: 'closed', reason, retryAt: Date.now() + delay })
    }
  }

  function receive(data: unknown): void {
    let msg: WireMessage
    try {
      msg = JSON.parse(String(data)) as WireMessage
    } catch {
      return
    }
    if (typeof msg !== 'object' || msg === null) return
    if ('event' in msg) listeners.get(msg.event)?.forEach((l) => l(msg.payload))
    else if ('dropped' in msg) setStatus({ state: 'open', dropped: msg.dropped })
    else if ('result' in msg && typeof msg.id === 'number') settle(msg.id, msg.result)
  }

  connect()
  return {
    invoke: ((channel: RequestChannel, payload: unknown) => {
      if (status.state === 'closed')
        return Promise.resolve(failure('disconnected', `Not sent: disconnected from the panel host. ${status.reason ?? ''}`.trim()))
      return new Promise<Result<unknown>>((resolve) => {
        const id = nextId++
        const request: WireRequest = { id, channel, payload }
        const timer = setTimeout(
          () => settle(id, failure('timeout', `No answer from the panel host in ${timeoutMs / 1000} s (${channel}).`)),
          timeoutMs,
        )
        pending.set(id, { resolve, timer })
        const text = JSON.stringify(request)
        if (socket) socket.send(text)
        else queued.push({ id, text })
      })
    }) as Bridge['invoke'],
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => void set.delete(l)
    },
    onLink(listener) {
      linkListeners.add(listener)
      listener(status)
      return () => void linkListeners.delete(listener)
    },
    reconnect() {
      if (!retryTimer) return
      clearTimeout(retryTimer)
      backoff = minBackoffMs
      connect()
    },
  }
}
