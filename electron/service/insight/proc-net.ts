// Sockets as /proc shows them (Linux; the network namespace of the reading process): which TCP sockets listen,
// which UDP ports are bound, and which sockets a process holds. Used to tell a worker still serving (it holds
// its server's listen socket) from an old generation draining after a reload, and to notice a conf that sends
// its logs to a UDP port nobody has bound.
//
// /proc/net/{tcp,tcp6,udp,udp6}: one line per socket, `sl local_address rem_address st … uid timeout inode`;
// addresses are hex, each 32-bit word in host (little-endian) order, the port big-endian; TCP state 0A is
// LISTEN, UDP state 07 is an unconnected (bound) socket. /proc/<pid>/fd/N links read `socket:[inode]`.

import { readdirSync, readlinkSync } from 'node:fs'
import { PROC_DIR, readProcText } from '../../supervisor/proc.js'

export interface SocketAddress {
  ip: string
  port: number
}

const TCP_LISTEN = '0A'
const UDP_UNCONNECTED = '07'

/** `0100007F:1F90` → 127.0.0.1:8080; the 32-hex-digit form → an IPv6 address (uncompressed groups, lower case). */
export function decodeAddress(hex: string): SocketAddress | null {
  const [addr = '', port = ''] = hex.split(':')
  const words = addr.match(/.{8}/g)
  if (!words || !/^[0-9A-Fa-f]{4}$/.test(port)) return null
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)))
  let ip: string
  if (bytes.length === 4) ip = bytes.join('.')
  else if (bytes.length === 16) {
    const groups = Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16))
    ip = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')
  } else return null
  return { ip, port: parseInt(port, 16) }
}

/** Sockets of one /proc/net table in the given state: inode → local address. A missing table is empty. */
function table(path: string, state: string): Map<number, SocketAddress> {
  const out = new Map<number, SocketAddress>()
  let text: string
  try {
    text = readProcText(path)
  } catch {
    return out
  }
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f[3] !== state || f[1] === undefined) continue
    const address = decodeAddress(f[1])
    const inode = Number(f[9])
    if (address && inode > 0) out.set(inode, address)
  }
  return out
}

/** Every listening TCP socket, IPv4 and IPv6: inode → local address. */
export function listeningTcp(procDir = PROC_DIR): Map<number, SocketAddress> {
  return new Map([...table(`${procDir}/net/tcp`, TCP_LISTEN), ...table(`${procDir}/net/tcp6`, TCP_LISTEN)])
}

/** Every bound, unconnected UDP socket (a syslog daemon or receiver), IPv4 and IPv6. */
export function boundUdp(procDir = PROC_DIR): SocketAddress[] {
  return [...table(`${procDir}/net/udp`, UDP_UNCONNECTED).values(), ...table(`${procDir}/net/udp6`, UDP_UNCONNECTED).values()]
}

/** Inodes of the sockets a process holds; null when its fds cannot be read (gone, or not ours to read). */
export function socketInodes(pid: number, procDir = PROC_DIR): Set<number> | null {
  let fds: string[]
  try {
    fds = readdirSync(`${procDir}/${pid}/fd`)
  } catch {
    return null
  }
  const out = new Set<number>()
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${procDir}/${pid}/fd/${fd}`))
      if (m) out.add(Number(m[1]))
    } catch {
      // closed meanwhile
    }
  }
  return out
}

/** The listening sockets (inodes) a process holds, given the table of listening sockets; null when unknowable. */
export function listenInodesOf(pid: number, listening: ReadonlyMap<number, SocketAddress>, procDir = PROC_DIR): Set<number> | null {
  const held = socketInodes(pid, procDir)
  if (held === null) return null
  return new Set([...held].filter((inode) => listening.has(inode)))
}
