// The supervisor service: the panel's brain, in plain Node so the Electron shell and the browser host
// share it. It wires the instance model, the watcher, the command queue, the log buffers and log sources,
// and the settings together, implements the contract's handlers, and pushes batched events to every
// subscriber.

import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { constants as osConstants } from 'node:os'
import { delimiter } from 'node:path'
import type { EventChannel, EventOf, EventSink, Handlers } from '../../shared/contract.js'
import type { InstanceInfo, LogLine, Settings, Snapshot } from '../../shared/types.js'
import type { SpawnInfo } from '../supervisor/server.js'
import { CommandQueue } from './command-queue.js'
import { ServiceError } from './errors.js'
import { EventBatcher } from './event-batcher.js'
import { InstanceModel, type ModelEnv } from './instances.js'
import { LogBuffers, MAX_LINE_CHARS } from './log-buffer.js'
import { planLogSources, startLogRouting, type LogRouting } from './logs/log-router.js'
import { applyReceiverConf, receiverConfEdit } from './logs/receiver-conf.js'
import { readRsyslogConfig } from './logs/rsyslog-conf.js'
import { startSyslogReceiver, type SyslogReceiver } from './logs/syslog-receiver.js'
import {
  activeProfile,
  checkPath,
  COMMAND_LINE_PROFILE,
  defaultSettings,
  loadSettings,
  persistable,
  saveSettings,
  validateSettings,
  withCommandLineProfile,
} from './settings.js'
import { Watcher } from './watcher.js'

export interface ServiceOptions {
  /** Where settings persist; null keeps them in memory (tests). */
  settingsPath: string | null
  /** Command-line dirs: a profile for this session, active, never saved. */
  swiftDir?: string
  runDir?: string
  version: string
  transport: 'electron' | 'browser'
  /** Where the rsyslog config lives (tests point it at a fixture). */
  rsyslogPath?: string
}

/** CPU and memory change all the time: with nothing else changed, a snapshot goes out this often. */
const STATS_EVERY_MS = 2000

export class SupervisorService {
  readonly handlers: Handlers
  private settings: Settings
  /** The active profile as saved: kept on disk while the command-line profile is active. */
  private savedActive: string
  private readonly model: InstanceModel
  private readonly logs: LogBuffers
  private readonly batcher: EventBatcher
  private readonly queue: CommandQueue
  private readonly sinks = new Set<EventSink>()
  private snapshotCache: Snapshot
  private lastKey = ''
  private lastEmit = 0
  private watcher: Watcher | null = null
  private routing: LogRouting | null = null
  /** The routing part of the log plan the tailers run: they restart only when it changes. */
  private routingKey = ''
  private receiver: SyslogReceiver | null = null
  /** The receiver port last tried (0: off). */
  private receiverPort = 0
  /** Log source (re)starts, one at a time. */
  private logsOp: Promise<void> = Promise.resolve()
  private disposed = false

  constructor(private readonly options: ServiceOptions) {
    const loaded = options.settingsPath ? loadSettings(options.settingsPath, defaultSettings()) : defaultSettings()
    this.savedActive = loaded.activeProfile
    this.settings = options.swiftDir || options.runDir ? withCommandLineProfile(loaded, options) : loaded
    this.model = new InstanceModel(this.modelEnv())
    this.logs = new LogBuffers(this.settings.logBufferLines)
    this.batcher = new EventBatcher((channel, payload) => this.sinks.forEach((sink) => sink(channel, payload)))
    this.queue = new CommandQueue({
      env: () => this.modelEnv(),
      instanceIds: (targets, servers) => this.instanceIds(targets, servers),
      defaults: () => ({ killWait: this.settings.killWait, strict: this.settings.strict }),
      emit: (channel, payload) => this.emit(channel, payload),
      onSpawn: (child, info) => this.capture(child, info),
      busy: (ids, command, exitCode) => {
        this.model.markBusy(ids, command)
        if (exitCode !== undefined) for (const id of ids) this.model.setCommandExit(id, exitCode)
        this.refresh()
      },
      attached: (id, on) => {
        this.model.setAttached(id, on)
        this.refresh()
      },
    })
    this.snapshotCache = this.model.snapshot()
    this.handlers = this.makeHandlers()
  }

