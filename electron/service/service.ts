// The supervisor service: the panel's brain, in plain Node so the Electron shell and the browser host
// share it. It wires the live instance model and its watcher, the command queue, the log hub and the
// settings together, implements the contract's handlers, and pushes batched events to every subscriber.

import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { delimiter } from 'node:path'
import type { EventChannel, EventOf, EventSink, Handlers } from '../../shared/contract.js'
import { diffSnapshots, isEmptyDelta } from '../../shared/services-delta.js'
import type { CommandStarted, ConfApplyAll, ConfEditAll, InstanceInfo, Settings, Snapshot } from '../../shared/types.js'
import type { SpawnInfo } from '../supervisor/server.js'
import { CommandQueue } from './command-queue.js'
import { ServiceError } from './errors.js'
import { EventBatcher } from './event-batcher.js'
import { InsightHub, traceInfo, type InsightInstance } from './insight-hub.js'
import { InstanceModel, type ModelEnv } from './instances.js'
import { sweepIntervalMs } from './liveness.js'
import { LogHub, type LogSetup } from './log-hub.js'
import { applyReceiverConf, receiverConfEdit } from './logs/receiver-conf.js'
import { activeProfile, checkPath, SettingsStore } from './settings.js'
import { MIN_GAP_MS, Watcher } from './watcher.js'

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

/** A client says which instances it shows at least this often; older word no longer counts. */
const WATCH_TTL_MS = 10_000

export class SupervisorService {
  readonly handlers: Handlers
  private readonly settings: SettingsStore
  private readonly model: InstanceModel
  private readonly insight: InsightHub
  private readonly logs: LogHub
  private readonly batcher: EventBatcher
  private readonly queue: CommandQueue
  private readonly sinks = new Set<EventSink>()
  /** The latest snapshot, as sent: deltas lead from one to the next. */
  private snapshotCache: Snapshot
  private watcher: Watcher | null = null
  private sweepTimer: NodeJS.Timeout | null = null
  /** Instances a client shows, with when it last said so (services:watch); none yet: every one counts. */
  private readonly watchedAt = new Map<string, number>()
  private everWatched = false

  constructor(private readonly options: ServiceOptions) {
    this.settings = new SettingsStore(options.settingsPath, options)
    this.insight = new InsightHub({
      swiftDir: () => this.modelEnv().swiftDir,
      probeTimeoutMs: () => this.settings.get().probeTimeoutMs,
      changed: () => this.update(),
      notify: (note) => this.emit('notify', note),
    })
    this.model = new InstanceModel(this.modelEnv(), (id) => this.isWatched(id), this.insight)
    this.batcher = new EventBatcher((channel, payload) => this.sinks.forEach((sink) => sink(channel, payload)))
    this.logs = new LogHub({
      capacity: this.settings.get().logBufferLines,
      rsyslogPath: options.rsyslogPath,
      emit: (channel, payload) => this.emit(channel, payload),
      warn: (title, body) => this.warn(title, body),
    })
    this.queue = new CommandQueue({
      env: () => this.modelEnv(),
      instance: (id) => this.model.configuredInstance(id),
      instanceIds: (targets, servers) => this.instanceIds(targets, servers),
      defaults: () => ({ killWait: this.settings.get().killWait, strict: this.settings.get().strict }),
      emit: (channel, payload) => this.emit(channel, payload),
      onSpawn: (child, info) => this.capture(child, info),
      busy: (ids, command, exitCode) => {
        this.model.markBusy(ids, command)
        if (exitCode !== undefined) for (const id of ids) this.model.setCommandExit(id, exitCode)
        this.refresh()
        // a command may have left orphans, or taken them away: look now, not in a few seconds
        if (command === null) void this.scanInsight()
      },
      attached: (id, on) => {
        this.model.setAttached(id, on)
        this.refresh()
      },
    })
    this.snapshotCache = { ...this.snapshot(), seq: 1 }
    this.handlers = this.makeHandlers()
  }

  private modelEnv(): ModelEnv {
    const p = activeProfile(this.settings.get())
    return { swiftDir: p.swiftDir, runDir: p.runDir, path: [...p.extraPath, process.env.PATH ?? ''].join(delimiter) }
  }

