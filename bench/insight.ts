// The health probe's cost and reaction time: N small HTTP servers answering /healthcheck (in a child process,
// so only the probing side is measured here) probed every interval, as the service would each refresh.
//
// - CPU: this process's user + system time over the run, as a percentage of one core (goal: under 2% for 31
//   instances every 2 s).
// - SIGSTOP → unhealthy: the servers' process stopped at a random point of the cycle, then the time until a
//   probe round reports every instance unhealthy (goal: ≤ 2 intervals + the probe timeout; the service's own
//   figure adds its event delivery on top).

import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { probeAll, type ProbeTarget } from '../electron/service/insight/health-probe.js'

export interface ProbeBench {
  instances: number
  intervalMs: number
  timeoutMs: number
  seconds: number
  rounds: number
  cpuPercent: number
  /** One per SIGSTOP, ms. */
  stopToUnhealthyMs: number[]
  /** 2 intervals + timeout. */
  stopGoalMs: number
}

// The stand-ins: one process, N servers on loopback, each answering as Swift's healthcheck does; prints its ports.
const SERVERS = `
const http = require('node:http')
const n = Number(process.argv[1])
Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
  const s = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK'))
  s.listen(0, '127.0.0.1', () => resolve(s.address().port))
}))).then((ports) => console.log(JSON.stringify(ports)))
`

async function startServers(n: number): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, ['-e', SERVERS, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve(JSON.parse(out) as number[])
    })
    child.once('exit', (code) => reject(new Error(`stand-in servers exited ${code}`)))
  })
  return { child, ports }
}

export async function benchProbe(
  options: { instances?: number; intervalMs?: number; timeoutMs?: number; seconds?: number; stops?: number } = {},
): Promise<ProbeBench> {
  const instances = options.instances ?? 31
  const intervalMs = options.intervalMs ?? 2000
  const timeoutMs = options.timeoutMs ?? 1000
  const seconds = options.seconds ?? 30
  const { child, ports } = await startServers(instances)
  const targets: ProbeTarget[] = ports.map((port, i) => ({
    id: `object-server.${i + 1}`,
    host: '127.0.0.1',
    ports: [port],
    healthcheck: true,
  }))
  let rounds = 0
  let latest = new Map<string, { state: string }>()
  let running = true
  // The service's refresh: a round every interval, never two at once.
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      latest = await probeAll(targets, { timeoutMs })
      rounds++
      await sleep(Math.max(0, intervalMs - (performance.now() - started)))
    }
  })()
  try {
    await sleep(intervalMs) // warm up: first connections, JIT
    rounds = 0
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await sleep(seconds * 1000)
    const cpu = process.cpuUsage(c0)
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100
    const measuredRounds = rounds

    const stopToUnhealthyMs: number[] = []
    for (let i = 0; i < (options.stops ?? 3); i++) {
      await sleep(Math.random() * intervalMs)
      const pid = child.pid ?? 0
      const stoppedAt = performance.now()
      process.kill(pid, 'SIGSTOP')
      while ([...latest.values()].some((h) => h.state !== 'unhealthy')) await sleep(5)
      stopToUnhealthyMs.push(performance.now() - stoppedAt)
      process.kill(pid, 'SIGCONT')
      while ([...latest.values()].some((h) => h.state !== 'healthy')) await sleep(5)
    }
    return {
      instances,
      intervalMs,
      timeoutMs,
      seconds,
      rounds: measuredRounds,
      cpuPercent,
      stopToUnhealthyMs,
      stopGoalMs: 2 * intervalMs + timeoutMs,
    }
  } finally {
    running = false
    await loop
    child.kill('SIGKILL')
  }
}