  private modelEnv(): ModelEnv {
    const p = activeProfile(this.settings)
    return { swiftDir: p.swiftDir, runDir: p.runDir, path: [...p.extraPath, process.env.PATH ?? ''].join(delimiter) }
  }

  async start(): Promise<void> {
    this.watch()
    await this.syncLogs()
  }

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  private emit<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    this.batcher.push(channel, payload)
  }

  hasAttached(): boolean {
    return this.queue.hasAttached()
  }

  /** Stops attached children (daemonised ones keep running and are found again next time) and all watching. */
  async dispose(): Promise<void> {
    await this.queue.dispose()
    this.disposed = true
    this.watcher?.dispose()
    await this.logsOp
    await this.routing?.close()
    await this.receiver?.close()
    this.batcher.dispose()
  }

  // ---- the model ----------------------------------------------------------------------------------

  private watch(): void {
    this.watcher?.dispose()
    const { swiftDir, runDir } = this.modelEnv()
    this.watcher = new Watcher({
      swiftDir,
      runDir,
      intervalMs: this.settings.refreshIntervalMs,
      onTick: () => this.refresh(),
      onConfsChanged: () => {
        this.model.confsChanged()
        void this.syncLogs()
      },
    })
    this.watcher.start()
  }

  /** Re-reads the world; emits a snapshot when something a user can see changed. */
  refresh(): Snapshot {
    const before = new Map(this.snapshotCache.instances.map((i) => [i.id, i.state]))
    const snap = this.model.snapshot()
    this.snapshotCache = snap
    const key = JSON.stringify([
      snap.instances.map((i) => [i.id, i.state, i.pid, i.busy, i.attached, i.lastExit, i.workers.length]),
      snap.problems,
    ])
    if (key !== this.lastKey || snap.takenAt - this.lastEmit >= STATS_EVERY_MS) {
      this.lastKey = key
      this.lastEmit = snap.takenAt
      this.emit('services:changed', snap)
    }
    const crashed = snap.instances.filter((i) => i.state === 'crashed' && before.get(i.id) !== 'crashed')
    if (crashed.length > 0) this.emit('notify', crashNotification(crashed, snap.takenAt))
    return snap
  }

  // ---- commands -------------------------------------------------------------------------------------

  /** The instance ids a command's targets name: `object-server.2` itself, or every instance of a server, alias or glob. */
  private instanceIds(targets: string[], servers: string[]): string[] {
    const facts = this.model.facts()
    const exact = new Set(targets.filter((t) => facts.some((f) => f.id === t)))
    const ids = facts
      .filter((f) => exact.has(f.id) || (servers.includes(f.server) && !targets.some((t) => t.startsWith(`${f.server}.`))))
      .map((f) => f.id)
    return [...new Set([...ids, ...exact])]
  }

  runCommand(req: Parameters<Handlers['commands:run']>[0]): { commandId: string } {
    return this.queue.run(req)
  }

  attach(instanceId: string): { commandId: string } {
    const fact = this.requireFact(instanceId)
    return this.queue.attach(instanceId, instanceId.includes('.') ? instanceId : fact.server, fact.server)
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
    // the panel started it, so it sees it end: the truest "last exit" there is
    child.once('exit', (code, signal) => this.model.setProcessExit(id, code ?? -(signal ? osConstants.signals[signal] : 1)))
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue
      let partial = ''
      const line = (text: string) => this.appendLog(id, { ts: Date.now(), source, stream: name, text })
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n')
        partial = parts.pop()!
        parts.forEach(line)
        // a line without end is cut rather than held whole
        if (partial.length > MAX_LINE_CHARS) {
          line(partial)
          partial = ''
        }
      })
      stream.on('end', () => partial && line(partial))
    }
  }

  private plan() {
    const facts = this.model.facts()
    return planLogSources({
      instances: facts.map((f) => ({ id: f.id, server: f.server, confPath: f.confFile })),
      rsyslog: readRsyslogConfig(this.options.rsyslogPath),
      rsyslogPath: this.options.rsyslogPath,
      receiverPort: this.receiver?.port ?? null,
      extraFiles: activeProfile(this.settings).logFiles,
    })
  }

  /** Brings the syslog receiver and the tailed files in line with the settings and confs, restarting only what changed. */
  private syncLogs(): Promise<void> {
    const op = this.logsOp.then(async () => {
      if (this.disposed) return
      const onLine = (r: { instanceId: string; line: Omit<LogLine, 'seq'> }) => this.appendLog(r.instanceId, r.line)
      const port = this.settings.syslogReceiverPort
      if (port !== this.receiverPort) {
        await this.routing?.close()
        await this.receiver?.close()
        this.routing = this.receiver = null
        this.receiverPort = port
        if (port) {
          try {
            this.receiver = await startSyslogReceiver({ port, onLine })
          } catch (e) {
            this.warn('Syslog receiver not started', `UDP 127.0.0.1:${port}: ${(e as Error).message}`)
          }
        }
      }
      const plan = this.plan()
      const key = JSON.stringify([[...plan.files], plan.receiverRoutes])
      if (this.routing && key === this.routingKey) return
      await this.routing?.close()
      this.routing = null
      try {
        this.routing = await startLogRouting(plan, { onLine, receiver: this.receiver })
        this.routingKey = key
      } catch (e) {
        this.warn('Log files not tailed', (e as Error).message)
      }
    })
    this.logsOp = op.catch(() => {})
    return op
  }

  private warn(title: string, body: string): void {
    this.emit('notify', { id: randomUUID(), ts: Date.now(), level: 'warning', title, body })
  }

  // ---- settings ---------------------------------------------------------------------------------------

  private async applySettings(next: Settings): Promise<Settings> {
    const valid = validateSettings(next)
    const before = this.settings
    const profileChanged = JSON.stringify(activeProfile(valid)) !== JSON.stringify(activeProfile(before))
    this.settings = valid
    if (valid.activeProfile !== COMMAND_LINE_PROFILE) this.savedActive = valid.activeProfile
    if (this.options.settingsPath) saveSettings(this.options.settingsPath, persistable(valid, this.savedActive))
    this.logs.setCapacity(valid.logBufferLines)
    if (profileChanged) this.model.setEnv(this.modelEnv())
    if (profileChanged || valid.refreshIntervalMs !== before.refreshIntervalMs) this.watch()
    await this.syncLogs()
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
        return receiverConfEdit(fact.confFile, fact.server, this.requireReceiver())
      },
      'logs:conf-apply': async ({ instanceId, originalHash }) => {
        const fact = this.requireFact(instanceId)
        const applied = await applyReceiverConf(fact.confFile, this.requireReceiver(), originalHash)
        // the instance's lines now come to the receiver: route them (the swift dir watcher may be slower)
        await this.syncLogs()
        return applied
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
    if (!this.settings.syslogReceiverPort)
      throw new ServiceError('failed', 'The built-in syslog receiver is off: set its port in Settings first.')
    return this.settings.syslogReceiverPort
  }
}

/** One notification for every instance found crashed in one refresh (a kill of a whole group is one event, not fifty). */
function crashNotification(crashed: InstanceInfo[], ts: number): EventOf<'notify'> {
  const ids = crashed.map((i) => i.id)
  const single = ids.length === 1
  return {
    id: randomUUID(),
    ts,
    level: 'error',
    title: single ? `${ids[0]} crashed` : `${ids.length} instances crashed`,
    body: `${single ? `${ids[0]} stopped` : `${ids.join(', ')} stopped`} without a stop command; ${single ? 'its pid file is' : 'their pid files are'} left behind.`,
    ...(single ? { instanceId: ids[0] } : {}),
  }
}
