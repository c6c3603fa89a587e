// Where ours differs from swift-init on purpose, each a row of the README's "Differences from swift-init":
// upstream bugs a safer swift-init should not keep, and cases where ours is arguably better. Each scenario
// plays the reference too and asserts both what it does and what ours does instead.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  cleanup,
  livePids,
  makeTwin,
  makeZombie,
  pidFiles,
  putRunFile,
  referenceUnavailable,
  runOurs,
  runReference,
  SAIO_CONFS,
} from '../helpers/fixture.js'
import { conforms, type Outcome } from './scenario.js'

const standin = (lines: string) => `[standin]\n${lines}\n`
const last = (o: Outcome) => o.steps.at(-1) ?? { args: '', code: NaN, stdout: [], stderr: [] }

describe.skipIf(referenceUnavailable() !== null).concurrent('upstream bugs ours does not keep', () => {
  it('`proxy once` returns: a WSGI server ignores once, so swift-init waits on it forever', async () => {
    const { ours, ref } = makeTwin({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    try {
      const [r, o] = await Promise.allSettled([runReference(ref, ['proxy', 'once'], { timeoutMs: 6000 }), runOurs(ours, ['proxy', 'once'])])
      expect(r.status === 'rejected' && String(r.reason)).toMatch(/timed out/)
      expect(o.status === 'fulfilled' && o.value).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('Starting proxy-server...') as string,
      })
      expect(livePids(ours)).toHaveLength(1)
    } finally {
      cleanup(ours)
      cleanup(ref)
    }
  })

  it('two failed starts with statuses 1 and -1 fail, where swift-init sums them to 0', () =>
    conforms({
      spec: {
        binaries: ['proxy-server', 'account-server'],
        confs: {
          'proxy-server.conf': standin('startup_output = a\nexit_code = 1'),
          'account-server.conf': standin('startup_output = b\nexit_code = -1'),
        },
      },
      args: ['proxy', 'account', 'start'],
      differs: (ours, ref) => {
        expect(last(ref).code).toBe(0)
        expect({ ...last(ours), code: 0 }).toEqual(last(ref))
        expect(last(ours).code).toBe(1)
      },
    }))

  it('stop -v says "stale pid file" for a server that exited and is not reaped yet, not "wrong pid"', () =>
    conforms({
      spec: { binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } },
      prepare: async (f) => putRunFile(f, 'proxy-server.pid', String(await makeZombie(f, 'proxy-server'))),
      args: ['proxy', 'stop', '-v'],
      ordered: true,
      differs: (ours, ref) => {
        expect(last(ref).stdout[1]).toBe('Removing pid file <ROOT>/run/proxy-server.pid with wrong pid <PID>')
        expect(last(ours).stdout[1]).toBe('Removing stale pid file <ROOT>/run/proxy-server.pid')
        expect({ ...last(ours), stdout: [] }).toEqual({ ...last(ref), stdout: [] })
      },
    }))

  it('kill --kill-after-timeout kills a server that leads no process group, and waits: status then finds nothing running, exit 0', () =>
    conforms({
      // no setsid: the server is not a group leader, so swift-init's kill of the group -pid finds none and kills nothing
      spec: { binaries: ['proxy-server'], confs: { 'proxy-server.conf': standin('ignore_term = true\nworkers = 2\ndaemonize = false') } },
      setup: [['proxy', 'no-wait']],
      args: ['proxy', 'kill', '-k', '1', '--kill-after-timeout'],
      ordered: true,
      differs: (ours) => {
        expect(last(ours)).toMatchObject({ code: 0 })
        expect(last(ours).stdout).toEqual([
          'Signal proxy-server  pid: <PID>  signal: 15',
          'Waited 1 seconds for proxy-server to die; killing',
          'Signal proxy-server  pid: <PID>  signal: 9',
          'No proxy-server running',
          '',
        ])
        expect(ours.liveDaemons).toBe(0)
      },
    }))

  it.skipIf(process.getuid?.() !== 0)('another user cannot start a second copy in a world-writable run dir', () =>
    conforms({
      spec: { binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } },
      prepare: (f) => {
        mkdirSync(f.run)
        chmodSync(f.run, 0o777)
      },
      setup: [['proxy', 'start']],
      args: ['proxy', 'start'],
      run: () => ({ asUser: 65534 }),
      ordered: true,
      differs: (ours, ref) => {
        expect(ref.liveDaemons).toBe(2)
        expect(last(ours).stdout.slice(1)).toEqual([
          'proxy-server running (<PID> - <ROOT>/etc/proxy-server.conf)',
          'proxy-server already started...',
          '',
        ])
        expect(ours.liveDaemons).toBe(1)
        expect(ours.pidFiles).toEqual({ 'proxy-server.pid': '<PID>' })
      },
    }),
  )
})

