// The live model of every service instance: what the confs, pid files and /proc say, plus what only the
// service knows (a command acting on it, a crash it noticed, an attached run, the last exit code).

import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs'
import { commandSpec, groupOf, type CommandName } from '../../shared/swift.js'
import type { InstanceInfo, InstanceState, LastExit, Problem, Snapshot, WorkerInfo } from '../../shared/types.js'
import { inspectConf, instanceId, type InstanceFacts } from '../supervisor/inspect.js'
import { sendSignal, SIG_DFL } from '../supervisor/signals.js'
import { CLOCK_TICKS, processStat } from '../supervisor/proc.js'
import { Server, type ManagerEnv } from '../supervisor/server.js'
import { ALL_SERVERS, findExecutable, MAIN_SERVERS } from '../supervisor/servers.js'
import type { InsightHub, InsightInstance } from './insight-hub.js'
import { LivenessChecker } from './liveness.js'

interface Memory {
  crashed: boolean
  lastExit: LastExit | null
  /** When the current (or last) command on it began, epoch ms. */
  busySince: number
  attached: boolean
  busy: CommandName | null
  /** The InstanceInfo last made for it: handed out again while nothing in it changed. */
  info?: InstanceInfo
  /** What `info` was made from: while each is the same, `info` is handed out without being made again. */
  infoFrom?: InfoInputs
  /** Last /proc sample of the running process. */
  sample?: {
    pid: number
    at: number
    ticks: number
    startedAt: number
    rssBytes: number
    cpuPercent: number | null
    workers: WorkerInfo[]
    workersAt: number
  }
}

/** Everything an InstanceInfo is made from (see Memory.infoFrom). */
interface InfoInputs {
  facts: InstanceFacts
  configs: number
  sample: Memory['sample'] | null
  state: InstanceState
  lastExit: LastExit | null
  attached: boolean
  busy: CommandName | null
  revision: number
}

/** The swift dir watcher reports conf changes; this only catches what it cannot see (NFS, a full inotify table). */
const CONF_TTL_MS = 60_000
/** CPU and memory of an instance a client shows are re-read this often; of the others, only when the pid changes. */
const STATS_MAX_AGE_MS = 1900
/** A liveness answer from the sweep stands this long; older, the pid is read again. */
const LIVENESS_FRESH_MS = 1000
/** Workers come and go rarely (a respawn): their list is re-read less often than CPU and memory. */
const WORKERS_MAX_AGE_MS = 5900

/**
 * Between file events, how long the pid files read last stand for `count` instances, ms: every refresh up to
 * 100 instances, every 5 s at 500. The watcher reports every write under the run dir; this only catches what
 * it cannot see (a run dir replaced, more subdirectories than it watches), and a death needs no pid file
 * read at all (the liveness sweep).
 */
export function pidFilesMaxAgeMs(count: number): number {
  return Math.max(1000, count * 10)
}

/** A configured instance: no pid file or /proc read behind it. */
export interface Configured {
  id: string
  server: string
  confFile: string
  /** 1-based config number, as swift-init's `-c N` counts it. */
  number: number
}

/** A model without insight (tests of the process side alone). */
const NO_INSIGHT: Pick<InsightHub, 'about' | 'aboutRevision' | 'workers'> = {
  about: () => ({ ports: [], portNote: null, health: null, recon: false, lastPass: null, orphans: [] }),
  aboutRevision: () => 0,
  workers: () => [],
}

export interface ModelEnv {
  swiftDir: string
  runDir: string
  path: string
}

export class InstanceModel {
  private memory = new Map<string, Memory>()
  /** Instances running at the previous refresh, with their pids: one that vanishes without a stop from us has crashed. */
  private running = new Map<string, number>()
  /** The children the service spawned and saw no exit of, by server and conf: their pid files need no identity check. */
  private ours = new Map<string, Set<number>>()

  /** A child the service spawned for this server and conf (`alive` false once it exited). */
  ownChild(server: string, confFile: string, pid: number, alive: boolean): void {
    const key = `${server}\0${confFile}`
    const pids = this.ours.get(key) ?? new Set<number>()
    if (alive) pids.add(pid)
    else pids.delete(pid)
    if (pids.size > 0) this.ours.set(key, pids)
    else this.ours.delete(key)
  }

  /** What the last sweep (or read) said of a pid: alive, or gone / a zombie. */
  private liveness = new Map<number, { alive: boolean; at: number }>()
  private readonly checker = new LivenessChecker()

