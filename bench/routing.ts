// Benchmark: syslog file lines for 10 instances, paced at 20,000 lines/s, through parse-and-route (what every
// tailed line goes through). Reports the rate achieved, CPU per thousand lines and the RSS growth.

import { fileLineRouter } from '../electron/service/logs/log-router.js'
import { TagRouter, type TagRoute } from '../electron/service/logs/tag-routes.js'

export interface RoutingBenchOptions {
  seconds?: number
  linesPerSec?: number
  instances?: number
}

export interface RoutingBenchResult {
  linesPerSec: number
  cpuMsPerThousandLines: number
  rssDeltaBytes: number
}

const TICK_MS = 10

export async function benchRouting(options: RoutingBenchOptions = {}): Promise<RoutingBenchResult> {
  const seconds = options.seconds ?? 3
  const rate = options.linesPerSec ?? 20_000
  const count = options.instances ?? 10
  const servers = ['object-server', 'container-server', 'account-server', 'object-replicator', 'proxy-server']
  const routes: TagRoute[] = Array.from({ length: count }, (_, i) => {
    const server = servers[i % servers.length]!
    return { instanceId: `${server}.${i + 1}`, logName: `${server}-${i + 1}`, facility: 'local2' }
  })
  const tags = routes.map((r) => r.logName)
  // Lines are made up front so the benchmark measures routing, not string building.
  const pool = Array.from({ length: 1000 }, (_, i) => {
    const ts = new Date(Date.UTC(2024, 0, 5, 12, 0, i % 60, i)).toISOString().replace('Z', '+00:00')
    const tag = tags[i % tags.length]!
    return `${ts} saio ${tag}: 127.0.0.1 - - [05/Jan/2024:12:00:00 +0000] "PUT /sdb1/${i}/AUTH_test/c/o${i}" 201 - "-" "txn${i}" "-" 0.0031 "-" 1234 0`
  })
  let routed = 0
  const route = fileLineRouter(new TagRouter(routes), () => {
    routed++
  })

  const rssBefore = process.memoryUsage().rss
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  let sent = 0
  for (;;) {
    const elapsed = Math.min(performance.now() - started, seconds * 1000)
    // Catch up on what is due, so a late timer shows up as a burst, not as a lower rate.
    const due = Math.floor((elapsed / 1000) * rate)
    for (; sent < due; sent++) route(pool[sent % pool.length]!)
    if (elapsed >= seconds * 1000) break
    await new Promise((resolve) => setTimeout(resolve, TICK_MS))
  }
  const elapsedSec = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const rssDeltaBytes = process.memoryUsage().rss - rssBefore
  if (sent === 0 || routed !== sent) throw new Error(`benchmark routed ${routed} of ${sent} lines`)
  return {
    linesPerSec: Math.round(sent / elapsedSec),
    cpuMsPerThousandLines: (cpu.user + cpu.system) / 1000 / (sent / 1000),
    rssDeltaBytes,
  }
}
