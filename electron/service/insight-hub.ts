// What no process table says: whether each instance answers (its ports, a health probe), a daemon's last
// pass (recon caches), recon answers on demand, its worker generations, and orphans: server processes of
// this swift dir that no pid file names. Built on the modules in insight/; the model asks it per instance
// (caches only, cheap), the service ticks it once per refresh interval.

import { randomUUID } from 'node:crypto'
import type { EventOf } from '../../shared/contract.js'
import { groupOf } from '../../shared/swift.js'
import type {
  HealthInfo,
  InstanceInfo,
  LastPass,
  OrphanInfo,
  OrphanStopResult,
  Problem,
  ReconDetails,
  TraceInfo,
  WorkerInfo,
} from '../../shared/types.js'
import { childPids, processStat } from '../supervisor/proc.js'
import { probeAll, probeTarget, type Health, type ProbeTarget } from './insight/health-probe.js'
import { findOrphans, listeningFromProc, stopOrphans, type Orphan } from './insight/orphans.js'
import { boundUdp, listeningTcp } from './insight/proc-net.js'
import { hasReconCache, ReconCacheReader } from './insight/recon-cache.js'
import { ReconClient } from './insight/recon-http.js'
import { pauser } from '../supervisor/pause.js'
import { scanMemory, scanServerProcessesPausing } from '../supervisor/process-table.js'
import { silentLogTarget, type SilentLogTarget } from './insight/silent-log-target.js'
import { traceTxn, type BufferedLine } from './insight/txn-trace.js'
import { instanceWorkers } from './insight/workers.js'
import { readWsgiPorts, type WsgiPortsRead } from './insight/wsgi-ports.js'

/** One configured instance, and its pid while it runs. */
export interface InsightInstance {
  id: string
  server: string
  confFile: string
  pid: number | null
}

export interface InsightOptions {
  swiftDir(): string
  /** The health probe's timeout, ms (a setting). */
  probeTimeoutMs(): number
  /** Something the model shows changed (a probe answered differently, orphans came or went): refresh. */
  changed(): void
  notify(note: EventOf<'notify'>): void
}

/** Orphans and silent log targets are looked for this often (a /proc scan), and after every command. */
const SCAN_EVERY_MS = 5000
/** One read of /proc/net/tcp serves every instance sampled within this. */
const LISTENING_TTL_MS = 500

export class InsightHub {
  /** By server, then conf: looked up for every instance every second, without making a key. */
  private ports = new Map<string, Map<string, WsgiPortsRead | null>>()
  private health = new Map<string, HealthInfo>()
  /** Instances that have answered healthy since they started: only they can "stop answering". */
  private answered = new Set<string>()
  private probing = false
  private readonly passes = new ReconCacheReader()
  private reconClient: ReconClient | null = null
  private orphans: Orphan[] = []
  /** The listening-socket table, read once for every instance sampled in a refresh (it lists every socket of the box). */
  private listeningTable: { at: number; table: ReturnType<typeof listeningTcp> } | null = null
  private silent: SilentLogTarget[] = []
  /** What the silent log targets were worked out from (the confs, the bound UDP ports): they are parsed again only when it changes. */
  private silentFrom = ''
  private scannedAt = 0
  /** What each process runs, from the last scan: most command lines need no second read. */
  private readonly scanMemory = scanMemory()

  /** Counts the changes to what about() answers (ports, health, orphans); see aboutRevision. */
  private revision = 0

  constructor(private readonly options: InsightOptions) {}

  /**
   * A number that changes whenever about() may answer differently for an instance of `server`: NaN (never
   * equal) for daemons whose last pass is read from a recon cache file, which their daemon rewrites at will.
   */
  aboutRevision(server: string): number {
    return hasReconCache(server) ? NaN : this.revision
  }

  /** The swift dir's confs changed: ports are read again; the profile changed: everything is forgotten. */
  confsChanged(profileChanged = false): void {
    this.revision++
    this.ports.clear()
    this.silentFrom = ''
    if (!profileChanged) return
    this.health.clear()
    this.answered.clear()
    this.orphans = []
    this.silent = []
    this.reconClient = null
    this.scannedAt = 0
  }

