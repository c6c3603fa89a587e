// Where a WSGI server (proxy, account, container, object) listens, and what its pipeline offers a probe,
// read from its conf exactly as Swift 2.30 reads it.
//
// Follows /usr/lib/python3/dist-packages/swift/common/wsgi.py:
// - run_wsgi → _initrp → appconfig(conf_path, name=<server>): paste.deploy reads the `[app:<server>]` section
//   (or `application:`, `composite:`, `pipeline:`, `filter-app:`) with `[DEFAULT]` laid under it, and a key that
//   `[DEFAULT]` also has keeps DEFAULT's value unless the section says `set key = …` (conf-logging.ts serverConf).
//   A `.conf.d` directory is its `*.conf` files read in order (ini.ts readConf). Unreadable conf or no such
//   section: "Error trying to load config from …", exit 1.
// - run_wsgi: `int(conf['bind_port'])` must succeed (missing or not an integer: "bind_port wasn't properly set
//   in the config file. It must be explicitly set to a valid port number.", exit 1), except for an object
//   server with `servers_per_port` > 0 (ServersPerPortStrategy), which binds one socket per port its node's
//   devices have in the object rings (BindPortsCache, whataremyips(ring_ip)) and never reads bind_port.
// - get_socket: binds (bind_ip default 0.0.0.0, bind_port); a port outside 0–65535 makes the bind raise, so the
//   server dies at start-up; port 0 gives each worker a kernel-chosen port, so there is no port to probe.
// - loadapp(conf_path): the app served is `main`; `[pipeline:main]` names filters and ends in the app.
//   Swift's healthcheck (egg:swift#healthcheck) and recon (egg:swift#recon, recon_cache_path default
//   /var/cache/swift) are filters in it.
//
// Known difference: ini.ts lowercases keys (configparser's default, right for swift's daemons), while paste
// keeps their case, so `Bind_Port = 6010` counts here but not for Swift.

import { cpus, networkInterfaces } from 'node:os'
import { isIP } from 'node:net'
import { readConf, type Ini } from '../../supervisor/ini.js'
import { pasteAppSection, pasteConfig, serverConf, WSGI_SERVERS } from '../logs/conf-logging.js'
import { objectRingFiles, ringDevices } from './ring-files.js'

export const DEFAULT_RECON_CACHE_PATH = '/var/cache/swift'

export interface WsgiPorts {
  server: string
  confFile: string
  /** The paste section the server takes its settings from, e.g. `app:object-server`. */
  appSection: string
  /** bind_ip as configured; `0.0.0.0` when unset. */
  bindIp: string
  /** Where a probe connects: bind_ip, with the wildcards 0.0.0.0 and :: mapped to 127.0.0.1 and ::1. */
  probeHost: string
  /** TCP ports the server listens on, ascending (one, except with servers_per_port). */
  ports: number[]
  /** `bind_port`, or `rings` for an object server with servers_per_port (a port per local device port). */
  portSource: 'bind_port' | 'rings'
  /** How many worker processes the parent forks: `workers` (`auto`: one per CPU; 0: it serves itself), or servers_per_port × ports. */
  workers: number
  /** The names in `[pipeline:main]`, the app last; null when `main` is not a pipeline. */
  pipeline: string[] | null
  /** Swift's healthcheck filter, when the pipeline has it: GET /healthcheck answers 200 OK (503 when disabled by file). */
  healthcheck: { disablePath: string | null } | null
  /** Swift's recon filter, when the pipeline has it: /recon/* answers, from cache files under cachePath. */
  recon: { cachePath: string } | null
}

export type WsgiPortsRead =
  | { ok: true; ports: WsgiPorts }
  /** `starts`: whether Swift still starts the server (true only for port 0: nothing fixed to probe). */
  | { ok: false; server: string; confFile: string; error: string; starts: boolean }

const BIND_PORT_ERROR = "bind_port wasn't properly set in the config file. It must be explicitly set to a valid port number."

/** Python's int() on a conf string: blanks around, a sign, `_` between digits. Null when int() would raise. */
export function pythonInt(raw: string | undefined): number | null {
  if (raw === undefined) return null
  const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(raw)
  return m?.[1] === undefined ? null : Number(m[1].replaceAll('_', ''))
}

