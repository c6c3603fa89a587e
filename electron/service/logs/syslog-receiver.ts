// The panel's own syslog receiver: a UDP socket on 127.0.0.1 that takes the datagrams swift's SysLogHandler
// sends when a conf sets log_udp_host/log_udp_port, and hands each to the instance whose log_name is its tag.

import { createSocket, type Socket } from 'node:dgram'
import { parseSyslogLine } from './syslog-line.js'
import { TagRouter, type LineSink, type TagRoute } from './tag-routes.js'

export interface SyslogReceiverOptions {
  /** 0 picks a free port (tests). */
  port: number
  host?: string
  routes?: readonly TagRoute[]
  onLine: LineSink
}

export interface SyslogReceiver {
  readonly port: number
  /** Replaces the tag → instance table (instances come and go as confs change). */
  setRoutes(routes: readonly TagRoute[]): void
  close(): Promise<void>
}

// Bursts from many workers at once should not overflow the kernel's default socket buffer.
const RECV_BUFFER = 1 << 20

/** Binds the socket; rejects when the port cannot be bound (in use, no permission for < 1024). */
export async function startSyslogReceiver(options: SyslogReceiverOptions): Promise<SyslogReceiver> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER })
  let router = new TagRouter(options.routes ?? [])
  socket.on('message', (data) => {
    const msg = parseSyslogLine(data.toString('utf8'))
    if (msg.tag === undefined) return
    for (const instanceId of router.lookup(msg.tag, msg.facility)) {
      options.onLine({
        instanceId,
        line: { ts: msg.ts, source: 'receiver', stream: 'log', text: msg.text, ...(msg.severity ? { severity: msg.severity } : {}) },
      })
    }
  })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(options.port, options.host ?? '127.0.0.1', () => {
        socket.off('error', reject)
        resolve()
      })
    })
  } catch (e) {
    await closeSocket(socket)
    throw e
  }
  // An 'error' event without a listener would throw in the service's process; a receive error loses one datagram.
  socket.on('error', () => {})
  return {
    port: socket.address().port,
    setRoutes(routes) {
      router = new TagRouter(routes)
    },
    close: () => closeSocket(socket),
  }
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      // Already closed.
      resolve()
    }
  })
}