  /** A WSGI server's ports as Swift reads its conf (cached until the confs change); null for daemons. */
  private portsOf(i: { server: string; confFile: string }): WsgiPortsRead | null {
    let byConf = this.ports.get(i.server)
    if (!byConf) this.ports.set(i.server, (byConf = new Map<string, WsgiPortsRead | null>()))
    let read = byConf.get(i.confFile)
    if (read === undefined) byConf.set(i.confFile, (read = groupOf(i.server) === 'main' ? readWsgiPorts(i.server, i.confFile) : null))
    return read
  }

  /** The insight fields of one instance, from what the last tick found. */
  about(i: InsightInstance): Pick<InstanceInfo, 'ports' | 'portNote' | 'health' | 'recon' | 'lastPass' | 'orphans'> {
    const ports = this.portsOf(i)
    return {
      ports: ports?.ok ? ports.ports.ports : [],
      portNote: ports && !ports.ok ? `${ports.error}${ports.starts ? '' : ` (${i.server} will not start)`}` : null,
      health: i.pid !== null ? (this.health.get(i.id) ?? null) : null,
      recon: ports?.ok === true && ports.ports.recon !== null && ports.ports.ports.length > 0,
      lastPass: this.lastPass(i),
      orphans: this.orphans
        .filter((o) => o.server === i.server && o.confFile === i.confFile)
        .map((o): OrphanInfo => ({ pid: o.pid, role: o.role, listening: o.listening, startedAt: o.startTimeMs })),
    }
  }

  private lastPass(i: InsightInstance): LastPass | null {
    const read = this.passes.read(i.server, i.confFile)
    if (read === null) return null
    if (!read.ok) return { at: null, source: null, durationSec: null, counts: {}, error: read.error }
    const p = read.pass
    return { at: p.lastPassAt, source: p.lastPassAtSource, durationSec: p.durationSec, counts: p.counts, error: null }
  }

  /**
   * A running instance's workers, with their generation: for a WSGI server, those holding its listening
   * sockets are current, those that do not (and, after a graceful reload, its old workers nobody's child any
   * more) are old; a daemon's children are all current.
   */
  workers(i: InsightInstance, pid: number): WorkerInfo[] {
    const children = childPids(pid)
    const ports = this.portsOf(i)
    // generations need the listening sockets (a read of /proc/net/tcp): only a WSGI server with workers and a port has them
    if (!ports?.ok || ports.ports.ports.length === 0 || (children.length === 0 && !this.orphans.some((o) => o.server === i.server))) {
      return children.flatMap((w) => {
        const stat = processStat(w)
        return stat && stat.state !== 'Z' ? [{ pid: w, startedAt: stat.startTimeMs, generation: 'current' as const }] : []
      })
    }
    const strays = this.orphans.filter((o) => o.server === i.server && o.confFile === i.confFile && o.listening === false)
    const g = instanceWorkers(pid, { strays: strays.map((o) => ({ pid: o.pid, startTimeMs: o.startTimeMs })), listening: this.listening() })
    if (!g) return []
    return [
      ...g.current.map((w) => ({ pid: w.pid, startedAt: w.startTimeMs, generation: 'current' as const })),
      ...g.old.map((w) => ({ pid: w.pid, startedAt: w.startTimeMs, generation: 'old' as const })),
    ]
  }

  private listening(): ReturnType<typeof listeningTcp> {
    const now = Date.now()
    if (!this.listeningTable || now - this.listeningTable.at > LISTENING_TTL_MS) this.listeningTable = { at: now, table: listeningTcp() }
    return this.listeningTable.table
  }

  /** Problems the insight finds: orphans, and confs that send their logs to a loopback port nobody listens on. */
  problems(): Problem[] {
    const problems: Problem[] = []
    if (this.orphans.length > 0) {
      const listed = this.orphans.map((o) => `${o.pid} (${o.server} ${o.role}${o.listening ? ', still serving' : ''})`)
      problems.push({
        code: 'orphans',
        message: `Orphan processes of this swift dir, named by no pid file: ${listed.join(', ')}.`,
        hint: 'Stop them with "Stop orphans of …" in the instance’s menu (SIGTERM, then SIGKILL after the kill wait).',
        paths: [...new Set(this.orphans.map((o) => o.confFile))],
      })
    }
    for (const s of this.silent) {
      problems.push({
        code: 'silent-log-target',
        message: s.message,
        hint: 'Send its logs to the panel ("Send all logs here") or start a syslog receiver on that port.',
        paths: [],
      })
    }
    return problems
  }

