// The stand-in daemon does what the conformance suite relies on; it is started directly, and by the reference
// swift-init where the way swift-init runs it matters.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, livePids, makeFixture, pidFiles, referenceUnavailable, runReference, waitFor, type Fixture } from '../helpers/fixture.js'

let fixtures: Fixture[] = []
afterEach(() => {
  fixtures.forEach(cleanup)
  fixtures = []
})

function proxyFixture(standin: string): Fixture {
  const f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': `[standin]\n${standin}\n` } })
  fixtures.push(f)
  return f
}

interface Started {
  child: ChildProcess
  output: { stdout: string; stderr: string }
  stdoutClosed: Promise<void>
  exited: Promise<number | null>
}

function startDirect(f: Fixture, ...flags: string[]): Started {
  const child = spawn(join(f.bin, 'swift-proxy-server'), [join(f.etc, 'proxy-server.conf'), ...flags], { env: f.env })
  const output = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output.stdout += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output.stderr += s))
  return {
    child,
    output,
    stdoutClosed: new Promise((done) => child.stdout.on('close', done)),
    exited: new Promise((done) => child.on('exit', (code) => done(code))),
  }
}

const alive = (pid: number): boolean => {
  try {
    // a zombie is not alive: its parent (this test) just has not reaped it yet
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
const sessionOf = (pid: number): number =>
  Number(
    readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')[3],
  )

describe('stand-in daemon', () => {
  it('prints its startup output, daemonises into its own session and closes the pipe, then stops on TERM', async () => {
    const f = proxyFixture('startup_output = hello\\nworld\nstderr_output = careful')
    const s = startDirect(f)
    await s.stdoutClosed
    expect(s.output).toEqual({ stdout: 'hello\nworld\n', stderr: 'careful\n' })
    const pid = s.child.pid!
    expect(alive(pid)).toBe(true)
    expect(sessionOf(pid)).toBe(pid)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })

  it('dies at start with exit_code, after exit_delay', async () => {
    const f = proxyFixture('startup_output = boom\nexit_code = 3\nexit_delay = 0.2')
    const s = startDirect(f)
    expect(await s.exited).toBe(3)
    expect(s.output.stdout).toBe('boom\n')
  })

  it('in once mode prints once_output and exits 0', async () => {
    const f = proxyFixture('once_output = one pass done')
    const s = startDirect(f, 'once')
    expect(await s.exited).toBe(0)
    expect(s.output.stdout).toBe('one pass done\n')
  })

  it('reads its section from a .conf.d directory, files in order', async () => {
    const f = makeFixture({
      binaries: ['object-server'],
      confs: {
        'object-server/1.conf.d/b.conf': '[standin]\nexit_code = 4\n',
        'object-server/1.conf.d/a.conf': '[standin]\nexit_code = 5\nstartup_output = a\n',
      },
    })
    fixtures.push(f)
    const child = spawn(join(f.bin, 'swift-object-server'), [join(f.etc, 'object-server/1.conf.d')], { env: f.env })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    expect(await new Promise((done) => child.on('exit', done))).toBe(4) // b.conf, read last, wins
    expect(stdout).toBe('a\n')
  })

  it('forks workers, which go when the server goes', async () => {
    const f = proxyFixture('workers = 3')
    const s = startDirect(f)
    await waitFor(() => livePids(f).length === 4, 10_000, 'server and 3 workers')
    s.child.kill('SIGTERM')
    await s.exited
    await waitFor(() => livePids(f).length === 0, 10_000, 'workers gone after TERM')

    const k = startDirect(f)
    await waitFor(() => livePids(f).length === 4, 10_000, 'server and 3 workers again')
    k.child.kill('SIGKILL') // no chance to stop them: the workers notice on their own
    await waitFor(() => livePids(f).length === 0, 10_000, 'workers gone after the server was killed')
  })

  it('exits on HUP at once, or after hup_delay', async () => {
    const now = startDirect(proxyFixture(''))
    await now.stdoutClosed
    now.child.kill('SIGHUP')
    expect(await now.exited).toBe(0)

    const later = startDirect(proxyFixture('hup_delay = 2'))
    await later.stdoutClosed
    later.child.kill('SIGHUP')
    await new Promise((r) => setTimeout(r, 300))
    expect(alive(later.child.pid!)).toBe(true)
    expect(await later.exited).toBe(0)
  })

  it('re-executes itself on USR1 with usr1 = reexec: same pid, next generation', async () => {
    const f = proxyFixture('usr1 = reexec\nworkers = 1')
    const s = startDirect(f)
    await waitFor(() => livePids(f).length === 2, 10_000, 'server and worker')
    const pid = s.child.pid!
    const generation = (): string | undefined =>
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .find((v) => v.startsWith('STANDIN_GENERATION='))
    expect(generation()).toBeUndefined()
    s.child.kill('SIGUSR1')
    await waitFor(() => generation() === 'STANDIN_GENERATION=1', 10_000, 'the re-exec')
    await waitFor(() => livePids(f).length === 2, 10_000, 'a new worker')
    expect(alive(pid)).toBe(true)
  })

  it('logs timestamped lines continuously in verbose mode, log_burst at a time, and keeps the console', async () => {
    const f = proxyFixture('log_every = 0.05\nlog_burst = 3')
    const s = startDirect(f, 'verbose')
    await waitFor(() => s.output.stdout.split('\n').length > 9, 10_000, 'log lines')
    const lines = s.output.stdout.split('\n').slice(0, 9)
    for (const [i, line] of lines.entries()) {
      expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d swift-proxy-server: log line ${i + 1}$`))
    }
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })
})

describe('stand-in daemon: what the parity scenarios need', () => {
  it('ends quietly with status 0 on SIGINT, workers too', async () => {
    const f = proxyFixture('workers = 1')
    const s = startDirect(f)
    await waitFor(() => livePids(f).length === 2, 10_000, 'server and worker')
    s.child.kill('SIGINT')
    expect(await s.exited).toBe(0)
    expect(s.output.stderr).toBe('')
    await waitFor(() => livePids(f).length === 0, 10_000, 'the worker gone')
  })

  it('serves for serve_for seconds, then exits 0 on its own', async () => {
    const s = startDirect(proxyFixture('serve_for = 0.3'))
    expect(await s.exited).toBe(0)
  })

  it('with exit_detached, closes its output first and fails later; a negative exit_code is a death by that signal', async () => {
    const late = startDirect(proxyFixture('startup_output = bye\nexit_code = 3\nexit_detached = true\nexit_delay = 0.5'))
    await late.stdoutClosed
    expect(alive(late.child.pid ?? 0)).toBe(true)
    expect(await late.exited).toBe(3)
    const killed = startDirect(proxyFixture('exit_code = -1'))
    await new Promise((done) => killed.child.once('exit', (_code, signal) => done(expect(signal).toBe('SIGHUP'))))
  })

  it('writes interleaved lines to stdout and stderr in turn, and raw bytes', async () => {
    const s = startDirect(proxyFixture('interleaved = a|b|c\nstartup_hex = 41e90a'))
    await s.stdoutClosed
    expect(s.output).toEqual({ stdout: 'a\nc\nA\ufffd\n', stderr: 'b\n' })
  })

  it('with worker_ignore_term, its workers ignore SIGTERM and outlive it', async () => {
    const f = proxyFixture('workers = 2\nworker_ignore_term = true')
    const s = startDirect(f)
    await waitFor(() => livePids(f).length === 3, 10_000, 'server and workers')
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    await new Promise((r) => setTimeout(r, 500))
    expect(livePids(f)).toHaveLength(2)
  })
})

describe.skipIf(referenceUnavailable() !== null)('stand-in daemon under the reference swift-init', () => {
  it('is started and its pid file written by swift-init, not by the stand-in', async () => {
    const f = proxyFixture('workers = 1')
    const r = await runReference(f, ['start', 'proxy'])
    expect(r.code).toBe(0)
    const [pid] = await waitFor(() => livePids(f).filter((p) => sessionOf(p) === p), 10_000, 'the server')
    expect(pidFiles(f)).toEqual({ 'proxy-server.pid': String(pid) })
  })

  it('ignores TERM with ignore_term: stop -k 1 gives up, --kill-after-timeout kills the group', async () => {
    const f = proxyFixture('ignore_term = true\nworkers = 2')
    expect((await runReference(f, ['start', 'proxy'])).code).toBe(0)
    await waitFor(() => livePids(f).length === 3, 10_000, 'server and workers')
    const giveUp = await runReference(f, ['stop', 'proxy', '-k', '1'])
    expect(giveUp.code).toBe(1)
    expect(giveUp.stdout).toContain('Waited 1 seconds for proxy-server to die; giving up')
    expect(livePids(f)).toHaveLength(3)
    const kill = await runReference(f, ['stop', 'proxy', '-k', '1', '--kill-after-timeout'])
    expect(kill.stdout).toContain('Waited 1 seconds for proxy-server to die; killing')
    await waitFor(() => livePids(f).length === 0, 10_000, 'the group killed')
  })

  it('stops promptly on TERM after term_delay, reaped at once (reaper.py)', async () => {
    const f = proxyFixture('term_delay = 0.3')
    expect((await runReference(f, ['start', 'proxy'])).code).toBe(0)
    const stop = await runReference(f, ['stop', 'proxy', '-k', '5'])
    expect(stop.stdout).toMatch(/proxy-server \(\d+\) appears to have stopped/)
    expect(stop.code).toBe(0)
    expect(pidFiles(f)).toEqual({})
  })
})
