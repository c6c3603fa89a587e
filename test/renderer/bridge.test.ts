import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, follow, guarded, pickBridge, resetConnection } from '../../renderer/src/bridge'
import { wsBridge } from '../../renderer/src/bridge/ws-bridge'
import type { Bridge, LinkStatus, WireRequest } from '../../shared/contract'

/** Just enough of a WebSocket to drive the client: tests open, answer, push and drop. */
class FakeSocket {
  static made: FakeSocket[] = []
  sent: WireRequest[] = []
  onopen: (() => void) | null = null
  onmessage: ((e: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.made.push(this)
  }
  send(text: string) {
    this.sent.push(JSON.parse(text) as WireRequest)
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
function last(): FakeSocket {
  const s = FakeSocket.made.at(-1)
  if (!s) throw new Error('no socket made')
  return s
}

beforeEach(() => {
  FakeSocket.made = []
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.useFakeTimers()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  delete window.swiftPanel
  resetConnection()
})

describe('WebSocket bridge', () => {
  it('sends {id, channel, payload} once open, and resolves with the {id, result} answer', async () => {
    const bridge = wsBridge('ws://127.0.0.1:1/t/ws')
    const answer = bridge.invoke('commands:run', { command: 'start', targets: ['main'] })
    expect(last().sent).toEqual([])
    last().open()
    expect(last().sent).toEqual([{ id: 1, channel: 'commands:run', payload: { command: 'start', targets: ['main'] } }])
    last().receive({ id: 1, result: { ok: true, value: { commandId: 'c1' } } })
    expect(await answer).toEqual({ ok: true, value: { commandId: 'c1' } })
  })

  it('hands {event, payload} messages to the listeners of that event, until they unsubscribe', () => {
    const bridge = wsBridge('ws://h/t/ws')
    last().open()
    const got: unknown[] = []
    const off = bridge.on('notify', (n) => got.push(n.title))
    bridge.on('commands:done', () => got.push('wrong channel'))
    last().receive({ event: 'notify', payload: { id: '1', ts: 0, level: 'info', title: 'hello', body: '' } })
    last().receive('not JSON at all')
    last().receive('42')
    off()
    last().receive({ event: 'notify', payload: { id: '2', ts: 0, level: 'info', title: 'again', body: '' } })
    expect(got).toEqual(['hello'])
  })

  it('fails the requests a dropped connection leaves unanswered, and those made while disconnected at once; reconnects with growing delays', async () => {
    const states: LinkStatus[] = []
    const bridge = wsBridge('ws://h/t/ws')
    bridge.onLink((s) => states.push(s))
    last().open()
    const pending = bridge.invoke('services:snapshot', undefined)
    last().drop()
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'disconnected', message: 'The connection to the panel host was lost. The request may or may not have been done.' },
    })
    expect(states.map((s) => s.state)).toEqual(['connecting', 'open', 'closed'])
    expect(states.at(-1)?.reason).toBe('The connection to the panel host was lost.')
    expect(states.at(-1)?.retryAt).toBeGreaterThan(Date.now())

    // while disconnected: no waiting, no queueing
    let settled: unknown = null
    void bridge.invoke('commands:run', { command: 'stop', targets: ['main'] }).then((r) => (settled = r))
    await Promise.resolve()
    expect(settled).toEqual({
      ok: false,
      error: { code: 'disconnected', message: 'Not sent: disconnected from the panel host. The connection to the panel host was lost.' },
    })

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
    const [first = 0, , , fourth = 0] = delays
    expect(first).toBeGreaterThanOrEqual(180)
    expect(first).toBeLessThanOrEqual(320)
    expect(fourth).toBeGreaterThan(first * 4)
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000 * 1.25 + 10)
    expect(last().url).toBe('ws://h/t/ws')

    // once back, requests go out again, and the delay starts small again
    await vi.advanceTimersByTimeAsync(7000)
    last().open()
    expect(states.at(-1)).toEqual({ state: 'open' })
    const later = bridge.invoke('app:info', undefined)
    expect(last().sent.map((m) => m.channel)).toEqual(['app:info'])
    last().receive({ id: last().sent[0]?.id, result: { ok: true, value: { version: '1', transport: 'browser', platform: 'linux' } } })
    expect((await later).ok).toBe(true)
    last().drop()
    const before = FakeSocket.made.length
    await vi.advanceTimersByTimeAsync(320)
    expect(FakeSocket.made.length).toBe(before + 1)
  })

  it('says so when the host cannot be reached at all, failing what waited for the first connection', async () => {
    const bridge = wsBridge('ws://h/t/ws')
    const waiting = bridge.invoke('services:snapshot', undefined)
    last().drop()
    const r = await waiting
    expect(r.ok ? '' : `${r.error.code}: ${r.error.message}`).toMatch(/^disconnected: Cannot reach the panel host/)
  })