describe.skipIf(referenceUnavailable() !== null).concurrent('where ours is arguably better', () => {
  it('a glob that is not a valid regular expression: a one-line error, not a traceback', () =>
    conforms({
      args: ['obj[*', 'status'],
      differs: (ours, ref) => {
        expect(last(ref).stderr.join('\n')).toContain('re.error: unterminated character set at position 3')
        expect(last(ours)).toEqual({ ...last(ref), stderr: ['', 'swift-init: obj[*: not a valid pattern (unterminated character set)'] })
      },
    }))

  it('a malformed object-server conf during the object-expirer lookup counts as one without the section', () =>
    conforms({
      spec: {
        binaries: ['object-server', 'object-expirer'],
        confs: {
          'object-server/1.conf': '[DEFAULT]\n[object-expirer]\n[object-expirer]\n',
          'object-server/2.conf': '[object-expirer]\ninterval = %(nope)s\n',
          'object-expirer.conf': '[object-expirer]\n',
        },
      },
      args: ['object-expirer', 'start'],
      ordered: true,
      differs: (ours, ref) => {
        expect(last(ref).stderr.join('\n')).toContain("DuplicateSectionError: While reading from '<ROOT>/etc/object-server/1.conf'")
        expect(last(ours).code).toBe(0)
        expect(last(ours).stdout.slice(1)).toEqual([
          "WARNING: object-expirer.conf is deprecated. Move object-expirers' configuration into object-server.conf.",
          'Starting object-expirer...(<ROOT>/etc/object-expirer.conf)',
          '',
        ])
      },
    }))

  it('a relative --run-dir is taken from the current directory: no garbled conf paths', () =>
    conforms({
      spec: { binaries: ['proxy-server'], confs: SAIO_CONFS },
      setup: [['proxy', 'start', '--run-dir', './run']],
      args: ['proxy', 'start', '--run-dir', './run'],
      ordered: true,
      differs: (ours, ref) => {
        expect(last(ref).stdout[1]).toBe('proxy-server running (<PID> - ./run/proxy-server.pid)')
        expect(last(ours).stdout[1]).toBe('proxy-server running (<PID> - <ROOT>/etc/proxy-server.conf)')
        expect(ours.pidFiles).toEqual(ref.pidFiles)
      },
    }))

  it('nested conf dirs are walked in name order, so the confs found never depend on the file system', () =>
    conforms({
      spec: {
        binaries: ['object-server'],
        confs: { 'object-server/a/1.conf.d/x.conf': '', 'object-server/b/2.conf': '', 'object-server/c/3.conf': '' },
      },
      args: ['object', 'start'],
      differs: (ours, ref) => {
        // swift-init stops walking at the first directory holding a .conf.d; which that is depends on the directory's order
        expect(last(ref).stdout).toContain('Starting object-server...(<ROOT>/etc/object-server/a/1.conf.d)')
        expect(last(ours).stdout).toEqual([
          '',
          'Starting object-server...(<ROOT>/etc/object-server/a/1.conf.d)',
          expect.stringMatching(/^WARNING/),
        ])
      },
    }))

  it('two names for one server (object.1 object.2) act on both instances, not on one picked by set order', () =>
    conforms({
      spec: { binaries: ['object-server'], confs: SAIO_CONFS },
      args: ['object.1', 'object.2', 'start'],
      differs: (ours, ref) => {
        expect(Object.keys(ref.pidFiles)).toHaveLength(1)
        expect(ours.pidFiles).toEqual({ 'object-server/1.pid': '<PID>', 'object-server/2.pid': '<PID>' })
        expect(last(ours).code).toBe(0)
      },
    }))

  it('a pid file that is a FIFO is reported as unreadable, where swift-init blocks on it forever', async () => {
    const { ours, ref } = makeTwin({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    try {
      for (const f of [ours, ref]) {
        mkdirSync(f.run)
        expect(spawnSync('mkfifo', [`${f.run}/proxy-server.pid`]).status).toBe(0)
      }
      const [r, o] = await Promise.allSettled([
        runReference(ref, ['proxy', 'status'], { timeoutMs: 4000 }),
        runOurs(ours, ['proxy', 'status']),
      ])
      expect(r.status === 'rejected' && String(r.reason)).toMatch(/timed out/)
      expect(o.status === 'fulfilled' && o.value).toMatchObject({
        code: 1,
        stdout: `Unable to read pid file ${ours.run}/proxy-server.pid (not a regular file)\nNo proxy-server running\n`,
      })
      expect(Object.keys(pidFiles(ours))).toEqual([])
    } finally {
      cleanup(ours)
      cleanup(ref)
    }
  })
})
