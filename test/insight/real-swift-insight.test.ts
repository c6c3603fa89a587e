// The insight modules against a real Swift cluster (Debian's packages, laid out by ../shared/saio/saio.sh):
// ports and health, SIGSTOP/SIGCONT, recon over HTTP and recon caches, workers across reload-seamless,
// orphans after kill -9 of a parent with workers = 2 and stopping them, and the trace of a PUT's txn id.
// One cluster for the whole file; skipped, saying why, where Swift or the SAIO script is missing.

import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeAll, probePort, probeTarget, type ProbeTarget } from '../../electron/service/insight/health-probe.js'
import { findOrphans, listeningFromProc, stopOrphans } from '../../electron/service/insight/orphans.js'
import { ReconCacheReader } from '../../electron/service/insight/recon-cache.js'
import { ReconClient } from '../../electron/service/insight/recon-http.js'
import { scanServerProcesses } from '../../electron/supervisor/process-table.js'
import { silentLogTarget } from '../../electron/service/insight/silent-log-target.js'
import { traceTxn, type BufferedLine } from '../../electron/service/insight/txn-trace.js'
import { instanceWorkers } from '../../electron/service/insight/workers.js'
import { readWsgiPorts } from '../../electron/service/insight/wsgi-ports.js'
import { describeLogSample, parseSyslogLine } from '../../electron/service/logs/syslog-line.js'
import { readPidFile } from '../../electron/supervisor/pid-files.js'
import { childPids, processStat } from '../../electron/supervisor/proc.js'
import { waitFor } from '../helpers/fixture.js'

const SAIO = resolve(__dirname, '../../../shared/saio/saio.sh')

function whyNot(): string | null {
  if (!existsSync(SAIO)) return `no ${SAIO} (the shared SAIO script sits beside the checkout)`
  if (spawnSync('sh', ['-c', 'command -v swift-proxy-server && command -v swift-ring-builder']).status !== 0)
    return 'Debian Swift is not installed (apt-get install swift swift-proxy swift-account swift-container swift-object)'
  if (spawnSync('/usr/bin/python3', ['-c', 'import swift.common.manager']).status !== 0) return 'python3 cannot import swift'
  return null
}
const reason = whyNot()
if (reason) console.warn(`SKIP real Swift insight: ${reason}`)

/** Whether every port the SAIO needs at base B is free now (TCP: B, B+1, B+10..B+32; UDP: B+2). */
async function basePortFree(base: number): Promise<boolean> {
  const tcp = [base, base + 1, ...Array.from({ length: 23 }, (_, i) => base + 10 + i)]
  const bindTcp = (port: number) =>
    new Promise<boolean>((r) => {
      const s = createServer()
      s.once('error', () => r(false))
      s.listen(port, '127.0.0.1', () => s.close(() => r(true)))
    })
  const bindUdp = (port: number) =>
    new Promise<boolean>((r) => {
      const s = createSocket('udp4')
      s.once('error', () => r(false))
      s.bind(port, '127.0.0.1', () => s.close(() => r(true)))
    })
  for (const port of tcp) if (!(await bindTcp(port))) return false
  return bindUdp(base + 2)
}

async function freeBase(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 30_000 + Math.floor(Math.random() * 300) * 100
    if (await basePortFree(base)) return base
  }
  throw new Error('no free base port for the SAIO')
}

const MAIN_CONFS = ['proxy-server.conf', ...['object', 'container', 'account'].flatMap((t) => [1, 2].map((n) => `${t}-server/${n}.conf`))]
const instanceOf = (conf: string) => conf.replace(/\.conf$/, '').replace('/', '.')
const serverOf = (conf: string) => conf.replace(/\/.*$/, '').replace(/\.conf$/, '')
const alive = (pid: number) => (processStat(pid)?.state ?? 'Z') !== 'Z'

