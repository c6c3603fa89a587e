// Is a WSGI server answering? One short GET per port, all instances at once, each with a hard deadline.
//
// With Swift's healthcheck filter in the pipeline (swift/common/middleware/healthcheck.py), GET /healthcheck
// answers 200 "OK", or 503 "DISABLED BY FILE" while its disable_path exists. Without it, whatever the app
// answers to that path (a 4xx from a storage server, a 401 from the proxy) still proves the server serves.

import { httpGet } from './http-get.js'
import type { WsgiPorts } from './wsgi-ports.js'

export const DEFAULT_PROBE_TIMEOUT_MS = 1000
const HEALTHCHECK_PATH = '/healthcheck'
const DISABLED_BODY = 'DISABLED BY FILE'

export type Health =
  /** `check`: what proved it (`healthcheck`: 200 OK from the filter; `no healthcheck`: any HTTP answer). */
  | { state: 'healthy'; check: 'healthcheck' | 'no healthcheck'; status: number }
  /** `cause`: `http-error` (an error status; `status` says which), `timeout` (no answer in time), `error` (reset, not HTTP…). */
  | { state: 'unhealthy'; cause: 'http-error' | 'timeout' | 'error'; port: number; status?: number; detail: string }
  /** Connection refused: nothing listens on the port. */
  | { state: 'not listening'; port: number }
  /** The healthcheck filter's disable_path exists: Swift answers 503 "DISABLED BY FILE". */
  | { state: 'disabled'; port: number }

export interface ProbeTarget {
  /** The instance id, e.g. `object-server.1`. */
  id: string
  host: string
  /** Every port the instance listens on; its health is the worst of theirs. */
  ports: readonly number[]
  /** Whether its pipeline has Swift's healthcheck filter. */
  healthcheck: boolean
}

export interface ProbeOptions {
  /** Per probe, connect to last byte, in ms (default 1000). */
  timeoutMs?: number
}

/** The target for an instance whose ports were read from its conf. */
export function probeTarget(id: string, ports: WsgiPorts): ProbeTarget {
  return { id, host: ports.probeHost, ports: ports.ports, healthcheck: ports.healthcheck !== null }
}

/** Probes one port. Resolves within timeoutMs (plus a tick); never rejects. */
export async function probePort(host: string, port: number, healthcheck: boolean, options: ProbeOptions = {}): Promise<Health> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const outcome = await httpGet(host, port, HEALTHCHECK_PATH, { timeoutMs, maxBodyBytes: 256 })
  switch (outcome.kind) {
    case 'refused':
      return { state: 'not listening', port }
    case 'timeout':
      return { state: 'unhealthy', cause: 'timeout', port, detail: `no answer within ${timeoutMs} ms` }
    case 'error':
      return { state: 'unhealthy', cause: 'error', port, detail: outcome.message }
    case 'answer':
      if (!healthcheck) return { state: 'healthy', check: 'no healthcheck', status: outcome.status }
      if (outcome.status === 200) return { state: 'healthy', check: 'healthcheck', status: 200 }
      if (outcome.status === 503 && outcome.body.trim() === DISABLED_BODY) return { state: 'disabled', port }
      return {
        state: 'unhealthy',
        cause: 'http-error',
        port,
        status: outcome.status,
        detail: `HTTP ${outcome.status} from ${HEALTHCHECK_PATH}`,
      }
  }
}

// Worst first: a server is as healthy as its least healthy port.
const RANK: Record<Health['state'], number> = { 'not listening': 0, unhealthy: 1, disabled: 2, healthy: 3 }

/** Probes every port of a target concurrently; the worst answer wins. A target without ports is `not listening` on 0. */
export async function probeHealth(target: ProbeTarget, options: ProbeOptions = {}): Promise<Health> {
  if (target.ports.length === 0) return { state: 'not listening', port: 0 }
  const results = await Promise.all(target.ports.map((port) => probePort(target.host, port, target.healthcheck, options)))
  return results.reduce((worst, h) => (RANK[h.state] < RANK[worst.state] ? h : worst))
}

/** Probes all targets concurrently: id → health. Resolves within the timeout (plus a tick) whatever the servers do. */
export async function probeAll(targets: readonly ProbeTarget[], options: ProbeOptions = {}): Promise<Map<string, Health>> {
  const results = await Promise.all(targets.map(async (t) => [t.id, await probeHealth(t, options)] as const))
  return new Map(results)
}
