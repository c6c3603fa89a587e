// Where one Swift server instance sends its log lines, worked out from its conf the way Swift itself does.
//
// Mirrors (swift 2.x, /usr/lib/python3/dist-packages/swift):
// - WSGI servers: swift.common.wsgi._initrp → appconfig(conf_path, name=app_section) (paste.deploy
//   loadwsgi.ConfigLoader.get_context + LoaderContext.config) then `log_name = conf.get('log_name', app_section)`.
// - daemons: swift.common.daemon.run_daemon → utils.readconf(conf, section_name) (sets log_name to the
//   section name when absent) then get_logger(conf, conf.get('log_name', section_name)).
// - swift.common.utils.get_logger: log_facility via getattr(SysLogHandler, ..., LOG_LOCAL0), log_level via
//   getattr(logging, ....upper(), INFO), log_udp_host/log_udp_port (514), else log_address (/dev/log) when
//   it is a unix socket, else SysLogHandler's default address, UDP localhost:514.

import { statSync } from 'node:fs'
import { readConf, sectionValues, type Ini, type Section } from '../../supervisor/ini.js'
import { facilityName, type Facility, type Severity } from './syslog-codes.js'

/** The servers swift runs through run_wsgi (paste.deploy app sections); every other server is a daemon. */
export const WSGI_SERVERS: ReadonlySet<string> = new Set(['proxy-server', 'account-server', 'container-server', 'object-server'])

/** The level names getattr(logging, name) finds (swift's NOTICE is a level name, not a logging attribute). */
const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const
export type LogLevel = keyof typeof LEVELS
const LEVEL_ALIASES: Record<string, LogLevel> = { WARN: 'WARNING', FATAL: 'CRITICAL' }
/** Python levels swift logs at, with the severity SysLogHandler's priority_map gives each (swift adds NOTICE). */
const LEVEL_SEVERITIES: [number, Severity][] = [
  [10, 'debug'],
  [20, 'info'],
  [25, 'notice'],
  [30, 'warning'],
  [40, 'err'],
  [50, 'crit'],
]

// The integer attributes of logging.handlers.SysLogHandler named LOG_*: get_logger's getattr finds the
// priority constants too, and then uses them as facility codes, so LOG_ERR means facility 3 (daemon).
const SYSLOG_HANDLER_CODES = new Map(
  Object.entries({
    LOG_EMERG: 0,
    LOG_ALERT: 1,
    LOG_CRIT: 2,
    LOG_ERR: 3,
    LOG_WARNING: 4,
    LOG_NOTICE: 5,
    LOG_INFO: 6,
    LOG_DEBUG: 7,
    LOG_KERN: 0,
    LOG_USER: 1,
    LOG_MAIL: 2,
    LOG_DAEMON: 3,
    LOG_AUTH: 4,
    LOG_SYSLOG: 5,
    LOG_LPR: 6,
    LOG_NEWS: 7,
    LOG_UUCP: 8,
    LOG_CRON: 9,
    LOG_AUTHPRIV: 10,
    LOG_FTP: 11,
    LOG_NTP: 12,
    LOG_SECURITY: 13,
    LOG_CONSOLE: 14,
    LOG_SOLCRON: 15,
    LOG_LOCAL0: 16,
    LOG_LOCAL1: 17,
    LOG_LOCAL2: 18,
    LOG_LOCAL3: 19,
    LOG_LOCAL4: 20,
    LOG_LOCAL5: 21,
    LOG_LOCAL6: 22,
    LOG_LOCAL7: 23,
  }),
)
const LOG_LOCAL0 = 16
const SYSLOG_UDP_PORT = 514

export interface ConfLogging {
  /** The conf section the server reads its settings from, e.g. `app:object-server`, `object-replicator`. */
  section: string
  /** The syslog tag every line carries (swift's log_name). */
  logName: string
  facility: Facility
  level: LogLevel
  /** Set when log_udp_host is: the logger then sends datagrams there and ignores log_address. */
  udp: { host: string; port: number } | null
  address: string
}

/** Reads a conf file or `.conf.d` dir and works out the server's logging; throws with a plain message. */
export function readConfLogging(server: string, confPath: string): ConfLogging {
  return confLogging(server, readConf(confPath), confPath)
}