  async start(): Promise<void> {
    this.watch()
    this.scheduleSweep()
    await this.syncLogs()
  }

  /** The latest snapshot (what `services:snapshot` answers). */
  current(): Snapshot {
    return this.snapshotCache
  }

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  private emit<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    this.batcher.push(channel, payload)
  }

  private warn(title: string, body: string): void {
    this.emit('notify', { id: randomUUID(), ts: Date.now(), level: 'warning', title, body })
  }

  hasAttached(): boolean {
    return this.queue.hasAttached()
  }

  /** Stops attached children (daemonised ones keep running and are found again next time) and all watching. */
  async dispose(): Promise<void> {
    await this.queue.dispose()
    this.watcher?.dispose()
    await this.insight.idle()
    if (this.sweepTimer) clearTimeout(this.sweepTimer)
    this.sweepTimer = null
    this.model.dispose()
    await this.logs.close()
    this.batcher.dispose()
  }

  // ---- the model ----------------------------------------------------------------------------------

  private watch(): void {
    this.watcher?.dispose()
    const { swiftDir, runDir } = this.modelEnv()
    this.watcher = new Watcher({
      swiftDir,
      runDir,
      intervalMs: this.settings.get().refreshIntervalMs,
      // a look at 500 instances costs tens of ms: during a burst of pid files, one a second is enough
      burstGapMs: () => Math.max(MIN_GAP_MS, this.model.configured().length * 2),
      onTick: (reason) => {
        if (reason === 'change') this.refresh()
        else this.update()
        // probes and scans keep their own pace: once an interval, not after every pid file written
        if (reason === 'interval') {
          const { instances, pidFilePids } = this.model.processes()
          this.insight.tick(instances, pidFilePids)
        }
      },
      onConfsChanged: () => {
        this.model.confsChanged()
        this.insight.confsChanged()
        // a conf edit may send an instance's logs somewhere else: route them without a restart
        void this.syncLogs()
      },
    })
    this.watcher.start()
  }

  private snapshot(): Omit<Snapshot, 'seq'> {
    const snap = this.model.snapshot()
    snap.problems.push(...this.insight.problems())
    if (this.settings.problem) snap.problems.push(this.settings.problem)
    return snap
  }

  private scanInsight(): Promise<void> {
    const { instances, pidFilePids } = this.model.processes()
    return this.insight.scan(instances, pidFilePids)
  }

  /** A configured instance with its pid while it runs, as the insight hub takes it. */
  private insightInstance(instanceId: string): InsightInstance {
    const instance = this.requireInstance(instanceId)
    const pid = this.snapshotCache.instances.find((i) => i.id === instanceId)?.pid ?? null
    return { id: instance.id, server: instance.server, confFile: instance.confFile, pid }
  }

  /** Re-reads the world, every pid file included; when something a user can see changed, sends what changed. */
  refresh(): Snapshot {
    this.model.pidFilesChanged()
    return this.update()
  }

  /**
   * Looks again, reading pid files only where they may have changed (see InstanceModel.pidFilesChanged);
   * when something a user can see changed, sends what changed (a delta) and notices crashes.
   */
  private update(): Snapshot {
    const before = this.snapshotCache
    const snap: Snapshot = { ...this.snapshot(), seq: before.seq + 1 }
    const delta = diffSnapshots(before, snap)
    if (isEmptyDelta(delta)) return before
    this.snapshotCache = snap
    this.emit('services:changed', delta)
    const was = new Map(before.instances.map((i) => [i.id, i.state]))
    const crashed = delta.changed.filter((i) => i.state === 'crashed' && was.get(i.id) !== 'crashed')
    if (crashed.length > 0) this.emit('notify', crashNotification(crashed, snap.takenAt))
    return snap
  }

  /** The liveness sweep: between refreshes, a dead process is noticed within ~100 ms on a dev box. */
  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(() => {
      if (this.model.sweep()) this.update()
      this.scheduleSweep()
    }, sweepIntervalMs(this.model.runningCount()))
    this.sweepTimer.unref()
  }

  private isWatched(id: string): boolean {
    if (!this.everWatched) return true
    const at = this.watchedAt.get(id)
    return at !== undefined && Date.now() - at < WATCH_TTL_MS
  }

  private watchInstances(ids: string[]): null {
    const now = Date.now()
    this.everWatched = true
    for (const id of ids) this.watchedAt.set(id, now)
    for (const [id, at] of this.watchedAt) if (now - at >= WATCH_TTL_MS) this.watchedAt.delete(id)
    return null
  }

  // ---- commands -------------------------------------------------------------------------------------

  /** The instance ids that targets other than instance ids (server names, aliases, globs) name: every instance of their servers. */
  private instanceIds(targets: string[], servers: string[]): string[] {
    return this.model
      .configured()
      .filter((c) => servers.includes(c.server) && !targets.some((t) => t.startsWith(`${c.server}.`)))
      .map((c) => c.id)
  }

  runCommand(req: Parameters<Handlers['commands:run']>[0]): CommandStarted {
    return this.queue.run(req)
  }

  attach(instanceId: string): CommandStarted {
    return this.queue.attach(this.requireInstance(instanceId))
  }

  /** A child a command spawned: its output goes to its instance's log, its exit status to the instance. */
  private capture(child: ChildProcess, info: SpawnInfo): void {
    const id = this.model.instanceOfConf(info.server, info.confFile)?.id ?? info.server
    // the panel started it, so it sees it end: the truest "last exit" there is
    if (child.pid !== undefined) this.model.ownChild(info.server, info.confFile, child.pid, true)
    child.once('exit', (code, signal) => {
      if (child.pid !== undefined) this.model.ownChild(info.server, info.confFile, child.pid, false)
      this.model.setProcessExit(id, code ?? -(signal ? osConstants.signals[signal] : 1))
    })
    this.logs.capture(child, id, info.attached)
  }

  // ---- logs and settings ----------------------------------------------------------------------------

  private logSetup(): LogSetup {
    const settings = this.settings.get()
    return {
      instances: this.model.configured().map((c) => ({ id: c.id, server: c.server, confPath: c.confFile })),
      receiverPort: settings.syslogReceiverPort,
      extraFiles: activeProfile(settings).logFiles,
    }
  }

  private syncLogs(): Promise<void> {
    return this.logs.sync(() => this.logSetup())
  }

  private async applySettings(next: Settings): Promise<Settings> {
    const before = this.settings.get()
    const profileChanged = JSON.stringify(activeProfile(next)) !== JSON.stringify(activeProfile(before))
    this.settings.set(next)
    this.logs.setCapacity(next.logBufferLines)
    if (profileChanged) {
      this.model.setEnv(this.modelEnv())
      this.insight.confsChanged(true)
    }
    if (profileChanged || next.refreshIntervalMs !== before.refreshIntervalMs) this.watch()
    await this.syncLogs()
    this.refresh()
    return next
  }

  private makeHandlers(): Handlers {
    return {
      'services:snapshot': () => this.snapshotCache,
      'services:watch': ({ instanceIds }) => this.watchInstances(instanceIds),
      'commands:run': (req) => this.runCommand(req),
      'instances:attach': ({ instanceId }) => this.attach(instanceId),
      'logs:get': ({ instanceIds, afterSeq, limit }) => this.logs.get(instanceIds, afterSeq, limit),
      'logs:clear': ({ instanceIds }) => {
        this.logs.clear(instanceIds)
        return null
      },
      'logs:sources': ({ instanceIds }) => this.logs.sources(this.logSetup(), instanceIds),
      'logs:conf-edit': ({ instanceId }) => {
        const instance = this.requireInstance(instanceId)
        return receiverConfEdit(instance.confFile, instance.server, this.requireReceiver())
      },
      'logs:conf-apply': async ({ instanceId, originalHash }) => {
        const instance = this.requireInstance(instanceId)
        const applied = await applyReceiverConf(instance.confFile, this.requireReceiver(), originalHash)
        // the instance's lines now come to the receiver: route them now (the swift dir watcher may be slower)
        this.model.confsChanged()
        await this.syncLogs()
        return applied
      },
      'logs:conf-edit-all': () => this.confEditAll(),
      'logs:conf-apply-all': ({ edits }) => this.confApplyAll(edits),
      'logs:trace': ({ txnId }) => traceInfo(txnId, this.logs.all()),
      'instances:recon': ({ instanceId }) => this.insight.recon(this.insightInstance(instanceId)),
      'instances:stop-orphans': async ({ instanceId }) => {
        const results = await this.insight.stopOrphans(this.insightInstance(instanceId), this.settings.get().killWait * 1000)
        await this.scanInsight()
        return results
      },
      'settings:get': () => this.settings.get(),
      'settings:set': (s) => this.applySettings(s),
      'settings:check-path': ({ path, kind }) => checkPath(path, kind),
      'app:info': () => ({ version: this.options.version, transport: this.options.transport, platform: process.platform }),
    }
  }

  /** One edit per conf file that does not yet send its instances' logs to the receiver; says which cannot be sent there. */
  private confEditAll(): ConfEditAll {
    const port = this.requireReceiver()
    const byFile = new Map<string, ConfEditAll['edits'][number]>()
    const out: ConfEditAll = { edits: [], already: [], cannot: [] }
    for (const c of this.model.configured()) {
      let edit
      try {
        edit = receiverConfEdit(c.confFile, c.server, port)
      } catch (e) {
        out.cannot.push({ instanceId: c.id, why: (e as Error).message })
        continue
      }
      if (!edit.takesEffect) {
        out.cannot.push({
          instanceId: c.id,
          why: `a setting in its own section of ${edit.file} overrides [DEFAULT], so the edit would not change where it logs`,
        })
      } else if (edit.diff === '') out.already.push(c.id)
      else {
        const same = byFile.get(edit.file)
        if (same) same.instanceIds.push(c.id)
        else byFile.set(edit.file, { ...edit, instanceIds: [c.id] })
      }
    }
    out.edits = [...byFile.values()]
    return out
  }

  /** Applies the edits the user saw; each refused on its own if its file changed meanwhile. */
  private async confApplyAll(edits: { file: string; originalHash: string }[]): Promise<ConfApplyAll> {
    const port = this.requireReceiver()
    const out: ConfApplyAll = { applied: [], failed: [], restart: [] }
    // only files "Send all logs here" proposes: never any other file a client names
    const proposed = new Set(this.confEditAll().edits.map((e) => e.file))
    for (const { file, originalHash } of edits) {
      if (!proposed.has(file)) {
        out.failed.push({ file, error: 'not a conf file of this profile that needs the change (nothing written)' })
        continue
      }
      try {
        out.applied.push(await applyReceiverConf(file, port, originalHash))
      } catch (e) {
        out.failed.push({ file, error: (e as Error).message })
      }
    }
    this.model.confsChanged()
    this.insight.confsChanged()
    await this.syncLogs()
    // the servers running on a changed conf read it again only when restarted: gracefully where swift-init can
    const changed = out.applied.map((a) => a.file)
    const running = this.refresh().instances.filter((i) => i.state === 'running')
    const affected = running.filter((i) => {
      const conf = i.confFile === null ? null : realConf(i.confFile)
      return conf !== null && changed.some((f) => f === conf || f.startsWith(`${conf}/`))
    })
    const main = affected.filter((i) => i.group === 'main').map((i) => i.id)
    const rest = affected.filter((i) => i.group === 'rest').map((i) => i.id)
    if (main.length) out.restart.push({ command: 'reload', targets: main })
    if (rest.length) out.restart.push({ command: 'restart', targets: rest })
    return out
  }

  private requireInstance(instanceId: string) {
    const instance = this.model.configuredInstance(instanceId)
    if (!instance) throw new ServiceError('not-found', `no instance ${instanceId}`)
    return instance
  }

  private requireReceiver(): number {
    const port = this.settings.get().syslogReceiverPort
    if (!port) throw new ServiceError('failed', 'The built-in syslog receiver is off: set its port in Settings first.')
    return port
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

/** A conf path with symlinks resolved (edits name the real file), or null when it is gone. */
function realConf(path: string): string | null {
  try {
    return realpathSync(path)
  } catch {
    return null
  }
}
