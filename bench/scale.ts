// The service at scale, measured in the cases users have: a group start of N instances from the panel
// against the same start by the CLI, the event loop's longest stall meanwhile, the browser host's idle CPU
// with a client attached at 500 instances, and crash → event latency for daemons the CLI started (the usual
// case: the panel did not start them, so it does not see them exit; a killed one stays a zombie until init
// reaps it).

import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import type { EventOf } from '../shared/contract.js'
import { SupervisorService } from '../electron/service/service.js'
import { Manager } from '../electron/supervisor/manager.js'
import { cleanup, CLI, livePids, makeFixture, serveFixture, waitFor, type Fixture } from '../test/helpers/fixture.js'

const TICKS_PER_SECOND = 100
/** The checkout (this file also runs compiled, from out/node/bench). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url).includes('/out/node/') ? '../../..' : '..')

function objects(n: number): Fixture {
  return makeFixture({
    binaries: ['object-server'],
    confs: Object.fromEntries(Array.from({ length: n }, (_, i) => [`object-server/${i + 1}.conf`, '[DEFAULT]\n'])),
  })
}

/** Our CLI on a fixture: its own CPU seconds (bash `times`: the children it waited for, here only the CLI). */
function cliCpu(f: Fixture, ...args: string[]): number {
  const script = `"${process.execPath}" "${CLI}" --swift-dir "${f.etc}" --run-dir "${f.run}" ${args.join(' ')} >/dev/null 2>&1; times`
  const out = spawnSync('/bin/bash', ['-c', script], { env: f.env, encoding: 'utf8' }).stdout ?? ''
  const children = out.trim().split('\n').at(-1) ?? ''
  return children
    .split(' ')
    .map((t) => /^(\d+)m([\d.]+)s$/.exec(t))
    .reduce((sum, m) => sum + (m ? Number(m[1]) * 60 + Number(m[2]) : 0), 0)
}

async function inProcessService(f: Fixture): Promise<SupervisorService> {
  process.env.PATH = f.env.PATH
  const s = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'bench', transport: 'browser' })
  await s.start()
  return s
}

export interface StartCost {
  instances: number
  /** CPU seconds of the CLI's code path (the Manager, no service around it) in this same process. */
  managerCpu: number
  /** CPU seconds of the service process for the whole start, as `targets` says it (all: `object`; each: every instance id). */
  serviceCpuAll: number
  serviceCpuEach: number
  cliCpu: number
  /** The longest the service's event loop was blocked, ms, over both starts and the stop between. */
  longestStallMs: number
}

/** Starts N instances through the panel's code path (as `object`, and as N instance ids) and through the CLI. */
export async function startCost(n: number): Promise<StartCost> {
  const f = objects(n)
  try {
    const cli = cliCpu(f, 'object', 'start')
    cliCpu(f, 'object', 'stop')
    // the same start through the CLI's code path in this process (same size, so the same cost per fork)
    process.env.PATH = f.env.PATH
    const env = { swiftDir: f.etc, runDir: f.run, path: f.env.PATH ?? '', console: { print: () => {} } }
    const m0 = process.cpuUsage()
    await new Manager(['object'], env).runCommand('start', {})
    const m = process.cpuUsage(m0)
    await new Manager(['object'], env).runCommand('stop', {})
    const s = await inProcessService(f)
    // as a browser does: it shows about 30 rows, and says which
    await s.handlers['services:watch']({
      instanceIds: s
        .current()
        .instances.slice(0, 30)
        .map((i) => i.id),
    })
    const stalls = monitorEventLoopDelay({ resolution: 5 })
    const command = async (name: 'start' | 'stop', targets: string[]) => {
      const done: string[] = []
      const off = s.subscribe(
        (channel, payload) => channel === 'commands:done' && done.push((payload as EventOf<'commands:done'>).commandId),
      )
      const { commandId } = s.runCommand({ command: name, targets })
      await waitFor(() => done.includes(commandId), 600_000, `the ${name}`)
      off()
    }
    const run = async (targets: string[]) => {
      const c0 = process.cpuUsage()
      await command('start', targets)
      const c = process.cpuUsage(c0)
      await command('stop', ['object'])
      return (c.user + c.system) / 1e6
    }
    stalls.enable()
    const all = await run(['object'])
    const each = await run(s.current().instances.map((i) => i.id))
    stalls.disable()
    await s.dispose()
    return {
      instances: n,
      managerCpu: (m.user + m.system) / 1e6,
      serviceCpuAll: all,
      serviceCpuEach: each,
      cliCpu: cli,
      longestStallMs: stalls.max / 1e6,
    }
  } finally {
    cliCpu(f, 'all', 'kill')
    cleanup(f)
  }
}

/** CPU of a process from /proc, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(f[11]) + Number(f[12])
}

export interface IdleServe {
  instances: number
  running: number
  /** The `serve` process's CPU, % of one core, while nothing happens, one client attached and showing ~30 rows. */
  cpuPercent: number
  /** Bytes the client received meanwhile, per second. */
  bytesPerSec: number
}

