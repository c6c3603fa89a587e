// A WebSocket client at the byte level, for tests that send what no well-behaved client would: a raw TCP
// socket, the HTTP upgrade written by hand, then frames built bit by bit (RFC 6455 section 5.2).
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export interface FrameSpec {
  opcode: number
  payload?: Buffer
  fin?: boolean
  /** The three RSV bits, as a number 0..7. */
  rsv?: number
  /** Clients must mask; false sends the payload in the clear. */
  mask?: boolean
  /** Declare this length instead of the payload's real one (an oversized or truncated frame). */
  declaredLength?: bigint
}

/** One frame's bytes. */
export function frame({ opcode, payload = Buffer.alloc(0), fin = true, rsv = 0, mask = true, declaredLength }: FrameSpec): Buffer {
  const length = declaredLength ?? BigInt(payload.length)
  const head = [((fin ? 1 : 0) << 7) | ((rsv & 7) << 4) | (opcode & 0xf)]
  const maskBit = mask ? 0x80 : 0
  let ext = Buffer.alloc(0)
  if (length < 126n) head.push(maskBit | Number(length))
  else if (length < 65536n) {
    head.push(maskBit | 126)
    ext = Buffer.alloc(2)
    ext.writeUInt16BE(Number(length))
  } else {
    head.push(maskBit | 127)
    ext = Buffer.alloc(8)
    ext.writeBigUInt64BE(length)
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload])
  const key = randomBytes(4)
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] ?? 0)))
  return Buffer.concat([Buffer.from(head), ext, key, masked])
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(code)
  return Buffer.concat([b, reason])
}

export interface RawClient {
  socket: Socket
  /** Everything received after the upgrade's response. */
  received(): Buffer
  /** Resolves when the server closed the connection (or it broke). */
  closed: Promise<void>
}

/**
 * Connects to 127.0.0.1:`port`, upgrades `path` to a WebSocket with `headers`, and resolves once the
 * server answered 101. Rejects with the status line otherwise.
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    let upgraded = false
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.on('error', (e) => {
      if (!upgraded) reject(e)
    })
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (upgraded) return
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      const status = buf.subarray(0, buf.indexOf('\r\n')).toString()
      buf = buf.subarray(end + 4)
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        socket.destroy()
        return reject(new Error(status))
      }
      upgraded = true
      resolve({ socket, received: () => buf, closed })
    })
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ]
    socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  })
}

/** The complete frames at the start of `buf` (a server's: unmasked), and how many bytes they took. */
export function parseFrames(buf: Buffer): { frames: { opcode: number; payload: Buffer }[]; used: number } {
  const frames: { opcode: number; payload: Buffer }[] = []
  let at = 0
  for (;;) {
    if (buf.length < at + 2) break
    const b0 = buf.readUInt8(at)
    const b1 = buf.readUInt8(at + 1)
    let length = b1 & 0x7f
    let head = 2
    if (length === 126) {
      if (buf.length < at + 4) break
      length = buf.readUInt16BE(at + 2)
      head = 4
    } else if (length === 127) {
      if (buf.length < at + 10) break
      length = Number(buf.readBigUInt64BE(at + 2))
      head = 10
    }
    if (buf.length < at + head + length) break
    frames.push({ opcode: b0 & 0xf, payload: buf.subarray(at + head, at + head + length) })
    at += head + length
  }
  return { frames, used: at }
}