  /**
   * `watched(id)`: whether a client shows the instance now (its CPU, memory and workers are worth re-reading).
   * `insight`: what the model shows beyond processes (ports, health, last pass, orphans, worker generations).
   */
  constructor(
    private env: ModelEnv,
    private readonly watched: (id: string) => boolean = () => true,
    private readonly insight: Pick<InsightHub, 'about' | 'aboutRevision' | 'workers'> = NO_INSIGHT,
  ) {}

  /** processes(), and what it was made from. */
  private processesMade: {
    list: readonly Configured[]
    running: Map<string, number>
    made: ReturnType<InstanceModel['processes']>
  } | null = null

  /**
   * Every configured instance with its pid while it runs, and the pids every pid file holds: for the insight
   * tick, every second. The same object while no instance, pid or pid file changed.
   */
  processes(): { instances: InsightInstance[]; pidFilePids: number[] } {
    const list = this.configured()
    const was = this.processesMade
    if (was?.list === list && was.running === this.running) return was.made
    const instances = list.map((c) => ({
      id: c.id,
      server: c.server,
      confFile: c.confFile,
      pid: this.running.get(c.id) ?? null,
    }))
    const pidFilePids = [...this.pidCache.values()].flatMap((c) => (c.facts.pid !== null ? [c.facts.pid] : []))
    const made = { instances, pidFilePids }
    this.processesMade = { list, running: this.running, made }
    return made
  }

  setEnv(env: ModelEnv): void {
    this.env = env
    this.discovered = null
    this.pidCache.clear()
    this.memory.clear()
    this.running = new Map()
    this.processesMade = null
    this.liveness.clear()
    this.checker.close()
  }

  /** Lets go of what the model holds open (the liveness checker's descriptors). */
  dispose(): void {
    this.checker.close()
  }

  /** How many processes the liveness sweep checks. */
  runningCount(): number {
    return this.running.size
  }

  /**
   * Checks every process believed running (cheap, see liveness.ts), separately from the refresh: true when
   * one is gone or a zombie since, so the caller refreshes at once instead of at the next tick.
   */
  sweep(): boolean {
    const now = Date.now()
    let died = false
    for (const pid of this.running.values()) if (!this.checkPid(pid, now)) died = true
    return died
  }

  private checkPid(pid: number, now: number): boolean {
    const alive = this.checker.isAlive(pid)
    const known = this.liveness.get(pid)
    // updated in place: the sweep asks about every running pid every second
    if (known) {
      known.alive = alive
      known.at = now
    } else this.liveness.set(pid, { alive, at: now })
    return alive
  }

  private alive(pid: number, now: number): boolean {
    const known = this.liveness.get(pid)
    return known && now - known.at < LIVENESS_FRESH_MS ? known.alive : this.checkPid(pid, now)
  }

  private mem(id: string): Memory {
    let m = this.memory.get(id)
    if (!m) this.memory.set(id, (m = { crashed: false, lastExit: null, busySince: 0, attached: false, busy: null }))
    return m
  }

  markBusy(ids: string[], command: CommandName | null): void {
    for (const id of ids) {
      const m = this.mem(id)
      m.busy = command
      if (command) m.busySince = Date.now()
      // a command of ours on an instance settles the question of a crash
      m.crashed = false
    }
  }

  setAttached(id: string, attached: boolean): void {
    this.mem(id).attached = attached
  }

  /** A process the panel started ended with this status (see LastExit). */
  setProcessExit(id: string, code: number): void {
    this.mem(id).lastExit = { code, source: 'process', at: Date.now() }
  }

  /** A command on the instance ended with this status; a process exit seen during that command says more. */
  setCommandExit(id: string, code: number): void {
    const m = this.mem(id)
    if (m.lastExit?.source === 'process' && m.lastExit.at >= m.busySince) return
    m.lastExit = { code, source: 'command', at: Date.now() }
  }

  /**
   * Conf discovery (a directory walk per server, and reading object-server confs for the expirer) and
   * binary lookups are the costly part of a refresh and change rarely: cached until the swift dir changes
   * (confsChanged) or CONF_TTL_MS passes. Pid files and /proc are read fresh every time.
   */
  private discovered: { at: number; servers: { server: Server; confFiles: string[]; hasBinary: boolean }[] } | null = null

  confsChanged(): void {
    this.discovered = null
  }

