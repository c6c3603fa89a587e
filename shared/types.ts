// Data shapes shared by the main-process services and the renderer.
// Plain data only: everything here crosses IPC / WebSocket as JSON.

import type { CommandName, Group } from './swift.js'

/**
 * running: pid file names a live process of this server.
 * stopped: no pid file.
 * starting / stopping: a command of ours is acting on it right now.
 * dead: a pid file is left but its process is gone (stale pid file).
 * crashed: it was running, and vanished without a stop from us.
 * unconfigured: the binary is on PATH but no config was found.
 */
export type InstanceState = 'running' | 'stopped' | 'starting' | 'stopping' | 'dead' | 'crashed' | 'unconfigured'

export interface InstanceInfo {
  /** `object-server.2` for one of several configs, `proxy-server` for a single config. */
  id: string
  server: string
  group: Group
  /** 1-based config number as swift-init's `-c N` counts it; null for a single-config or unconfigured server. */
  number: number | null
  confFile: string | null
  pidFile: string | null
  pid: number | null
  state: InstanceState
  /** Epoch ms when the process started (from /proc), null when not running. */
  startedAt: number | null
  cpuPercent: number | null
  rssBytes: number | null
  /** Its worker processes (children), with their uptime; during a reload the old generation too, until it exits. */
  workers: WorkerInfo[]
  /** How it last ended, as far as the panel knows. */
  lastExit: LastExit | null
  /** Running attached (no-daemon) under the service, output streamed live. */
  attached: boolean
  /** The command acting on this instance right now, if any. */
  busy: CommandName | null
  /** WSGI servers: the TCP ports it listens on, read from its conf as Swift reads them (empty for daemons). */
  ports: number[]
  /** Why no port is known, in words (e.g. bind_port is not set, so the server refuses to start); null otherwise. */
  portNote: string | null
  /** Whether it answers (WSGI servers that run); null where no port applies. */
  health: HealthInfo | null
  /** Its pipeline has Swift's recon filter: `instances:recon` answers for it. */
  recon: boolean
  /** Background daemons: their last pass, from Swift's recon cache; null where the daemon keeps none. */
  lastPass: LastPass | null
  /** Processes running this instance's server and conf that no pid file names (workers of a killed parent, a hand start). */
  orphans: OrphanInfo[]
}

export interface WorkerInfo {
  pid: number
  /** Epoch ms. */
  startedAt: number
  /** current: serving; old: the previous generation after a reload, finishing its requests. */
  generation: 'current' | 'old'
}

export type HealthWord = 'healthy' | 'unhealthy' | 'not listening' | 'disabled'

export interface HealthInfo {
  word: HealthWord
  /** What the word rests on, in words: `GET /healthcheck: 200 OK`, `no answer in 1 s on port 6010`… */
  detail: string
  /** Epoch ms of the probe. */
  checkedAt: number
}

export interface LastPass {
  /** When the last pass ended, epoch ms; null while none has finished. */
  at: number | null
  /** recorded: the daemon's own time; observed: when the panel saw its figures change. */
  source: 'recorded' | 'observed' | null
  durationSec: number | null
  /** The pass's other figures by name (successes, failures, objects expired…). */
  counts: Record<string, number>
  /** Why it cannot be read, when it cannot. */
  error: string | null
}

export interface OrphanInfo {
  pid: number
  /** server: a parent nobody's pid file names; worker: a child whose parent is gone or untracked. */
  role: 'server' | 'worker'
  /** WSGI: whether it still holds a listening socket (serves requests); null for daemons or when unknown. */
  listening: boolean | null
  /** Epoch ms. */
  startedAt: number
}

/** One instance's recon answers (storage servers with the recon filter), read on demand, at most every 10 s. */
export interface ReconDetails {
  instanceId: string
  fetchedAt: number
  async: ReconPart<{ asyncPending: number | null; asyncPendingLastAt: number | null }>
  quarantined: ReconPart<{ objects: number; containers: number; accounts: number; policies: Record<string, number> }>
  diskUsage: ReconPart<{ device: string; mounted: boolean | string; size: number | null; used: number | null; avail: number | null }[]>
  rings: ReconPart<{ ring: string; serverMd5: string | null; localMd5: string | null; agrees: boolean }[]>
}
export type ReconPart<T> = { ok: true; value: T } | { ok: false; error: string }

/** What "Stop orphans of <id>" did to each process. */
export interface OrphanStopResult {
  pid: number
  /** terminated, killed, gone, not the same process, unknown, no permission, survived. */
  outcome: string
  signals: string[]
  reason: string | null
}

/** Every buffered line with one transaction id, from every instance, in time order. */
export interface TraceInfo {
  txnId: string
  /** When the proxy stamped it, epoch ms; null for an id of another shape. */
  stampedAt: number | null
  lines: TraceLineInfo[]
}

export interface TraceLineInfo {
  instanceId: string
  ts: number
  text: string
  /** From an access line: the request's method, path, status and time taken (seconds). */
  access: { kind: 'proxy' | 'storage'; method: string; path: string; status: number; requestTimeSec: number; source: string | null } | null
}

