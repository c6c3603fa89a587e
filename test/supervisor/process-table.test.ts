// The identity check before every signal, and the process table: real bystanders, and a fake /proc for the
// states that are hard to catch in the act (an exiting process, unreadable command lines).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  identify,
  programOf,
  scanMemory,
  scanServerProcesses,
  scanServerProcessesPausing,
  type Expected,
} from '../../electron/supervisor/process-table.js'
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

describe('scanServerProcesses with a memory of the last scan', () => {
  const conf = '/etc/swift/proxy-server.conf'
  const server = `/usr/bin/python3\0/usr/bin/swift-proxy-server\0${conf}\0`
  // pid + scan number divisible by 4: the scans where a process that runs no server is looked at again
  const pid = 4243
  const rewrite = (root: string, comm: string, cmdline: string) => {
    const fields = ['S', '1', String(pid), ...new Array<string>(49).fill('0')]
    writeFileSync(join(root, String(pid), 'stat'), `${pid} (${comm}) ${fields.join(' ')}\n`)
    writeFileSync(join(root, String(pid), 'cmdline'), cmdline)
  }

  it('reads a command line again only when the process exec’d (its kernel name changed) or is an interpreter', async () => {
    const root = fakeProc(pid, { comm: 'sh', state: 'S', cmdline: 'sh\0-c\0sleep 1; exec swift-proxy-server\0' })
    const memory = scanMemory()
    expect(scanServerProcesses('/etc/swift', root, memory)).toEqual([]) // scan 0
    // the shell exec'd the server: a new kernel name, so its command line is read again, at its turn (scan 1)
    rewrite(root, 'swift-proxy-ser', server)
    expect(scanServerProcesses('/etc/swift', root, memory)).toMatchObject([{ pid, server: 'proxy-server', confFile: conf }])
    // same process, same name: the memory answers (a command line changed without an exec is not read)
    rewrite(root, 'swift-proxy-ser', 'other\0')
    expect(scanServerProcesses('/etc/swift', root, memory)).toMatchObject([{ pid, server: 'proxy-server' }])
    // a python may exec another python: its command line is always read
    rewrite(root, 'python3', 'python3\0-c\0pass\0')
    expect(scanServerProcesses('/etc/swift', root, memory)).toEqual([])
    rewrite(root, 'python3', server)
    expect(scanServerProcesses('/etc/swift', root, memory)).toMatchObject([{ pid, server: 'proxy-server' }])
    // a pid the caller vouches for (alive, the same process) keeps its record without a read
    const first = scanServerProcesses('/etc/swift', root, memory)
    rewrite(root, 'python3', 'python3\0-c\0pass\0')
    expect(await scanServerProcessesPausing('/etc/swift', root, memory, new Set([pid]))).toEqual(first)
    // gone processes are forgotten
    rmSync(join(root, String(pid)), { recursive: true })
    expect(scanServerProcesses('/etc/swift', root, memory)).toEqual([])
    expect(memory.byPid.size).toBe(0)
  })

  it("treats another cluster's server as no server of this swift dir, and starts afresh for another swift dir", () => {
    const root = fakeProc(pid, { comm: 'swift-proxy-ser', state: 'S', cmdline: server })
    const memory = scanMemory()
    expect(scanServerProcesses('/srv/other', root, memory)).toEqual([])
    expect(memory.byPid.get(pid)?.found).toBeUndefined()
    expect(scanServerProcesses('/etc/swift', root, memory)).toMatchObject([{ pid, server: 'proxy-server' }])
  })

  it('looks at a process that runs no server again only every fourth scan', () => {
    const root = fakeProc(pid, { comm: 'sh', state: 'S', cmdline: 'sh\0' })
    const memory = scanMemory()
    memory.scans = 1 // (pid + scan) % 4 === 0 at scan 1, 5, 9…
    expect(scanServerProcesses('/etc/swift', root, memory)).toEqual([])
    rewrite(root, 'swift-proxy-ser', server)
    for (const _ of [2, 3, 4]) expect(scanServerProcesses('/etc/swift', root, memory)).toEqual([])
    expect(scanServerProcesses('/etc/swift', root, memory)).toMatchObject([{ pid, server: 'proxy-server' }])
  })
})
