// Where our swift-init is safer than swift-init, and bad input: real processes, real signals.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  cleanup,
  CLI,
  livePids,
  makeFixture,
  MAIN,
  pidFiles,
  putRunFile,
  runOurs,
  SAIO_CONFS,
  waitFor,
  type Fixture,
} from '../helpers/fixture.js'

let f: Fixture
let bystander: ChildProcess | null = null
afterEach(() => {
  bystander?.kill('SIGKILL')
  bystander = null
  cleanup(f)
})

const alive = (pid: number) => existsSync(`/proc/${pid}`)
const standard = () => (f = makeFixture({ binaries: [...MAIN, 'object-replicator'], confs: SAIO_CONFS }))

describe('signals only the server a pid file names', () => {
  it('stop on a reused pid leaves the unrelated process alone and removes the pid file', async () => {
    standard()
    bystander = spawn('sleep', ['60'])
    putRunFile(f, 'proxy-server.pid', String(bystander.pid))
    const r = await runOurs(f, ['stop', 'proxy'])
    expect(r.stdout).toBe(`Removing pid file ${f.run}/proxy-server.pid with wrong pid ${bystander.pid}\nNo proxy-server running\n`)
    expect(r.code).toBe(1)
    expect(alive(bystander.pid!)).toBe(true)
    expect(pidFiles(f)).toEqual({})
  })

  it.each([
    ['1', 'wrong pid 1'],
    ['-1', 'with invalid pid'],
    ['0', 'with invalid pid'],
    ['99999999999', 'with invalid pid'],
  ])('never signals pid %s', async (pid, message) => {
    standard()
    putRunFile(f, 'proxy-server.pid', pid)
    const r = await runOurs(f, ['kill', 'proxy'])
    expect(r.stdout).toContain(message)
    expect(r.stdout).not.toContain('Signal proxy-server')
    expect(pidFiles(f)).toEqual({})
  })

  it('reports EPERM without removing the pid file', async () => {
    standard()
    expect((await runOurs(f, ['start', 'proxy'])).code).toBe(0)
    const pid = Number(readFileSync(join(f.run, 'proxy-server.pid'), 'utf8'))
    const r = await runOurs(f, ['stop', 'proxy'], { asUser: 65534 })
    expect(r.stdout).toBe(`Signal proxy-server  pid: ${pid}  signal: 15\nNo permission to signal PID ${pid}\nNo proxy-server running\n`)
    expect(r.code).toBe(1)
    expect(alive(pid)).toBe(true)
    expect(Object.keys(pidFiles(f))).toEqual(['proxy-server.pid'])
  })

  it('leaves a pid file it cannot read, and survives a directory where a pid file should be', async () => {
    standard()
    mkdirSync(join(f.run, 'proxy-server.pid'), { recursive: true })
    mkdirSync(join(f.run, 'object-server/1.pid'), { recursive: true })
    putRunFile(f, 'account-server/1.pid', '4242')
    chmodSync(join(f.run, 'account-server/1.pid'), 0o000)
    chmodSync(join(f.run), 0o755)
    chmodSync(join(f.run, 'account-server'), 0o755)
    const r = await runOurs(f, ['status', 'main'], { asUser: 65534 })
    expect(r.stdout).toContain(`Unable to read pid file ${f.run}/account-server/1.pid (EACCES)`)
    expect(r.code).toBe(1)
    expect(existsSync(join(f.run, 'account-server/1.pid'))).toBe(true)
  })
})

