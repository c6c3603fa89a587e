// Our swift-init against the reference (Debian's swift.common.manager through the SAIO's driver) on the
// same real Swift cluster: 7 instances (proxy, 2 account, 2 container, 2 object servers).

import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..')
const SAIO = resolve(ROOT, '../shared/saio/saio.sh')
const CLI = join(ROOT, 'out/node/electron/cli/swift-init.js')

export interface Figure {
  name: string
  ours: number
  reference: number
  unit: string
  goal?: string
}

/** The server pids in the cluster's pid files (not their workers: stop waits for the servers). */
function serverPids(dir: string): number[] {
  return readdirSync(join(dir, 'run'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.pid') && !f.includes('saio-helper'))
    .map((f) => Number(readFileSync(join(dir, 'run', f), 'latin1')))
}

/** Alive, and not a zombie waiting for init to reap it (stop counts those as gone, as swift-init does). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

/** Runs a command; returns wall ms, and how long after the last cluster process vanished it returned. */
async function timed(cmd: string[], dir: string, watchExit = false): Promise<{ ms: number; afterLastExitMs: number | null }> {
  const watched = watchExit ? serverPids(dir) : []
  const t0 = performance.now()
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore' })
  let lastExit = 0
  let done = false
  const exited = new Promise<void>((r) => child.once('exit', () => ((done = true), r())))
  // poll every millisecond for the moment the last process is gone
  while (watchExit && !done) {
    if (watched.some(alive)) lastExit = 0
    else lastExit ||= performance.now()
    await sleep(1)
  }
  await exited
  const end = performance.now()
  if (watchExit && !lastExit && !watched.some(alive)) lastExit = end
  return { ms: end - t0, afterLastExitMs: watchExit && lastExit ? end - lastExit : null }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export async function benchCli(): Promise<Figure[] | string> {
  if (!existsSync(SAIO)) return `no ${SAIO}`
  if (spawnSync('sh', ['-c', 'command -v swift-proxy-server']).status !== 0) return 'Debian Swift is not installed'
  if (!existsSync(CLI)) return `no ${CLI}: run npm run build first`
  const dir = mkdtempSync(join(tmpdir(), 'swift-panel-bench-'))
  const port = String(21000 + (process.pid % 1000) * 10)
  execFileSync(SAIO, ['up', dir, port], { stdio: 'ignore' })
  const ours = (...a: string[]) => [process.execPath, CLI, '--swift-dir', join(dir, 'etc'), '--run-dir', join(dir, 'run'), ...a]
  const ref = (...a: string[]) => [join(dir, 'bin/swift-init'), ...a]
  const figures: Figure[] = []
  try {
    const status = { ours: [] as number[], ref: [] as number[] }
    for (let i = 0; i < 10; i++) {
      status.ours.push((await timed(ours('main', 'status'), dir)).ms)
      status.ref.push((await timed(ref('main', 'status'), dir)).ms)
    }
    figures.push({ name: 'main status (7 running)', ours: median(status.ours), reference: median(status.ref), unit: 'ms', goal: '≤ 0.25x' })

    const rounds = { stop: [[], []], start: [[], []], restart: [[], []], afterExit: [[], []] } as Record<string, [number[], number[]]>
    for (let i = 0; i < 3; i++) {
      for (const [k, run] of [
        [0, ours],
        [1, ref],
      ] as const) {
        const stop = await timed(run('main', 'stop'), dir, true)
        rounds.stop![k].push(stop.ms)
        if (stop.afterLastExitMs !== null) rounds.afterExit![k].push(stop.afterLastExitMs)
        rounds.start![k].push((await timed(run('main', 'start'), dir)).ms)
        rounds.restart![k].push((await timed(run('main', 'restart'), dir)).ms)
      }
    }
    figures.push({ name: 'main start', ours: median(rounds.start![0]), reference: median(rounds.start![1]), unit: 'ms' })
    figures.push({ name: 'main stop', ours: median(rounds.stop![0]), reference: median(rounds.stop![1]), unit: 'ms' })
    figures.push({
      name: 'stop returns after the last process exits',
      ours: Math.max(...rounds.afterExit![0]),
      reference: Math.max(...rounds.afterExit![1]),
      unit: 'ms (worst)',
      goal: '≤ 50 ms',
    })
    figures.push({ name: 'main restart', ours: median(rounds.restart![0]), reference: median(rounds.restart![1]), unit: 'ms' })
  } finally {
    spawnSync(SAIO, ['down', dir, '--wipe'], { stdio: 'ignore' })
  }
  return figures
}
