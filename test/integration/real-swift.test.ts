// Our swift-init driving a real Swift cluster (Debian's packages), laid out by ../shared/saio/saio.sh.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SupervisorService } from '../../electron/service/service.js'
import { waitFor } from '../helpers/fixture.js'
import { freePortBlock } from '../helpers/ports.js'

const SAIO = resolve(__dirname, '../../../shared/saio/saio.sh')
const CLI = resolve(__dirname, '../../out/node/electron/cli/swift-init.js')

function whyNot(): string | null {
  if (!existsSync(SAIO)) return `no ${SAIO} (the shared SAIO script sits beside the checkout)`
  if (spawnSync('sh', ['-c', 'command -v swift-proxy-server && command -v swift-ring-builder']).status !== 0)
    return 'Debian Swift is not installed (apt-get install swift swift-proxy swift-account swift-container swift-object)'
  if (spawnSync('/usr/bin/python3', ['-c', 'import swift.common.manager']).status !== 0) return 'python3 cannot import swift'
  return null
}
const reason = whyNot()
if (reason) console.warn(`SKIP real Swift integration: ${reason}`)

const dir = reason ? '' : mkdtempSync(join(tmpdir(), 'swift-panel-saio-'))
/** The SAIO's base port (it uses base … base+22), and our receiver's: probed free, set in beforeAll. */
let port = 0

function ours(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--swift-dir', join(dir, 'etc'), '--run-dir', join(dir, 'run'), ...args], {
    encoding: 'utf8',
    timeout: 90_000,
  })
  return { code: r.status ?? -1, out: r.stdout + r.stderr }
}

