// Malformed WebSocket frames against `npm run serve` in a process of its own: raw bytes on the TCP socket
// after a valid upgrade. Whatever a client sends, the host closes that one connection and keeps serving.
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { cleanup, makeFixture, serveFixture, type Fixture } from '../helpers/fixture.js'
import { closePayload, frame, rawUpgrade } from '../helpers/raw-socket.js'

const TEXT = 0x1
const BINARY = 0x2
const CLOSE = 0x8
const PING = 0x9
const CONTINUATION = 0x0

let f: Fixture
let host: Awaited<ReturnType<typeof serveFixture>>

beforeAll(async () => {
  f = makeFixture()
  host = await serveFixture(f)
})
afterAll(async () => {
  await host.stop()
  cleanup(f)
})

const alive = () => host.child.exitCode === null && host.child.signalCode === null
const port = () => Number(new URL(host.url).port)
/** The WebSocket path under the printed URL's token path. */
const wsPath = () => `${new URL(host.url).pathname}ws`
const origin = () => `http://127.0.0.1:${port()}`

let seed = 7
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const text = (s: string) => Buffer.from(s)

/** Each case: the bytes sent after the upgrade, and whether to end the socket after them. */
const cases: { name: string; bytes: Buffer; end?: boolean }[] = [
  { name: 'a frame declaring 2^40 bytes', bytes: frame({ opcode: TEXT, declaredLength: 2n ** 40n }) },
  { name: 'a 2 MiB text frame, over the message limit', bytes: frame({ opcode: TEXT, payload: Buffer.alloc(2 << 20, 0x61) }) },
  { name: 'a length with its most significant bit set', bytes: frame({ opcode: TEXT, declaredLength: 2n ** 63n + 5n }) },
  { name: 'an unmasked text frame', bytes: frame({ opcode: TEXT, payload: text('{"id":1,"channel":"app:info"}'), mask: false }) },
  { name: 'invalid UTF-8 in a text frame', bytes: frame({ opcode: TEXT, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]) }) },
  { name: 'reserved opcode 0x3', bytes: frame({ opcode: 0x3, payload: text('x') }) },
  { name: 'reserved control opcode 0xB', bytes: frame({ opcode: 0xb, payload: text('x') }) },
  { name: 'RSV1 set without an extension', bytes: frame({ opcode: TEXT, payload: text('{}'), rsv: 4 }) },
  { name: 'close code 999', bytes: frame({ opcode: CLOSE, payload: closePayload(999) }) },
  { name: 'close code 1005 (reserved)', bytes: frame({ opcode: CLOSE, payload: closePayload(1005) }) },
  { name: 'close code 5000', bytes: frame({ opcode: CLOSE, payload: closePayload(5000) }) },
  { name: 'a close payload of one byte', bytes: frame({ opcode: CLOSE, payload: Buffer.from([3]) }) },
  { name: 'a close reason in invalid UTF-8', bytes: frame({ opcode: CLOSE, payload: closePayload(1000, Buffer.from([0xc0, 0xaf])) }) },
  { name: 'a fragmented ping', bytes: frame({ opcode: PING, payload: text('p'), fin: false }) },
  { name: 'a ping over 125 bytes', bytes: frame({ opcode: PING, payload: Buffer.alloc(200, 1) }) },
  { name: 'a continuation with nothing to continue', bytes: frame({ opcode: CONTINUATION, payload: text('x') }) },
  {
    name: 'a new message inside a fragmented one',
    bytes: Buffer.concat([frame({ opcode: TEXT, payload: text('{"a":'), fin: false }), frame({ opcode: BINARY, payload: text('1}') })]),
  },
  {
    name: 'fragments adding up past the message limit',
    bytes: Buffer.concat([
      frame({ opcode: TEXT, payload: Buffer.alloc(700_000, 0x61), fin: false }),
      frame({ opcode: CONTINUATION, payload: Buffer.alloc(700_000, 0x61) }),
    ]),
  },
  { name: 'a header cut short, then the end', bytes: frame({ opcode: TEXT, payload: Buffer.alloc(300) }).subarray(0, 3), end: true },
  { name: 'a payload cut short, then the end', bytes: frame({ opcode: TEXT, payload: Buffer.alloc(100) }).subarray(0, 40), end: true },
  { name: 'a payload cut short, left open', bytes: frame({ opcode: TEXT, payload: Buffer.alloc(100) }).subarray(0, 40) },
  { name: 'a masking key cut short', bytes: frame({ opcode: TEXT, payload: text('abc') }).subarray(0, 4), end: true },
  ...Array.from({ length: 20 }, (_, k) => ({
    name: `random bytes #${k + 1}`,
    bytes: Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))),
    end: k % 2 === 0,
  })),
  ...Array.from({ length: 10 }, (_, k) => ({
    name: `a random frame header #${k + 1}`,
    bytes: Buffer.concat([Buffer.from([Math.floor(rnd() * 256), Math.floor(rnd() * 256)]), randomBytes(Math.floor(rnd() * 40))]),
  })),
]

