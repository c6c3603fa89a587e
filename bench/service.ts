// The supervisor service's memory while an attached daemon prints 10,000 lines a second (its speed at scale
// is bench/scale.ts).

import { setTimeout as sleep } from 'node:timers/promises'
import { SupervisorService } from '../electron/service/service.js'
import { cleanup, makeFixture } from '../test/helpers/fixture.js'

async function service(f: ReturnType<typeof makeFixture>, refreshIntervalMs = 1000, logBufferLines = 10_000): Promise<SupervisorService> {
  process.env.PATH = f.env.PATH
  const s = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'bench', transport: 'browser' })
  await s.handlers['settings:set']({ ...(await s.handlers['settings:get'](undefined)), refreshIntervalMs, logBufferLines })
  await s.start()
  return s
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
