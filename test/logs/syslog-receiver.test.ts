import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { startSyslogReceiver, type SyslogReceiver } from '../../electron/service/logs/syslog-receiver.js'
import type { RoutedLine, TagRoute } from '../../electron/service/logs/tag-routes.js'
import { waitFor } from './helpers.js'

const run = promisify(execFile)
const receivers: SyslogReceiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()))
})

const ROUTES: TagRoute[] = [
  { instanceId: 'object-server.1', logName: 'object-server', facility: 'local2' },
  { instanceId: 'object-server.2', logName: 'object-server', facility: 'local3' },
  { instanceId: 'object-replicator.1', logName: 'object-replicator', facility: 'local2' },
  { instanceId: 'proxy-server', logName: 'proxy-server', facility: 'local1' },
]

async function receiver(routes = ROUTES) {
  const got: RoutedLine[] = []
  const r = await startSyslogReceiver({ port: 0, routes, onLine: (l) => got.push(l) })
  receivers.push(r)
  return { r, got }
}

async function send(port: number, datagrams: string[]) {
  const client = createSocket('udp4')
  for (const d of datagrams)
    await new Promise<void>((resolve, reject) => client.send(d, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())))
  client.close()
}

const textsOf = (got: RoutedLine[], id: string) => got.filter((l) => l.instanceId === id).map((l) => l.line.text)

describe('built-in syslog receiver', () => {
  it('routes swift-style datagrams by tag, and by facility where a tag is shared', async () => {
    const { r, got } = await receiver()
    expect(r.port).toBeGreaterThan(0)
    await send(r.port, [
      '<150>object-server: PUT /sdb1/0/a/c/o 201\0',
      '<158>object-server: GET /sdb2/0/a/c/o 200\0',
      '<147>object-replicator: Error syncing partition\0',
      '<142>proxy-server: GET /v1/AUTH_test 200\0',
      '<150>object-auditor: not ours\0',
    ])
    await waitFor('four lines', () => got.length === 4)
    expect(textsOf(got, 'object-server.1')).toEqual(['PUT /sdb1/0/a/c/o 201'])
    expect(textsOf(got, 'object-server.2')).toEqual(['GET /sdb2/0/a/c/o 200'])
    expect(textsOf(got, 'object-replicator.1')).toEqual(['Error syncing partition'])
    expect(got[0]!.line).toMatchObject({ source: 'receiver', stream: 'log' })
    expect(Math.abs(got[0]!.line.ts - Date.now())).toBeLessThan(5000)
  })

  it("keeps a datagram's syslog severity on the line, so the panel colours what the text does not say", async () => {
    const { r, got } = await receiver()
    // local1 (17): <140> is warning (4), <139> err (3), <142> info (6)
    await send(r.port, ['<140>proxy-server: a slow answer\0', '<139>proxy-server: it broke\0', '<142>proxy-server: fine\0'])
    await waitFor('three lines', () => got.length === 3)
    expect(got.map((l) => [l.line.text, l.line.severity])).toEqual([
      ['a slow answer', 'warning'],
      ['it broke', 'err'],
      ['fine', 'info'],
    ])
  })

  it('takes new routes while running', async () => {
    const { r, got } = await receiver([])
    r.setRoutes([{ instanceId: 'object-expirer', logName: 'object-expirer', facility: null }])
    await send(r.port, ['<134>object-expirer: Pass completed\0'])
    await waitFor('the line', () => got.length === 1)
    expect(got[0]).toMatchObject({ instanceId: 'object-expirer', line: { text: 'Pass completed' } })
  })

  it('refuses a port in use and frees its own on close', async () => {
    const { r } = await receiver()
    await expect(startSyslogReceiver({ port: r.port, onLine: () => {} })).rejects.toThrow(/EADDRINUSE/)
    const port = r.port
    await receivers.pop()!.close()
    const again = await startSyslogReceiver({ port, onLine: () => {} })
    receivers.push(again)
    expect(again.port).toBe(port)
  })

  it("gets a python process's SysLogHandler lines under the right instance", async () => {
    const { r, got } = await receiver()
    // What swift's get_logger sets up: SysLogHandler to (host, port), facility LOCAL2, format "%(server)s: %(message)s".
    const script = `
import logging, logging.handlers, sys
handler = logging.handlers.SysLogHandler(address=('127.0.0.1', int(sys.argv[1])), facility=logging.handlers.SysLogHandler.LOG_LOCAL2)
handler.setFormatter(logging.Formatter('object-server: %(message)s'))
log = logging.getLogger('object-server')
log.propagate = False
log.addHandler(handler)
log.setLevel(logging.INFO)
for i in range(40):
    log.info('GET /sdb1/%d/AUTH_test/c/o 200', i)
log.error('ERROR __call__ error with GET')
`
    await run('/usr/bin/python3', ['-c', script, String(r.port)])
    await waitFor('41 lines', () => got.length === 41)
    expect(textsOf(got, 'object-server.1')).toEqual([
      ...Array.from({ length: 40 }, (_, i) => `GET /sdb1/${i}/AUTH_test/c/o 200`),
      'ERROR __call__ error with GET',
    ])
  })

  it.runIf(existsSync('/usr/lib/python3/dist-packages/swift/common/utils.py'))("gets lines from swift's own get_logger", async () => {
    const { r, got } = await receiver()
    const script = `
import sys
from swift.common.utils import get_logger
conf = {'log_udp_host': '127.0.0.1', 'log_udp_port': sys.argv[1], 'log_facility': 'LOG_LOCAL3', 'log_name': 'object-server'}
logger = get_logger(conf, conf['log_name'], log_route='object-server')
logger.info('Started child %s', 1234)
try:
    raise ValueError('bad')
except ValueError:
    logger.exception('Trouble')
`
    await run('/usr/bin/python3', ['-c', script, String(r.port)])
    await waitFor('two lines', () => got.length === 2)
    expect(textsOf(got, 'object-server.2')[0]).toBe('Started child 1234')
    // swift's formatter folds the traceback into the one line with #012.
    expect(textsOf(got, 'object-server.2')[1]).toMatch(/^Trouble: #012Traceback .*ValueError: bad$/)
  })
})