export function confLogging(server: string, ini: Ini, confPath = 'the conf'): ConfLogging {
  const { section, conf } = serverConf(server, ini, confPath)
  const udpHost = conf['log_udp_host'] ?? ''
  let udp: ConfLogging['udp'] = null
  if (udpHost) {
    const raw = conf['log_udp_port'] ?? String(SYSLOG_UDP_PORT)
    const port = Number(raw.trim())
    // Python's int() refuses this too, and the server dies at startup.
    if (!/^\s*[+-]?\d+\s*$/.test(raw) || port < 0 || port > 65535)
      throw new Error(`log_udp_port = ${raw} in ${confPath} is not a port number`)
    udp = { host: udpHost, port }
  }
  return {
    section,
    logName: conf['log_name'] ?? (WSGI_SERVERS.has(server) ? server : section),
    facility: facilityName(SYSLOG_HANDLER_CODES.get(conf['log_facility'] ?? 'LOG_LOCAL0') ?? LOG_LOCAL0) ?? 'local0',
    level: logLevel(conf['log_level'] ?? 'INFO'),
    udp,
    address: conf['log_address'] ?? '/dev/log',
  }
}

/** The settings the server sees, with paste.deploy's rules for WSGI servers and configparser's for daemons. */
export function serverConf(server: string, ini: Ini, confPath: string): { section: string; conf: Section } {
  if (!WSGI_SERVERS.has(server)) {
    const conf = sectionValues(ini, server)
    if (!conf) throw new Error(`${confPath} has no [${server}] section, so ${server} cannot start`)
    return { section: server, conf }
  }
  const section = pasteAppSection(ini, server, confPath)
  return { section, conf: pasteConfig(ini, section) }
}

// paste.deploy ConfigLoader.find_config_section for an APP named `name`: the first prefix of each group that
// has a match counts, and more than one match overall is an error.
const APP_PREFIX_GROUPS = [['app', 'application'], ['composite', 'composit'], ['pipeline'], ['filter-app']]
export function pasteAppSection(ini: Ini, name: string, confPath: string): string {
  const found: string[] = []
  for (const group of APP_PREFIX_GROUPS) {
    for (const prefix of group) {
      const hits = [...ini.sections.keys()].filter((s) => s.startsWith(prefix + ':') && s.slice(prefix.length + 1).trim() === name)
      if (hits.length > 0) {
        found.push(...hits)
        break
      }
    }
  }
  const [only, ...more] = found
  if (only === undefined) throw new Error(`${confPath} has no [app:${name}] section, so ${name} cannot start`)
  if (more.length > 0) throw new Error(`${confPath} has ambiguous sections for ${name}: ${found.join(', ')}`)
  return only
}

// paste.deploy ConfigLoader.get_context: a plain key that [DEFAULT] also has is skipped (DEFAULT wins), `set k`
// overrides the global value, `get k = g` copies global g; LoaderContext.config() lays local over global.
export function pasteConfig(ini: Ini, section: string): Section {
  const global: Section = { ...ini.defaults }
  const local: Section = {}
  const gets: [string, string][] = []
  for (const [key, value] of Object.entries(ini.sections.get(section) ?? {})) {
    if (key.startsWith('set ')) global[key.slice(4).trim()] = value
    else if (key.startsWith('get ')) gets.push([key.slice(4).trim(), value])
    else if (!Object.hasOwn(ini.defaults, key)) local[key] = value
  }
  for (const [key, from] of gets) {
    const value = global[from]
    if (value !== undefined) local[key] = value
  }
  return { ...global, ...local }
}

function logLevel(raw: string): LogLevel {
  const name = raw.toUpperCase()
  if (Object.hasOwn(LEVELS, name)) return name as LogLevel
  return (Object.hasOwn(LEVEL_ALIASES, name) && LEVEL_ALIASES[name]) || 'INFO'
}

/** The syslog severities a logger at this level can emit. */
export function emittedSeverities(level: LogLevel): Severity[] {
  return LEVEL_SEVERITIES.filter(([n]) => n >= LEVELS[level]).map(([, severity]) => severity)
}

export type LogDestination =
  | { kind: 'unix'; address: string }
  /** `fallback`: log_address was not a unix socket, so SysLogHandler fell back to its default UDP address. */
  | { kind: 'udp'; host: string; port: number; fallback: boolean }

/** Where get_logger's SysLogHandler actually sends, given whether a path is a unix socket right now. */
export function logDestination(logging: ConfLogging, isSocket: (path: string) => boolean = isUnixSocket): LogDestination {
  if (logging.udp) return { kind: 'udp', ...logging.udp, fallback: false }
  if (isSocket(logging.address)) return { kind: 'unix', address: logging.address }
  return { kind: 'udp', host: 'localhost', port: SYSLOG_UDP_PORT, fallback: true }
}

export function isUnixSocket(path: string): boolean {
  try {
    return statSync(path).isSocket()
  } catch {
    return false
  }
}
