// The loopback browser host: the built renderer over HTTP and the IPC contract over WebSocket, on
// 127.0.0.1 by default, every URL under `/<token>/` (request-guard.ts says who may talk to it). No client
// input may end or wedge the process: every socket has its errors handled, each client's unsent events are
// bounded (client-feed.ts), a client that stops answering pings is closed, and a client's requests in
// flight are bounded.

import { readFile } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import { hostname } from 'node:os'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { EventChannel, EventOf, Result, WireEvent, WireResponse } from '../../shared/contract.js'
import { CSP } from '../service/csp.js'
import { createDispatcher } from '../service/dispatcher.js'
import type { SupervisorService } from '../service/service.js'
import { ClientFeed, DEFAULT_FEED_LIMITS, type FeedLimits } from './client-feed.js'
import { mimeType, rendererFile } from './renderer-files.js'
import { requestGuard } from './request-guard.js'
import { newToken } from './token.js'

/** Larger than any request the contract allows (settings with every profile). */
const MAX_MESSAGE_BYTES = 1 << 20
/** Requests of one client being answered at once; past this its socket is not read until one is done. */
const MAX_IN_FLIGHT = 32
/** Sockets open at once (pages, assets, WebSockets): past this, new ones are refused. */
const MAX_CONNECTIONS = 256
const TEXT = 'text/plain; charset=utf-8'

export interface HostOptions {
  port: number
  host: string
  rendererDir: string
  /** The capability every URL starts with (token.ts keeps it across runs); a fresh one by default. */
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
  /** The panel's address: `http://127.0.0.1:PORT/<token>/`. */
  url: string
  token: string
  port: number
  close(): Promise<void>
}

export async function startHost(service: HostedService, options: HostOptions): Promise<Host> {
  const token = options.token ?? newToken()
  const dispatch = createDispatcher(service.handlers)
  const limits: FeedLimits = { ...DEFAULT_FEED_LIMITS, ...options.feed }
  const log = options.log ?? (() => {})
  const guard = requestGuard(options.host, token)

  const server = createServer((req, res) => {
    const allowed = guard.check(req)
    if ('status' in allowed)
      return send(res, allowed.status, TEXT, allowed.status === 401 ? 'Unauthorized: open the URL with its token\n' : 'Forbidden\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, TEXT, 'Method not allowed\n')
    // `/<token>`: on to `/<token>/`, so that the page's relative URLs carry the token
    if (allowed.path === '') return send(res, 308, TEXT, '', { Location: `/${token}/${allowed.search}` })
    serveStatic(options.rendererDir, allowed.path, res).catch(() => res.destroy())
  })
  server.maxConnections = MAX_CONNECTIONS

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  wss.on('error', (e) => log(`WebSocket server: ${e.message}`))
  server.on('upgrade', (req, socket, head) => {
    // a reset during the handshake must not become an uncaught error
    socket.on('error', () => socket.destroy())
    const allowed = guard.check(req)
    const status = 'status' in allowed ? allowed.status : allowed.path === '/ws' ? null : 404
    if (status) {
      const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n\r\n`)
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
      if (ws.readyState === ws.OPEN) ws.ping()
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
  guard.listening(port)
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? hostname() : options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${shownHost}:${port}/${token}/`,
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

async function serveStatic(root: string, path: string, res: ServerResponse): Promise<void> {
  const file = rendererFile(root, path)
  if (!file) return send(res, 404, TEXT, 'Not found\n')
  try {
    send(res, 200, mimeType(file), await readFile(file))
  } catch {
    send(res, 404, TEXT, `Not found${path === '/' ? ': build the renderer first (npm run build)' : ''}\n`)
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