  private discover() {
    if (this.discovered && Date.now() - this.discovered.at < CONF_TTL_MS) return this.discovered.servers
    const env: ManagerEnv = { ...this.env, console: { print: () => {} } }
    const servers = ALL_SERVERS.map((name) => {
      const server = new Server(name, env)
      return {
        server,
        confFiles: existsSync(this.env.swiftDir) ? server.confFiles({ quiet: true }) : [],
        hasBinary: findExecutable(server.cmd, this.env.path) !== null,
      }
    })
    this.discovered = { at: Date.now(), servers }
    return servers
  }

  /** Every configured instance: id, server, conf, config number; no pid file or /proc read (cached discovery). */
  configured(): readonly Configured[] {
    return this.index().list
  }

  /** A configured instance by id, in O(1). */
  configuredInstance(id: string): Configured | undefined {
    return this.index().byId.get(id)
  }

  /** The instance a child a command spawned belongs to, by its server and conf, in O(1). */
  instanceOfConf(server: string, confFile: string): Configured | undefined {
    return this.index().byConf.get(`${server}\0${confFile}`)
  }

  /** configured() and its lookups, made once per discovery (a start of 500 instances looks up 500 children). */
  private indexed: { of: unknown; list: Configured[]; byId: Map<string, Configured>; byConf: Map<string, Configured> } | null = null

  private index() {
    const servers = this.discover()
    if (this.indexed?.of === servers) return this.indexed
    const list = servers.flatMap(({ server, confFiles }) =>
      confFiles.map((confFile, i) => ({
        id: instanceId(server, confFile, this.env.swiftDir),
        server: server.server,
        confFile,
        number: i + 1,
      })),
    )
    this.indexed = {
      of: servers,
      list,
      byId: new Map(list.map((c) => [c.id, c])),
      byConf: new Map(list.map((c) => [`${c.server}\0${c.confFile}`, c])),
    }
    return this.indexed
  }

  /** Every configured instance's facts (no /proc sampling): for command targeting and log routing. */
  facts(): InstanceFacts[] {
    return this.discover().flatMap(({ server, confFiles }) => this.inspect(server, confFiles))
  }

  /**
   * inspectServer, minus the work an idle panel need not redo: when a pid file is the same file as last
   * time (inode, mtime, size), its facts stand, provided a process said to be running still answers
   * kill 0. The cmdline is checked again whenever the pid file changes.
   */
  private pidCache = new Map<string, { key: string; facts: InstanceFacts }>()
  /** Whether something under the run dir changed since the pid files were last read, and when that was. */
  private pidFilesDirty = true
  private pidFilesReadAt = 0

  /** Something under the run dir changed (a file event, a command): the next snapshot reads every pid file. */
  pidFilesChanged(): void {
    this.pidFilesDirty = true
  }

  /**
   * `full` false: a pid file whose facts said 'none' or 'running' last time is not read again (nothing under
   * the run dir changed since, and liveness is the sweep's); the others (dead, wrong process: a server about
   * to exec) are.
   */
  private inspect(server: Server, confFiles: string[], full = true): InstanceFacts[] {
    const pidFiles = this.pidFilesOf(server, confFiles)
    return confFiles.map((confFile, i) => {
      const pidFile = pidFiles[i] ?? server.getPidFileName(confFile)
      const cached = this.pidCache.get(pidFile)
      const standing = cached?.facts.number === i + 1 && (cached.facts.pidState === 'none' || cached.facts.pidState === 'running')
      if (standing && !full) return cached.facts
      let key = 'none'
      try {
        const st = statSync(pidFile)
        key = `${st.ino}:${st.mtimeMs}:${st.size}`
      } catch {
        // no pid file: 'none'
      }
      // only 'no pid file' and 'running' stand while the file is unchanged: a pid file is written before its
      // server execs (spawn.ts), so 'wrong process' right after a start turns into 'running' without a write
      if (standing && cached.key === key) {
        const { pid, pidState } = cached.facts
        if (pidState === 'none' || (pid !== null && sendSignal(pid, SIG_DFL) !== 'ESRCH')) return cached.facts
      }
      const facts = inspectConf(server, confFile, i + 1, this.env.swiftDir, this.ours.get(`${server.server}\0${confFile}`))
      this.pidCache.set(pidFile, { key, facts })
      this.processesMade = null
      return facts
    })
  }

  /** The pid file of each conf, worked out once per discovery (the conf list is a new array after each). */
  private pidFileNames = new WeakMap<string[], string[]>()

  private pidFilesOf(server: Server, confFiles: string[]): string[] {
    let names = this.pidFileNames.get(confFiles)
    if (!names) this.pidFileNames.set(confFiles, (names = confFiles.map((c) => server.getPidFileName(c))))
    return names
  }