/** `npm run serve` on N running instances (started by the CLI), a WebSocket client attached, idle for `seconds`. */
export async function idleServe(n = 500, seconds = 10): Promise<IdleServe> {
  const f = objects(n)
  const host = await serveFixture(f)
  try {
    spawnSync(process.execPath, [CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'object', 'start'], { env: f.env, stdio: 'ignore' })
    const url = new URL(host.url)
    url.protocol = 'ws:'
    url.pathname = `${url.pathname.replace(/\/$/, '')}/ws`
    const ws = new WebSocket(url, { headers: { origin: `http://${new URL(host.url).host}` } })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    let bytes = 0
    ws.on('message', (d: Buffer) => (bytes += d.length))
    // a browser shows about 30 rows, and says so every few seconds
    const visible = Array.from({ length: 30 }, (_, i) => `object-server.${i + 1}`)
    const watch = () => ws.send(JSON.stringify({ id: 1, channel: 'services:watch', payload: { instanceIds: visible } }))
    watch()
    const timer = setInterval(watch, 5000)
    await sleep(5000) // the start's events settle
    const pid = host.child.pid ?? 0
    const t0 = cpuTicks(pid)
    const b0 = bytes
    const w0 = performance.now()
    await sleep(seconds * 1000)
    const cpuPercent = ((cpuTicks(pid) - t0) / TICKS_PER_SECOND / ((performance.now() - w0) / 1000)) * 100
    const bytesPerSec = (bytes - b0) / seconds
    clearInterval(timer)
    ws.close()
    return { instances: n, running: livePids(f).length, cpuPercent, bytesPerSec }
  } finally {
    await host.stop()
    cliCpu(f, 'all', 'kill')
    cleanup(f)
  }
}

/** Crash → `services:changed` showing it crashed, for daemons our CLI started; ms for each of `rounds` kills. */
export async function crashLatencyCliStarted(rounds = 20): Promise<number[]> {
  const f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '[DEFAULT]\n' } })
  const s = await inProcessService(f)
  const latencies: number[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      spawnSync(process.execPath, [CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'proxy', 'start'], { env: f.env, stdio: 'ignore' })
      await waitFor(() => s.current().instances.find((x) => x.id === 'proxy-server')?.state === 'running', 10_000, 'running')
      await sleep(Math.random() * 1000) // at a random point of the refresh cycle
      let seen = 0
      const off = s.subscribe((channel, payload) => {
        if (
          channel === 'services:changed' &&
          !seen &&
          (payload as EventOf<'services:changed'>).changed.some((x) => x.state === 'crashed')
        ) {
          seen = performance.now()
        }
      })
      const t0 = performance.now()
      process.kill(Number(readFileSync(join(f.run, 'proxy-server.pid'), 'utf8')), 'SIGKILL')
      await waitFor(() => seen > 0, 10_000, 'the crash event')
      off()
      latencies.push(seen - t0)
      spawnSync(process.execPath, [CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'proxy', 'stop'], { env: f.env, stdio: 'ignore' })
      await waitFor(() => s.current().instances.find((x) => x.id === 'proxy-server')?.state !== 'crashed', 10_000, 'cleared')
    }
  } finally {
    await s.dispose()
    cleanup(f)
  }
  return latencies
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

/**
 * SIGSTOP of a running WSGI server (test/insight/fake-wsgi.py, started as a terminal would) → the service's
 * `services:changed` saying unhealthy, at the default refresh (1 s) and probe timeout (1 s); ms per round.
 */
export async function stopToUnhealthy(rounds = 5): Promise<number[]> {
  const port = await freePort()
  const f = makeFixture({
    confs: {
      'proxy-server.conf': `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${port}\nworkers = 1\n[pipeline:main]\npipeline = proxy-server\n[app:proxy-server]\nuse = egg:swift#proxy\n`,
    },
  })
  symlinkSync(join(ROOT, 'test/insight/fake-wsgi.py'), join(f.bin, 'swift-proxy-server'))
  const server = spawn(join(f.bin, 'swift-proxy-server'), [join(f.etc, 'proxy-server.conf')], { env: f.env, stdio: 'ignore' })
  const pid = server.pid ?? 0
  mkdirSync(f.run, { recursive: true })
  writeFileSync(join(f.run, 'proxy-server.pid'), String(pid))
  const s = await inProcessService(f)
  const health = () => s.current().instances.find((i) => i.id === 'proxy-server')?.health?.word
  const latencies: number[] = []
  try {
    await waitFor(() => health() === 'healthy', 15_000, 'healthy')
    for (let i = 0; i < rounds; i++) {
      await sleep(Math.random() * 1000)
      let seen = 0
      const off = s.subscribe((channel, payload) => {
        if (
          channel === 'services:changed' &&
          !seen &&
          (payload as EventOf<'services:changed'>).changed.some((x) => x.health?.word === 'unhealthy')
        ) {
          seen = performance.now()
        }
      })
      const t0 = performance.now()
      process.kill(-pid, 'SIGSTOP')
      await waitFor(() => seen > 0, 15_000, 'unhealthy')
      off()
      latencies.push(seen - t0)
      process.kill(-pid, 'SIGCONT')
      await waitFor(() => health() === 'healthy', 15_000, 'healthy again')
    }
  } finally {
    await s.dispose()
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // gone
    }
    cleanup(f)
  }
  return latencies
}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const address = srv.address()
  await new Promise((r) => srv.close(r))
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}