describe.skipIf(reason !== null)('insight on a real Swift cluster', () => {
  const dir = reason ? '' : mkdtempSync(join(tmpdir(), 'swift-panel-insight-saio-'))
  const etc = join(dir, 'etc')
  let base = 0
  const swiftInit = (...args: string[]) => spawnSync(join(dir, 'bin/swift-init'), args, { encoding: 'utf8', timeout: 90_000 })
  const pidOf = (pidFile: string) => Number(readFileSync(join(dir, 'run', pidFile), 'utf8').trim())
  /** Every pid the run dir's pid files name, as the service knows them. */
  const pidFilePids = (): number[] =>
    readdirSync(join(dir, 'run'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.pid'))
      .flatMap((f) => {
        const read = readPidFile(join(dir, 'run', f))
        return read.kind === 'pid' ? [read.pid] : []
      })
  const targets = (): ProbeTarget[] =>
    MAIN_CONFS.map((conf) => {
      const read = readWsgiPorts(serverOf(conf), join(etc, conf))
      if (!read.ok) throw new Error(read.error)
      return probeTarget(instanceOf(conf), read.ports)
    })

  beforeAll(async () => {
    base = await freeBase()
    execFileSync(SAIO, ['up', dir, String(base)], { stdio: 'pipe', timeout: 150_000 })
  }, 180_000)

  afterAll(() => {
    if (dir) spawnSync(SAIO, ['down', dir, '--wipe'], { stdio: 'ignore', timeout: 60_000 })
  }, 90_000)

  it("reads every main instance's port as the SAIO laid it out, and every one is healthy through its healthcheck", async () => {
    const t = targets()
    const expected: Record<string, number> = { 'proxy-server': base }
    for (const n of [1, 2]) {
      expected[`object-server.${n}`] = base + 10 * n
      expected[`container-server.${n}`] = base + 10 * n + 1
      expected[`account-server.${n}`] = base + 10 * n + 2
    }
    expect(Object.fromEntries(t.map((x) => [x.id, x.ports[0]]))).toEqual(expected)
    expect(t.every((x) => x.host === '127.0.0.1' && x.healthcheck)).toBe(true)
    const health = await waitFor(async () => {
      const h = await probeAll(t)
      return [...h.values()].every((x) => x.state === 'healthy') ? h : null
    }, 60_000)
    expect([...(health?.values() ?? [])]).toEqual(t.map(() => ({ state: 'healthy', check: 'healthcheck', status: 200 })))
  })

  it('SIGSTOP of an object server makes it unhealthy (no answer in time) while its processes still exist; SIGCONT brings it back', async () => {
    const parent = pidOf('object-server/1.pid')
    const procs = [parent, ...childPids(parent)]
    const port = base + 10
    procs.forEach((pid) => process.kill(pid, 'SIGSTOP'))
    try {
      expect(await probePort('127.0.0.1', port, true, { timeoutMs: 1000 })).toEqual({
        state: 'unhealthy',
        cause: 'timeout',
        port,
        detail: 'no answer within 1000 ms',
      })
      expect(procs.map((pid) => processStat(pid)?.state)).toEqual(procs.map(() => 'T'))
    } finally {
      procs.forEach((pid) => process.kill(pid, 'SIGCONT'))
    }
    expect(await waitFor(async () => (await probePort('127.0.0.1', port, true)).state === 'healthy', 30_000)).toBe(true)
  })

  it('reads recon over HTTP: the rings agree with the swift dir, disk usage per device, no quarantines', async () => {
    const client = new ReconClient({ swiftDir: etc, timeoutMs: 5000 })
    const report = await client.get({ id: 'object-server.1', host: '127.0.0.1', port: base + 10 })
    expect(report.rings.ok && report.rings.value.map((r) => [r.ring, r.agrees])).toEqual([
      ['account.ring.gz', true],
      ['container.ring.gz', true],
      ['object.ring.gz', true],
    ])
    expect(report.diskUsage.ok && report.diskUsage.value.map((d) => d.device)).toEqual(['sdb1'])
    expect(report.quarantined).toEqual({ ok: true, value: { objects: 0, containers: 0, accounts: 0, policies: {} } })
    expect(report.async).toEqual({ ok: true, value: { asyncPending: null, asyncPendingLastAt: null } })
  })

  it("reads the last pass of real daemons from their recon caches (a replicator's recorded time, an auditor's duration)", () => {
    const objectConf = join(etc, 'object-server/1.conf')
    const containerConf = join(etc, 'container-server/1.conf')
    const reader = new ReconCacheReader()
    const before = Date.now()
    for (const [daemon, conf] of [
      ['object-replicator', objectConf],
      ['container-auditor', containerConf],
    ] as const) {
      const r = spawnSync(`swift-${daemon}`, [conf, 'once'], { encoding: 'utf8', timeout: 60_000 })
      expect(r.status, r.stderr).toBe(0)
    }
    const replicator = reader.read('object-replicator', objectConf)
    expect(replicator).toMatchObject({
      ok: true,
      pass: { found: true, lastPassAtSource: 'recorded', cacheFile: join(dir, 'cache/1/object.recon') },
    })
    const at = replicator?.ok ? (replicator.pass.lastPassAt ?? 0) : 0
    expect(at).toBeGreaterThanOrEqual(before - 1000)
    expect(at).toBeLessThanOrEqual(Date.now() + 1000)
    expect(reader.read('container-auditor', containerConf)).toMatchObject({
      ok: true,
      pass: { found: true, durationSec: expect.any(Number) as unknown },
    })
  })

  it('reload-seamless re-execs the same parent pid with new workers', async () => {
    const parent = pidOf('object-server/2.pid')
    const before = instanceWorkers(parent)
    expect(before).toMatchObject({ ports: [base + 20], old: [] })
    const oldWorkers = (before?.current ?? []).map((w) => w.pid)
    expect(oldWorkers).toHaveLength(1)
    const r = swiftInit('object-server.2', 'reload-seamless')
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const after = await waitFor(() => {
      const g = instanceWorkers(parent)
      return g && g.current.length === 1 && g.old.length === 0 && !oldWorkers.includes(g.current[0]?.pid ?? 0) ? g : null
    }, 60_000)
    expect(after?.parentPid).toBe(pidOf('object-server/2.pid'))
    expect(after?.current[0]?.listening).toBe(true)
    expect(await waitFor(async () => (await probePort('127.0.0.1', base + 20, true)).state === 'healthy', 30_000)).toBe(true)
  })

  it('kill -9 of a parent with workers = 2 leaves two orphans, found with their pids, still serving; stop orphans leaves none', async () => {
    const conf = join(etc, 'object-server/1.conf')
    expect(swiftInit('object-server.1', 'stop').status).toBe(0)
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^workers = \d+$/m, 'workers = 2'))
    const start = swiftInit('object-server.1', 'start')
    expect(start.status, start.stdout + start.stderr).toBe(0)
    const parent = pidOf('object-server/1.pid')
    const workers = await waitFor(() => {
      const g = instanceWorkers(parent)
      return g?.current.length === 2 && g.current.every((w) => w.listening) ? g.current.map((w) => w.pid) : null
    }, 60_000)

    process.kill(parent, 'SIGKILL')
    await waitFor(() => !alive(parent), 10_000, 'the parent to die')
    const orphans = findOrphans(scanServerProcesses(etc), pidFilePids(), etc, listeningFromProc())
    expect(orphans.map((o) => [o.pid, o.server, o.confFile, o.role, o.listening])).toEqual(
      (workers ?? []).map((pid) => [pid, 'object-server', conf, 'worker', true]),
    )
    // invisible to swift-init, yet serving
    expect(swiftInit('object-server.1', 'status').status).toBe(1)
    expect(await probePort('127.0.0.1', base + 10, true)).toMatchObject({ state: 'healthy' })

    const results = await stopOrphans(orphans, { killWaitMs: 15_000 })
    expect(results.map((r) => r.outcome)).toEqual(['terminated', 'terminated'])
    expect(findOrphans(scanServerProcesses(etc), pidFilePids(), etc)).toEqual([])
    expect(await probePort('127.0.0.1', base + 10, true)).toEqual({ state: 'not listening', port: base + 10 })

    // back as it was, for what follows
    const again = swiftInit('object-server.1', 'start')
    expect(again.status, again.stdout + again.stderr).toBe(0)
    expect(await waitFor(async () => (await probePort('127.0.0.1', base + 10, true)).state === 'healthy', 60_000)).toBe(true)
  })

  it("traces a PUT through the proxy: the proxy's access line and both object servers' lines, from the SAIO's swift.log", async () => {
    const auth = await fetch(`http://127.0.0.1:${base}/auth/v1.0`, { headers: { 'X-Auth-User': 'test:tester', 'X-Auth-Key': 'testing' } })
    const url = auth.headers.get('x-storage-url') ?? ''
    const token = auth.headers.get('x-auth-token') ?? ''
    expect((await fetch(`${url}/trace`, { method: 'PUT', headers: { 'X-Auth-Token': token } })).status).toBeLessThan(300)
    const put = await fetch(`${url}/trace/hello`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'X-Trans-Id-Extra': 'panel trace' },
      body: 'hello',
    })
    expect(put.status).toBe(201)
    const txn = put.headers.get('x-trans-id') ?? ''
    expect(txn).toMatch(/^tx[0-9a-f]{21}-[0-9a-f]{10}-panel%20trace$/)

    // the SAIO collects every daemon's syslog into one file; route its lines by tag as the panel does (log_name)
    const logNames = new Map(
      MAIN_CONFS.map((c) => [readFileSync(join(etc, c), 'utf8').match(/^log_name = (.+)$/m)?.[1] ?? '', instanceOf(c)]),
    )
    const read = (): { raw: string[]; lines: BufferedLine[] } => {
      const raw = readFileSync(join(dir, 'log/swift.log'), 'utf8').split('\n').filter(Boolean)
      const lines = raw.flatMap((r) => {
        const msg = parseSyslogLine(r)
        const instanceId = logNames.get(msg.tag ?? '')
        return instanceId ? [{ instanceId, line: { ts: msg.ts, text: msg.text } }] : []
      })
      return { raw, lines }
    }
    const trace = await waitFor(() => {
      const t = traceTxn(txn, read().lines)
      const ids = new Set(t.lines.map((l) => l.instanceId))
      return t.request && ids.has('object-server.1') && ids.has('object-server.2') ? t : null
    }, 30_000)
    expect(trace?.request).toMatchObject({ instanceId: 'proxy-server', access: { kind: 'proxy', method: 'PUT', status: 201 } })
    for (const id of ['object-server.1', 'object-server.2'])
      expect(trace?.lines.find((l) => l.instanceId === id)?.access).toMatchObject({
        kind: 'storage',
        method: 'PUT',
        status: 201,
        txnId: txn,
      })
    const times = trace?.lines.map((l) => l.ts) ?? []
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(describeLogSample(read().raw.slice(-50))).toMatchObject({ readable: true, format: 'plain' })
  })

  it("sees that the SAIO's confs log to a UDP port its collector listens on, and one that nobody does", () => {
    for (const conf of MAIN_CONFS) expect(silentLogTarget(instanceOf(conf), serverOf(conf), join(etc, conf))).toBeNull()
    const copy = join(dir, 'elsewhere.conf')
    writeFileSync(copy, readFileSync(join(etc, 'proxy-server.conf'), 'utf8').replace(/^log_udp_port = \d+$/m, `log_udp_port = ${base + 9}`))
    expect(silentLogTarget('proxy-server', 'proxy-server', copy)).toMatchObject({ host: '127.0.0.1', port: base + 9 })
  })
})