  /** Every instance and problem now; the service numbers the snapshots it sends (`seq`). */
  snapshot(): Omit<Snapshot, 'seq'> {
    const now = Date.now()
    const instances: InstanceInfo[] = []
    const missingBinaries: string[] = []
    const nowRunning = new Map<string, number>()
    let configs = 0
    const full = this.pidFilesDirty || now - this.pidFilesReadAt >= pidFilesMaxAgeMs(this.configured().length)
    if (full) {
      this.pidFilesDirty = false
      this.pidFilesReadAt = now
    }
    for (const { server: s, confFiles, hasBinary } of this.discover()) {
      const server = s.server
      configs += confFiles.length
      if (confFiles.length === 0) {
        if (hasBinary) instances.push(this.unconfigured(server))
        continue
      }
      if (!hasBinary) {
        missingBinaries.push(`swift-${server}`)
        // a background daemon without its binary is noise on a dev box; a main server is worth a row
        if (!MAIN_SERVERS.includes(server)) continue
      }
      const list = this.inspect(s, confFiles, full)
      for (const f of list) {
        const info = this.describe(f, list.length, now)
        if (info.state === 'running' && info.pid !== null) nowRunning.set(info.id, info.pid)
        instances.push(info)
      }
    }
    // the same map while nothing started or stopped: processes() is made again only after a change
    let same = nowRunning.size === this.running.size
    for (const [id, pid] of nowRunning) if (same && this.running.get(id) !== pid) same = false
    if (!same) {
      this.running = nowRunning
      const pids = new Set(nowRunning.values())
      for (const pid of this.liveness.keys()) if (!pids.has(pid)) this.liveness.delete(pid)
      this.checker.retain(pids)
    }
    return {
      takenAt: now,
      swiftDir: this.env.swiftDir,
      runDir: this.env.runDir,
      instances,
      problems: this.problems(configs, missingBinaries),
    }
  }

  private unconfigured(server: string): InstanceInfo {
    return {
      id: server,
      server,
      group: groupOf(server),
      number: null,
      confFile: null,
      pidFile: null,
      pid: null,
      state: 'unconfigured',
      startedAt: null,
      cpuPercent: null,
      rssBytes: null,
      workers: [],
      lastExit: null,
      attached: false,
      busy: null,
      ports: [],
      portNote: null,
      health: null,
      recon: false,
      lastPass: null,
      orphans: [],
    }
  }

  private describe(f: InstanceFacts, configs: number, now: number): InstanceInfo {
    const m = this.mem(f.id)
    // liveness every refresh (the sweep's answer, or one read); CPU and memory only where a client shows the
    // instance, every STATS_MAX_AGE_MS, or when its pid changed: that keeps an idle panel cheap at any size
    const pid = f.pidState === 'running' && f.pid !== null && this.alive(f.pid, now) ? f.pid : null
    let sample = pid !== null && m.sample?.pid === pid ? m.sample : null
    if (pid !== null && (!sample || (this.watched(f.id) && now - sample.at >= STATS_MAX_AGE_MS))) {
      const stat = processStat(pid)
      sample = null
      if (stat && stat.state !== 'Z' && stat.state !== 'X') {
        const prev = m.sample?.pid === f.pid ? m.sample : null
        const cpuPercent = prev && now > prev.at ? (((stat.cpuTicks - prev.ticks) / CLOCK_TICKS) * 100000) / (now - prev.at) : null
        const workers =
          prev && now - prev.workersAt < WORKERS_MAX_AGE_MS
            ? { workers: prev.workers, workersAt: prev.workersAt }
            : { workers: this.insight.workers({ id: f.id, server: f.server, confFile: f.confFile, pid }, pid), workersAt: now }
        sample = {
          pid,
          at: now,
          ticks: stat.cpuTicks,
          startedAt: stat.startTimeMs,
          rssBytes: stat.rssBytes,
          cpuPercent,
          ...workers,
        }
      }
    }
    m.sample = sample ?? undefined
    let state: InstanceState
    if (sample) state = 'running'
    else if (f.pidState !== 'none' && !m.busy && (m.crashed || this.running.has(f.id))) {
      // its pid file is left but the process is gone (or a zombie, or its pid reused), and no stop of ours
      // (or swift-init's, which removes the pid file) explains it
      m.crashed = true
      state = 'crashed'
    } else {
      m.crashed = false
      state = f.pidState === 'dead' || f.pidState === 'wrong-process' ? 'dead' : 'stopped'
    }
    if (m.busy) {
      const { starts, stops } = commandSpec(m.busy)
      state = starts && state !== 'running' ? 'starting' : stops && !starts ? 'stopping' : state
    }
    // an idle panel at 500 instances makes no row again: only what changed is made (and sent)
    const revision = this.insight.aboutRevision(f.server)
    const was = m.infoFrom
    if (
      m.info &&
      was?.facts === f &&
      was.configs === configs &&
      was.sample === sample &&
      was.state === state &&
      was.lastExit === m.lastExit &&
      was.attached === m.attached &&
      was.busy === m.busy &&
      was.revision === revision // a NaN revision (a daemon's recon cache) is never the same
    ) {
      return m.info
    }
    m.infoFrom = { facts: f, configs, sample, state, lastExit: m.lastExit, attached: m.attached, busy: m.busy, revision }
    return this.keep(m, {
      id: f.id,
      server: f.server,
      group: groupOf(f.server),
      number: configs > 1 ? f.number : null,
      confFile: f.confFile,
      pidFile: f.pidFile,
      pid: state === 'running' ? f.pid : null,
      state,
      startedAt: sample?.startedAt ?? null,
      cpuPercent: sample?.cpuPercent ?? null,
      rssBytes: sample?.rssBytes ?? null,
      workers: sample?.workers ?? [],
      lastExit: m.lastExit,
      attached: m.attached,
      busy: m.busy,
      ...this.insight.about({ id: f.id, server: f.server, confFile: f.confFile, pid: state === 'running' ? f.pid : null }),
    })
  }

