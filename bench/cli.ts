// Our swift-init against the reference (Debian's swift.common.manager through the SAIO's driver) on the
// same real Swift cluster: 7 instances (proxy, 2 account, 2 container, 2 object servers), on ports found free
// at run time. Also `status` against bare `node -e 0` (what loading our one-file bundle costs), and how long
// after the last server process exits `stop` returns, every sample listed.

import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { createSocket } from 'node:dgram'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { LivenessChecker } from '../electron/service/liveness.js'
import { childPids } from '../electron/supervisor/proc.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..')
const SAIO = resolve(ROOT, '../shared/saio/saio.sh')
const CLI = join(ROOT, 'out/cli/swift-init.cjs')

export interface Figure {
  name: string
  ours: number
  reference: number
  unit: string
  goal?: string
  /** More to print under the figure (e.g. every sample). */
  detail?: string
}

/** The ports saio.sh uses for base port B: TCP B, B+1 (memcache), B+10N..B+10N+2 (N = 1, 2); UDP B+2 (syslog). */
const tcpPorts = (b: number) => [b, b + 1, b + 10, b + 11, b + 12, b + 20, b + 21, b + 22]

function tcpFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s: Server = createServer()
    s.once('error', () => done(false))
    s.listen(port, '127.0.0.1', () => s.close(() => done(true)))
  })
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createSocket('udp4')
    s.once('error', () => done(false))
    s.bind(port, '127.0.0.1', () => s.close(() => done(true)))
  })
}

/** A base port whose every SAIO port is free now, tried in a random order (another cluster may be running). */
async function freeBasePort(): Promise<number> {
  const candidates = Array.from({ length: 600 }, (_, i) => 20_000 + i * 50).sort(() => Math.random() - 0.5)
  for (const b of candidates) {
    if ((await Promise.all(tcpPorts(b).map(tcpFree))).every(Boolean) && (await udpFree(b + 2))) return b
  }
  throw new Error('no free port range for a SAIO between 20000 and 50000')
}

