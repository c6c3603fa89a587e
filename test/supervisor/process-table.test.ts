// The identity check before every signal, and the process table: real bystanders, and a fake /proc for the
// states that are hard to catch in the act (an exiting process, unreadable command lines).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { identify, programOf, scanServerProcesses, type Expected } from '../../electron/supervisor/process-table.js'
import { cleanup, makeFixture, runOurs, waitFor, type Fixture } from '../helpers/fixture.js'

let dirs: string[] = []
let children: ChildProcess[] = []
let fixtures: Fixture[] = []
afterEach(() => {
  children.forEach((c) => c.kill('SIGKILL'))
  fixtures.forEach(cleanup)
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }))
  ;[dirs, children, fixtures] = [[], [], []]
})

const proxy = (conf: string): Expected => ({ server: 'proxy-server', confMatches: (c) => c === conf })

/** A /proc with one process: `stat` fields after the name are state, ppid, pgrp, and zeros. */
function fakeProc(pid: number, p: { comm: string; state: string; cmdline?: string | null; cwd?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'swift-panel-proc-'))
  dirs.push(root)
  writeFileSync(join(root, 'stat'), 'cpu 0\nbtime 1700000000\n')
  mkdirSync(join(root, String(pid)))
  const fields = [p.state, '1', String(pid), ...new Array<string>(49).fill('0')]
  writeFileSync(join(root, String(pid), 'stat'), `${pid} (${p.comm}) ${fields.join(' ')}\n`)
  if (p.cmdline !== null) writeFileSync(join(root, String(pid), 'cmdline'), p.cmdline ?? '')
  if (p.cwd) symlinkSync(p.cwd, join(root, String(pid), 'cwd'))
  return root
}

describe('programOf: the program a command line runs', () => {
  it.each([
    [['/usr/bin/swift-proxy-server', '/etc/swift/proxy-server.conf'], '/usr/bin/swift-proxy-server', '/etc/swift/proxy-server.conf'],
    [['/usr/bin/python3', '/usr/bin/swift-proxy-server', 'c.conf'], '/usr/bin/swift-proxy-server', 'c.conf'],
    [['python3.11', '-u', '/opt/swift-proxy-server', 'c.conf', 'once'], '/opt/swift-proxy-server', 'c.conf'],
    [['tail', '-f', '/var/log/swift-proxy-server.log'], 'tail', '-f'],
    [['sh', '-c', 'swift-proxy-server c.conf'], 'sh', '-c'],
  ])('%j', (argv, program, first) => {
    expect(programOf(argv)).toMatchObject({ program, args: expect.arrayContaining([first]) as string[] })
  })
})

describe('identify: is this pid the server its pid file names?', () => {
  it('refuses pid 1, ourselves and non-pids outright', () => {
    for (const pid of [1, process.pid, 0, -5, 1.5]) expect(identify(pid, proxy('/x.conf')).kind).toBe('stranger')
  })

  it('calls bystanders that merely name the server in an argument strangers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-panel-id-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'swift-proxy-server.log'), '')
    children = [
      spawn('tail', ['-f', join(dir, 'swift-proxy-server.log')]),
      spawn('sh', ['-c', 'sleep 60; : swift-proxy-server /x.conf']),
      spawn('/usr/bin/python3', ['-c', 'import time; time.sleep(60)', 'swift-proxy-server', '/x.conf']),
    ]
    // give each its command line (the shells exec nothing)
    await waitFor(() => children.every((c) => c.pid && identify(c.pid, proxy('/x.conf')).kind !== 'gone'))
    for (const c of children) expect(identify(c.pid ?? 0, proxy('/x.conf'))).toMatchObject({ kind: 'stranger' })
  })

  it("knows a server by its program and its conf: another tree's server with the same binary is a stranger", async () => {
    const a = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    const b = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    fixtures = [a, b]
    expect((await runOurs(b, ['start', 'proxy'])).code).toBe(0)
    const [server] = await waitFor(() => scanServerProcesses(b.etc))
    expect(server).toMatchObject({
      server: 'proxy-server',
      confFile: join(b.etc, 'proxy-server.conf'),
      state: expect.any(String) as string,
    })
    const pid = server?.pid ?? 0
    expect(server?.pgid).toBe(pid) // the stand-in leads its group, as Swift's servers do
    expect(identify(pid, proxy(join(b.etc, 'proxy-server.conf')))).toEqual({ kind: 'server' })
    expect(identify(pid, proxy(join(a.etc, 'proxy-server.conf')))).toMatchObject({ kind: 'stranger' })
    expect(identify(pid, { ...proxy(join(b.etc, 'proxy-server.conf')), server: 'object-server' })).toMatchObject({ kind: 'stranger' })
    expect(scanServerProcesses(a.etc)).toEqual([])
  })

  it('tells an exiting process (no command line, right name) from a zombie and from a kernel thread', () => {
    const expected = proxy('/etc/swift/proxy-server.conf')
    expect(identify(4242, expected, fakeProc(4242, { comm: 'swift-proxy-ser', state: 'S', cmdline: '' }))).toEqual({ kind: 'exiting' })
    expect(identify(4242, expected, fakeProc(4242, { comm: 'swift-proxy-ser', state: 'Z', cmdline: '' }))).toEqual({ kind: 'zombie' })
    expect(identify(4242, expected, fakeProc(4242, { comm: 'kworker/0:1', state: 'I', cmdline: '' }))).toMatchObject({ kind: 'stranger' })
    expect(identify(4242, expected, fakeProc(4242, { comm: 'tail', state: 'Z', cmdline: '' }))).toMatchObject({ kind: 'stranger' })
  })

  it('reads a conf given relative to the process directory, and fails closed when it cannot', () => {
    const cmdline = '/usr/bin/python3\0/usr/bin/swift-proxy-server\0proxy-server.conf\0'
    const expected = proxy('/etc/swift/proxy-server.conf')
    expect(identify(77, expected, fakeProc(77, { comm: 'swift-proxy-ser', state: 'S', cmdline, cwd: '/etc/swift' }))).toEqual({
      kind: 'server',
    })
    expect(identify(77, expected, fakeProc(77, { comm: 'swift-proxy-ser', state: 'S', cmdline }))).toMatchObject({ kind: 'unknown' })
  })

  it('fails closed when the process exists but /proc does not show it', () => {
    // our own parent exists (kill 0 works) but is not in this empty /proc
    const empty = mkdtempSync(join(tmpdir(), 'swift-panel-proc-'))
    dirs.push(empty)
    writeFileSync(join(empty, 'stat'), 'btime 0\n')
    expect(identify(process.ppid, proxy('/x.conf'), empty)).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('cannot be read') as string,
    })
    expect(identify(4_194_000, proxy('/x.conf'), empty)).toEqual({ kind: 'gone' })
  })
})
