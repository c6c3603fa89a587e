// The loopback browser host: the built renderer over HTTP and the IPC contract over WebSocket, on
// 127.0.0.1 by default. A random token guards everything; foreign Host and Origin headers are refused,
// so a DNS-rebinding page cannot drive the supervisor. No client input may end or wedge the process:
// every socket has its errors handled, each client's unsent events are bounded (client-feed.ts), a client
// that stops answering pings is closed, and a client's requests in flight are bounded.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { EventChannel, EventOf, Result, WireEvent, WireResponse } from '../../shared/contract.js'
import { CSP } from '../service/csp.js'
import { createDispatcher } from '../service/dispatcher.js'
import type { SupervisorService } from '../service/service.js'
import { ClientFeed, DEFAULT_FEED_LIMITS, type FeedLimits } from './client-feed.js'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}
const COOKIE = 'swift_panel_token'
/** Larger than any request the contract allows (settings with every profile). */
const MAX_MESSAGE_BYTES = 1 << 20
/** Requests of one client being answered at once; past this its socket is not read until one is done. */
const MAX_IN_FLIGHT = 32
/** Sockets open at once (pages, assets, WebSockets): past this, new ones are refused. */
const MAX_CONNECTIONS = 256

export interface HostOptions {
  port: number
  host: string
  rendererDir: string
  token?: string
  /** Bounds on what one client is sent (tests shorten them). */
  feed?: Partial<FeedLimits>
  /** How often clients are pinged (ms); one that has not answered by the next ping is closed. */
  heartbeatMs?: number
  /** Where the host says what it did to a misbehaving client. */
  log?: (line: string) => void
}

/** The part of the service the host drives. */
export type HostedService = Pick<SupervisorService, 'handlers' | 'subscribe'>

export interface Host {
  url: string
  token: string
  port: number
  close(): Promise<void>
}

/**
 * The names a browser may use for this host (its Host header, without the port): loopback, the bound
 * address, and when bound to every address, this machine's own name and addresses. Any other name is a
 * page that got here by DNS rebinding.
 */
export function hostNames(bindHost: string): Set<string> {
  const bracket = (a: string) => (a.includes(':') ? `[${a}]` : a)
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bracket(bindHost)])
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    names.add(hostname())
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bracket(a.address))
  }
  return names
}