describe('the browser host under malformed WebSocket frames', () => {
  it(`survives every one of ${cases.length} malformed frames, closing only that connection`, async () => {
    const killedBy: string[] = []
    for (const c of cases) {
      const client = await rawUpgrade(port(), wsPath(), { Origin: origin() })
      client.socket.on('error', () => {})
      client.socket.write(c.bytes)
      if (c.end) client.socket.end()
      await Promise.race([client.closed, new Promise((r) => setTimeout(r, 1000))])
      client.socket.destroy()
      // let an exit, if any, be seen
      await new Promise((r) => setTimeout(r, 50))
      if (!alive()) {
        killedBy.push(c.name)
        // keep counting: a fresh host for the next case
        host = await serveFixture(f)
      }
    }
    expect(killedBy).toEqual([])

    // still answering a well-formed client
    const ws = new WebSocket(`ws://127.0.0.1:${port()}${wsPath()}`, { headers: { origin: origin() } })
    const answer = await new Promise<string>((resolve, reject) => {
      ws.once('error', reject)
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, channel: 'app:info' })))
      ws.on('message', (d: Buffer) => resolve(d.toString()))
    })
    ws.close()
    expect(JSON.parse(answer)).toMatchObject({ id: 1, result: { ok: true, value: { transport: 'browser' } } })
  })

  it('survives malformed requests and handshakes, and connections reset halfway', async () => {
    const key = randomBytes(16).toString('base64')
    const head = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`)
    const upgrade = (extra: string[]) =>
      head([`GET ${wsPath()} HTTP/1.1`, `Host: 127.0.0.1:${port()}`, 'Upgrade: websocket', 'Connection: Upgrade', ...extra])
    const requests: { name: string; bytes: Buffer; reset?: boolean }[] = [
      { name: 'not HTTP', bytes: Buffer.from('GARBAGE\r\n\r\n') },
      { name: 'binary junk', bytes: randomBytes(4096) },
      { name: 'a 64 KiB header', bytes: head([`GET ${wsPath()} HTTP/1.1`, `Host: 127.0.0.1:${port()}`, `X-Big: ${'a'.repeat(65536)}`]) },
      { name: 'an upgrade of the wrong version', bytes: upgrade([`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 8']) },
      { name: 'an upgrade without a key', bytes: upgrade(['Sec-WebSocket-Version: 13']) },
      { name: 'an upgrade with a bad key', bytes: upgrade(['Sec-WebSocket-Key: short', 'Sec-WebSocket-Version: 13']) },
      {
        name: 'an upgrade reset before the answer',
        bytes: upgrade([`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13']),
        reset: true,
      },
      { name: 'a request reset halfway', bytes: Buffer.from(`GET ${new URL(host.url).pathname} HTTP/1.1\r\nHost: 127`), reset: true },
    ]
    const killedBy: string[] = []
    for (const r of requests) {
      const socket = connect(port(), '127.0.0.1')
      socket.on('error', () => {})
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      socket.write(r.bytes)
      if (r.reset) socket.resetAndDestroy()
      await Promise.race([new Promise((done) => socket.once('close', done)), new Promise((done) => setTimeout(done, 1000))])
      socket.destroy()
      await new Promise((done) => setTimeout(done, 50))
      if (!alive()) {
        killedBy.push(r.name)
        host = await serveFixture(f)
      }
    }
    expect(killedBy).toEqual([])
    const page = await fetch(host.url)
    expect(page.status).toBe(200)
  })
})