describe('starting', () => {
  it('two invocations racing to start a server spawn it once', async () => {
    standard()
    const [a, b] = await Promise.all([runOurs(f, ['start', 'proxy']), runOurs(f, ['start', 'proxy'])])
    const out = a.stdout + b.stdout
    expect(out.match(/Starting proxy-server/g)).toHaveLength(1)
    expect(out).toContain('proxy-server already started...')
    expect(livePids(f)).toHaveLength(1)
  })

  it('creates a run dir that does not exist yet', async () => {
    standard()
    expect(existsSync(f.run)).toBe(false)
    expect((await runOurs(f, ['start', 'object'])).code).toBe(0)
    expect(Object.keys(pidFiles(f))).toEqual(['object-server/1.pid', 'object-server/2.pid'])
  })

  it('spawns nothing when the pid file cannot be written', async () => {
    standard()
    writeFileSync(f.run, 'a file where the run dir should be')
    const r = await runOurs(f, ['start', 'proxy'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Unable to create ${f.run}: a file is in the way\n`)
    expect(livePids(f)).toEqual([])
  })

  it('drops a server whose binary is missing; keeps one that is not executable, and says why it cannot run it', async () => {
    f = makeFixture({ binaries: [], confs: SAIO_CONFS })
    const missing = await runOurs(f, ['start', 'proxy'])
    expect(missing.code).toBe(1)
    expect(missing.stdout).not.toContain('Starting')
    writeFileSync(join(f.bin, 'swift-proxy-server'), '#!/bin/sh\n')
    chmodSync(join(f.bin, 'swift-proxy-server'), 0o644)
    const r = await runOurs(f, ['start', 'proxy'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      `Starting proxy-server...(${f.etc}/proxy-server.conf)\nUnable to run swift-proxy-server: permission denied\n`,
    )
    expect(r.stderr).toBe('')
    expect(pidFiles(f)).toEqual({})
  })

  it('finds no config in an unreadable conf dir, and says so', async () => {
    standard()
    chmodSync(join(f.etc, 'object-server'), 0o000)
    const r = await runOurs(f, ['start', 'object'], { asUser: 65534 })
    expect(r.stdout).toContain('Unable to locate config for object-server')
    expect(r.code).toBe(1)
  })

  it('writes pid files atomically, replacing a planted symlink instead of writing through it', async () => {
    standard()
    mkdirSync(f.run)
    writeFileSync(join(f.root, 'victim'), 'precious')
    symlinkSync(join(f.root, 'victim'), join(f.run, 'proxy-server.pid'))
    // the symlink reads as garbage, so start removes it first, then writes a real file
    expect((await runOurs(f, ['start', 'proxy'])).code).toBe(0)
    expect(readFileSync(join(f.root, 'victim'), 'utf8')).toBe('precious')
  })
})

describe('no-daemon', () => {
  it('streams the server output, and Ctrl-C prints "user quit" and stops it', async () => {
    standard()
    const r = await runOurs(f, ['proxy', 'no-daemon'], { signalWhen: 'log line 3', signal: 'SIGINT' })
    expect(r.stdout).toContain('Starting proxy-server...')
    expect(r.stdout).toMatch(/swift-proxy-server: log line 3/)
    expect(r.stdout).toMatch(/\nuser quit\nSignal proxy-server {2}pid: \d+ {2}signal: 15\nproxy-server \(\d+\) appears to have stopped\n/)
    expect(r.code).toBe(0)
    expect(livePids(f)).toEqual([])
  })
})

interface JsonSummary {
  command: string
  exitCode: number
  servers: string[]
  instances: { id: string; number: number; pidState: string }[]
}
const json = (text: string): JsonSummary => JSON.parse(text) as JsonSummary

describe('--json', () => {
  it('status --json lists every instance instead of text', async () => {
    standard()
    await runOurs(f, ['start', 'object.2'])
    const r = await runOurs(f, ['status', 'object', 'proxy', '--json'])
    const doc = json(r.stdout)
    expect(doc).toMatchObject({ command: 'status', exitCode: 1, servers: ['proxy-server', 'object-server'] })
    expect(doc.instances.map((i) => [i.id, i.pidState])).toEqual([
      ['proxy-server', 'none'],
      ['object-server.1', 'none'],
      ['object-server.2', 'running'],
    ])
    expect(r.code).toBe(1) // proxy-server is not running
  })

  it('status --json honours -c N, and numbers a conf the same however its server was named', async () => {
    standard()
    const byNumber = json((await runOurs(f, ['status', 'object', '-c', '2', '--json'])).stdout)
    expect(byNumber.instances.map((i) => [i.id, i.number])).toEqual([['object-server.2', 2]])
    const byName = json((await runOurs(f, ['status', 'object.2', '--json'])).stdout)
    expect(byName.instances.map((i) => [i.id, i.number])).toEqual([['object-server.2', 2]])
    const all = json((await runOurs(f, ['status', 'object', '--json'])).stdout)
    expect(all.instances.map((i) => [i.id, i.number])).toEqual([
      ['object-server.1', 1],
      ['object-server.2', 2],
    ])
  })

  it('other commands end with a JSON summary line', async () => {
    standard()
    const r = await runOurs(f, ['start', 'proxy', '--json'])
    const last = json(r.stdout.trim().split('\n').at(-1) ?? '')
    expect(last).toMatchObject({ command: 'start', exitCode: 0 })
    expect(last.instances[0]).toMatchObject({ id: 'proxy-server', pidState: 'running' })
  })
})

describe('stop', () => {
  it('kills the whole process group, workers included, after kill-wait with --kill-after-timeout', async () => {
    f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '[standin]\nignore_term = true\nworkers = 3\n' } })
    await runOurs(f, ['start', 'proxy'])
    await waitFor(() => livePids(f).length === 4)
    const r = await runOurs(f, ['stop', 'proxy', '-k', '1', '--kill-after-timeout'])
    expect(r.stdout).toContain('Waited 1 seconds for proxy-server to die; killing')
    await waitFor(() => livePids(f).length === 0)
  })

  it('a reader that went away (a closed pipe, as `| head -1` leaves) ends the output quietly: no stack trace, the status unchanged', async () => {
    standard()
    const child = spawn(process.execPath, [CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'main', 'status'], {
      env: f.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.destroy() // the read end closes long before the CLI's first line (node starts in ~50 ms)
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise((resolve) => child.once('close', resolve))
    expect(stderr).toBe('')
    expect(code).toBe(1) // nothing runs: swift-init's status says so with 1
  })

  it('a bad option is an optparse error on stderr with status 2', async () => {
    standard()
    const r = await runOurs(f, ['proxy', 'status', '-k', 'soon'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("swift-init: error: option -k: invalid integer value: 'soon'")
  })
})