  /**
   * Once per refresh interval: probe every running WSGI instance (concurrently, each within the timeout),
   * and every SCAN_EVERY_MS look for orphans and silent log targets. What changes calls `changed`.
   */
  tick(instances: readonly InsightInstance[], pidFilePids: readonly number[]): void {
    void this.probe(instances)
    if (!this.scanning && Date.now() - this.scannedAt >= SCAN_EVERY_MS) void this.scan(instances, pidFilePids)
  }

  private async probe(instances: readonly InsightInstance[]): Promise<void> {
    if (this.probing) return
    this.probing = true
    try {
      // a plain loop: this runs every second over every instance, most of them (daemons) without a port
      const targets: ProbeTarget[] = []
      for (const i of instances) {
        const ports = i.pid !== null ? this.portsOf(i) : null
        if (ports?.ok) targets.push(probeTarget(i.id, ports.ports))
      }
      const timeoutMs = this.options.probeTimeoutMs()
      const results = await probeAll(targets, { timeoutMs })
      const now = Date.now()
      let changed = false
      if (this.health.size > 0) {
        const ids = new Set(instances.flatMap((i) => (i.pid !== null ? [i.id] : [])))
        for (const id of [...this.health.keys()]) {
          if (!ids.has(id)) {
            this.health.delete(id)
            this.answered.delete(id)
          }
        }
      }
      for (const [id, h] of results) {
        const next = healthInfo(h, timeoutMs, now)
        const before = this.health.get(id)
        if (before?.word !== next.word || before.detail !== next.detail) changed = true
        this.health.set(id, next)
        if (next.word === 'healthy') this.answered.add(id)
        else if ((next.word === 'unhealthy' || next.word === 'not listening') && before?.word === 'healthy' && this.answered.has(id)) {
          this.options.notify({
            id: randomUUID(),
            ts: now,
            level: 'warning',
            title: `${id} stopped answering`,
            body: `It still runs, but: ${next.detail}.`,
            instanceId: id,
          })
        }
      }
      // every answer carries its time (checkedAt), so any answer changes what about() says
      if (results.size > 0) this.revision++
      if (changed) this.options.changed()
    } finally {
      this.probing = false
    }
  }

  /**
   * Looks for orphans and silent log targets (after a command, or every SCAN_EVERY_MS), one scan at a time: a
   * call while one runs is served by one more scan after it, with the latest processes. Resolves when done.
   */
  scan(instances: readonly InsightInstance[], pidFilePids: readonly number[]): Promise<void> {
    this.scanArgs = { instances, pidFilePids }
    this.scanning ??= (async () => {
      while (this.scanArgs) {
        const args = this.scanArgs
        this.scanArgs = null
        await this.scanOnce(args.instances, args.pidFilePids)
      }
    })().finally(() => (this.scanning = null))
    return this.scanning
  }

  /** Settles when no scan runs (the service waits for it before it is disposed). */
  async idle(): Promise<void> {
    this.scanArgs = null
    await this.scanning
  }

  private scanning: Promise<void> | null = null
  private scanArgs: { instances: readonly InsightInstance[]; pidFilePids: readonly number[] } | null = null