/** pids of processes started with one of this cluster's confs */
function clusterPids(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(`${dir}/etc/`)
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Every main server of the SAIO answers /healthcheck (proxy B; object, container, account N at B+10N, +1, +2). */
async function healthy(timeoutMs = 30_000): Promise<boolean> {
  const ports = [port, ...[1, 2].flatMap((n) => [0, 1, 2].map((k) => port + 10 * n + k))]
  const answers = async (p: number) => {
    try {
      return (await fetch(`http://127.0.0.1:${p}/healthcheck`)).ok
    } catch {
      return false // not listening yet
    }
  }
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if ((await Promise.all(ports.map(answers))).every(Boolean)) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

async function auth(): Promise<{ url: string; token: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/auth/v1.0`, { headers: { 'X-Auth-User': 'test:tester', 'X-Auth-Key': 'testing' } })
  expect(r.status).toBe(200)
  return { url: r.headers.get('x-storage-url')!, token: r.headers.get('x-auth-token')! }
}

describe.skipIf(reason !== null)('our swift-init on a real Swift cluster', () => {
  beforeAll(async () => {
    port = await freePortBlock(30)
    execFileSync(SAIO, ['up', dir, String(port)], { stdio: 'pipe', timeout: 120_000 })
    // saio.sh starts the cluster with the reference; from here on it is ours alone.
    expect(ours('main', 'stop').code).toBe(0)
    expect(clusterPids()).toEqual([])
  }, 180_000)

  afterAll(() => {
    if (dir) spawnSync(SAIO, ['down', dir, '--wipe'], { stdio: 'ignore', timeout: 60_000 })
  }, 90_000)

  it('starts main, serves a PUT and a GET, keeps serving through reload, and stop leaves nothing running', async () => {
    const start = ours('start', 'main')
    expect(start.code, start.out).toBe(0)
    expect(start.out).toContain(`Starting proxy-server...(${dir}/etc/proxy-server.conf)`)
    expect(await healthy()).toBe(true)
    expect(ours('main', 'status').code).toBe(0)

    let { url, token } = await auth()
    expect((await fetch(`${url}/panel`, { method: 'PUT', headers: { 'X-Auth-Token': token } })).status).toBeLessThan(300)
    const put = await fetch(`${url}/panel/hello`, { method: 'PUT', headers: { 'X-Auth-Token': token }, body: 'hello swift' })
    expect(put.status).toBe(201)
    expect(await (await fetch(`${url}/panel/hello`, { headers: { 'X-Auth-Token': token } })).text()).toBe('hello swift')

    const reload = ours('main', 'reload')
    expect(reload.code, reload.out).toBe(0)
    expect(reload.out).toMatch(/Signal proxy-server {2}pid: \d+ {2}signal: 1\b/)
    expect(await healthy()).toBe(true)
    ;({ url, token } = await auth())
    expect(await (await fetch(`${url}/panel/hello`, { headers: { 'X-Auth-Token': token } })).text()).toBe('hello swift')

    const stop = ours('main', 'stop')
    expect(stop.code, stop.out).toBe(0)
    expect(ours('main', 'status').code).toBe(1)
    expect(clusterPids()).toEqual([])
  }, 180_000)

  it('routes real proxy and object-server log lines to their instances through the built-in receiver', async () => {
    // the SAIO's daemons log over UDP (log_udp_port); point this copy's confs at our receiver instead
    const receiverPort = port + 27 // in the probed block, unused by the SAIO
    const confs = ['proxy-server.conf', ...['account', 'container', 'object'].flatMap((t) => [1, 2].map((n) => `${t}-server/${n}.conf`))]
    for (const c of confs) {
      const path = join(dir, 'etc', c)
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^log_udp_port = \d+$/m, `log_udp_port = ${receiverPort}`))
    }
    const service = new SupervisorService({
      settingsPath: null,
      swiftDir: join(dir, 'etc'),
      runDir: join(dir, 'run'),
      version: 'test',
      transport: 'browser',
    })
    await service.handlers['settings:set']({ ...(await service.handlers['settings:get'](undefined)), syslogReceiverPort: receiverPort })
    await service.start()
    try {
      const sources = await service.handlers['logs:sources']({ instanceIds: ['proxy-server', 'object-server.1'] })
      expect(sources.map((s) => [s.instanceId, s.kind])).toEqual([
        ['proxy-server', 'receiver'],
        ['object-server.1', 'receiver'],
      ])
      service.runCommand({ command: 'start', targets: ['main'] })
      // every main server answering, as the panel's probes see it: only then do PUTs reach the storage servers
      const main = () => service.current().instances.filter((i) => i.group === 'main' && i.confFile)
      await waitFor(() => main().every((i) => i.health?.word === 'healthy'), 60_000, 'every main instance healthy')
      const { url, token } = await auth()
      await fetch(`${url}/logs`, { method: 'PUT', headers: { 'X-Auth-Token': token } })
      for (let i = 0; i < 4; i++) await fetch(`${url}/logs/o${i}`, { method: 'PUT', headers: { 'X-Auth-Token': token }, body: 'x' })
      const lines = async (id: string) =>
        (await service.handlers['logs:get']({ instanceIds: [id] })).lines.filter((l) => l.source === 'receiver')
      // wait for the request lines themselves: start-up lines ("Started child …") arrive first
      const objectPuts = async () =>
        [...(await lines('object-server.1')), ...(await lines('object-server.2'))].some((l) => /PUT \/sdb\d/.test(l.text))
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && (!(await lines('proxy-server')).some((l) => l.text.includes('PUT')) || !(await objectPuts())))
        await new Promise((r) => setTimeout(r, 200))
      expect((await lines('proxy-server')).some((l) => l.text.includes('PUT'))).toBe(true)
      const objectLines = [...(await lines('object-server.1')), ...(await lines('object-server.2'))]
      expect(objectLines.some((l) => /PUT \/sdb\d/.test(l.text))).toBe(true)
      // no object-server line was taken for the proxy's, nor the other way round
      expect((await lines('proxy-server')).some((l) => /\/sdb\d\//.test(l.text))).toBe(false)

      // the trace of one PUT: the proxy's access line and the object servers' lines for the same txn id
      const put = (await lines('proxy-server')).find((l) => / PUT \/v1\/AUTH_test\/logs\/o0 /.test(l.text))
      const txnId = /\b(tx[0-9a-f]{21}-[0-9a-f]{10})\b/.exec(put?.text ?? '')?.[1]
      expect(txnId).toBeDefined()
      // (both object servers' lines may still be on their way)
      const objectPutsOf = (t: Awaited<ReturnType<(typeof service.handlers)['logs:trace']>>) =>
        t.lines.filter((l) => l.instanceId.startsWith('object-server.') && l.access?.method === 'PUT')
      const trace = await waitFor(
        async () => {
          const t = await service.handlers['logs:trace']({ txnId: txnId ?? '' })
          return objectPutsOf(t).length >= 2 ? t : null
        },
        20_000,
        'both object servers in the trace',
      )
      expect(trace!.lines.map((l) => [l.instanceId, l.access?.method, l.access?.status])).toContainEqual(['proxy-server', 'PUT', 201])
      expect(new Set(objectPutsOf(trace!).map((l) => l.instanceId))).toEqual(new Set(['object-server.1', 'object-server.2']))

      // every main instance: its port, as the SAIO's confs say (and healthy, above)
      const expectedPorts: Record<string, number> = { 'proxy-server': port }
      for (const n of [1, 2]) {
        expectedPorts[`object-server.${n}`] = port + 10 * n
        expectedPorts[`container-server.${n}`] = port + 10 * n + 1
        expectedPorts[`account-server.${n}`] = port + 10 * n + 2
      }
      expect(Object.fromEntries(main().map((i) => [i.id, i.ports[0]]))).toEqual(expectedPorts)

      // SIGSTOP an object server's processes: still running, but unhealthy within two refreshes; SIGCONT: healthy
      const object1 = () => service.current().instances.find((i) => i.id === 'object-server.1')
      const pgid = object1()?.pid ?? 0
      process.kill(-pgid, 'SIGSTOP')
      try {
        await waitFor(() => object1()?.health?.word === 'unhealthy', 10_000, 'object-server.1 unhealthy')
        expect(object1()?.state).toBe('running')
      } finally {
        process.kill(-pgid, 'SIGCONT')
      }
      await waitFor(() => object1()?.health?.word === 'healthy', 10_000, 'object-server.1 healthy again')
      service.runCommand({ command: 'stop', targets: ['main'] })
      await waitFor(() => clusterPids().length === 0, 30_000)
    } finally {
      await service.dispose()
    }
  }, 180_000)
})
