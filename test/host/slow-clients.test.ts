// Clients that stop reading: what the host queues for each is bounded. A client behind is sent a `dropped`
// marker, the latest snapshot and the rare events once it reads again; one that stays behind, does not
// answer pings, or leaves its answers unread is closed. Events come from a test source here, requests go
// to a real service.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest'
import type { EventChannel, EventOf, EventSink, WireMessage } from '../../shared/contract.js'
import type { LogLine } from '../../shared/types.js'
import { startHost, type Host, type HostOptions } from '../../electron/host/host.js'
import { SupervisorService } from '../../electron/service/service.js'
import { waitFor } from '../helpers/fixture.js'
import { frame, parseFrames, rawUpgrade, type RawClient } from '../helpers/raw-socket.js'

let root: string
let service: SupervisorService
const sinks = new Set<EventSink>()
const emit = <E extends EventChannel>(channel: E, payload: EventOf<E>) => sinks.forEach((s) => s(channel, payload))
let host: Host | null = null
let logged: string[] = []
const clients: RawClient[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'swift-panel-slow-'))
  service = new SupervisorService({
    settingsPath: null,
    swiftDir: join(root, 'etc'),
    runDir: join(root, 'run'),
    version: 'test',
    transport: 'browser',
  })
  await service.start()
})
afterAll(async () => {
  await service.dispose()
  rmSync(root, { recursive: true, force: true })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy()
  await host?.close()
  host = null
})

async function start(options: Partial<HostOptions> = {}): Promise<Host> {
  logged = []
  const source = {
    handlers: service.handlers,
    subscribe: (sink: EventSink) => {
      sinks.add(sink)
      return () => void sinks.delete(sink)
    },
  }
  host = await startHost(source, { port: 0, host: '127.0.0.1', rendererDir: root, log: (l) => logged.push(l), ...options })
  return host
}

async function client(h: Host): Promise<RawClient> {
  const c = await rawUpgrade(h.port, `/${h.token}/ws`, { Origin: `http://127.0.0.1:${h.port}` })
  c.socket.on('error', () => {})
  clients.push(c)
  return c
}

const line = (seq: number): LogLine => ({ seq, ts: seq, source: 'attached', stream: 'stdout', text: `line ${seq} ${'x'.repeat(80)}` })
/** A logs:lines event of `n` lines (about 140 bytes each on the wire). */
const burst = (from: number, n: number) => ({
  batches: [{ instanceId: 'proxy-server', lines: Array.from({ length: n }, (_, k) => line(from + k)) }],
})
/** A services:changed event: its content is the service's business, not the host's. */
const change = (seq: number) => ({ seq }) as unknown as EventOf<'services:changed'>
const tick = () => new Promise((r) => setImmediate(r))

/** Pushes about `mb` MB of log lines, letting the sockets write between events. */
async function flood(mb: number): Promise<number> {
  let seq = 1
  for (let i = 0; i < mb; i++) {
    emit('logs:lines', burst(seq, 7000))
    seq += 7000
    await tick()
  }
  return seq - 1
}

describe('slow browser clients', () => {
  it('a client that stops reading gets, once it reads again, a dropped marker saying what it missed, then the rare events', async () => {
    const h = await start({ feed: { behindBytes: 64 << 10, caughtUpBytes: 16 << 10, maxBehindMs: 60_000, maxQueuedBytes: 64 << 20 } })
    const c = await client(h)
    c.socket.pause()
    emit('services:changed', change(1))
    const sent = await flood(48)
    emit('services:changed', change(2))
    emit('commands:done', { commandId: 'c1', command: 'start', targets: ['main'], exitCode: 0 })
    emit('services:changed', change(3))
    c.socket.resume()

    const messages: WireMessage[] = []
    let used = 0
    await waitFor(
      () => {
        const { frames, used: u } = parseFrames(c.received().subarray(used))
        used += u
        for (const f of frames) messages.push(JSON.parse(f.payload.toString()) as WireMessage)
        return messages.some((m) => 'event' in m && m.event === 'commands:done')
      },
      30_000,
      'the events after the marker',
    )
    const linesReceived = messages.reduce(
      (n, m) => n + ('event' in m && m.event === 'logs:lines' ? (m.payload.batches[0]?.lines.length ?? 0) : 0),
      0,
    )
    const marker = messages.find((m) => 'dropped' in m)
    expect(marker).toBeDefined()
    const dropped = marker && 'dropped' in marker ? marker.dropped : { logLines: -1, outputLines: -1, changes: -1 }
    // every line and change is either sent or counted
    expect(dropped.logLines).toBeGreaterThan(0)
    expect(linesReceived + dropped.logLines).toBe(sent)
    expect(dropped.outputLines).toBe(0)
    const changesReceived = messages.filter((m) => 'event' in m && m.event === 'services:changed').length
    expect(changesReceived + dropped.changes).toBe(3)
    // after the marker: the command's end, nothing else
    const after = messages.slice(messages.indexOf(marker as WireMessage) + 1)
    expect(after.map((m) => ('event' in m ? m.event : m))).toEqual(['commands:done'])
  })

  it('a client that stays behind is closed; the host keeps serving others', async () => {
    const h = await start({ feed: { behindBytes: 64 << 10, caughtUpBytes: 16 << 10, maxBehindMs: 500, maxQueuedBytes: 64 << 20 } })
    const stalled = await client(h)
    stalled.socket.pause()
    await flood(32)
    // keep the events coming while it stays behind
    const more = setInterval(() => emit('logs:lines', burst(1, 1000)), 50)
    try {
      await waitFor(() => logged.some((l) => /behind for more than 0\.5 s/.test(l)), 20_000, 'the stalled client to be closed')
    } finally {
      clearInterval(more)
    }
    const fresh = await client(h)
    fresh.socket.write(frame({ opcode: 1, payload: Buffer.from(JSON.stringify({ id: 1, channel: 'app:info' })) }))
    await waitFor(() => fresh.received().toString().includes('"transport":"browser"'), 10_000, 'an answer to a fresh client')
  })

  it('a client that leaves its answers unread is closed past the bound', async () => {
    const h = await start({ feed: { maxQueuedBytes: 256 << 10 } })
    const c = await client(h)
    c.socket.pause()
    const request = frame({ opcode: 1, payload: Buffer.from(JSON.stringify({ id: 1, channel: 'services:snapshot' })) })
    // each answer is small; the host reads on while few are in flight, and keeps at most 256 KiB of them
    for (let i = 0; i < 20_000 && !logged.length; i++) if (!c.socket.write(request)) await tick()
    await waitFor(() => logged.some((l) => /more than 256 KiB unread/.test(l)), 30_000, 'the client to be closed')
  })

  it('a client that does not answer pings is closed', async () => {
    const h = await start({ heartbeatMs: 100 })
    const c = await client(h)
    // a raw socket answers no ping
    await c.closed
    expect(logged).toContain('closed a browser client: it did not answer a ping')
  })
})
