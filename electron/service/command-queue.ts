// Runs swift-init commands for the panel through the same Manager the CLI uses. Commands on one server
// queue behind each other and never interleave; commands on different servers run concurrently. What a
// command prints streams as `commands:output`, its exit status arrives in `commands:done`.

import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { EventSink, RequestOf } from '../../shared/contract.js'
import { commandSpec, type CommandName } from '../../shared/swift.js'
import { Manager, type ManagerEnv } from '../supervisor/manager.js'
import type { SpawnInfo } from '../supervisor/server.js'
import { ServiceError } from './errors.js'

/** What the queue needs from the service around it. */
export interface CommandHost {
  /** Swift dir, run dir and PATH for the Manager. */
  env(): Pick<ManagerEnv, 'swiftDir' | 'runDir' | 'path'>
  /** The instance ids some swift-init targets stand for, given the servers the Manager resolved them to. */
  instanceIds(targets: string[], servers: string[]): string[]
  defaults(): { killWait: number; strict: boolean | null }
  emit: EventSink
  /** Every child a command spawns: its output becomes the instance's start-up or attached log. */
  onSpawn(child: ChildProcess, info: SpawnInfo): void
  /** A command starts acting on these instances (null: it is over, with this exit status). */
  busy(ids: string[], command: CommandName | null, exitCode?: number): void
  attached(id: string, on: boolean): void
}

export class CommandQueue {
  /** Per server: the last command queued on it, settled or not. */
  private readonly tails = new Map<string, Promise<unknown>>()
  private readonly attachedRuns = new Map<string, { abort: AbortController; done: Promise<void> }>()
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(private readonly host: CommandHost) {}

  run(req: RequestOf<'commands:run'>): { commandId: string } {
    const commandId = randomUUID()
    const printed: string[] = []
    // the targets are resolved once: the Manager built now is the one that runs, its servers are the queue keys
    const manager = new Manager(req.targets, this.managerEnv(commandId, printed))
    const servers = manager.servers.map((s) => s.server)
    const ids = this.host.instanceIds(req.targets, servers)
    // ending an attached run is not queued: the run holds no queue slot, so this cannot wait on itself
    const detached = commandSpec(req.command).stops ? this.detach(ids) : Promise.resolve()
    this.track(
      this.queued(servers, async () => {
        await detached
        this.host.busy(ids, req.command)
        let exitCode = 1
        try {
          const o = req.options ?? {}
          const d = this.host.defaults()
          exitCode = await manager.runCommand(req.command, {
            verbose: o.verbose,
            wait: o.wait,
            once: o.once,
            graceful: o.graceful,
            killWait: o.killWait ?? d.killWait,
            killAfterTimeout: o.killAfterTimeout,
            strict: o.strict ?? d.strict,
          })
        } catch (e) {
          this.host.emit('commands:output', { commandId, lines: [`ERROR: ${(e as Error).message}`] })
        } finally {
          this.host.busy(ids, null, exitCode)
        }
        this.host.emit('commands:done', { commandId, command: req.command, targets: req.targets, exitCode })
        if (exitCode !== 0 && req.command !== 'status') {
          this.host.emit('notify', {
            id: randomUUID(),
            ts: Date.now(),
            level: 'error',
            title: `${req.command} ${req.targets.join(' ')} failed`,
            body: printed.filter(Boolean).slice(-3).join('\n') || `exit status ${exitCode}`,
          })
        }
      }),
    )
    return { commandId }
  }

  /** Runs one instance attached (no-daemon, `target` naming just it); its console streams into its log. */
  attach(instanceId: string, target: string, server: string): { commandId: string } {
    if (this.attachedRuns.has(instanceId)) throw new ServiceError('busy', `${instanceId} already runs attached`)
    const commandId = randomUUID()
    const abort = new AbortController()
    // waits for earlier commands on the server, but holds no queue slot while it runs: a stop must reach it
    const done = this.after([server])
      .then(() => {
        if (abort.signal.aborted) {
          this.host.emit('commands:output', { commandId, lines: [`${target} not started: a stop came first`] })
          return 0
        }
        this.host.attached(instanceId, true)
        return new Manager([target], this.managerEnv(commandId, [])).runCommand('no-daemon', {
          signal: abort.signal,
          killWait: this.host.defaults().killWait,
        })
      })
      .then(
        (exitCode) => {
          this.host.emit('commands:done', { commandId, command: 'no-daemon', targets: [target], exitCode })
          return exitCode
        },
        (e: unknown) => {
          this.host.emit('commands:output', { commandId, lines: [`ERROR: ${(e as Error).message}`] })
          return 1
        },
      )
      .then((exitCode) => {
        this.attachedRuns.delete(instanceId)
        this.host.busy([instanceId], null, exitCode)
        this.host.attached(instanceId, false)
      })
    this.attachedRuns.set(instanceId, { abort, done })
    this.track(done)
    return { commandId }
  }

  hasAttached(): boolean {
    return this.attachedRuns.size > 0
  }

  /** Stops every attached run (daemonised servers keep running) and waits for every command. */
  async dispose(): Promise<void> {
    await this.detach([...this.attachedRuns.keys()])
    await Promise.allSettled([...this.inFlight])
  }

  private managerEnv(commandId: string, printed: string[]): ManagerEnv {
    return {
      ...this.host.env(),
      console: {
        print: (text: string) => {
          const lines = text.split('\n')
          printed.push(...lines)
          this.host.emit('commands:output', { commandId, lines })
        },
      },
      attachedStdio: 'pipe',
      onSpawn: (child, info) => this.host.onSpawn(child, info),
    }
  }

  /** Settles once everything queued so far on these servers has. */
  private after(servers: string[]): Promise<unknown> {
    return Promise.allSettled(servers.flatMap((s) => this.tails.get(s) ?? []))
  }

  /** Runs fn after every earlier command on any of these servers. */
  private queued(servers: string[], fn: () => Promise<void>): Promise<void> {
    const run = this.after(servers).then(fn)
    for (const s of servers) this.tails.set(s, run)
    // the last command on a server, once settled, need not be kept
    void run.finally(() => servers.forEach((s) => this.tails.get(s) === run && this.tails.delete(s))).catch(() => {})
    return run
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p)).catch(() => {})
  }

  private async detach(ids: string[]): Promise<void> {
    const runs = ids.map((id) => this.attachedRuns.get(id)).filter((a) => a !== undefined)
    runs.forEach((a) => a.abort.abort())
    await Promise.allSettled(runs.map((a) => a.done))
  }
}
