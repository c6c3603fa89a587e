// Lines sent to the built-in receiver are routed as soon as a conf says so: after "Send its logs here" is
// applied, and after a conf is edited by hand. No panel restart.
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SupervisorService } from '../../electron/service/service.js'
import { cleanup, makeFixture, SAIO_CONFS, waitFor, type Fixture } from '../helpers/fixture.js'

let f: Fixture
let service: SupervisorService | null = null
afterEach(async () => {
  await service?.dispose()
  service = null
  cleanup(f)
})

/** A UDP port nobody uses right now (a TCP probe of the same number is a good enough guess on loopback). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  await new Promise((r) => server.close(r))
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}

async function send(port: number, text: string): Promise<void> {
  const socket = createSocket('udp4')
  await new Promise<void>((r) => socket.send(text, port, '127.0.0.1', () => r()))
  socket.close()
}

async function setup(): Promise<{ service: SupervisorService; port: number }> {
  f = makeFixture({ binaries: ['proxy-server', 'object-server'], confs: SAIO_CONFS })
  const port = await freePort()
  const s = new SupervisorService({
    settingsPath: null,
    swiftDir: f.etc,
    runDir: f.run,
    version: 'test',
    transport: 'browser',
    rsyslogPath: join(f.root, 'rsyslog.conf'),
  })
  service = s
  await s.handlers['settings:set']({ ...(await s.handlers['settings:get'](undefined)), syslogReceiverPort: port, refreshIntervalMs: 200 })
  await s.start()
  return { service: s, port }
}

const received = async (s: SupervisorService, id: string, text: string) =>
  (await s.handlers['logs:get']({ instanceIds: [id] })).lines.some((l) => l.source === 'receiver' && l.text.includes(text))

describe('receiver routes follow the confs', () => {
  it('routes an instance’s lines right after its conf edit is applied', async () => {
    const { service: s, port } = await setup()
    expect((await s.handlers['logs:sources']({ instanceIds: ['proxy-server'] }))[0]?.kind).not.toBe('receiver')
    const edit = await s.handlers['logs:conf-edit']({ instanceId: 'proxy-server' })
    await s.handlers['logs:conf-apply']({ instanceId: 'proxy-server', originalHash: edit.originalHash })
    expect((await s.handlers['logs:sources']({ instanceIds: ['proxy-server'] }))[0]?.kind).toBe('receiver')
    await send(port, '<134>proxy-server: hello after apply\0')
    await waitFor(() => received(s, 'proxy-server', 'hello after apply'), 5000, 'the line routed to proxy-server')
  })

  it('routes them after a conf is edited by hand, through the swift dir watch', async () => {
    const { service: s, port } = await setup()
    const conf = join(f.etc, 'object-server/1.conf')
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('[DEFAULT]\n', `[DEFAULT]\nlog_udp_host = 127.0.0.1\nlog_udp_port = ${port}\n`))
    await waitFor(
      async () => (await s.handlers['logs:sources']({ instanceIds: ['object-server.1'] }))[0]?.kind === 'receiver',
      5000,
      'object-server.1 planned on the receiver',
    )
    // the route, not just the plan: a line arrives without a restart
    await waitFor(
      async () => {
        await send(port, '<134>object-server: hello after a hand edit\0')
        return received(s, 'object-server.1', 'hello after a hand edit')
      },
      5000,
      'the line routed to object-server.1',
    )
  })

  it('"Send all logs here": one edit per conf file, applied only as shown, never to another file', async () => {
    const { service: s, port } = await setup()
    const all = await s.handlers['logs:conf-edit-all'](undefined)
    // one edit per conf file; a storage server's conf is its replicator's too
    expect(all.edits.map((e) => e.file.slice(f.etc.length + 1)).sort()).toEqual(Object.keys(SAIO_CONFS).sort())
    expect(all.edits.find((e) => e.file.endsWith('/object-server/1.conf'))?.instanceIds).toEqual(['object-server.1', 'object-replicator.1'])
    expect(all.edits.every((e) => e.diff.includes(`+log_udp_port = ${port}`))).toBe(true)
    const elsewhere = join(f.root, 'not-a-conf.conf')
    writeFileSync(elsewhere, '[DEFAULT]\n')
    const applied = await s.handlers['logs:conf-apply-all']({
      edits: [
        ...all.edits.map((e) => ({ file: e.file, originalHash: e.originalHash })),
        { file: elsewhere, originalHash: 'ab'.repeat(32) },
      ],
    })
    expect(applied.applied.map((a) => a.file)).toEqual(all.edits.map((e) => e.file))
    expect(applied.failed).toEqual([{ file: elsewhere, error: expect.stringContaining('nothing written') as string }])
    expect(readFileSync(elsewhere, 'utf8')).toBe('[DEFAULT]\n')
    // nothing runs, so nothing to restart; and now every instance logs to the receiver
    expect(applied.restart).toEqual([])
    const again = await s.handlers['logs:conf-edit-all'](undefined)
    expect(again.edits).toEqual([])
    expect(again.already.sort()).toEqual(all.edits.flatMap((e) => e.instanceIds).sort())
  })

  it('traces a transaction id across instances, in time order, with the access lines read', async () => {
    const { service: s, port } = await setup()
    for (const id of ['proxy-server', 'object-server.1']) {
      const edit = await s.handlers['logs:conf-edit']({ instanceId: id })
      await s.handlers['logs:conf-apply']({ instanceId: id, originalHash: edit.originalHash })
    }
    const txn = 'tx9f2c1d0e8b7a6f5e4d3c2-0065f1a2b3'
    await send(
      port,
      `<134>object-server: 127.0.0.1 - - [29/Nov/2026:08:06:38 +0000] "PUT /sdb1/57/AUTH_test/c/o" 201 - "PUT http://127.0.0.1:8080/v1/AUTH_test/c/o" "${txn}" "proxy-server 14101" 0.0119 "-" 14103 0\0`,
    )
    await send(
      port,
      `<134>proxy-server: 127.0.0.1 127.0.0.1 29/Nov/2026/08/06/38 PUT /v1/AUTH_test/c/o HTTP/1.0 201 - curl AUTH_tk - - - ${txn} - 0.0240 - - 1795939598.791546583 1795939598.815581322 0\0`,
    )
    await send(port, '<134>proxy-server: another request (txn: tx00000000000000000000a-0065f1a2b3)\0')
    const trace = await waitFor(
      async () => {
        const t = await s.handlers['logs:trace']({ txnId: txn })
        return t.lines.length === 2 ? t : null
      },
      5000,
      'both lines',
    )
    expect(trace!.lines.map((l) => [l.instanceId, l.access?.kind, l.access?.method, l.access?.status])).toEqual([
      ['object-server.1', 'storage', 'PUT', 201],
      ['proxy-server', 'proxy', 'PUT', 201],
    ])
  })
})