  /** The object made last time when nothing changed, so a snapshot's unchanged rows are the same objects. */
  private keep(m: Memory, info: InstanceInfo): InstanceInfo {
    if (m.info && sameInstance(m.info, info)) return m.info
    m.info = info
    return info
  }

  private problems(configs: number, missingBinaries: string[]): Problem[] {
    const { swiftDir, runDir } = this.env
    const problems: Problem[] = []
    if (!existsSync(swiftDir)) {
      problems.push({
        code: 'no-swift-dir',
        message: `The swift dir ${swiftDir} does not exist.`,
        hint: "Pick your cluster's config directory in Settings (the SAIO uses /etc/swift), or set $SWIFT_DIR.",
        paths: [swiftDir],
      })
    } else if (configs === 0) {
      let readable = true
      try {
        readdirSync(swiftDir)
      } catch {
        readable = false
      }
      problems.push(
        readable
          ? {
              code: 'no-configs',
              message: `No server configs found in ${swiftDir} (looked for proxy-server.conf, account-server/*.conf, object-server/N.conf, *.conf.d …).`,
              hint: 'Point the swift dir at your configs in Settings, or create them (see the SAIO docs).',
              paths: [swiftDir],
            }
          : {
              code: 'swift-dir-permission',
              message: `Permission denied reading ${swiftDir}.`,
              hint: 'Run the panel as a user who can read the swift configs (e.g. add yourself to the swift group).',
              paths: [swiftDir],
            },
      )
    }
    if (missingBinaries.length) {
      problems.push({
        code: 'missing-binaries',
        message: `Configured but not on PATH: ${missingBinaries.join(', ')}.`,
        hint: 'Install Swift (apt-get install swift swift-proxy swift-account swift-container swift-object) or add its bin dir to the extra PATH entries in Settings.',
        paths: [],
      })
    }
    if (!existsSync(runDir)) {
      problems.push({
        code: 'run-dir-missing',
        message: `The run dir ${runDir} does not exist yet.`,
        hint: 'It is created on the first start; make sure its parent is writable for you.',
        paths: [runDir],
      })
    } else {
      try {
        accessSync(runDir, constants.W_OK)
      } catch {
        problems.push({
          code: 'run-dir-permission',
          message: `Permission denied writing pid files in ${runDir}.`,
          hint: `Use a run dir you own (Settings), or: sudo chown $USER ${runDir}`,
          paths: [runDir],
        })
      }
    }
    return problems
  }
}

/** Field by field: arrays by their items, objects (last exit) by their fields, the rest by value. */
function sameInstance(a: InstanceInfo, b: InstanceInfo): boolean {
  return (Object.keys(a) as (keyof InstanceInfo)[]).every((k) => {
    const x = a[k]
    const y = b[k]
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i])
    if (x && y && typeof x === 'object' && typeof y === 'object') return JSON.stringify(x) === JSON.stringify(y)
    return x === y
  })
}
