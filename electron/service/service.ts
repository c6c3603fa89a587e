// The supervisor service: the panel's main-process brain, in plain Node so the Electron shell and the
// browser host share it. It keeps the instance model current, runs swift-init commands through the same
// Manager the CLI uses (queued per server), captures child output into per-instance log buffers, tails
// where Swift really logs, and pushes batched events to every subscriber.

import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { accessSync, constants, existsSync, statSync, watch, type FSWatcher } from 'node:fs'
import { delimiter, isAbsolute } from 'node:path'
import type { EventChannel, EventOf, EventSink, Handlers, RequestOf } from '../../shared/contract.js'
import type { CommandName, LogLine, PathCheck, Settings, Snapshot } from '../../shared/types.js'
import { Manager } from '../supervisor/manager.js'
import type { SpawnInfo } from '../supervisor/server.js'
import { EventBatcher } from './event-batcher.js'
import { InstanceModel } from './instances.js'
import { LogBuffers } from './log-buffer.js'
import { planLogSources, startLogRouting, type LogRouting } from './logs/log-router.js'
import { applyReceiverConf, receiverConfEdit } from './logs/receiver-conf.js'
import { readRsyslogConfig } from './logs/rsyslog-conf.js'
import { startSyslogReceiver, type SyslogReceiver } from './logs/syslog-receiver.js'
import { activeProfile, defaultSettings, loadSettings, saveSettings, validateSettings } from './settings.js'

export interface ServiceOptions {
  /** Where settings persist; null keeps them in memory (tests). */
  settingsPath: string | null
  /** Override the active profile's dirs (command-line flags). */
  swiftDir?: string
  runDir?: string
  version: string
  transport: 'electron' | 'browser'
  /** Where the rsyslog config lives (tests point it at a fixture). */
  rsyslogPath?: string
}

/** A failure the handlers report as `{ok:false, error:{code, message}}`. */
export class ServiceError extends Error {
  constructor(
    readonly code: 'not-found' | 'busy' | 'failed',
    message: string,
  ) {
    super(message)
  }
}

const STOPPING: ReadonlySet<CommandName> = new Set(['stop', 'kill', 'shutdown', 'restart', 'reload', 'force-reload'])

export class SupervisorService {
  readonly handlers: Handlers
  private settings: Settings
  private readonly model: InstanceModel
  private readonly logs: LogBuffers
  private readonly batcher: EventBatcher
  private readonly sinks = new Set<EventSink>()
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly attached = new Map<string, { abort: AbortController; done: Promise<unknown> }>()
  private readonly running = new Set<Promise<unknown>>()
  private snapshotCache: Snapshot
  private lastKey = ''
  private lastEmit = 0
  private timer: NodeJS.Timeout | null = null
  private watchers: FSWatcher[] = []
  private refreshSoon: NodeJS.Timeout | null = null
  private routing: LogRouting | null = null
  private receiver: SyslogReceiver | null = null

  constructor(private readonly options: ServiceOptions) {
    const fallback = defaultSettings({ swiftDir: options.swiftDir, runDir: options.runDir })
    this.settings = options.settingsPath ? loadSettings(options.settingsPath, fallback) : fallback
    if (options.swiftDir || options.runDir) {
      const p = activeProfile(this.settings)
      Object.assign(p, { swiftDir: options.swiftDir ?? p.swiftDir, runDir: options.runDir ?? p.runDir })
    }
    this.model = new InstanceModel(this.modelEnv())
    this.logs = new LogBuffers(this.settings.logBufferLines)
    this.batcher = new EventBatcher((channel, payload) => this.sinks.forEach((sink) => sink(channel, payload)))
    this.snapshotCache = this.model.snapshot()
    this.handlers = this.makeHandlers()
  }

  private modelEnv() {
    const p = activeProfile(this.settings)
    return { swiftDir: p.swiftDir, runDir: p.runDir, path: [...p.extraPath, process.env.PATH ?? ''].join(delimiter) }
  }

