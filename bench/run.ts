// `npm run bench [-- cli logs service insight host panel]`: speed and memory figures, with ratios against the reference
// where there is one. Not a test: it prints, it does not fail on a missed goal.

import { constants } from 'node:os'
import { cleanupAll } from '../test/helpers/fixture.js'
import { benchCli, type Figure } from './cli.js'

// interrupted (Ctrl-C, a timeout), a run leaves none of its hundreds of stand-in daemons behind
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    cleanupAll()
    process.exit(128 + constants.signals[signal])
  })
}

function printFigures(title: string, figures: Figure[] | string): void {
  console.log(`\n## ${title}`)
  if (typeof figures === 'string') {
    console.log(`skipped: ${figures}`)
    return
  }
  for (const f of figures) {
    const ratio = f.reference ? ` ratio ${(f.ours / f.reference).toFixed(2)}x` : ''
    console.log(
      `${f.name.padEnd(44)} ours ${f.ours.toFixed(1).padStart(8)} ${f.unit}  reference ${f.reference.toFixed(1).padStart(8)} ${f.unit}${ratio}${f.goal ? `  (goal ${f.goal})` : ''}`,
    )
    if (f.detail) console.log(`  ${f.detail}`)
  }
}

async function logs(): Promise<void> {
  const { benchRouting } = await import('./routing.js')
  const runs = []
  for (let i = 0; i < 5; i++) runs.push(await benchRouting({ seconds: 5, linesPerSec: 20_000, instances: 10 }))
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
  const cpu = runs.map((r) => r.cpuMsPerThousandLines)
  console.log('\n## logs: syslog parse-and-route, 20,000 lines/s over 10 instances (5 runs of 5 s)')
  console.log(`lines routed per second  ${median(runs.map((r) => r.linesPerSec)).toFixed(0)} (median)`)
  console.log(
    `CPU per 1,000 lines      median ${median(cpu).toFixed(2)} ms (${((median(cpu) * 20) / 10).toFixed(1)}% of one core at 20,000 lines/s); runs ${cpu.map((c) => c.toFixed(2)).join(', ')}`,
  )
  console.log(`RSS growth               median ${(median(runs.map((r) => r.rssDeltaBytes)) / 1048576).toFixed(1)} MiB`)
}

async function service(): Promise<void> {
  const { crashLatencyCliStarted, idleServe, percentile, startCost, stopAfterLastExit } = await import('./scale.js')
  const { floodMemory } = await import('./service.js')
  console.log('\n## service (stand-in daemons)')
  for (const n of [50, 200, 500]) {
    const r = await startCost(n)
    console.log(
      `start ${String(n).padStart(3)} instances: service CPU ${r.serviceCpuAll.toFixed(2)} s as 'object', ${r.serviceCpuEach.toFixed(2)} s as ${n} instance ids; CLI ${r.cliCpu.toFixed(2)} s (ratio ${(r.serviceCpuAll / r.cliCpu).toFixed(2)}x / ${(r.serviceCpuEach / r.cliCpu).toFixed(2)}x, goal ≤ 1.5x); longest event-loop stall ${r.longestStallMs.toFixed(0)} ms (goal ≤ 100 ms)`,
    )
  }
  const idle = await idleServe(500, 20)
  console.log(
    `npm run serve idle, ${idle.running} daemons running, one client showing 30 rows, 20 s after 30 s to settle: ${idle.cpuPercent.toFixed(2)}% of one core (every thread), ${(idle.bytesPerSec / 1024).toFixed(1)} KiB/s to the client  (goal < 1%)`,
  )
  const stops = await stopAfterLastExit(500, 5)
  const returned = stops.flatMap((x) => (x === null ? [] : [x]))
  console.log(
    `object stop of 500 instances by the CLI, after the last exit (5 rounds): median ${(returned.sort((a, b) => a - b)[Math.floor(returned.length / 2)] ?? NaN).toFixed(1)} ms, worst ${Math.max(...returned).toFixed(1)} ms, ${stops.length - returned.length} early returns; samples ${stops.map((x) => (x === null ? 'early' : x.toFixed(1))).join(', ')}  (goal ≤ 50 ms; was 120–730 ms)`,
  )
  const crash = await crashLatencyCliStarted(20)
  console.log(
    `crash → event, daemons the CLI started, refresh 1000 ms (20 kills): p50 ${percentile(crash, 50).toFixed(0)} ms  p95 ${percentile(crash, 95).toFixed(0)} ms  max ${Math.max(...crash).toFixed(0)} ms  (goal p95 ≤ 400 ms)`,
  )
  const seconds = Number(process.env.BENCH_FLOOD_SECONDS ?? 60)
  const flood = await floodMemory(seconds)
  console.log(
    `attached daemon printing 10,000 lines/s for ${seconds} s: ${flood.lines} lines captured (${(flood.lines / (seconds + 3)).toFixed(0)}/s); heap after GC ${flood.heapStartMiB.toFixed(1)} → ${flood.heapEndMiB.toFixed(1)} MiB, RSS ${flood.rssStartMiB.toFixed(0)} → ${flood.rssEndMiB.toFixed(0)} MiB (max ${flood.rssMaxMiB.toFixed(0)})  (goal: flat)`,
  )
}

