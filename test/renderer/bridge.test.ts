import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, pickBridge } from '../../renderer/src/bridge'
import { wsBridge, type ConnectionState } from '../../renderer/src/bridge/ws-bridge'
import type { Bridge } from '../../shared/contract'

/** Just enough of a WebSocket to drive the client: tests open, answer, push and drop. */
class FakeSocket {
  static made: FakeSocket[] = []
  sent: { id: number; channel: string; payload: unknown }[] = []
  onopen: (() => void) | null = null
  onmessage: ((e: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.made.push(this)
  }
  send(text: string) {
    this.sent.push(JSON.parse(text))
  }
  open() {
    this.onopen?.()
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) })
  }
  drop() {
    this.onclose?.()
  }
}
const last = () => FakeSocket.made.at(-1)!

beforeEach(() => {
  FakeSocket.made = []
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.useFakeTimers()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  delete window.swiftPanel
})

describe('WebSocket bridge', () => {
  it('sends {id, channel, payload} once open, and resolves with the {id, result} answer', async () => {
    const bridge = wsBridge('ws://127.0.0.1:1/ws?token=t')
    const answer = bridge.invoke('commands:run', { command: 'start', targets: ['main'] })
    expect(last().sent).toEqual([])
    last().open()
    expect(last().sent).toEqual([{ id: 1, channel: 'commands:run', payload: { command: 'start', targets: ['main'] } }])
    last().receive({ id: 1, result: { ok: true, value: { commandId: 'c1' } } })
    expect(await answer).toEqual({ ok: true, value: { commandId: 'c1' } })
  })

  it('hands {event, payload} messages to the listeners of that event, until they unsubscribe', () => {
    const bridge = wsBridge('ws://h/ws')
    last().open()
    const got: unknown[] = []
    const off = bridge.on('notify', (n) => got.push(n.title))
    bridge.on('commands:done', () => got.push('wrong channel'))
    last().receive({ event: 'notify', payload: { id: '1', ts: 0, level: 'info', title: 'hello', body: '' } })
    last().receive('not JSON at all')
    off()
    last().receive({ event: 'notify', payload: { id: '2', ts: 0, level: 'info', title: 'again', body: '' } })
    expect(got).toEqual(['hello'])
  })

  it('fails the requests a dropped connection leaves unanswered, then reconnects with growing delays', async () => {
    const states: ConnectionState[] = []
    const bridge = wsBridge('ws://h/ws?token=t', (s) => states.push(s))
    last().open()
    const pending = bridge.invoke('services:snapshot', undefined)
    last().drop()
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'failed', message: 'The connection to the panel host was lost; reconnecting.' },
    })
    expect(states).toEqual(['connecting', 'open', 'closed'])

    // each failed attempt waits about twice as long (with jitter) before the next
    const delays: number[] = []
    for (let k = 0; k < 6; k++) {
      const before = FakeSocket.made.length
      let waited = 0
      while (FakeSocket.made.length === before) {
        await vi.advanceTimersByTimeAsync(10)
        waited += 10
      }
      delays.push(waited)
      last().drop()
    }
    expect(delays[0]).toBeGreaterThanOrEqual(180)
    expect(delays[0]).toBeLessThanOrEqual(320)
    expect(delays[3]).toBeGreaterThan(delays[0]! * 4)
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000 * 1.25 + 10)
    expect(last().url).toBe('ws://h/ws?token=t')

    // once back, the delay starts small again and queued requests go out
    const later = bridge.invoke('app:info', undefined)
    await vi.advanceTimersByTimeAsync(7000)
    last().open()
    expect(last().sent.map((m) => m.channel)).toEqual(['app:info'])
    last().receive({ id: last().sent[0]!.id, result: { ok: true, value: { version: '1', transport: 'browser', platform: 'linux' } } })
    expect((await later).ok).toBe(true)
    last().drop()
    const before = FakeSocket.made.length
    await vi.advanceTimersByTimeAsync(320)
    expect(FakeSocket.made.length).toBe(before + 1)
  })
})

describe('choosing the transport', () => {
  it('uses the Electron preload’s bridge when there is one', () => {
    const preload = { invoke: vi.fn(), on: vi.fn() } as unknown as Bridge
    window.swiftPanel = preload
    expect(pickBridge()).toBe(preload)
    expect(FakeSocket.made).toEqual([])
  })

  it('else the host’s WebSocket, under the page’s token path', () => {
    history.replaceState(null, '', '/s3cret-token/?x=1#logs')
    pickBridge()
    expect(last().url).toBe(`ws://${location.host}/s3cret-token/ws`)
    // the address stays as it is: it is the panel's stable URL
    expect(location.pathname + location.search + location.hash).toBe('/s3cret-token/?x=1#logs')
    expect(connection.opened).toBe(0)
    last().open()
    expect(connection).toEqual({ state: 'open', opened: 1 })
    last().drop()
    expect(connection.state).toBe('closed')
  })
})