  async start(): Promise<void> {
    this.schedule()
    await this.startLogs()
  }

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  private emit<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    this.batcher.push(channel, payload)
  }

  hasAttached(): boolean {
    return this.attached.size > 0
  }

  /** Stops attached children (daemonised ones keep running and are found again next time) and all watching. */
  async dispose(): Promise<void> {
    for (const a of this.attached.values()) a.abort.abort()
    await Promise.allSettled([...this.attached.values()].map((a) => a.done))
    await Promise.allSettled([...this.running])
    if (this.timer) clearInterval(this.timer)
    if (this.refreshSoon) clearTimeout(this.refreshSoon)
    this.watchers.forEach((w) => w.close())
    await this.stopLogs()
    this.batcher.dispose()
  }

  // ---- the model ----------------------------------------------------------------------------------

  private schedule(): void {
    if (this.timer) clearInterval(this.timer)
    this.watchers.forEach((w) => w.close())
    this.watchers = []
    this.timer = setInterval(() => this.refresh(), this.settings.refreshIntervalMs)
    const { swiftDir, runDir } = this.modelEnv()
    for (const dir of [swiftDir, runDir]) {
      try {
        // a pid file appearing or going, a conf added: refresh now rather than at the next tick
        this.watchers.push(
          watch(dir, { persistent: false }, () => {
            if (dir === swiftDir) this.model.confsChanged()
            this.refreshAfter(30)
          }),
        )
      } catch {
        // not there (yet): the interval still notices it
      }
    }
  }

  private refreshAfter(ms: number): void {
    if (this.refreshSoon) return
    this.refreshSoon = setTimeout(() => {
      this.refreshSoon = null
      this.refresh()
    }, ms)
  }

  /** Re-reads the world; emits a snapshot when something a user can see changed. */
  refresh(): Snapshot {
    const before = new Map(this.snapshotCache.instances.map((i) => [i.id, i.state]))
    const snap = this.model.snapshot()
    this.snapshotCache = snap
    const key = JSON.stringify([snap.instances.map((i) => [i.id, i.state, i.pid, i.busy, i.attached, i.lastExitCode, i.workers.length]), snap.problems])
    const now = Date.now()
    // CPU and memory change all the time: send those at most every 2 s unless something else moved
    if (key !== this.lastKey || now - this.lastEmit >= 2000) {
      this.lastKey = key
      this.lastEmit = now
      this.emit('services:changed', snap)
    }
    for (const i of snap.instances) {
      if (i.state === 'crashed' && before.get(i.id) !== 'crashed') {
        this.emit('notify', {
          id: randomUUID(),
          ts: now,
          level: 'error',
          title: `${i.id} crashed`,
          body: `${i.id} stopped without a stop command; its pid file is left behind.`,
          instanceId: i.id,
        })
      }
    }
    return snap
  }

  // ---- commands -------------------------------------------------------------------------------------

  private managerEnv(commandId: string | null, pending: { text: string[] }) {
    return {
      ...this.modelEnv(),
      console: {
        print: (text: string) => {
          const lines = text.split('\n')
          if (commandId) this.emit('commands:output', { commandId, lines })
          pending.text.push(...lines)
        },
      },
      attachedStdio: 'pipe' as const,
      onSpawn: (child: ChildProcess, info: SpawnInfo) => this.capture(child, info),
    }
  }

  /** Instance ids a target names: `object-server.2` itself, or every instance of a server, alias or glob. */
  private instancesOf(targets: string[]): { ids: string[]; servers: string[] } {
    const silent = { ...this.modelEnv(), console: { print: () => {} } }
    const servers = new Manager(targets, silent).servers.map((s) => s.server)
    const facts = this.model.facts()
    const exact = new Set(targets.filter((t) => facts.some((f) => f.id === t)))
    const ids = facts.filter((f) => exact.has(f.id) || (servers.includes(f.server) && !targets.some((t) => t.startsWith(`${f.server}.`)))).map((f) => f.id)
    return { ids: [...new Set([...ids, ...exact])], servers }
  }

  runCommand(req: RequestOf<'commands:run'>): { commandId: string } {
    const commandId = randomUUID()
    const { ids, servers } = this.instancesOf(req.targets)
    // an attached run of a target ends first (it is not in the queue, so this cannot wait on ourselves)
    const detached = STOPPING.has(req.command) ? this.detach(ids) : Promise.resolve()
    const work = this.queued(servers, async () => {
      await detached
      this.model.markBusy(ids, req.command)
      this.refresh()
      const pending = { text: [] as string[] }
      let exitCode = 1
      try {
        const o = req.options ?? {}
        exitCode = await new Manager(req.targets, this.managerEnv(commandId, pending)).runCommand(req.command, {
          verbose: o.verbose,
          wait: o.wait,
          once: o.once,
          graceful: o.graceful,
          killWait: o.killWait ?? this.settings.killWait,
          killAfterTimeout: o.killAfterTimeout,
          strict: o.strict ?? this.settings.strict,
        })
      } catch (e) {
        this.emit('commands:output', { commandId, lines: [`ERROR: ${(e as Error).message}`] })
      } finally {
        this.model.markBusy(ids, null)
        for (const id of ids) this.model.setExitCode(id, exitCode)
        this.refresh()
      }
      this.emit('commands:done', { commandId, command: req.command, targets: req.targets, exitCode })
      if (exitCode !== 0 && req.command !== 'status') {
        this.emit('notify', {
          id: randomUUID(),
          ts: Date.now(),
          level: 'error',
          title: `${req.command} ${req.targets.join(' ')} failed`,
          body: pending.text.filter(Boolean).slice(-3).join('\n') || `exit status ${exitCode}`,
        })
      }
      return exitCode
    })
    this.track(work)
    return { commandId }
  }

  /** Runs fn after every earlier command on any of these servers: commands on a server never interleave. */
  private queued<T>(servers: string[], fn: () => Promise<T>): Promise<T> {
    const before = Promise.allSettled(servers.map((s) => this.queues.get(s)))
    const run = before.then(fn)
    for (const s of servers) this.queues.set(s, run.catch(() => {}))
    return run
  }

  private track(p: Promise<unknown>): void {
    this.running.add(p)
    void p.finally(() => this.running.delete(p)).catch(() => {})
  }

  /** Runs one instance attached (no-daemon): its console streams into its log buffer. */
  attach(instanceId: string): { commandId: string } {
    const fact = this.model.facts().find((f) => f.id === instanceId)
    if (!fact) throw new ServiceError('not-found', `no instance ${instanceId}`)
    if (this.attached.has(instanceId)) throw new ServiceError('busy', `${instanceId} already runs attached`)
    const commandId = randomUUID()
    const abort = new AbortController()
    const target = instanceId.includes('.') ? instanceId : fact.server
    // waits for earlier commands on the server, but holds no queue slot while it runs: a stop must reach it
    const done = Promise.allSettled([this.queues.get(fact.server)]).then(() => {
      this.model.setAttached(instanceId, true)
      this.refresh()
      const env = this.managerEnv(commandId, { text: [] })
      return new Manager([target], env).runCommand('no-daemon', { signal: abort.signal, killWait: this.settings.killWait })
    })
    const finished = done.then(
      (exitCode) => {
        this.emit('commands:done', { commandId, command: 'no-daemon', targets: [target], exitCode })
        this.model.setExitCode(instanceId, exitCode)
      },
      () => {},
    ).finally(() => {
      this.attached.delete(instanceId)
      this.model.setAttached(instanceId, false)
      this.refresh()
    })
    this.attached.set(instanceId, { abort, done: finished })
    this.track(finished)
    return { commandId }
  }

  private async detach(ids: string[]): Promise<void> {
    const runs = ids.map((id) => this.attached.get(id)).filter((a) => a !== undefined)
    runs.forEach((a) => a.abort.abort())
    await Promise.allSettled(runs.map((a) => a.done))
  }

  // ---- logs -------------------------------------------------------------------------------------------

  private appendLog(instanceId: string, line: Omit<LogLine, 'seq'>): void {
    this.emit('logs:lines', { batches: [{ instanceId, lines: [this.logs.append(instanceId, line)] }] })
  }

  /** Splits a child's output into lines for its instance's buffer. */
  private capture(child: ChildProcess, info: SpawnInfo): void {
    const fact = this.model.facts().find((f) => f.confFile === info.confFile && f.server === info.server)
    const id = fact?.id ?? info.server
    const source = info.attached ? 'attached' : 'startup'
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue
      let partial = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n')
        partial = parts.pop()!.slice(-65536)
        for (const text of parts) this.appendLog(id, { ts: Date.now(), source, stream: name, text })
      })
      stream.on('end', () => partial && this.appendLog(id, { ts: Date.now(), source, stream: name, text: partial }))
    }
  }

  private plan() {
    const p = activeProfile(this.settings)
    const facts = this.model.facts()
    return planLogSources({
      instances: facts.map((f) => ({ id: f.id, server: f.server, confPath: f.confFile })),
      rsyslog: readRsyslogConfig(this.options.rsyslogPath),
      rsyslogPath: this.options.rsyslogPath,
      receiverPort: this.receiver?.port ?? null,
      extraFiles: p.logFiles,
    })
  }

  private async startLogs(): Promise<void> {
    const onLine = (r: { instanceId: string; line: Omit<LogLine, 'seq'> }) => this.appendLog(r.instanceId, r.line)
    if (this.settings.syslogReceiverPort) {
      try {
        this.receiver = await startSyslogReceiver({ port: this.settings.syslogReceiverPort, onLine })
      } catch (e) {
        this.emit('notify', {
          id: randomUUID(),
          ts: Date.now(),
          level: 'warning',
          title: 'Syslog receiver not started',
          body: `UDP 127.0.0.1:${this.settings.syslogReceiverPort}: ${(e as Error).message}`,
        })
      }
    }
    try {
      this.routing = await startLogRouting(this.plan(), { onLine, receiver: this.receiver })
    } catch (e) {
      this.emit('notify', { id: randomUUID(), ts: Date.now(), level: 'warning', title: 'Log files not tailed', body: (e as Error).message })
    }
  }

  private async stopLogs(): Promise<void> {
    await this.routing?.close()
    await this.receiver?.close()
    this.routing = null
    this.receiver = null
  }

  // ---- settings ---------------------------------------------------------------------------------------

  private async applySettings(next: Settings): Promise<Settings> {
    const valid = validateSettings(next)
    const before = JSON.stringify(activeProfile(this.settings))
    const receiverBefore = this.settings.syslogReceiverPort
    this.settings = valid
    if (this.options.settingsPath) saveSettings(this.options.settingsPath, valid)
    this.logs.setCapacity(valid.logBufferLines)
    if (JSON.stringify(activeProfile(valid)) !== before) this.model.setEnv(this.modelEnv())
    this.schedule()
    if (JSON.stringify(activeProfile(valid)) !== before || receiverBefore !== valid.syslogReceiverPort) {
      await this.stopLogs()
      await this.startLogs()
    }
    this.refresh()
    return valid
  }

  private makeHandlers(): Handlers {
    return {
      'services:snapshot': () => this.snapshotCache,
      'commands:run': (req) => this.runCommand(req),
      'instances:attach': ({ instanceId }) => this.attach(instanceId),
      'logs:get': ({ instanceIds, afterSeq, limit }) => this.logs.get(instanceIds, afterSeq, limit),
      'logs:clear': ({ instanceIds }) => {
        this.logs.clear(instanceIds)
        return null
      },
      'logs:sources': ({ instanceIds }) => this.plan().sources.filter((s) => instanceIds.includes(s.instanceId)),
      'logs:conf-edit': ({ instanceId }) => {
        const fact = this.requireFact(instanceId)
        const port = this.requireReceiver()
        return receiverConfEdit(fact.confFile, fact.server, port)
      },
      'logs:conf-apply': async ({ instanceId, originalHash }) => {
        const fact = this.requireFact(instanceId)
        return applyReceiverConf(fact.confFile, this.requireReceiver(), originalHash)
      },
      'settings:get': () => this.settings,
      'settings:set': (s) => this.applySettings(s as Settings),
      'settings:check-path': ({ path, kind }) => checkPath(path, kind),
      'app:info': () => ({ version: this.options.version, transport: this.options.transport, platform: process.platform }),
    }
  }

  private requireFact(instanceId: string) {
    const fact = this.model.facts().find((f) => f.id === instanceId)
    if (!fact) throw new ServiceError('not-found', `no instance ${instanceId}`)
    return fact
  }

  private requireReceiver(): number {
    if (!this.settings.syslogReceiverPort) throw new ServiceError('failed', 'The built-in syslog receiver is off: set its port in Settings first.')
    return this.settings.syslogReceiverPort
  }
}

/** Validates a path as the user types it in Settings. */
export function checkPath(path: string, kind: 'swift-dir' | 'run-dir' | 'log-file'): PathCheck {
  if (!path) return { ok: false, message: 'Required.' }
  if (!isAbsolute(path)) return { ok: false, message: 'Must be an absolute path.' }
  if (!existsSync(path)) {
    return kind === 'run-dir'
      ? { ok: true, message: 'Does not exist yet: it will be created on the first start.' }
      : { ok: kind === 'log-file', message: kind === 'log-file' ? 'Does not exist yet: it will be tailed once it appears.' : 'No such directory.' }
  }
  const isDir = statSync(path).isDirectory()
  if (kind !== 'log-file' && !isDir) return { ok: false, message: 'Not a directory.' }
  if (kind === 'log-file' && isDir) return { ok: false, message: 'A directory, not a file.' }
  try {
    accessSync(path, kind === 'run-dir' ? constants.W_OK : constants.R_OK)
  } catch {
    return { ok: false, message: kind === 'run-dir' ? 'Not writable by you.' : 'Not readable by you.' }
  }
  return { ok: true, message: 'OK.' }
}
