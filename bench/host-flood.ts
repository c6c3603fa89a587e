// The browser host's memory with clients that stop reading: an attached stand-in daemon prints about
// 30,000 lines a second into the service, the host (in this process) fans its events out to one client
// that reads and to `stalled` clients that never read. RSS and heap are sampled before, during and after
// the flood; with each client's unsent events bounded (electron/host/client-feed.ts) they stay flat.

import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import { startHost } from '../electron/host/host.js'
import { SupervisorService } from '../electron/service/service.js'
import { rawUpgrade, type RawClient } from '../test/helpers/raw-socket.js'
import { cleanup, makeFixture, waitFor } from '../test/helpers/fixture.js'

export interface Memory {
  rssMiB: number
  heapMiB: number
}

export interface HostFloodResult {
  seconds: number
  stalled: number
  /** Lines the service received per second (the rate the daemon reached). */
  linesPerSec: number
  /** Bytes per second the client that reads received. */
  readerBytesPerSec: number
  /** Clients the host closed for staying behind (or leaving its answers unread). */
  closedBehind: number
  /** Clients the host closed for not answering its pings (a raw socket never does). */
  closedPing: number
  before: Memory
  /** The largest RSS and heap seen while flooding (sampled every second, no forced GC). */
  duringMax: Memory
  /** The last sample of the flood, after a GC. */
  duringEnd: Memory
  after: Memory
}

const mib = (n: number) => n / 1048576
function memory(gc: boolean): Memory {
  if (gc) global.gc?.()
  const m = process.memoryUsage()
  return { rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed) }
}

/** `seconds` of flood with `stalled` clients that never read; `linesPerSec` is the daemon's nominal rate. */
export async function hostFlood(seconds = 60, stalled = 20, linesPerSec = 30_000): Promise<HostFloodResult> {
  // the stand-in prints a burst every 10 ms
  const burst = Math.round(linesPerSec / 100)
  const f = makeFixture({
    binaries: ['proxy-server'],
    confs: { 'proxy-server.conf': `[standin]\nlog_every = 0.01\nlog_burst = ${burst}\n` },
  })
  process.env.PATH = f.env.PATH
  const service = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'bench', transport: 'browser' })
  await service.start()
  const closedLines: string[] = []
  const host = await startHost(service, { port: 0, host: '127.0.0.1', rendererDir: f.root, log: (l) => closedLines.push(l) })
  let lines = 0
  service.subscribe((channel, payload) => {
    if (channel === 'logs:lines') for (const b of (payload as { batches: { lines: unknown[] }[] }).batches) lines += b.lines.length
  })
  const clients: RawClient[] = []
  try {
    await sleep(1000)
    const before = memory(true)
    const wsPath = `${new URL(host.url).pathname}ws`
    const connect = async () => {
      const c = await rawUpgrade(host.port, wsPath, { Origin: `http://127.0.0.1:${host.port}` })
      c.socket.on('error', () => {})
      clients.push(c)
      return c
    }
    // a browser-like client that reads everything (and answers pings), counting what arrives
    let readerBytes = 0
    const reader = new WebSocket(`ws://127.0.0.1:${host.port}${wsPath}`, { headers: { origin: `http://127.0.0.1:${host.port}` } })
    reader.on('message', (data: Buffer) => (readerBytes += data.length))
    reader.on('error', () => {})
    await new Promise((resolve) => reader.once('open', resolve))
    for (let i = 0; i < stalled; i++) (await connect()).socket.pause()

    service.attach('proxy-server')
    const t0 = Date.now()
    const lines0 = lines
    let duringMax: Memory = { rssMiB: 0, heapMiB: 0 }
    while (Date.now() - t0 < seconds * 1000) {
      await sleep(1000)
      const m = memory(false)
      duringMax = { rssMiB: Math.max(duringMax.rssMiB, m.rssMiB), heapMiB: Math.max(duringMax.heapMiB, m.heapMiB) }
    }
    const duringEnd = memory(true)
    const elapsed = (Date.now() - t0) / 1000
    const rate = (lines - lines0) / elapsed
    const readerRate = readerBytes / elapsed

    const closed = closedLines.filter((l) => l.startsWith('closed a browser client'))
    service.runCommand({ command: 'stop', targets: ['proxy-server'] })
    await waitFor(() => service.refresh().instances.every((i) => i.state !== 'running'), 30_000, 'the flooding daemon to stop')
    reader.close()
    for (const c of clients) c.socket.destroy()
    await sleep(2000)
    const after = memory(true)
    return {
      seconds,
      stalled,
      linesPerSec: rate,
      readerBytesPerSec: readerRate,
      closedBehind: closed.filter((l) => !l.endsWith('did not answer a ping')).length,
      closedPing: closed.filter((l) => l.endsWith('did not answer a ping')).length,
      before,
      duringMax,
      duringEnd,
      after,
    }
  } finally {
    for (const c of clients) c.socket.destroy()
    await host.close()
    await service.dispose()
    cleanup(f)
  }
}