export interface LastExit {
  /** The exit status; -N when it was killed by signal N (as Python's Popen.returncode says it). */
  code: number
  /** process: the panel saw the process itself end (it started it); command: the last swift-init command on it ended so. */
  source: 'process' | 'command'
  /** Epoch ms. */
  at: number
}

export type ProblemCode =
  | 'no-swift-dir'
  | 'no-configs'
  | 'missing-binaries'
  | 'run-dir-permission'
  | 'run-dir-missing'
  | 'swift-dir-permission'
  | 'settings-unreadable'
  | 'orphans'
  | 'silent-log-target'
  | 'settings-invalid'

export interface Problem {
  code: ProblemCode
  message: string
  /** What the user can do about it. */
  hint: string
  paths: string[]
}

export interface Snapshot {
  /** Grows by one for every change; lets a client drop stale snapshots. */
  seq: number
  takenAt: number
  swiftDir: string
  runDir: string
  instances: InstanceInfo[]
  problems: Problem[]
}

export interface CommandOptions {
  verbose?: boolean
  wait?: boolean
  once?: boolean
  graceful?: boolean
  /** Seconds; swift-init's -k. */
  killWait?: number
  killAfterTimeout?: boolean
  strict?: boolean
}

export interface CommandStarted {
  commandId: string
  /** The instances it acts on (instance ids among the targets act on exactly that instance). */
  instanceIds: string[]
}

export interface CommandOutput {
  commandId: string
  lines: string[]
}

export interface CommandDone {
  commandId: string
  command: CommandName
  targets: string[]
  exitCode: number
}

/** Where a log line came from. */
export type LogSource = 'startup' | 'attached' | 'file' | 'receiver'
export type LogStream = 'stdout' | 'stderr' | 'log'

export interface LogLine {
  /** Per-instance sequence number, strictly increasing. */
  seq: number
  ts: number
  source: LogSource
  stream: LogStream
  text: string
  /** Syslog's severity where the line carries one (its priority, or a level word); absent for console output. */
  severity?: SyslogSeverity
}

export type SyslogSeverity = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug'

export interface LogBatch {
  instanceId: string
  lines: LogLine[]
}

export interface LogPage {
  lines: (LogLine & { instanceId: string })[]
  /** Lines dropped from the ring buffers so far (per query), for "n older lines discarded". */
  dropped: number
}

/** How the panel found (or failed to find) where an instance logs. */
export interface LogSourceInfo {
  instanceId: string
  kind: 'file' | 'receiver' | 'console' | 'unknown'
  /** Files tailed for this instance. */
  files: string[]
  logName: string | null
  facility: string | null
  /** Plain words: why this source, or why none was found. */
  explanation: string
  /** For `unknown`: the conf lines that would send this instance's logs to the built-in receiver. */
  suggestedConf: string | null
}

/** A proposed edit that sends an instance's logs to the built-in receiver: shown as a diff before anything is written. */
export interface ConfEdit {
  file: string
  diff: string
  /** Hash of the file as the diff saw it: applying refuses if the file changed since. */
  originalHash: string
  /** False when a section setting overrides [DEFAULT] for this server, so the edit would not take effect. */
  takesEffect: boolean
}

/** "Send all logs here": the edits, one per conf file, shown together before anything is written. */
export interface ConfEditAll {
  edits: (ConfEdit & { instanceIds: string[] })[]
  /** Instances whose conf already sends their logs to the receiver. */
  already: string[]
  /** Instances no edit can send there (a section overrides [DEFAULT], an unreadable conf), with why. */
  cannot: { instanceId: string; why: string }[]
}

/** What applying them did, and what to restart so the servers read their confs again. */
export interface ConfApplyAll {
  applied: { file: string; backup: string }[]
  failed: { file: string; error: string }[]
  /** Commands to run: main servers reload gracefully (swift-init reload), the background daemons restart. */
  restart: { command: 'reload' | 'restart'; targets: string[] }[]
}

export interface Profile {
  name: string
  swiftDir: string
  runDir: string
  /** Prepended to PATH when looking up and starting swift-* binaries. */
  extraPath: string[]
  /** Per server name: log files to tail, in addition to those found from the confs. */
  logFiles: Record<string, string[]>
}

export interface Settings {
  profiles: Profile[]
  activeProfile: string
  killWait: number
  /** null: swift-init's default (strict when servers are named explicitly). */
  strict: boolean | null
  refreshIntervalMs: number
  logBufferLines: number
  /** UDP port of the built-in syslog receiver on 127.0.0.1; 0 disables it. */
  syslogReceiverPort: number
  /** How long a health probe waits for an answer, ms (default 1000). */
  probeTimeoutMs: number
  theme: 'system' | 'light' | 'dark'
}

export interface PathCheck {
  ok: boolean
  message: string
}

export type NotificationLevel = 'info' | 'warning' | 'error'

export interface PanelNotification {
  id: string
  ts: number
  level: NotificationLevel
  title: string
  body: string
  instanceId?: string
}

export interface AppInfo {
  version: string
  transport: 'electron' | 'browser'
  platform: string
}
