import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeAll, probePort, type ProbeTarget } from '../../electron/service/insight/health-probe.js'

/** A tiny HTTP server answering every request with this status and body; resolves with its port. */
async function http(status: number, body: string): Promise<{ server: HttpServer; port: number }> {
  const server = createHttpServer((_req, res) => res.writeHead(status, { 'Content-Type': 'text/plain' }).end(body))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as AddressInfo).port }
}

/** A TCP server that accepts and then says nothing (a SIGSTOPped server's kernel still accepts); records its sockets. */
async function silent(reply?: string): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = []
  const server = createTcpServer((s) => {
    sockets.push(s)
    s.on('error', () => undefined)
    s.resume()
    if (reply !== undefined) s.end(reply)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as AddressInfo).port, sockets }
}

/** A port nobody listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const { server, port } = await silent()
  await new Promise((r) => server.close(r))
  return port
}

describe('health probe', () => {
  const servers: (Server | HttpServer)[] = []
  let ok: number, disabled: number, failing: number, notFound: number, busy: number, refused: number, garbage: number
  let hung: Awaited<ReturnType<typeof silent>>

  beforeAll(async () => {
    const made = await Promise.all([
      http(200, 'OK'),
      http(503, 'DISABLED BY FILE'),
      http(500, 'boom'),
      http(404, 'Not Found'),
      http(503, 'busy'),
    ])
    ;[ok, disabled, failing, notFound, busy] = made.map((m) => m.port) as [number, number, number, number, number]
    hung = await silent()
    const junk = await silent('SSH-2.0-OpenSSH\r\n')
    garbage = junk.port
    servers.push(...made.map((m) => m.server), hung.server, junk.server)
    refused = await closedPort()
  })
  afterAll(async () => {
    for (const s of servers) s.close()
    await Promise.resolve()
  })

  it("reads Swift's healthcheck: 200 OK healthy, 503 DISABLED BY FILE disabled, other errors unhealthy with the status", async () => {
    expect(await probePort('127.0.0.1', ok, true)).toEqual({ state: 'healthy', check: 'healthcheck', status: 200 })
    expect(await probePort('127.0.0.1', disabled, true)).toEqual({ state: 'disabled', port: disabled })
    expect(await probePort('127.0.0.1', failing, true)).toEqual({
      state: 'unhealthy',
      cause: 'http-error',
      port: failing,
      status: 500,
      detail: 'HTTP 500 from /healthcheck',
    })
    // a 503 that is not the filter's disabled answer is an error
    expect(await probePort('127.0.0.1', busy, true)).toMatchObject({ state: 'unhealthy', cause: 'http-error', status: 503 })
  })

  it('without a healthcheck filter, any HTTP answer is healthy ("no healthcheck")', async () => {
    expect(await probePort('127.0.0.1', notFound, false)).toEqual({ state: 'healthy', check: 'no healthcheck', status: 404 })
    expect(await probePort('127.0.0.1', failing, false)).toEqual({ state: 'healthy', check: 'no healthcheck', status: 500 })
  })

  it('tells not listening (refused) from no answer in time, and destroys the socket on timeout', async () => {
    expect(await probePort('127.0.0.1', refused, true)).toEqual({ state: 'not listening', port: refused })
    const before = hung.sockets.length
    expect(await probePort('127.0.0.1', hung.port, true, { timeoutMs: 200 })).toEqual({
      state: 'unhealthy',
      cause: 'timeout',
      port: hung.port,
      detail: 'no answer within 200 ms',
    })
    expect(hung.sockets.length).toBe(before + 1)
    const sock = hung.sockets.at(-1)
    // our side is gone: the server sees the connection end
    await new Promise<void>((resolve) => (sock?.closed ? resolve() : sock?.once('close', () => resolve())))
    expect(await probePort('127.0.0.1', garbage, true)).toEqual({
      state: 'unhealthy',
      cause: 'error',
      port: garbage,
      detail: 'not an HTTP answer',
    })
  })

  it('probes many instances at once; an instance is as healthy as its worst port', async () => {
    const targets: ProbeTarget[] = [
      { id: 'proxy-server', host: '127.0.0.1', ports: [ok], healthcheck: true },
      { id: 'object-server.1', host: '127.0.0.1', ports: [ok, hung.port], healthcheck: true },
      { id: 'object-server.2', host: '127.0.0.1', ports: [refused, hung.port], healthcheck: true },
      { id: 'object-server.3', host: '127.0.0.1', ports: [], healthcheck: true },
      ...Array.from({ length: 40 }, (_, i) => ({ id: `account-server.${i}`, host: '127.0.0.1', ports: [notFound], healthcheck: false })),
    ]
    const health = await probeAll(targets, { timeoutMs: 300 })
    expect(health.size).toBe(targets.length)
    expect(health.get('proxy-server')?.state).toBe('healthy')
    expect(health.get('object-server.1')).toMatchObject({ state: 'unhealthy', cause: 'timeout', port: hung.port })
    expect(health.get('object-server.2')).toEqual({ state: 'not listening', port: refused })
    expect(health.get('object-server.3')).toEqual({ state: 'not listening', port: 0 })
    expect([...health.values()].filter((h) => h.state === 'healthy')).toHaveLength(41)
  })
})
