// Who may talk to the browser host. The token is a capability path: every URL is under `/<token>/`, so the
// page's own relative URLs (assets, the WebSocket) carry it and no other site or local server ever receives
// it (a cookie would go to every server on 127.0.0.1, whatever its port). The Host and Origin headers must
// name this host: a loopback name with any port (an `ssh -L 9000:127.0.0.1:PORT` tunnel arrives as
// 127.0.0.1:9000 or localhost:9000), else one of its own names with its own port. A DNS-rebinding page
// uses some other name and is refused.

import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'

/** Loopback names, as they appear in Host headers and origins; any port is accepted with them. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * The names a browser may use for this host (its Host header, without the port): loopback, the bound
 * address, and when bound to every address, this machine's own name and addresses.
 */
export function hostNames(bindHost: string): Set<string> {
  const bracket = (a: string) => (a.includes(':') ? `[${a}]` : a)
  const names = new Set([...LOOPBACK, bracket(bindHost)])
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    names.add(hostname())
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bracket(a.address))
  }
  return names
}

/** A request allowed through: the path after `/<token>` (`` or `/…`, still percent-encoded) and its query. */
export interface Allowed {
  path: string
  search: string
}

export interface RequestGuard {
  /** Once listening: the port the non-loopback names must come with. */
  listening(port: number): void
  /** Where the request may go, or the status to refuse it with (403 foreign Host or Origin, 401 no token). */
  check(req: IncomingMessage): Allowed | { status: 401 | 403 }
}

export function requestGuard(bindHost: string, token: string): RequestGuard {
  const others = [...hostNames(bindHost)].map((n) => n.toLowerCase()).filter((n) => !LOOPBACK.has(n))
  let hosts = new Set<string>()
  let origins = new Set<string>()
  const expected = Buffer.from(`/${token}`)

  const hostOk = (header: string | undefined): boolean => {
    const h = (header ?? '').toLowerCase()
    const name = /^(\[[^\]]*\]|[^:]*)(:\d{1,5})?$/.exec(h)?.[1]
    return (name !== undefined && LOOPBACK.has(name)) || hosts.has(h)
  }
  const originOk = (origin: string | undefined): boolean => {
    if (origin === undefined) return true // not a browser page's request
    try {
      const u = new URL(origin)
      return (u.protocol === 'http:' && LOOPBACK.has(u.hostname) && u.origin === origin.toLowerCase()) || origins.has(origin.toLowerCase())
    } catch {
      return false // `null` (a sandboxed or file:// page), or junk
    }
  }

  return {
    listening(port) {
      // a browser leaves out the default port
      hosts = new Set(others.flatMap((n) => (port === 80 ? [n, `${n}:80`] : [`${n}:${port}`])))
      origins = new Set(others.map((n) => `http://${n}${port === 80 ? '' : `:${port}`}`))
    },
    check(req) {
      if (!hostOk(req.headers.host) || !originOk(req.headers.origin)) return { status: 403 }
      const target = req.url ?? ''
      const q = target.indexOf('?')
      const pathname = q < 0 ? target : target.slice(0, q)
      const given = Buffer.from(pathname.slice(0, expected.length))
      // `/<token>` then the end or a slash: `/<token>x/` is not it
      const next = pathname.charAt(expected.length)
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || (next !== '' && next !== '/')) return { status: 401 }
      return { path: pathname.slice(expected.length), search: q < 0 ? '' : target.slice(q) }
    },
  }
}
