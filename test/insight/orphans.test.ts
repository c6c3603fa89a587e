import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { probePort } from '../../electron/service/insight/health-probe.js'
import { findOrphans, listeningFromProc, stopOrphans } from '../../electron/service/insight/orphans.js'
import { scanServerProcesses, type ServerProcess } from '../../electron/supervisor/process-table.js'
import { processStat } from '../../electron/supervisor/proc.js'
import { cleanup, waitFor, type Fixture } from '../helpers/fixture.js'
import { fakeConf, fakeTree, freePort, startFake, writePid } from './fake-servers.js'

const trees: Fixture[] = []
afterAll(() => trees.forEach(cleanup))
function tree(): Fixture {
  const f = fakeTree()
  trees.push(f)
  return f
}
const alive = (pid: number) => {
  const st = processStat(pid)
  return st !== null && st.state !== 'Z'
}

describe('orphans: which processes no pid file accounts for (pure)', () => {
  const etc = '/srv/cluster/etc'
  const conf = `${etc}/object-server/1.conf`
  const p = (pid: number, ppid: number, pgid: number, extra: Partial<ServerProcess> = {}): ServerProcess => ({
    pid,
    ppid,
    pgid,
    server: 'object-server',
    confFile: conf,
    state: 'S',
    startTimeMs: 1,
    once: false,
    ...extra,
  })

  it('a tracked parent covers its children; a stale pid file covers nothing; once runs, zombies and other trees never count', () => {
    const procs = [
      p(100, 1, 100), // tracked parent
      p(101, 100, 100), // its worker
      p(200, 1, 150), // worker of a parent killed with -9 (150 is in a pid file, but dead)
      p(201, 1, 150),
      p(300, 1, 300), // a server started by hand, its worker
      p(301, 300, 300),
      p(400, 1, 400, { once: true }),
      p(500, 1, 500, { state: 'Z' }),
      p(600, 1, 600, { confFile: '/srv/other/etc/object-server/1.conf' }),
    ]
    const orphans = findOrphans(procs, [100, 150], etc, (x) => x.pid !== 201)
    expect(orphans.map((o) => [o.pid, o.role, o.listening])).toEqual([
      [200, 'worker', true],
      [201, 'worker', false],
      [300, 'server', true],
      [301, 'worker', true],
    ])
    expect(findOrphans(procs, [100, 150, 300], etc).map((o) => o.pid)).toEqual([200, 201])
  })

  it('finds a server and its workers by program and conf, none when the pid file names the parent, never a bystander', async () => {
    const f = tree()
    const conf = fakeConf(f, 'object-server/1.conf', await freePort())
    const parent = await startFake(f, conf)
    // bystanders naming the server or the conf in their arguments
    const decoys = [
      spawn('/usr/bin/python3', ['-c', 'import time; time.sleep(60)', join(f.bin, 'swift-object-server'), conf], { stdio: 'ignore' }),
      spawn('/bin/sh', ['-c', 'sleep 60', 'swift-object-server', conf], { stdio: 'ignore' }),
    ]
    // the same server of another tree (another cluster's), not ours to list
    const other = tree()
    const otherParent = await startFake(other, fakeConf(other, 'object-server/1.conf', await freePort()))
    try {
      const scan = scanServerProcesses(f.etc)
      expect(scan.map((p) => [p.ppid === parent || p.pid === parent, p.pgid, p.server, p.confFile])).toEqual([
        [true, parent, 'object-server', conf],
        [true, parent, 'object-server', conf],
        [true, parent, 'object-server', conf],
      ])
      expect(findOrphans(scan, [], f.etc).map((o) => o.role)).toEqual(['server', 'worker', 'worker'])
      writePid(f, 'object-server/1.pid', parent)
      expect(findOrphans(scan, [parent], f.etc)).toEqual([])
      expect(scanServerProcesses(other.etc).map((p) => p.pgid)).toEqual([otherParent, otherParent, otherParent])
    } finally {
      decoys.forEach((d) => d.kill('SIGKILL'))
    }
  })

  it('kill -9 of a parent leaves its workers listening and answering; stop orphans leaves none', async () => {
    const f = tree()
    const port = await freePort()
    const conf = fakeConf(f, 'object-server/1.conf', port)
    const parent = await startFake(f, conf)
    writePid(f, 'object-server/1.pid', parent)
    process.kill(parent, 'SIGKILL')
    await waitFor(() => !alive(parent), 10_000, 'the parent to die')

    const orphans = findOrphans(scanServerProcesses(f.etc), [parent], f.etc, listeningFromProc())
    expect(orphans).toHaveLength(2)
    expect(orphans.map((o) => [o.role, o.listening, o.pgid, o.ppid === parent])).toEqual([
      ['worker', true, parent, false],
      ['worker', true, parent, false],
    ])
    // what the issue saw: invisible workers still serving the port
    expect(await probePort('127.0.0.1', port, true)).toMatchObject({ state: 'healthy' })

    const results = await stopOrphans(orphans, { killWaitMs: 10_000 })
    expect(results.map((r) => [r.pid, r.signals, r.outcome])).toEqual(orphans.map((o) => [o.pid, ['SIGTERM'], 'terminated']))
    expect(scanServerProcesses(f.etc)).toEqual([])
    expect(await probePort('127.0.0.1', port, true)).toEqual({ state: 'not listening', port })
  })

  it('SIGKILLs what ignores SIGTERM after the kill wait; a server started by hand is an orphan with its workers', async () => {
    const f = tree()
    const conf = fakeConf(f, 'object-server/2.conf', await freePort(), 2, '[fake]\nignore_term = true\n')
    const parent = await startFake(f, conf)
    const orphans = findOrphans(scanServerProcesses(f.etc), [], f.etc, listeningFromProc())
    expect(orphans.map((o) => [o.pid === parent, o.role, o.listening])).toEqual([
      [true, 'server', true],
      [false, 'worker', true],
      [false, 'worker', true],
    ])
    const results = await stopOrphans(orphans, { killWaitMs: 500 })
    expect(results.map((r) => [r.pid === parent, r.signals, r.outcome])).toEqual([
      [true, ['SIGTERM'], 'terminated'],
      [false, ['SIGTERM', 'SIGKILL'], 'killed'],
      [false, ['SIGTERM', 'SIGKILL'], 'killed'],
    ])
    expect(scanServerProcesses(f.etc)).toEqual([])
  })

  it('never signals a process that is not the one recorded (pid reused, or another conf)', async () => {
    const f = tree()
    const conf = fakeConf(f, 'object-server/3.conf', await freePort(), 1)
    const parent = await startFake(f, conf, 1)
    const [record] = scanServerProcesses(f.etc).filter((p) => p.pid === parent)
    if (!record) throw new Error('no record of the fake server')
    const results = await stopOrphans(
      [
        { ...record, startTimeMs: record.startTimeMs - 10_000 },
        { ...record, confFile: join(f.etc, 'object-server/4.conf') },
        { ...record, pid: 1, startTimeMs: processStat(1)?.startTimeMs ?? 0 },
      ],
      { killWaitMs: 200 },
    )
    expect(results.map((r) => [r.signals, r.outcome])).toEqual([
      [[], 'gone'],
      [[], 'not the same process'],
      [[], 'not the same process'],
    ])
    expect(alive(parent)).toBe(true)
  })
})