/** The ports and pipeline of a WSGI server's conf (file or `.conf.d` dir). Never throws: errors come back as data. */
export function readWsgiPorts(server: string, confFile: string): WsgiPortsRead {
  const fail = (error: string, starts = false): WsgiPortsRead => ({ ok: false, server, confFile, error, starts })
  if (!WSGI_SERVERS.has(server)) return fail(`${server} is not a WSGI server: it listens on no port`, true)
  let ini: Ini
  try {
    ini = readConf(confFile)
  } catch (e) {
    return fail(`Error trying to load config from ${confFile}: ${(e as Error).message}`)
  }
  let appSection: string
  let conf: Record<string, string>
  try {
    ;({ section: appSection, conf } = serverConf(server, ini, confFile))
  } catch (e) {
    return fail((e as Error).message)
  }
  const bindIp = conf['bind_ip'] ?? '0.0.0.0'
  const pipeline = mainPipeline(ini, confFile)
  const common = {
    server,
    confFile,
    appSection,
    bindIp,
    probeHost: probeHost(bindIp),
    pipeline,
    healthcheck: healthcheckFilter(ini, pipeline),
    recon: reconFilter(ini, pipeline),
  }

  const serversPerPortRaw = conf['servers_per_port'] ?? '0'
  const serversPerPort = serversPerPortRaw.trim() === '' ? 0 : pythonInt(serversPerPortRaw)
  if (serversPerPort === null) return fail(`servers_per_port = ${serversPerPortRaw} is not an integer: ${server} dies at start-up`)
  if (serversPerPort > 0 && server === 'object-server') {
    let ports: number[]
    try {
      ports = ringPorts(conf['swift_dir'] ?? '/etc/swift', conf['ring_ip'] ?? bindIp)
    } catch (e) {
      return fail(`servers_per_port: cannot read the object rings: ${(e as Error).message}`, true)
    }
    return { ok: true, ports: { ...common, ports, portSource: 'rings', workers: serversPerPort * ports.length } }
  }

  const port = pythonInt(conf['bind_port'])
  if (port === null) return fail(BIND_PORT_ERROR)
  if (port < 0 || port > 65535) return fail(`bind_port = ${port} is not a port (0–65535): the bind fails and ${server} dies at start-up`)
  if (port === 0) return fail(`bind_port = 0: each worker listens on a port the kernel picks, so there is no port to probe`, true)
  return { ok: true, ports: { ...common, ports: [port], portSource: 'bind_port', workers: workerCount(conf['workers']) } }
}

/** swift's config_auto_int_value(conf.get('workers'), CPU_COUNT): unset or `auto` → one per CPU. */
function workerCount(raw: string | undefined): number {
  if (raw === undefined || raw.trim().toLowerCase() === 'auto') return cpus().length || 1
  return pythonInt(raw) ?? cpus().length
}

function probeHost(bindIp: string): string {
  if (bindIp === '0.0.0.0' || bindIp === '') return '127.0.0.1'
  if (isIP(bindIp) === 6 && /^[0:]+$/.test(bindIp)) return '::1'
  return bindIp
}

/** `[pipeline:main]`'s names, or null when `main` is an app or missing (loadapp would then fail or serve it bare). */
function mainPipeline(ini: Ini, confFile: string): string[] | null {
  let section: string
  try {
    section = pasteAppSection(ini, 'main', confFile)
  } catch {
    return null
  }
  if (!section.startsWith('pipeline:')) return null
  return (ini.sections.get(section)?.['pipeline'] ?? '').split(/\s+/).filter(Boolean)
}

/** The filter sections of the pipeline (all names but the last) that load this Swift middleware. */
function filtersOf(ini: Ini, pipeline: string[] | null, entryPoint: string): string[] {
  if (!pipeline) return []
  const egg = new RegExp(`^egg:swift#${entryPoint}$`, 'i')
  const factory = `swift.common.middleware.${entryPoint}:filter_factory`
  return pipeline
    .slice(0, -1)
    .map((name) => `filter:${name}`)
    .filter((section) => {
      if (!ini.sections.has(section)) return false
      const conf = pasteConfig(ini, section)
      return egg.test(conf['use'] ?? '') || conf['paste.filter_factory'] === factory
    })
}

function healthcheckFilter(ini: Ini, pipeline: string[] | null): WsgiPorts['healthcheck'] {
  const [section] = filtersOf(ini, pipeline, 'healthcheck')
  if (section === undefined) return null
  return { disablePath: pasteConfig(ini, section)['disable_path'] || null }
}

function reconFilter(ini: Ini, pipeline: string[] | null): WsgiPorts['recon'] {
  const [section] = filtersOf(ini, pipeline, 'recon')
  if (section === undefined) return null
  return { cachePath: pasteConfig(ini, section)['recon_cache_path'] ?? DEFAULT_RECON_CACHE_PATH }
}

/** BindPortsCache.all_bind_ports_for_node: ports of the object rings' devices on one of our addresses. */
function ringPorts(swiftDir: string, ringIp: string): number[] {
  const mine = myIps(ringIp)
  const ports = new Set<number>()
  for (const ring of objectRingFiles(swiftDir)) for (const dev of ringDevices(ring)) if (mine.has(dev.ip)) ports.add(dev.port)
  return [...ports].sort((a, b) => a - b)
}

/** whataremyips(ring_ip): that address unless it is a wildcard (or a name), else every interface's address. */
function myIps(ringIp: string): Set<string> {
  if (isIP(ringIp) !== 0 && ringIp !== '0.0.0.0' && !/^[0:]+$/.test(ringIp)) return new Set([ringIp])
  const all = new Set<string>()
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) all.add(a.address.split('%')[0] ?? a.address)
  return all
}
