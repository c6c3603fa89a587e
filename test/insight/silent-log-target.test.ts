import { createSocket, type Socket } from 'node:dgram'
import { afterAll, describe, expect, it } from 'vitest'
import { boundUdp, decodeAddress } from '../../electron/service/insight/proc-net.js'
import { silentLogTarget } from '../../electron/service/insight/silent-log-target.js'
import { removeTempDirs, tempDir, writeAt } from './helpers.js'

afterAll(removeTempDirs)

async function udp(type: 'udp4' | 'udp6', address: string): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket({ type, ipv6Only: false })
  await new Promise<void>((r) => socket.bind(0, address, r))
  return { socket, port: socket.address().port }
}
async function freeUdpPort(): Promise<number> {
  const { socket, port } = await udp('udp4', '127.0.0.1')
  await new Promise<void>((r) => socket.close(r))
  return port
}

describe('logs sent to a loopback UDP port nobody listens on', () => {
  const dir = tempDir()
  const conf = (name: string, logging: string) =>
    writeAt(dir, `${name}.conf`, `[DEFAULT]\n${logging}\n[app:object-server]\n[object-replicator]\n`)

  it('reads /proc/net addresses', () => {
    expect(decodeAddress('0100007F:1F90')).toEqual({ ip: '127.0.0.1', port: 8080 })
    expect(decodeAddress('00000000000000000000000001000000:0202')).toEqual({ ip: '::1', port: 514 })
    expect(decodeAddress('00000000000000000000000000000000:0035')).toEqual({ ip: '::', port: 53 })
    expect(decodeAddress('garbage')).toBeNull()
  })

  it('says so for log_udp_port with no listener, and not once something binds the port', async () => {
    const port = await freeUdpPort()
    const c = conf('udp', `log_udp_host = 127.0.0.1\nlog_udp_port = ${port}`)
    expect(silentLogTarget('object-server.1', 'object-server', c)).toEqual({
      instanceId: 'object-server.1',
      host: '127.0.0.1',
      port,
      fallback: false,
      message: `object-server.1's log lines are lost: its conf sends them to UDP 127.0.0.1:${port}, where nothing listens.`,
    })
    const listener = createSocket('udp4')
    await new Promise<void>((r) => listener.bind(port, '127.0.0.1', r))
    try {
      expect(boundUdp().some((s) => s.port === port && s.ip === '127.0.0.1')).toBe(true)
      expect(silentLogTarget('object-server.1', 'object-server', c)).toBeNull()
      expect(silentLogTarget('object-replicator.1', 'object-replicator', c)).toBeNull()
    } finally {
      await new Promise<void>((r) => listener.close(r))
    }
  })

  it('counts wildcard listeners of the right family; localhost is either family', async () => {
    const any4 = await udp('udp4', '0.0.0.0')
    const any6 = await udp('udp6', '::')
    try {
      expect(silentLogTarget('a', 'object-server', conf('any4', `log_udp_host = 127.0.0.1\nlog_udp_port = ${any4.port}`))).toBeNull()
      expect(silentLogTarget('a', 'object-server', conf('any6', `log_udp_host = 127.0.0.1\nlog_udp_port = ${any6.port}`))).toBeNull()
      expect(silentLogTarget('a', 'object-server', conf('v6', `log_udp_host = ::1\nlog_udp_port = ${any6.port}`))).toBeNull()
      expect(silentLogTarget('a', 'object-server', conf('v6on4', `log_udp_host = ::1\nlog_udp_port = ${any4.port}`))).not.toBeNull()
      expect(silentLogTarget('a', 'object-server', conf('lh', `log_udp_host = localhost\nlog_udp_port = ${any4.port}`))).toBeNull()
    } finally {
      any4.socket.close()
      any6.socket.close()
    }
  })

  it('the fallback: log_address is not a socket, so Swift sends to localhost:514; other hosts and unix sockets are not judged', () => {
    const c = conf('fallback', `log_address = ${dir}/no-such-socket`)
    const bound514 = [{ ip: '127.0.0.1', port: 514 }]
    expect(silentLogTarget('proxy-server', 'object-server', c, { bound: [] })).toMatchObject({
      host: 'localhost',
      port: 514,
      fallback: true,
      message: expect.stringContaining(`${dir}/no-such-socket is not a syslog socket`) as unknown,
    })
    expect(silentLogTarget('proxy-server', 'object-server', c, { bound: bound514 })).toBeNull()
    expect(silentLogTarget('x', 'object-server', c, { bound: [], isSocket: () => true })).toBeNull()
    expect(silentLogTarget('x', 'object-server', conf('remote', 'log_udp_host = 192.0.2.10\nlog_udp_port = 514'), { bound: [] })).toBeNull()
    expect(silentLogTarget('x', 'object-server', `${dir}/missing.conf`)).toBeNull()
  })
})