  private async scanOnce(instances: readonly InsightInstance[], pidFilePids: readonly number[]): Promise<void> {
    this.scannedAt = Date.now()
    const swiftDir = this.options.swiftDir()
    const before = JSON.stringify(this.orphans.map((o) => [o.pid, o.listening]))
    // a /proc of 500 servers takes tens of ms: read it in slices, the event loop running between them
    // the servers the model knows alive (its sweep holds their /proc entries open) need no second look
    const alive = new Set(instances.flatMap((i) => (i.pid !== null ? [i.pid] : [])))
    const processes = await scanServerProcessesPausing(swiftDir, undefined, this.scanMemory, alive)
    this.orphans = findOrphans(processes, pidFilePids, swiftDir, listeningFromProc())
    const bound = boundUdp()
    const from = JSON.stringify([instances.map((i) => i.id), bound])
    let silentChanged = false
    if (from !== this.silentFrom) {
      this.silentFrom = from
      const silentBefore = JSON.stringify(this.silent)
      const silent: SilentLogTarget[] = []
      // each reads its conf: 500 of them take tens of ms, so the event loop runs between slices
      const pause = pauser()
      for (const i of instances) {
        const target = silentLogTarget(i.id, i.server, i.confFile, { bound })
        if (target) silent.push(target)
        await pause()
      }
      this.silent = silent
      silentChanged = silentBefore !== JSON.stringify(this.silent)
    }
    if (before !== JSON.stringify(this.orphans.map((o) => [o.pid, o.listening])) || silentChanged) {
      this.revision++
      this.options.changed()
    }
  }

  /** Recon answers of a storage server with the recon filter, at most every 10 s per instance. */
  async recon(i: InsightInstance): Promise<ReconDetails> {
    const ports = this.portsOf(i)
    if (!ports?.ok || !ports.ports.recon) throw new Error(`${i.id} has no recon filter in its pipeline`)
    const port = ports.ports.ports[0]
    if (port === undefined) throw new Error(`${i.id} listens on no fixed port`)
    this.reconClient ??= new ReconClient({ swiftDir: this.options.swiftDir(), timeoutMs: this.options.probeTimeoutMs() })
    const r = await this.reconClient.get({ id: i.id, host: ports.ports.probeHost, port })
    return {
      instanceId: i.id,
      fetchedAt: r.fetchedAt,
      async: r.async,
      quarantined: r.quarantined,
      diskUsage: r.diskUsage,
      rings: r.rings.ok
        ? { ok: true, value: r.rings.value.map((x) => ({ ring: x.ring, serverMd5: x.serverMd5, localMd5: x.localMd5, agrees: x.agrees })) }
        : r.rings,
    }
  }

  /** SIGTERM, then SIGKILL after the kill wait, to the orphans of one instance the last scan found; the identity check before every signal. */
  async stopOrphans(i: InsightInstance, killWaitMs: number): Promise<OrphanStopResult[]> {
    const mine = this.orphans.filter((o) => o.server === i.server && o.confFile === i.confFile)
    const results = await stopOrphans(mine, { killWaitMs })
    return results.map((r) => ({ pid: r.pid, outcome: r.outcome, signals: r.signals, reason: r.reason ?? null }))
  }
}

/** Every buffered line holding a transaction id, from every instance, in time order. */
export function traceInfo(txnId: string, lines: Iterable<BufferedLine>): TraceInfo {
  const t = traceTxn(txnId, lines)
  return {
    txnId: t.txnId,
    stampedAt: t.stampedAt,
    lines: t.lines.map((l) => ({
      instanceId: l.instanceId,
      ts: l.ts,
      text: l.text,
      access: l.access && {
        kind: l.access.kind,
        method: l.access.method,
        path: l.access.path,
        status: l.access.status,
        requestTimeSec: l.access.requestTimeSec,
        source: l.access.kind === 'proxy' ? l.access.source : null,
      },
    })),
  }
}

function healthInfo(h: Health, timeoutMs: number, now: number): HealthInfo {
  switch (h.state) {
    case 'healthy':
      return {
        word: 'healthy',
        detail: h.check === 'healthcheck' ? 'GET /healthcheck: 200 OK' : `answers HTTP (${h.status}; no healthcheck filter)`,
        checkedAt: now,
      }
    case 'disabled':
      return { word: 'disabled', detail: `DISABLED BY FILE (503 from /healthcheck on port ${h.port})`, checkedAt: now }
    case 'not listening':
      return { word: 'not listening', detail: `connection refused on port ${h.port}`, checkedAt: now }
    case 'unhealthy':
      return {
        word: 'unhealthy',
        detail: h.cause === 'timeout' ? `no answer in ${timeoutMs / 1000} s on port ${h.port}` : `${h.detail} on port ${h.port}`,
        checkedAt: now,
      }
  }
}
