// The contract over the browser host's WebSocket: `{id, channel, payload}` out, `{id, result}` and
// `{event, payload}` in. Reconnects with backoff; requests made while disconnected wait for the socket.

import type { Bridge, EventChannel, Result } from '../../../shared/contract'

export function wsBridge(url: string): Bridge {
  let ws: WebSocket | null = null
  let nextId = 1
  let backoff = 250
  const pending = new Map<number, (r: Result<unknown>) => void>()
  const listeners = new Map<EventChannel, Set<(p: unknown) => void>>()
  let ready: Promise<WebSocket>

  const open = (): Promise<WebSocket> =>
    new Promise((resolve) => {
      const socket = new WebSocket(url)
      socket.onopen = () => {
        backoff = 250
        ws = socket
        resolve(socket)
        // a fresh connection: let views refetch what they missed
        listeners.get('services:changed') && void invoke('services:snapshot', undefined).then((r) => r.ok && emit('services:changed', r.value))
      }
      socket.onmessage = (e) => {
        const msg = JSON.parse(String(e.data)) as { id?: number; result?: Result<unknown>; event?: EventChannel; payload?: unknown }
        if (msg.event) emit(msg.event, msg.payload)
        else if (typeof msg.id === 'number') {
          pending.get(msg.id)?.(msg.result!)
          pending.delete(msg.id)
        }
      }
      socket.onclose = () => {
        ws = null
        for (const [, done] of pending) done({ ok: false, error: { code: 'failed', message: 'connection to the panel host lost' } })
        pending.clear()
        setTimeout(() => (ready = open()), (backoff = Math.min(backoff * 2, 5000)))
      }
    })

  const emit = (channel: EventChannel, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload))

  const invoke = async (channel: string, payload: unknown): Promise<Result<unknown>> => {
    const socket = ws ?? (await ready)
    const id = nextId++
    return new Promise((resolve) => {
      pending.set(id, resolve)
      socket.send(JSON.stringify({ id, channel, payload }))
    })
  }

  ready = open()
  return {
    invoke: invoke as Bridge['invoke'],
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener as (p: unknown) => void)
      return () => set.delete(listener as (p: unknown) => void)
    },
  }
}
