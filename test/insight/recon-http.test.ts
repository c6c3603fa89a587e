import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReconClient } from '../../electron/service/insight/recon-http.js'
import { removeTempDirs, ringFile, tempDir, writeAt } from './helpers.js'

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')

describe('recon over HTTP', () => {
  const swiftDir = tempDir()
  const objectRing = ringFile([{ id: 0, ip: '127.0.0.1', port: 6010, device: 'sdb1' }])
  const containerRing = ringFile([{ id: 0, ip: '127.0.0.1', port: 6011, device: 'sdb1' }])
  writeAt(swiftDir, 'object.ring.gz', objectRing)
  writeAt(swiftDir, 'container.ring.gz', containerRing)
  const requests: string[] = []
  let server: Server
  let port: number
  let answers: Record<string, [number, string]> = {}

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '')
      const [status, body] = answers[req.url ?? ''] ?? [404, 'Invalid path']
      if (status === 0) return // never answer
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(body)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => {
    server.closeAllConnections()
    server.close()
    removeTempDirs()
  })

  // What Swift 2.30's ReconMiddleware answers (its server's swift_dir is elsewhere: rings compare by name).
  const SWIFT_ANSWERS: Record<string, [number, string]> = {
    '/recon/async': [200, JSON.stringify({ async_pending: 3, async_pending_last: 1764400000.25 })],
    '/recon/quarantined': [200, JSON.stringify({ objects: 2, containers: 0, accounts: 1, policies: { '0': { objects: 2 } } })],
    '/recon/diskusage': [
      200,
      JSON.stringify([
        { device: 'sdb1', mounted: true, size: 1000, used: 400, avail: 600 },
        { device: 'sdb2', mounted: false, size: '', used: '', avail: '' },
        { device: 'sdb3', mounted: '[Errno 13] Permission denied', size: '', used: '', avail: '' },
      ]),
    ],
    '/recon/ringmd5': [
      200,
      JSON.stringify({
        '/srv/etc/account.ring.gz': 'f'.repeat(32),
        '/srv/etc/container.ring.gz': md5(Buffer.from('another ring')),
        '/srv/etc/object.ring.gz': md5(objectRing),
      }),
    ],
  }

  it('reads async pendings, quarantined counts, disk usage and says which rings disagree with the swift dir', async () => {
    answers = SWIFT_ANSWERS
    const client = new ReconClient({ swiftDir })
    const report = await client.get({ id: 'object-server.1', host: '127.0.0.1', port })
    expect(report.async).toEqual({ ok: true, value: { asyncPending: 3, asyncPendingLastAt: 1764400000250 } })
    expect(report.quarantined).toEqual({ ok: true, value: { objects: 2, containers: 0, accounts: 1, policies: { '0': 2 } } })
    expect(report.diskUsage).toEqual({
      ok: true,
      value: [
        { device: 'sdb1', mounted: true, size: 1000, used: 400, avail: 600 },
        { device: 'sdb2', mounted: false, size: null, used: null, avail: null },
        { device: 'sdb3', mounted: '[Errno 13] Permission denied', size: null, used: null, avail: null },
      ],
    })
    expect(report.rings).toEqual({
      ok: true,
      value: [
        { ring: 'account.ring.gz', serverPath: '/srv/etc/account.ring.gz', serverMd5: 'f'.repeat(32), localMd5: null, agrees: false },
        {
          ring: 'container.ring.gz',
          serverPath: '/srv/etc/container.ring.gz',
          serverMd5: md5(Buffer.from('another ring')),
          localMd5: md5(containerRing),
          agrees: false,
        },
        {
          ring: 'object.ring.gz',
          serverPath: '/srv/etc/object.ring.gz',
          serverMd5: md5(objectRing),
          localMd5: md5(objectRing),
          agrees: true,
        },
      ],
    })
  })

  it('asks at most once per 10 s per instance, however often it is asked', async () => {
    answers = SWIFT_ANSWERS
    let now = 1_000_000
    const client = new ReconClient({ swiftDir, now: () => now })
    const target = { id: 'object-server.2', host: '127.0.0.1', port }
    requests.length = 0
    const first = client.get(target)
    expect(client.get(target)).toBe(first) // in flight: the same ask
    await first
    now += 9_999
    expect(await client.get(target)).toBe(await first)
    expect(requests).toHaveLength(4)
    now += 1
    await client.get(target)
    expect(requests).toHaveLength(8)
    await client.get({ ...target, id: 'object-server.3' })
    expect(requests).toHaveLength(12)
  })

  it('turns every failure into data: no recon filter, a server that never answers, garbage, nobody listening', async () => {
    answers = {
      '/recon/async': [200, 'not json'],
      '/recon/quarantined': [0, ''],
      '/recon/ringmd5': [200, '[]'],
    }
    const client = new ReconClient({ swiftDir, timeoutMs: 300 })
    const report = await client.get({ id: 'object-server.4', host: '127.0.0.1', port })
    expect(report.async).toMatchObject({ ok: false, error: expect.stringContaining('/recon/async') as unknown })
    expect(report.quarantined).toEqual({ ok: false, error: 'no answer within 300 ms' })
    expect(report.diskUsage).toEqual({ ok: false, error: 'HTTP 404 from /recon/diskusage (is the recon filter in the pipeline?)' })
    expect(report.rings).toEqual({ ok: false, error: '/recon/ringmd5: not an object' })
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const gone = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    expect((await client.get({ id: 'x', host: '127.0.0.1', port: gone })).async).toEqual({ ok: false, error: 'not listening' })
  })
})