async function host(): Promise<void> {
  const { hostFlood } = await import('./host-flood.js')
  const seconds = Number(process.env.BENCH_HOST_SECONDS ?? 60)
  const m = (x: { rssMiB: number; heapMiB: number }) =>
    `RSS ${x.rssMiB.toFixed(0).padStart(4)} MiB, heap ${x.heapMiB.toFixed(1).padStart(5)} MiB`
  console.log(`\n## host: a daemon printing 30,000 lines/s nominal for ${seconds} s, one client reading, 0 then 20 stalled clients`)
  for (const stalled of [0, 20]) {
    const r = await hostFlood(seconds, stalled, 30_000)
    console.log(
      `${stalled} stalled clients (closed: ${r.closedBehind} for staying behind, ${r.closedPing} for not answering pings); ${r.linesPerSec.toFixed(0)} lines/s into the service, ${(r.readerBytesPerSec / 1048576).toFixed(1)} MiB/s to the reader`,
    )
    console.log(`  before                   ${m(r.before)}`)
    console.log(`  during (max, no GC)      ${m(r.duringMax)}`)
    console.log(`  during (end, after GC)   ${m(r.duringEnd)}`)
    console.log(`  after                    ${m(r.after)}`)
  }
  console.log('(goal: the same figures with 20 stalled clients as with none: flat)')
}

async function panel(): Promise<void> {
  const { benchPanel } = await import('./panel.js')
  console.log('\n## panel in Chromium')
  const p = await benchPanel()
  if (typeof p === 'string') return console.log(`skipped: ${p}`)
  console.log(`launch to first full table, 500 instances   ${p.tableMs.toFixed(0)} ms  (goal < 1000 ms)`)
  console.log(
    `logs view, ${p.frames.linesShown} lines, 1,000 lines/s arriving, scrolling: ${p.frames.count} frames, p99 ${p.frames.p99Ms.toFixed(1)} ms, worst ${p.frames.maxMs.toFixed(1)} ms  (goal: no frame over 50 ms)`,
  )
}

async function insight(): Promise<void> {
  const { benchProbe } = await import('./insight.js')
  const { percentile, stopToUnhealthy } = await import('./scale.js')
  const p = await benchProbe({ instances: 31, intervalMs: 2000, timeoutMs: 1000, seconds: 30 })
  console.log('\n## insight: health probes')
  console.log(
    `probing ${p.instances} instances every ${p.intervalMs / 1000} s (${p.rounds} rounds): ${p.cpuPercent.toFixed(2)}% of one core  (goal < 2%)`,
  )
  const stop = await stopToUnhealthy(5)
  console.log(
    `SIGSTOP of a WSGI server → the service says unhealthy, refresh 1 s, timeout 1 s (5 stops): p50 ${percentile(stop, 50).toFixed(0)} ms  max ${Math.max(...stop).toFixed(0)} ms  (goal ≤ 2 refreshes + timeout = 3000 ms)`,
  )
}

const sections: Record<string, () => Promise<void>> = {
  cli: async () => printFigures('swift-init: ours vs reference, real Swift SAIO (7 instances)', await benchCli()),
  logs,
  service,
  insight,
  host,
  panel,
}
const only = process.argv.slice(2)
for (const [name, run] of Object.entries(sections)) if (only.length === 0 || only.includes(name)) await run()
process.exit(0)
