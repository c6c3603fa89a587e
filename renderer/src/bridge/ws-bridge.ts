// The contract over the browser host's WebSocket: `{id, channel, payload}` out, `{id, result}` and
// `{event, payload}` in. Reconnects with backoff. A request made while disconnected is sent once the socket
// opens, and fails (as data, like any other error) if the connection drops before its answer.

import type { Bridge, EventChannel, Result } from '../../../shared/contract'

export type ConnectionState = 'connecting' | 'open' | 'closed'

const MIN_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 5000

const lost = (message: string): Result<never> => ({ ok: false, error: { code: 'failed', message } })

export function wsBridge(url: string, onState: (state: ConnectionState) => void = () => {}): Bridge {
  let socket: WebSocket | null = null
  let backoff = MIN_BACKOFF_MS
  let nextId = 1
  const pending = new Map<number, (r: Result<unknown>) => void>()
  /** Requests waiting for the socket to open. */
  const queued: { id: number; text: string }[] = []
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>()

  function connect(): void {
    onState('connecting')
    const ws = new WebSocket(url)
    ws.onopen = () => {
      socket = ws
      backoff = MIN_BACKOFF_MS
      for (const q of queued.splice(0)) ws.send(q.text)
      onState('open')
    }
    ws.onmessage = (e: MessageEvent) => {
      let msg: { id?: unknown; result?: Result<unknown>; event?: EventChannel; payload?: unknown }
      try {
        msg = JSON.parse(String(e.data))
      } catch {
        return
      }
      if (typeof msg.event === 'string') listeners.get(msg.event)?.forEach((l) => l(msg.payload))
      else if (typeof msg.id === 'number' && msg.result) {
        pending.get(msg.id)?.(msg.result)
        pending.delete(msg.id)
      }
    }
    ws.onclose = () => {
      socket = null
      queued.length = 0
      for (const done of pending.values()) done(lost('The connection to the panel host was lost; reconnecting.'))
      pending.clear()
      onState('closed')
      // jitter: several tabs of a restarted host do not all knock at once
      setTimeout(connect, backoff * (0.75 + Math.random() / 2))
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    }
  }

  connect()
  return {
    invoke: ((channel: string, payload: unknown) =>
      new Promise<Result<unknown>>((resolve) => {
        const id = nextId++
        const text = JSON.stringify({ id, channel, payload })
        pending.set(id, resolve)
        if (socket) socket.send(text)
        else queued.push({ id, text })
      })) as Bridge['invoke'],
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => void set.delete(l)
    },
  }
}
