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
  workers: number[]
  /** How it last ended, as far as the panel knows. */
  lastExit: LastExit | null
  /** Running attached (no-daemon) under the service, output streamed live. */
  attached: boolean
  /** The command acting on this instance right now, if any. */
  busy: CommandName | null
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
}

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
