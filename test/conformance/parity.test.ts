// What a differential fuzzer found (issue 9), each kind as a scenario against the reference: zombies,
// Ctrl-C, binaries without the execute bit, late start-up failures, start-up output, an inherited SIG_IGN,
// conf reading, resource limits. Scenarios share nothing, so they run concurrently.
import { chmodSync, copyFileSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canHide, makeZombie, pidFiles, putRunFile, referenceUnavailable, STANDIN, type Fixture } from '../helpers/fixture.js'
import { conforms, type Outcome } from './scenario.js'

const spec = (confs: Record<string, string>, binaries = Object.keys(confs).map((c) => c.replace(/(\/.*)?\.conf(\.d)?.*$/, ''))) => ({
  binaries,
  confs,
})
const standin = (lines: string) => `[standin]\n${lines}\n`
const stdout = (o: Outcome, step = -1): string[] => o.steps.at(step)?.stdout ?? []
/** The server's stand-in as a copy without the execute bit (the link itself points at the one all tests share). */
const notExecutable = (f: Fixture, server: string) => {
  const path = join(f.bin, `swift-${server}`)
  rmSync(path)
  copyFileSync(STANDIN, path)
  chmodSync(path, 0o644)
}

describe.skipIf(referenceUnavailable() !== null).concurrent('parity with swift-init (issue 9)', () => {
  it('1. a pid file naming a zombie of the right server: stop signals it and sees it stopped', () =>
    conforms({
      spec: spec({ 'proxy-server.conf': '' }),
      prepare: async (f) => putRunFile(f, 'proxy-server.pid', String(await makeZombie(f, 'proxy-server'))),
      args: ['proxy', 'stop', '-k', '2'],
      ordered: true,
    }))

  it('2. Ctrl-C to the whole job in no-daemon, the child taking it too: user quit, every server stopped, exit 0', () =>
    conforms({
      // signalled once the stand-in says it is ready: it then holds every signal for its loop to take
      spec: spec({ 'proxy-server.conf': standin('daemonize = false\nworkers = 1\nlog_every = 100\nstartup_output = ready') }),
      args: ['proxy', 'no-daemon'],
      run: () => ({ signalGroup: true, signalWhen: 'ready', signal: 'SIGINT' }),
      ordered: true,
    }))

  it('3. a swift-<name> without the execute bit keeps its server: stop still stops it', () =>
    conforms({
      spec: spec({ 'container-server/1.conf': '' }),
      setup: [['container', 'start']],
      afterSetup: (f) => notExecutable(f, 'container-server'),
      args: ['container', 'stop'],
    }))

  it('3. ...and its start is refused with a message, not a traceback (documented)', () =>
    conforms({
      spec: spec({ 'container-server/1.conf': '' }),
      prepare: (f) => notExecutable(f, 'container-server'),
      args: ['container', 'start'],
      ordered: true,
      differs: (ours, ref) => {
        expect(ref.steps[0]?.stderr.join('\n')).toContain('PermissionError')
        expect(ours.steps[0]).toMatchObject({ code: 1, stderr: [''] })
        expect(stdout(ours).slice(-2)).toEqual(['Unable to run swift-container-server: permission denied', ''])
        expect(ours.pidFiles).toEqual(ref.pidFiles)
      },
    }))

  it('4. two servers that print, detach, then fail 4.5 s later: the same exit code as the one-after-another waits', () =>
    conforms({
      spec: spec({
        'proxy-server.conf': standin('startup_output = hello\nexit_code = 1\nexit_detached = true\nexit_delay = 4.5'),
        'container-server.conf': standin('startup_output = hi\nexit_code = 2\nexit_detached = true\nexit_delay = 4.5'),
      }),
      args: ['proxy', 'container', 'start'],
    }))

  it('5. start-up output: stdout and stderr in the order written, bytes that are not UTF-8 as \\xNN', () =>
    conforms({
      spec: spec({ 'proxy-server.conf': standin('interleaved = one|two|three|four|five\nstartup_hex = 41e9420a80ff0a') }),
      args: ['proxy', 'start'],
      ordered: true,
    }))

  it('6. SIGINT inherited as ignored: Ctrl-C in no-daemon is no user quit', () =>
    conforms({
      spec: spec({
        'proxy-server.conf': standin('daemonize = false\nworkers = 1\nlog_every = 100\nserve_for = 3\nstartup_output = ready'),
      }),
      args: ['proxy', 'no-daemon'],
      run: () => ({ sigintIgnored: true, signalGroup: true, signalWhen: 'ready', signal: 'SIGINT' }),
      ordered: true,
    }))

  it('8. conf reading: an indented [object-expirer] header is a header (configparser)', () =>
    conforms({
      spec: spec(
        {
          'object-server/1.conf': '[DEFAULT]\n  [object-expirer]\ninterval = 1\n',
          'object-server/2.conf': '[DEFAULT]\nx = 1\n  [object-expirer]\n',
          'object-server/3.conf': '# comment\n[DEFAULT]\n\n\t[object-expirer]\r\n',
          'object-expirer.conf': '[object-expirer]\n',
        },
        ['object-server', 'object-expirer'],
      ),
      args: ['object-expirer', 'start', '-v'],
      ordered: true,
    }))

  it.skipIf(!canHide())('9. resource limits without util-linux prlimit: the same warnings, the children get the same limits', () =>
    conforms({
      spec: spec({ 'proxy-server.conf': '' }),
      args: ['proxy', 'start'],
      run: () => ({ hide: ['/usr/bin/prlimit'] }),
      ordered: true,
      probe: (f) => {
        const pid = Number(pidFiles(f)['proxy-server.pid'])
        const limits = readFileSync(`/proc/${pid}/limits`, 'utf8')
        return limits.split('\n').filter((l) => /^Max (open files|data size|processes)/.test(l))
      },
    }),
  )
})
