// The loopback browser host: the built renderer over HTTP and the IPC contract over WebSocket, on
// 127.0.0.1 by default. A random token guards everything; foreign Host and Origin headers are refused,
// so a DNS-rebinding page cannot drive the supervisor.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { CSP } from '../service/csp.js'
import { createDispatcher } from '../service/dispatcher.js'
import type { SupervisorService } from '../service/service.js'

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
/** A client this far behind on events is cut off (it reconnects and refetches) rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 32 << 20

export interface HostOptions {
  port: number
  host: string
  rendererDir: string
  token?: string
}

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

export async function startHost(service: SupervisorService, options: HostOptions): Promise<Host> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const dispatch = createDispatcher(service.handlers)
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
    void serveStatic(options.rendererDir, url.pathname, res, url.searchParams.has('token') ? token : null)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req, socket, head) => {
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

  const connect = (ws: WebSocket) => {
    const unsubscribe = service.subscribe((event, payload) => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate()
      ws.send(JSON.stringify({ event, payload }))
    })
    ws.on('close', unsubscribe)
    ws.on('message', async (data) => {
      let msg: unknown
      try {
        msg = JSON.parse(String(data))
      } catch {
        return ws.send(JSON.stringify({ id: null, result: { ok: false, error: { code: 'bad-request', message: 'not JSON' } } }))
      }
      const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { id?: unknown; channel?: unknown; payload?: unknown }
      const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : null
      const result = await dispatch(m.channel, m.payload)
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }))
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
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
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
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