  it('fails a request whose answer does not come in time; a late answer is ignored', async () => {
    const bridge = wsBridge('ws://h/t/ws', { timeoutMs: 1000 })
    last().open()
    const slow = bridge.invoke('logs:get', { instanceIds: ['proxy-server'] })
    await vi.advanceTimersByTimeAsync(1001)
    expect(await slow).toEqual({ ok: false, error: { code: 'timeout', message: 'No answer from the panel host in 1 s (logs:get).' } })
    last().receive({ id: 1, result: { ok: true, value: { lines: [], dropped: 0 } } })
  })

  it('passes a dropped marker on as the link status', () => {
    const states: LinkStatus[] = []
    const bridge = wsBridge('ws://h/t/ws')
    last().open()
    bridge.onLink((s) => states.push(s))
    last().receive({ dropped: { logLines: 1200, outputLines: 3, changes: 4 } })
    expect(states).toEqual([{ state: 'open' }, { state: 'open', dropped: { logLines: 1200, outputLines: 3, changes: 4 } }])
  })

  it('tries again at once when asked', () => {
    const bridge = wsBridge('ws://h/t/ws')
    last().open()
    last().drop()
    const before = FakeSocket.made.length
    bridge.reconnect()
    expect(FakeSocket.made.length).toBe(before + 1)
    // not while a connection is open or being made
    bridge.reconnect()
    expect(FakeSocket.made.length).toBe(before + 1)
  })
})

describe('the connection the page shows', () => {
  it('counts openings, keeps why it closed, and adds up what was dropped', () => {
    resetConnection()
    follow({ state: 'closed', reason: 'gone', retryAt: 5 })
    expect(connection).toMatchObject({ state: 'closed', reason: 'gone', retryAt: 5, opened: 1 })
    follow({ state: 'open' })
    follow({ state: 'open', dropped: { logLines: 10, outputLines: 1, changes: 2 } })
    follow({ state: 'open', dropped: { logLines: 5, outputLines: 0, changes: 0 } })
    expect(connection).toMatchObject({ state: 'open', reason: '', opened: 2, dropped: { logLines: 15, outputLines: 1 }, droppedMarkers: 2 })
  })

  it('makes a preload request fail at once while the service is gone, and time out when it does not answer', async () => {
    const invoke = vi.fn(() => new Promise(() => {}))
    const bridge = guarded({ invoke, on: vi.fn() } as unknown as Bridge, 1000)
    const slow = bridge.invoke('app:info', undefined)
    await vi.advanceTimersByTimeAsync(1001)
    expect(await slow).toEqual({ ok: false, error: { code: 'timeout', message: "No answer from the panel's service in 1 s (app:info)." } })
    follow({ state: 'closed', reason: 'It stopped: boom.' })
    expect(await bridge.invoke('app:info', undefined)).toEqual({
      ok: false,
      error: { code: 'disconnected', message: "Not sent: the panel's service is not running. It stopped: boom." },
    })
    expect(invoke).toHaveBeenCalledTimes(1)
  })
})

describe('choosing the transport', () => {
  it('uses the Electron preload’s bridge when there is one, and follows its link', async () => {
    let link: ((s: LinkStatus) => void) | undefined
    const preload = {
      invoke: vi.fn(() => Promise.resolve({ ok: true, value: null })),
      on: vi.fn(),
      onLink: (l: (s: LinkStatus) => void) => ((link = l), () => {}),
    } as unknown as Bridge
    window.swiftPanel = preload
    const bridge = pickBridge()
    expect(FakeSocket.made).toEqual([])
    expect(await bridge.invoke('logs:clear', { instanceIds: [] })).toEqual({ ok: true, value: null })
    expect(connection.transport).toBe('electron')
    link?.({ state: 'closed', reason: 'restarting' })
    expect(connection.state).toBe('closed')
    link?.({ state: 'open' })
    expect(connection.opened).toBe(2)
  })

  it('else the host’s WebSocket, under the page’s token path', () => {
    history.replaceState(null, '', '/s3cret-token/?x=1#logs')
    pickBridge()
    expect(last().url).toBe(`ws://${location.host}/s3cret-token/ws`)
    // the address stays as it is: it is the panel's stable URL
    expect(location.pathname + location.search + location.hash).toBe('/s3cret-token/?x=1#logs')
    expect(connection).toMatchObject({ transport: 'browser', state: 'connecting', opened: 0 })
    last().open()
    expect(connection).toMatchObject({ state: 'open', opened: 1 })
    last().drop()
    expect(connection.state).toBe('closed')
  })
})
