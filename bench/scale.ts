// The service at scale, measured in the cases users have: a group start of N instances from the panel
// against the same start by the CLI, the event loop's longest stall meanwhile, the browser host's idle CPU
// with a client attached at 500 instances, and crash → event latency for daemons the CLI started (the usual
// case: the panel did not start them, so it does not see them exit; a killed one stays a zombie until init
// reaps it).

import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import type { EventOf } from '../shared/contract.js'
import { SupervisorService } from '../electron/service/service.js'
import { timed } from './cli.js'
import { cleanup, CLI, livePids, makeFixture, serveFixture, waitFor, type Fixture } from '../test/helpers/fixture.js'

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
  /** CPU seconds of the `serve` process for the whole start, as `targets` says it (all: `object`; each: every instance id). */
  serviceCpuAll: number
  serviceCpuEach: number
  /** CPU seconds of our CLI for the same start (its own process, node's start-up included). */
  cliCpu: number
  /** The longest a client waited for the answer to a trivial request (`app:info`, asked every 10 ms) during the starts, ms. */
  longestStallMs: number
}

/** A WebSocket client of `serve`: requests by id, every event to `onEvent`. */
async function client(url: string, onEvent: (event: string, payload: unknown) => void) {
  const ws = new WebSocket(wsUrl(url), { headers: { origin: `http://${new URL(url).host}` } })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  let next = 0
  let received = 0
  const waiting = new Map<number, (value: unknown) => void>()
  ws.on('message', (data: Buffer) => {
    received += data.length
    const m = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean; value?: unknown }; event?: string; payload?: unknown }
    if (m.event) onEvent(m.event, m.payload)
    else if (typeof m.id === 'number') waiting.get(m.id)?.(m.result?.value)
  })
  const request = (channel: string, payload?: unknown) =>
    new Promise<unknown>((resolve) => {
      const id = ++next
      waiting.set(id, resolve)
      ws.send(JSON.stringify({ id, channel, payload }))
    })
  return { request, bytes: () => received, close: () => ws.close() }
}

function wsUrl(url: string): URL {
  const u = new URL(url)
  u.protocol = 'ws:'
  u.pathname = `${u.pathname.replace(/\/$/, '')}/ws`
  return u
}

/**
 * Starts N instances through `npm run serve` (a client attached, showing 30 rows, as a browser does), as
 * `object` and as N instance ids, and through our CLI; the serve process's CPU from /proc, its stalls as a
 * client sees them.
 */
export async function startCost(n: number): Promise<StartCost> {
  const f = objects(n)
  const host = await serveFixture(f)
  try {
    const cli = cliCpu(f, 'object', 'start')
    cliCpu(f, 'object', 'stop')
    const done = new Set<string>()
    const c = await client(
      host.url,
      (event, payload) => event === 'commands:done' && done.add((payload as EventOf<'commands:done'>).commandId),
    )
    const pid = host.child.pid ?? 0
    const ids = Array.from({ length: n }, (_, i) => `object-server.${i + 1}`)
    await c.request('services:watch', { instanceIds: ids.slice(0, 30) })
    let longestStallMs = 0
    let probing = true
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now()
        await c.request('app:info')
        longestStallMs = Math.max(longestStallMs, performance.now() - t0)
        await sleep(10)
      }
    })()
    const command = async (command: 'start' | 'stop', targets: string[]) => {
      const { commandId } = (await c.request('commands:run', { command, targets })) as { commandId: string }
      await waitFor(() => done.has(commandId), 600_000, `the ${command}`)
    }
    const run = async (targets: string[]) => {
      const t0 = cpuSeconds(pid)
      await command('start', targets)
      const cpu = cpuSeconds(pid) - t0
      await command('stop', ['object'])
      return cpu
    }
    const all = await run(['object'])
    const each = await run(ids)
    probing = false
    await probe
    c.close()
    return { instances: n, serviceCpuAll: all, serviceCpuEach: each, cliCpu: cli, longestStallMs }
  } finally {
    await host.stop()
    cliCpu(f, 'all', 'kill')
    cleanup(f)
  }
}

/**
 * CPU time of a process, every thread of it (GC and compiler threads too), in seconds: from schedstat (ns),
 * exact where /proc/<pid>/stat's clock ticks sample short bursts badly.
 */
function cpuSeconds(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => {
    try {
      return sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]) / 1e9
    } catch {
      return sum // a thread that ended meanwhile
    }
  }, 0)
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
export async function idleServe(n = 500, seconds = 20): Promise<IdleServe> {
  const f = objects(n)
  const host = await serveFixture(f)
  try {
    spawnSync(process.execPath, [CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'object', 'start'], { env: f.env, stdio: 'ignore' })
    const c = await client(host.url, () => {})
    // a browser shows about 30 rows, and says so every few seconds
    const visible = Array.from({ length: 30 }, (_, i) => `object-server.${i + 1}`)
    const watch = () => void c.request('services:watch', { instanceIds: visible })
    watch()
    const timer = setInterval(watch, 5000)
    // idle means the steady state: the start's events handled, the service's hot code compiled (V8 compiles on
    // other threads, counted here, for the first half minute)
    await sleep(30_000)
    const pid = host.child.pid ?? 0
    const t0 = cpuSeconds(pid)
    const b0 = c.bytes()
    const w0 = performance.now()
    await sleep(seconds * 1000)
    const cpuPercent = ((cpuSeconds(pid) - t0) / ((performance.now() - w0) / 1000)) * 100
    const bytesPerSec = (c.bytes() - b0) / seconds
    clearInterval(timer)
    c.close()
    return { instances: n, running: livePids(f).length, cpuPercent, bytesPerSec }
  } finally {
    await host.stop()
    cliCpu(f, 'all', 'kill')
    cleanup(f)
  }
}

/**
 * `object stop` by our CLI on N running instances: how long after the last of them exited it returned, ms, one
 * sample a round (null: it returned while one was still there). Each 10 ms poll must look only at what is
 * still alive, or this grows with N.
 */
export async function stopAfterLastExit(n = 500, rounds = 5): Promise<(number | null)[]> {
  const f = objects(n)
  const samples: (number | null)[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      spawnSync(process.execPath, [CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'object', 'start'], { env: f.env, stdio: 'ignore' })
      const stop = await timed([process.execPath, CLI, '--swift-dir', f.etc, '--run-dir', f.run, 'object', 'stop'], livePids(f), f.env)
      samples.push(stop.afterLastExitMs)
    }
  } finally {
    cliCpu(f, 'all', 'kill')
    cleanup(f)
  }
  return samples
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
