// One small HTTP GET with a hard deadline, for probing many local servers often: a plain TCP socket and an
// HTTP/1.0 request (the server answers and closes; no keep-alive, no chunking, no agent pool to leak), and
// the socket destroyed the moment the deadline passes, so no request outlives its timeout.

import { connect } from 'node:net'

export type HttpOutcome =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: string }
  /** Nobody listens there (ECONNREFUSED). */
  | { kind: 'refused' }
  /** No complete answer before the deadline (a stopped or wedged server still accepts in the kernel's backlog). */
  | { kind: 'timeout' }
  /** Anything else: reset, unreachable, a reply that is not HTTP. */
  | { kind: 'error'; message: string }

export interface HttpGetOptions {
  /** Deadline for the whole exchange, connect included, in ms. */
  timeoutMs: number
  /** Bytes of body kept; a longer answer is cut there and the socket closed (default 64 KiB). */
  maxBodyBytes?: number
}

const STATUS_LINE = /^HTTP\/\d\.\d (\d{3})/

/** GET http://host:port/path. Always resolves, at the latest after timeoutMs. */
export function httpGet(host: string, port: number, path: string, options: HttpGetOptions): Promise<HttpOutcome> {
  const maxBody = options.maxBodyBytes ?? 64 * 1024
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const hostHeader = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
    const socket = connect({ host, port })
    const finish = (outcome: HttpOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => finish({ kind: 'timeout' }), options.timeoutMs)
    // write, not end: a half-close reads as an aborted request to some servers
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.0\r\nHost: ${hostHeader}\r\nUser-Agent: swift-panel\r\nConnection: close\r\n\r\n`)
    })
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      // Enough for headers plus the body we keep: stop reading.
      if (size > maxBody + 16 * 1024) finish(parseAnswer(Buffer.concat(chunks), maxBody))
    })
    socket.on('end', () => finish(parseAnswer(Buffer.concat(chunks), maxBody)))
    socket.on('error', (e: NodeJS.ErrnoException) =>
      finish(e.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'error', message: e.code ?? e.message }),
    )
  })
}

function parseAnswer(raw: Buffer, maxBody: number): HttpOutcome {
  // latin1: one char per byte, so offsets in the text are offsets in the buffer
  const text = raw.toString('latin1')
  const status = STATUS_LINE.exec(text)
  if (!status) return { kind: 'error', message: raw.length === 0 ? 'closed without an answer' : 'not an HTTP answer' }
  const headEnd = text.indexOf('\r\n\r\n')
  const head = headEnd === -1 ? text : text.slice(0, headEnd)
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = headEnd === -1 ? Buffer.alloc(0) : raw.subarray(headEnd + 4)
  const length = Number(headers['content-length'])
  if (Number.isInteger(length) && length >= 0 && length < body.length) body = body.subarray(0, length)
  return { kind: 'answer', status: Number(status[1]), headers, body: body.subarray(0, maxBody).toString('utf8') }
}