/** Pids of the cluster's servers (from their pid files) and of their workers: what a stop must see gone. */
function clusterPids(dir: string): number[] {
  const servers = readdirSync(join(dir, 'run'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.pid') && !f.includes('saio-helper'))
    .map((f) => Number(readFileSync(join(dir, 'run', f), 'latin1')))
  return [...servers, ...servers.flatMap((pid) => childPids(pid))]
}

/**
 * Runs a command; returns wall ms and, when `watched` names processes, how long after the last of them
 * exited it returned (null: it returned while one was still there, an early return). Exited: gone or a
 * zombie (a zombie has released everything, its ports included), checked as the panel's sweep does.
 */
export async function timed(
  cmd: string[],
  watched: number[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ms: number; afterLastExitMs: number | null }> {
  const checker = new LivenessChecker(watched.length)
  // once exited, a pid is not looked at again: a reused pid is another process, and 500 checks a millisecond
  // would take the CPU the command being timed needs
  let left = watched
  const anyAlive = () => (left = left.filter((pid) => checker.isAlive(pid))).length > 0
  const t0 = performance.now()
  const child = spawn(cmd[0] ?? '', cmd.slice(1), { stdio: 'ignore', env })
  let done = false
  const exited = new Promise<void>((r) => child.once('exit', () => ((done = true), r())))
  let lastExit: number | null = null
  while (watched.length > 0 && !done) {
    // sampled every millisecond: the moment the last process is gone
    if (anyAlive()) lastExit = null
    else lastExit ??= performance.now()
    await sleep(1)
  }
  await exited
  const end = performance.now()
  const returnedEarly = watched.length > 0 && anyAlive()
  checker.close()
  if (watched.length === 0 || returnedEarly) return { ms: end - t0, afterLastExitMs: null }
  return { ms: end - t0, afterLastExitMs: end - (lastExit ?? end) }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** Every sample of "stop returns after the last exit": median and worst of those that returned after it, and the early returns. */
function afterExitFigure(ours: (number | null)[], ref: (number | null)[]): Figure[] {
  const returned = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null)
  const list = (xs: (number | null)[]) => xs.map((x) => (x === null ? 'early' : x.toFixed(1))).join(', ')
  const early = (xs: (number | null)[]) => xs.length - returned(xs).length
  const worst = (xs: (number | null)[]) => (returned(xs).length ? Math.max(...returned(xs)) : NaN)
  return [
    {
      name: `stop after the last exit, median of ${ours.length}`,
      ours: median(returned(ours)),
      reference: median(returned(ref)),
      unit: 'ms',
      goal: '≤ 50 ms, no early return',
      detail: `ours: ${early(ours)} early returns of ${ours.length}; samples ${list(ours)}\n  reference: ${early(ref)} early returns of ${ref.length}; samples ${list(ref)}`,
    },
    { name: `stop after the last exit, worst of ${ours.length}`, ours: worst(ours), reference: worst(ref), unit: 'ms', goal: '≤ 50 ms' },
  ]
}

export async function benchCli(samples = 10): Promise<Figure[] | string> {
  if (!existsSync(SAIO)) return `no ${SAIO}`
  if (spawnSync('sh', ['-c', 'command -v swift-proxy-server']).status !== 0) return 'Debian Swift is not installed'
  if (!existsSync(CLI)) return `no ${CLI}: run npm run build first`
  const dir = mkdtempSync(join(tmpdir(), 'swift-panel-bench-'))
  const port = await freeBasePort()
  execFileSync(SAIO, ['up', dir, String(port)], { stdio: 'ignore' })
  const ours = (...a: string[]) => [process.execPath, CLI, '--swift-dir', join(dir, 'etc'), '--run-dir', join(dir, 'run'), ...a]
  const ref = (...a: string[]) => [join(dir, 'bin/swift-init'), ...a]
  const figures: Figure[] = []
  try {
    const status = { ours: [] as number[], ref: [] as number[], node: [] as number[] }
    for (let i = 0; i < 10; i++) {
      status.ours.push((await timed(ours('main', 'status'))).ms)
      status.ref.push((await timed(ref('main', 'status'))).ms)
      status.node.push((await timed([process.execPath, '-e', '0'])).ms)
    }
    figures.push({ name: 'main status (7 running)', ours: median(status.ours), reference: median(status.ref), unit: 'ms', goal: '≤ 0.25x' })
    figures.push({
      name: 'main status vs bare `node -e 0`',
      ours: median(status.ours),
      reference: median(status.node),
      unit: 'ms',
      goal: '≤ 1.2x',
    })

    const rounds = { stop: [[], []], start: [[], []], restart: [[], []] } as Record<string, [number[], number[]]>
    const afterExit: [(number | null)[], (number | null)[]] = [[], []]
    for (let i = 0; i < samples; i++) {
      for (const [k, run] of [
        [0, ours],
        [1, ref],
      ] as const) {
        const stop = await timed(run('main', 'stop'), clusterPids(dir))
        rounds.stop?.[k].push(stop.ms)
        afterExit[k].push(stop.afterLastExitMs)
        const start = (await timed(run('main', 'start'))).ms
        rounds.start?.[k].push(start)
        if (i < 3) rounds.restart?.[k].push((await timed(run('main', 'restart'))).ms)
      }
    }
    const fig = (name: string, key: string): Figure => ({
      name,
      ours: median(rounds[key]?.[0] ?? []),
      reference: median(rounds[key]?.[1] ?? []),
      unit: 'ms',
    })
    figures.push(fig(`main start (median of ${samples})`, 'start'), fig(`main stop (median of ${samples})`, 'stop'))
    figures.push(...afterExitFigure(...afterExit))
    figures.push(fig('main restart (median of 3)', 'restart'))
  } finally {
    spawnSync(SAIO, ['down', dir, '--wipe'], { stdio: 'ignore' })
  }
  return figures
}
