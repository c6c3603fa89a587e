// A conf that sends its logs to a loopback UDP port nobody listens on: every line is dropped by the kernel, and
// nothing says so. Where the logs go is worked out as Swift does (conf-logging.ts: log_udp_host/log_udp_port,
// else log_address when it is a unix socket, else SysLogHandler's fallback, UDP localhost:514); whether
// anything listens is read from /proc/net/udp and udp6 (a bound, unconnected socket on that port at that
// address, or on the wildcard of the same family; Linux's default dual-stack `::` takes IPv4 as well).

import { isIP } from 'node:net'
import { logDestination, readConfLogging, type ConfLogging } from '../logs/conf-logging.js'
import { boundUdp, type SocketAddress } from './proc-net.js'

export interface SilentLogTarget {
  instanceId: string
  host: string
  port: number
  /** True when the conf did not ask for UDP: log_address is not a unix socket, so Swift fell back to localhost:514. */
  fallback: boolean
  /** For the user: what happens to the lines and why. */
  message: string
}

export interface SilentLogOptions {
  /** The bound UDP sockets, when the caller read them once for many instances (default: read /proc now). */
  bound?: readonly SocketAddress[]
  isSocket?: (path: string) => boolean
}

/** Loopback addresses a host name or address stands for; null when it is not loopback (not ours to judge). */
function loopbackAddresses(host: string): string[] | null {
  if (host === 'localhost' || host === 'ip6-localhost') return ['127.0.0.1', '::1']
  if (isIP(host) === 4 && host.startsWith('127.')) return [host]
  if (host === '::1') return ['::1']
  return null
}

/** Whether a bound UDP socket receives datagrams sent to address:port. */
function receives(s: SocketAddress, address: string, port: number): boolean {
  if (s.port !== port) return false
  if (s.ip === address || s.ip === '::') return true
  return isIP(address) === 4 && s.ip === '0.0.0.0'
}

/**
 * The instance's silent log target, or null when its logs go to a unix socket, a non-loopback host, or a loopback
 * UDP port something has bound. An unreadable conf gives null too: the log router already explains that one.
 */
export function silentLogTarget(
  instanceId: string,
  server: string,
  confFile: string,
  options: SilentLogOptions = {},
): SilentLogTarget | null {
  let logging: ConfLogging
  try {
    logging = readConfLogging(server, confFile)
  } catch {
    return null
  }
  const dest = logDestination(logging, options.isSocket)
  if (dest.kind !== 'udp') return null
  const addresses = loopbackAddresses(dest.host)
  if (!addresses) return null
  const bound = options.bound ?? boundUdp()
  if (bound.some((s) => addresses.some((a) => receives(s, a, dest.port)))) return null
  const why = dest.fallback
    ? `${logging.address} is not a syslog socket, so Swift sends them to UDP ${dest.host}:${dest.port} instead`
    : `its conf sends them to UDP ${dest.host}:${dest.port}`
  return {
    instanceId,
    host: dest.host,
    port: dest.port,
    fallback: dest.fallback,
    message: `${instanceId}'s log lines are lost: ${why}, where nothing listens.`,
  }
}
