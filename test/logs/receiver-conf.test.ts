import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readConfLogging } from '../../electron/service/logs/conf-logging.js'
import {
  applyReceiverConf,
  receiverConfEdit,
  receiverConfPatch,
  unifiedDiff,
  withReceiverConf,
} from '../../electron/service/logs/receiver-conf.js'
import { tempDirs } from './helpers.js'

const tmp = tempDirs('receiver-conf')
afterEach(() => tmp.cleanup())

const CONF = `[DEFAULT]
devices = /srv/1/node
bind_port = 6210
log_facility = LOG_LOCAL2
# eventlet_debug = true

[pipeline:main]
pipeline = object-server

[app:object-server]
use = egg:swift#object

[object-replicator]
`

describe('conf change for the built-in receiver', () => {
  it('adds both lines at the end of [DEFAULT] and shows it as a unified diff', () => {
    const { newText, diff } = receiverConfPatch(CONF, '/etc/swift/object-server/1.conf', 5514)
    expect(newText).toBe(
      CONF.replace('log_facility = LOG_LOCAL2\n', 'log_facility = LOG_LOCAL2\nlog_udp_host = 127.0.0.1\nlog_udp_port = 5514\n'),
    )
    expect(diff).toBe(
      [
        '--- /etc/swift/object-server/1.conf',
        '+++ /etc/swift/object-server/1.conf',
        '@@ -2,6 +2,8 @@',
        ' devices = /srv/1/node',
        ' bind_port = 6210',
        ' log_facility = LOG_LOCAL2',
        '+log_udp_host = 127.0.0.1',
        '+log_udp_port = 5514',
        ' # eventlet_debug = true',
        ' ',
        ' [pipeline:main]',
        '',
      ].join('\n'),
    )
  })

  it('replaces settings already there, adds a [DEFAULT] where there is none, keeps CRLF and a missing last newline', () => {
    expect(withReceiverConf('[DEFAULT]\nLog_UDP_Port = 514\nuser = swift\n[x]\n', 6000)).toBe(
      '[DEFAULT]\nlog_udp_port = 6000\nuser = swift\nlog_udp_host = 127.0.0.1\n[x]\n',
    )
    expect(withReceiverConf('# object expirer\n[object-expirer]\ninterval = 300', 6000)).toBe(
      '# object expirer\n[DEFAULT]\nlog_udp_host = 127.0.0.1\nlog_udp_port = 6000\n\n[object-expirer]\ninterval = 300',
    )
    expect(withReceiverConf('[DEFAULT]\r\nuser = swift\r\n', 7)).toBe(
      '[DEFAULT]\r\nuser = swift\r\nlog_udp_host = 127.0.0.1\r\nlog_udp_port = 7\r\n',
    )
    expect(withReceiverConf('', 7)).toBe('[DEFAULT]\nlog_udp_host = 127.0.0.1\nlog_udp_port = 7\n')
  })

  it('makes diffs that patch(1) applies', () => {
    const dir = tmp.make()
    const cases: [string, string][] = [
      [CONF, withReceiverConf(CONF, 1)],
      ['a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n', 'a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\nl\n'],
      ['one\ntwo', 'one\ntwo\nthree\n'],
      ['x\n', ''],
    ]
    for (const [a, b] of cases) {
      writeFileSync(join(dir, 'a'), a)
      writeFileSync(join(dir, 'patch'), unifiedDiff(a, b, 'a', 'a'))
      execFileSync('patch', ['-s', '-o', join(dir, 'out'), join(dir, 'a'), join(dir, 'patch')])
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(b)
    }
    expect(unifiedDiff('same\n', 'same\n', 'a', 'b')).toBe('')
  })

  it('applies the edit atomically, keeping mode and symlink, after checking the file did not change', async () => {
    const dir = tmp.make()
    const real = join(dir, 'object-server-1.conf')
    writeFileSync(real, CONF)
    chmodSync(real, 0o640)
    const link = join(dir, 'linked.conf')
    symlinkSync(real, link)
    const edit = receiverConfEdit(link, 'object-server', 5514)
    expect(edit).toMatchObject({ file: real, takesEffect: true })
    expect(edit.diff).toContain('+log_udp_port = 5514')
    // Nothing is written until applied.
    expect(readFileSync(real, 'utf8')).toBe(CONF)

    writeFileSync(real, CONF + '[object-auditor]\n')
    await expect(applyReceiverConf(link, 5514, edit.originalHash)).rejects.toThrow(/changed since the proposed edit was shown/)
    expect(readFileSync(real, 'utf8')).toBe(CONF + '[object-auditor]\n')

    const fresh = receiverConfEdit(link, 'object-server', 5514)
    const applied = await applyReceiverConf(link, 5514, fresh.originalHash)
    expect(applied).toEqual({ file: real, backup: expect.stringMatching(/^.*\/object-server-1\.conf\.swift-panel-\d+\.orig$/) as string })
    // the user's original is kept beside it
    expect(readFileSync(applied.backup, 'utf8')).toBe(CONF + '[object-auditor]\n')
    expect(readConfLogging('object-server', link).udp).toEqual({ host: '127.0.0.1', port: 5514 })
    expect(readConfLogging('object-auditor', link).udp).toEqual({ host: '127.0.0.1', port: 5514 })
    expect(statSync(real).mode & 0o777).toBe(0o640)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(['linked.conf', 'object-server-1.conf', basename(applied.backup)])
  })

  it('never loses an edit the user saves while the change is applied (an editor writing in place, racing)', async () => {
    const dir = tmp.make()
    const file = join(dir, 'object-server-1.conf')
    const lost: number[] = []
    for (let round = 0; round < 100; round++) {
      writeFileSync(file, CONF)
      const edit = receiverConfEdit(file, 'object-server', 5514)
      const saved = `${CONF}# the user's edit ${round}\n`
      // another process saves in place (O_TRUNC on the same inode) at some moment during the apply
      const editor = spawn('sh', ['-c', `sleep 0.00${round % 10}; printf '%s' "$1" > "$2"`, 'sh', saved, file])
      const exited = new Promise((done) => editor.once('exit', done))
      await new Promise((r) => setTimeout(r, round % 7))
      await applyReceiverConf(file, 5514, edit.originalHash).catch(() => null)
      await exited
      const texts = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8'))
      if (!texts.some((t) => t.startsWith(saved))) lost.push(round)
      for (const name of readdirSync(dir)) if (name !== 'object-server-1.conf') rmSync(join(dir, name))
    }
    expect(lost).toEqual([])
  })

  it('edits the .conf.d part that holds [DEFAULT], and warns when a section overrides it', () => {
    const dir = join(tmp.make(), 'object-server.conf.d')
    mkdirSync(dir)
    writeFileSync(join(dir, '00-base.conf'), '[DEFAULT]\nlog_facility = LOG_LOCAL2\n')
    writeFileSync(join(dir, '10-app.conf'), '[app:object-server]\nuse = egg:swift#object\n[object-replicator]\nlog_udp_host = 10.0.0.9\n')
    const edit = receiverConfEdit(dir, 'object-server', 5514)
    expect(edit).toMatchObject({ file: join(dir, '00-base.conf'), takesEffect: true })
    // configparser lets the daemon's own section win over [DEFAULT]: the edit would not reach it.
    expect(receiverConfEdit(dir, 'object-replicator', 5514).takesEffect).toBe(false)
  })
})
