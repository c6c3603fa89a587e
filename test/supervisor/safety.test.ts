// Never signal a stranger, never block on a file, never leave an untracked daemon, never lower our own limits
// (issue 13, the supervisor and CLI parts): real processes, real signals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inspectConf } from '../../electron/supervisor/inspect.js'
import { Manager } from '../../electron/supervisor/manager.js'
import { Server } from '../../electron/supervisor/server.js'
import { canHide, cleanup, livePids, makeFixture, pidFiles, putRunFile, runOurs, waitFor, type Fixture } from '../helpers/fixture.js'

let fixtures: Fixture[] = []
let bystanders: ChildProcess[] = []
afterEach(() => {
  bystanders.forEach((b) => b.kill('SIGKILL'))
  fixtures.forEach(cleanup)
  ;[fixtures, bystanders] = [[], []]
})

const alive = (pid: number | undefined) => pid !== undefined && existsSync(`/proc/${pid}`)
function fixture(confs: Record<string, string> = { 'proxy-server.conf': '' }, binaries = ['proxy-server']): Fixture {
  const f = makeFixture({ binaries, confs })
  fixtures.push(f)
  return f
}
const serverPid = (f: Fixture, pidFile = 'proxy-server.pid') => Number(pidFiles(f)[pidFile])
const limitsOf = (pid: number | 'self') =>
  readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .filter((l) => /^Max (open files|data size|processes)/.test(l))

describe('the identity check before every signal', () => {
  it('leaves a bystander that only names the server in its arguments (a tail of its log), and drops the pid file', async () => {
    const f = fixture()
    writeFileSync(join(f.root, 'swift-proxy-server.log'), '')
    const tail = spawn('tail', ['-f', join(f.root, 'swift-proxy-server.log')])
    bystanders.push(tail)
    putRunFile(f, 'proxy-server.pid', String(tail.pid))
    const r = await runOurs(f, ['stop', 'proxy'])
    expect(r.stdout).toBe(`Removing pid file ${f.run}/proxy-server.pid with wrong pid ${tail.pid}\nNo proxy-server running\n`)
    expect(alive(tail.pid)).toBe(true)
    expect(pidFiles(f)).toEqual({})
  })

  it("leaves another cluster's server alone when a pid file names it", async () => {
    const [a, b] = [fixture(), fixture()]
    expect((await runOurs(b, ['start', 'proxy'])).code).toBe(0)
    const pid = serverPid(b)
    putRunFile(a, 'proxy-server.pid', String(pid))
    const r = await runOurs(a, ['stop', 'proxy'])
    expect(r.stdout).toContain(`with wrong pid ${pid}`)
    expect(alive(pid)).toBe(true)
    expect(pidFiles(b)).toEqual({ 'proxy-server.pid': String(pid) })
  })

  it.skipIf(!canHide())('fails closed, and says why, when /proc cannot be read', async () => {
    const f = fixture()
    const sleeper = spawn('sleep', ['60'])
    bystanders.push(sleeper)
    putRunFile(f, 'proxy-server.pid', String(sleeper.pid))
    const r = await runOurs(f, ['stop', 'proxy'], { hide: ['/proc'] })
    expect(r.stdout).toBe(
      `Not signalling PID ${sleeper.pid} of ${f.run}/proxy-server.pid: cannot tell what it runs (/proc/${sleeper.pid} cannot be read)\nNo proxy-server running\n`,
    )
    expect(alive(sleeper.pid)).toBe(true)
    expect(pidFiles(f)).toEqual({ 'proxy-server.pid': String(sleeper.pid) })
  })
})

describe('never blocks on a pid file that is not a regular file', () => {
  it('inspect (the panel) reads a FIFO pid file as invalid at once', () => {
    const f = fixture()
    mkdirSync(f.run)
    expect(spawnSync('mkfifo', [join(f.run, 'proxy-server.pid')]).status).toBe(0)
    const server = new Server('proxy', { swiftDir: f.etc, runDir: f.run, path: f.env.PATH ?? '', console: { print: () => {} } })
    expect(inspectConf(server, join(f.etc, 'proxy-server.conf'), 1, f.etc)).toMatchObject({ pidState: 'invalid', pid: null })
  })
})