export async function startHost(service: HostedService, options: HostOptions): Promise<Host> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const dispatch = createDispatcher(service.handlers)
  const limits: FeedLimits = { ...DEFAULT_FEED_LIMITS, ...options.feed }
  const log = options.log ?? (() => {})
  const names = [...hostNames(options.host)].map((n) => n.toLowerCase())
  // set once listening, when the port is known (port 0 picks one)
  let allowedHosts = new Set<string>()
  let allowedOrigins = new Set<string>()

  const tokenOk = (req: IncomingMessage, url: URL): boolean => {
    const given = url.searchParams.get('token') ?? cookie(req, COOKIE) ?? req.headers['x-swift-panel-token']
    return typeof given === 'string' && safeEqual(given, token)
  }
  /** null when the request may proceed, else the status to refuse it with. */
  const refuse = (req: IncomingMessage, url: URL): number | null => {
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return 403
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return 403
    if (!tokenOk(req, url)) return 401
    return null
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const status = refuse(req, url)
    if (status)
      return send(res, status, 'text/plain; charset=utf-8', status === 401 ? 'Unauthorized: open the URL with its token\n' : 'Forbidden\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n')
    serveStatic(options.rendererDir, url.pathname, res, url.searchParams.has('token') ? token : null).catch(() => res.destroy())
  })
  server.maxConnections = MAX_CONNECTIONS

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  wss.on('error', (e) => log(`WebSocket server: ${e.message}`))
  server.on('upgrade', (req, socket, head) => {
    // a reset during the handshake must not become an uncaught error
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    const status = url.pathname === '/ws' ? refuse(req, url) : 404
    if (status) {
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\n\r\n`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws))
  })

  /** The clients connected, each with its feed and whether it answered the last ping. */
  const clients = new Map<WebSocket, { feed: ClientFeed; alive: boolean }>()

  // one subscription for every client: each event is encoded once, whatever the number of clients
  const unsubscribe = service.subscribe((channel, payload) => {
    if (clients.size === 0) return
    const message = { event: channel, payload } as WireEvent
    let frame: Buffer
    try {
      frame = Buffer.from(JSON.stringify(message))
    } catch (e) {
      return log(`could not encode a ${channel} event: ${e instanceof Error ? e.message : String(e)}`)
    }
    const lines = lineCount(channel, payload)
    for (const { feed } of clients.values()) feed.event(channel, frame, lines)
  })

  const heartbeat = setInterval(() => {
    for (const [ws, client] of clients) {
      if (!client.alive) {
        log('closed a browser client: it did not answer a ping')
        ws.terminate()
        continue
      }
      client.alive = false
      ws.ping()
    }
  }, options.heartbeatMs ?? 30_000)
  heartbeat.unref()

  const connect = (ws: WebSocket) => {
    const client = { feed: new ClientFeed(ws, limits, (why) => log(`closed a browser client: ${why}`)), alive: true }
    clients.set(ws, client)
    let inFlight = 0
    // ws answers a protocol error (bad frame, bad UTF-8, too large) by closing this connection; nothing more to do
    ws.on('error', () => {})
    ws.on('pong', () => (client.alive = true))
    ws.on('close', () => {
      clients.delete(ws)
      client.feed.dispose()
    })
    ws.on('message', (data, isBinary) => {
      if (++inFlight >= MAX_IN_FLIGHT) ws.pause()
      void respond(data, isBinary)
        .then((reply) => client.feed.answer(reply))
        .finally(() => {
          if (--inFlight < MAX_IN_FLIGHT && ws.isPaused) ws.resume()
        })
    })
  }

  /** The encoded answer to one message; never rejects. */
  const respond = async (data: RawData, isBinary: boolean): Promise<Buffer> => {
    let id: WireResponse['id'] = null
    let result: Result<unknown>
    try {
      const m = parseRequest(data, isBinary)
      id = m.id
      result = m.error ? { ok: false, error: { code: 'bad-request', message: m.error } } : await dispatch(m.channel, m.payload)
    } catch (e) {
      result = { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } }
    }
    try {
      return Buffer.from(JSON.stringify({ id, result } satisfies WireResponse))
    } catch (e) {
      const error = { code: 'failed', message: `the answer could not be encoded: ${e instanceof Error ? e.message : String(e)}` } as const
      return Buffer.from(JSON.stringify({ id, result: { ok: false, error } } satisfies WireResponse))
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  server.removeAllListeners('error')
  // after listening: an accept failing (out of file descriptors) is said, not fatal
  server.on('error', (e) => log(`HTTP server: ${e.message}`))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  // a browser leaves out the default port
  allowedHosts = new Set(names.flatMap((n) => (port === 80 ? [n, `${n}:80`] : [`${n}:${port}`])))
  allowedOrigins = new Set(names.map((n) => `http://${n}${port === 80 ? '' : `:${port}`}`))
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? hostname() : options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      clearInterval(heartbeat)
      unsubscribe()
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

async function serveStatic(root: string, pathname: string, res: ServerResponse, setCookie: string | null): Promise<void> {
  let rel: string
  try {
    rel = normalize(decodeURIComponent(pathname)).replace(/^(\.\.(\/|$))+/, '')
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'Bad request\n')
  }
  const file = join(root, rel === '/' || rel === '' ? 'index.html' : rel)
  if (!file.startsWith(root + sep) && file !== root) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden\n')
  try {
    const body = await readFile(file)
    const headers: Record<string, string> = {}
    // the token moves into a cookie so the page can reload, and the address bar can drop it
    if (setCookie) headers['Set-Cookie'] = `${COOKIE}=${setCookie}; HttpOnly; SameSite=Strict; Path=/`
    send(res, 200, MIME[extname(file)] ?? 'application/octet-stream', body, headers)
  } catch {
    send(res, 404, 'text/plain; charset=utf-8', `Not found${pathname === '/' ? ': build the renderer first (npm run build)' : ''}\n`)
  }
}

/** A message's request: its id (null if it has none), and either the channel and payload or what is wrong. */
function parseRequest(data: RawData, isBinary: boolean): { id: WireResponse['id']; channel?: unknown; payload?: unknown; error?: string } {
  if (isBinary) return { id: null, error: 'binary messages are not requests' }
  const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data))).toString(
    'utf8',
  )
  let msg: unknown
  try {
    msg = JSON.parse(text)
  } catch {
    return { id: null, error: 'not JSON' }
  }
  if (typeof msg !== 'object' || msg === null) return { id: null, error: 'not a request object' }
  const m = msg as { id?: unknown; channel?: unknown; payload?: unknown }
  const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : null
  return { id, channel: m.channel, payload: m.payload }
}

/** How many lines an event carries: what a client that is behind is told it missed. */
function lineCount(channel: EventChannel, payload: unknown): number {
  if (channel === 'logs:lines') return (payload as EventOf<'logs:lines'>).batches.reduce((n, b) => n + b.lines.length, 0)
  if (channel === 'commands:output') return (payload as EventOf<'commands:output'>).lines.length
  return 0
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(body)
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return undefined
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
