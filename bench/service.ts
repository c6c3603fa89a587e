// The supervisor service under load, with stand-in daemons: crash-to-event latency, idle CPU with 50
// instances running, memory while an attached daemon prints 10,000 lines a second.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { EventOf } from '../shared/contract.js'
import { SupervisorService } from '../electron/service/service.js'
import { cleanup, makeFixture, waitFor } from '../test/helpers/fixture.js'

async function service(f: ReturnType<typeof makeFixture>, refreshIntervalMs = 1000, logBufferLines = 10_000): Promise<SupervisorService> {
  process.env.PATH = f.env.PATH
  const s = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'bench', transport: 'browser' })
  await s.handlers['settings:set']({ ...(await s.handlers['settings:get'](undefined)), refreshIntervalMs, logBufferLines })
  await s.start()
  return s
}

const state = (s: SupervisorService, id: string) => s.refresh().instances.find((i) => i.id === id)?.state

export async function crashLatency(rounds = 10): Promise<{ p50: number; p95: number; max: number }> {
  const f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
  const s = await service(f)
  const latencies: number[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      s.runCommand({ command: 'start', targets: ['proxy'] })
      await waitFor(() => state(s, 'proxy-server') === 'running', 10_000)
      await sleep(Math.random() * 1000) // crash at a random point of the refresh cycle
      let seen = 0
      const off = s.subscribe((channel, payload) => {
        if (
          channel === 'services:changed' &&
          !seen &&
          (payload as EventOf<'services:changed'>).changed.some((x) => x.id === 'proxy-server' && x.state === 'crashed')
        )
          seen = performance.now()
      })
      const t0 = performance.now()
      process.kill(Number(readFileSync(join(f.run, 'proxy-server.pid'), 'utf8')), 'SIGKILL')
      await waitFor(() => seen > 0, 5000)
      off()
      latencies.push(seen - t0)
      s.runCommand({ command: 'stop', targets: ['proxy'] })
      await waitFor(() => state(s, 'proxy-server') === 'stopped', 10_000)
    }
  } finally {
    await s.dispose()
    cleanup(f)
  }
  latencies.sort((a, b) => a - b)
  return {
    p50: latencies[Math.floor(latencies.length / 2)]!,
    p95: latencies[Math.ceil(latencies.length * 0.95) - 1]!,
    max: latencies.at(-1)!,
  }
}

export async function idleCpu(instances = 50, seconds = 10): Promise<{ running: number; cpuPercent: number }> {
  const confs = Object.fromEntries(Array.from({ length: instances }, (_, i) => [`object-server/${i + 1}.conf`, '']))
  const f = makeFixture({ binaries: ['object-server'], confs })
  const s = await service(f)
  try {
    s.runCommand({ command: 'start', targets: ['object'] })
    await waitFor(() => s.refresh().instances.filter((i) => i.state === 'running').length === instances, 60_000)
    await sleep(1500)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await sleep(seconds * 1000)
    const c = process.cpuUsage(c0)
    const running = s.refresh().instances.filter((i) => i.state === 'running').length
    s.runCommand({ command: 'stop', targets: ['object'] })
    await waitFor(() => s.refresh().instances.every((i) => i.state !== 'running'), 30_000)
    return { running, cpuPercent: ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100 }
  } finally {
    await s.dispose()
    cleanup(f)
  }
}

export async function floodMemory(
  seconds = 60,
): Promise<{ lines: number; rssStartMiB: number; rssEndMiB: number; rssMaxMiB: number; heapStartMiB: number; heapEndMiB: number }> {
  // 100 lines every 10 ms: 10,000 lines a second on the daemon's console, captured attached
  const f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '[standin]\nlog_every = 0.01\nlog_burst = 100\n' } })
  const s = await service(f)
  let lines = 0
  s.subscribe((channel, payload) => {
    if (channel === 'logs:lines') for (const b of (payload as { batches: { lines: unknown[] }[] }).batches) lines += b.lines.length
  })
  const mib = (n: number) => n / 1048576
  try {
    s.attach('proxy-server')
    await sleep(3000) // buffers fill to their cap first
    global.gc?.()
    const heapStart = process.memoryUsage().heapUsed
    const rssStart = process.memoryUsage().rss
    let rssMax = rssStart
    const end = Date.now() + seconds * 1000
    while (Date.now() < end) {
      await sleep(1000)
      rssMax = Math.max(rssMax, process.memoryUsage().rss)
    }
    global.gc?.()
    const m = process.memoryUsage()
    return {
      lines,
      rssStartMiB: mib(rssStart),
      rssEndMiB: mib(m.rss),
      rssMaxMiB: mib(rssMax),
      heapStartMiB: mib(heapStart),
      heapEndMiB: mib(m.heapUsed),
    }
  } finally {
    await s.dispose()
    cleanup(f)
  }
}