describe('nothing left running that no pid file names', () => {
  it('a pid file that cannot be written after the spawn: the server never runs, and we say why', async () => {
    const f = fixture()
    mkdirSync(join(f.run, 'proxy-server.pid', 'in-the-way'), { recursive: true })
    const r = await runOurs(f, ['start', 'proxy'])
    expect(r.stdout).toContain(`Unable to write pid file ${f.run}/proxy-server.pid (EISDIR); swift-proxy-server not started\n`)
    expect(r.code).toBe(1)
    expect(livePids(f)).toEqual([])
  })

  it('stop waits for workers that ignore SIGTERM after their server is gone: giving up, or killing them', async () => {
    const f = fixture({ 'proxy-server.conf': '[standin]\nworkers = 2\nworker_ignore_term = true\n' })
    await runOurs(f, ['start', 'proxy'])
    await waitFor(() => livePids(f).length === 3)
    const giveUp = await runOurs(f, ['stop', 'proxy', '-k', '1'])
    expect(giveUp.stdout).toMatch(/appears to have stopped\nWaited 1 seconds for proxy-server to die; giving up\n$/)
    expect(giveUp.code).toBe(1)
    expect(livePids(f)).toHaveLength(2)
    // the workers' server is gone, so a later stop has nothing to signal: this time it is the first stop that kills them
    await runOurs(f, ['start', 'proxy'])
    await waitFor(() => livePids(f).length === 5)
    const kill = await runOurs(f, ['stop', 'proxy', '-k', '1', '--kill-after-timeout'])
    expect(kill.stdout).toMatch(
      /Waited 1 seconds for proxy-server to die; killing\nSignal proxy-server {2}pid: \d+ {2}signal: 9\nSignal proxy-server {2}pid: \d+ {2}signal: 9\n$/,
    )
    await waitFor(() => livePids(f).length === 2, 10_000, 'the new workers killed, the old ones left')
  })

  it('a deleted run dir: status still sees the server, and start refuses a second copy', async () => {
    const f = fixture()
    await runOurs(f, ['start', 'proxy'])
    const pid = serverPid(f)
    rmSync(f.run, { recursive: true })
    const status = await runOurs(f, ['status', 'proxy'])
    expect(status.stdout).toBe(`proxy-server running (${pid} - ${f.etc}/proxy-server.conf) without a pid file\n`)
    expect(status.code).toBe(0)
    const start = await runOurs(f, ['start', 'proxy'])
    expect(start.stdout).toContain(
      `proxy-server running (${pid} - ${f.etc}/proxy-server.conf) without a pid file\nproxy-server already started...\n`,
    )
    expect(livePids(f)).toEqual([pid])
  })
})

describe("swift-init's resource limits", () => {
  it('go to the children only: the process that starts them (the panel) keeps its own', async () => {
    const f = fixture()
    const before = limitsOf('self')
    const m = new Manager(['proxy'], { swiftDir: f.etc, runDir: f.run, path: f.env.PATH ?? '', console: { print: () => {} } })
    expect(await m.runCommand('start', {})).toBe(0)
    expect(limitsOf('self')).toEqual(before)
    const child = limitsOf(serverPid(f))
    expect(child.find((l) => l.startsWith('Max data size'))).toMatch(/\s2147483648\s+2147483648\s/)
    expect(child.find((l) => l.startsWith('Max processes'))).toMatch(/\s8192\s+8192\s/)
  })
})

describe('globs', () => {
  it('match in linear time whatever the pattern, with swift-init re.match semantics', () => {
    const names = (glob: string) =>
      new Manager([glob], { swiftDir: '/nonexistent', runDir: '/nonexistent', path: '', console: { print: () => {} } }).serverNames
    // each of these backtracks catastrophically in a regular-expression engine
    expect(names('o' + '*'.repeat(60) + 'z')).toEqual([])
    expect(names('o' + '*z'.repeat(40))).toEqual([])
    expect(names('(.+)+*x')).toEqual(['proxy-server', 'object-expirer'])
    expect(names('((.+)+)+*rec')).toEqual(['container-reconciler', 'object-reconstructor'])
    // and mean what swift-init means: re.match(name.replace('*', '.*'), server), anchored at the start only
    expect(names('*-server')).toEqual(['proxy-server', 'account-server', 'container-server', 'object-server'])
    expect(names('object-(up|rep)*')).toEqual(['object-replicator', 'object-updater'])
    expect(names('(?i)PROXY*')).toEqual(['proxy-server'])
  })
})
