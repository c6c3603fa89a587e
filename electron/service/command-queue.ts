// Runs swift-init commands for the panel through the same Manager the CLI uses. Commands on one server
// queue behind each other and never interleave; commands on different servers run concurrently. A stop or
// kill pre-empts what is queued on its servers (and cuts short a start still waiting on its daemons), so a
// wedged command never keeps a server from being stopped. What a command prints streams as
// `commands:output`, its exit status arrives in `commands:done`.
//
// Targets that are instance ids (`object-server.1`) act on exactly that instance: swift-init's own name
// search would also take `object-server/11.conf` for `object.1` (upstream matches names ending in `1.conf`),
// so the panel runs the server with `-c N`, the instance's config number, instead.

import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { EventSink, RequestOf } from '../../shared/contract.js'
import { commandSpec, type CommandName } from '../../shared/swift.js'
import type { CommandStarted } from '../../shared/types.js'
import { Manager, type ManagerEnv, type RunOptions } from '../supervisor/manager.js'
import type { SpawnInfo } from '../supervisor/server.js'
import { ServiceError } from './errors.js'

/** One configured instance, as the model knows it. */
export interface ExactInstance {
  id: string
  server: string
  /** 1-based config number, as swift-init's `-c N` counts it. */
  number: number
}

/** What the queue needs from the service around it. */
export interface CommandHost {
  /** Swift dir, run dir and PATH for the Manager. */
  env(): Pick<ManagerEnv, 'swiftDir' | 'runDir' | 'path'>
  /** The configured instance with this id, if a target is one. */
  instance(id: string): ExactInstance | undefined
  /** The instance ids some swift-init targets (names, aliases, globs) stand for, given the servers they resolved to. */
  instanceIds(targets: string[], servers: string[]): string[]
  defaults(): { killWait: number; strict: boolean | null }
  emit: EventSink
  /** Every child a command spawns: its output becomes the instance's start-up or attached log. */
  onSpawn(child: ChildProcess, info: SpawnInfo): void
  /** A command starts acting on these instances (null: it is over, with this exit status). */
  busy(ids: string[], command: CommandName | null, exitCode?: number): void
  attached(id: string, on: boolean): void
}

/** One Manager run of a command: the targets that are not instances together, each instance on its own. */
interface Step {
  manager: Manager
  /** The exact instances' config numbers (`-c N` each), when the step is a server's instances. */
  numbers?: number[]
  /** What it is, as the user would type it, when the command has several steps. */
  label: string
}

interface Job {
  servers: string[]
  abort: AbortController
  started: boolean
  /** A stop came while it ran: it is cut short unless it ends first. */
  cutoff?: NodeJS.Timeout
}

/**
 * How long a running command may go on after a stop came: a start's wait for its daemons normally ends within
 * swift-init's 3 s warning wait; one that does not (a daemon that never closes its output) is cut then.
 */
const PREEMPT_GRACE_MS = 3000

/** Commands that pre-empt everything queued on their servers. */
const PRE_EMPTS: ReadonlySet<CommandName> = new Set(['stop', 'kill'])

export class CommandQueue {
  /** Per server: the last command queued on it, settled or not. */
  private readonly tails = new Map<string, Promise<unknown>>()
  /** Commands queued or running, for a stop to pre-empt. */
  private readonly jobs = new Set<Job>()
  private readonly attachedRuns = new Map<string, { abort: AbortController; done: Promise<void> }>()
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(private readonly host: CommandHost) {}

  /**
   * Queues a command. Its targets are resolved now, once: the Managers built here are the ones that run,
   * and their servers are the queue keys. Returns its id and the instances it acts on.
   */
  run(req: RequestOf<'commands:run'>): CommandStarted {
    const commandId = randomUUID()
    const printed: string[] = []
    const env = this.managerEnv(commandId, printed)
    const exact = req.targets.map((t) => this.host.instance(t))
    const others = req.targets.filter((_, i) => exact[i] === undefined)
    const steps: Step[] = []
    if (others.length > 0) steps.push({ manager: new Manager(others, env), label: others.join(' ') })
    // one Manager per server for its exact instances, not one each: a start of N instances stays O(N)
    const byServer = new Map<string, number[]>()
    for (const e of exact) if (e) byServer.set(e.server, [...(byServer.get(e.server) ?? []), e.number])
    for (const [server, numbers] of byServer) {
      steps.push({
        manager: new Manager([server], env),
        numbers,
        label: numbers.length === 1 ? `${server} -c ${numbers[0]}` : `${server} (${numbers.length} instances)`,
      })
    }
    const servers = [...new Set(steps.flatMap((s) => s.manager.servers.map((x) => x.server)))]
    const ids = [
      ...new Set([
        ...(others.length > 0 ? this.host.instanceIds(others, steps[0]?.manager.servers.map((x) => x.server) ?? []) : []),
        ...exact.flatMap((e) => (e ? [e.id] : [])),
      ]),
    ]
    if (PRE_EMPTS.has(req.command)) this.preempt(servers, req.command)
    // ending an attached run is not queued: the run holds no queue slot, so this cannot wait on itself
    const detached = commandSpec(req.command).stops ? this.detach(ids) : Promise.resolve()
    // at the head of its servers' queues it counts as running from now: a stop right after it does not cancel it
    const job: Job = { servers, abort: new AbortController(), started: servers.every((s) => !this.tails.has(s)) }
    this.jobs.add(job)
    const done = (exitCode: number) => {
      if (job.cutoff) clearTimeout(job.cutoff)
      this.jobs.delete(job)
      this.host.emit('commands:done', { commandId, command: req.command, targets: req.targets, exitCode })
    }
    this.track(
      this.queued(servers, async () => {
        await detached
        if (job.abort.signal.aborted && !job.started) {
          this.host.emit('commands:output', { commandId, lines: [`not run: ${String(job.abort.signal.reason)} came first`] })
          return done(1)
        }
        job.started = true
        this.host.busy(ids, req.command)
        let exitCode = 0
        try {
          for (const step of steps) {
            if (steps.length > 1) this.host.emit('commands:output', { commandId, lines: [`# swift-init ${step.label} ${req.command}`] })
            exitCode = Math.max(exitCode, await step.manager.runCommand(req.command, this.runOptions(req, job, step.numbers)))
          }
        } catch (e) {
          exitCode = 1
          this.host.emit('commands:output', { commandId, lines: [`ERROR: ${(e as Error).message}`] })
        } finally {
          this.host.busy(ids, null, exitCode)
        }
        done(exitCode)
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
    return { commandId, instanceIds: ids }
  }

  private runOptions(req: RequestOf<'commands:run'>, job: Job, numbers: number[] | undefined): RunOptions {
    const o = req.options ?? {}
    const d = this.host.defaults()
    return {
      verbose: o.verbose,
      wait: o.wait,
      once: o.once,
      graceful: o.graceful,
      killWait: o.killWait ?? d.killWait,
      killAfterTimeout: o.killAfterTimeout,
      strict: o.strict ?? d.strict,
      numbers,
      // a stop that comes meanwhile cuts a start's wait for its daemons short
      signal: job.abort.signal,
    }
  }

  /** A stop or kill: what is queued on its servers will not run, and what runs stops waiting after a grace. */
  private preempt(servers: string[], command: CommandName): void {
    const reason = `${command} ${servers.join(' ')}`
    for (const job of this.jobs) {
      if (!job.servers.some((s) => servers.includes(s))) continue
      if (!job.started) job.abort.abort(reason)
      else job.cutoff ??= setTimeout(() => job.abort.abort(reason), PREEMPT_GRACE_MS)
    }
  }

  /** Runs one instance attached (no-daemon, `-c N` naming exactly it); its console streams into its log. */
  attach(instance: ExactInstance): CommandStarted {
    if (this.attachedRuns.has(instance.id)) throw new ServiceError('busy', `${instance.id} already runs attached`)
    const commandId = randomUUID()
    const abort = new AbortController()
    const manager = new Manager([instance.server], this.managerEnv(commandId, []))
    // waits for earlier commands on the server, but holds no queue slot while it runs: a stop must reach it
    const done = this.after([instance.server])
      .then(() => {
        if (abort.signal.aborted) {
          this.host.emit('commands:output', { commandId, lines: [`${instance.id} not started: a stop came first`] })
          return 0
        }
        this.host.attached(instance.id, true)
        return manager.runCommand('no-daemon', { signal: abort.signal, killWait: this.host.defaults().killWait, number: instance.number })
      })
      .then(
        (exitCode) => {
          this.host.emit('commands:done', { commandId, command: 'no-daemon', targets: [instance.id], exitCode })
          return exitCode
        },
        (e: unknown) => {
          this.host.emit('commands:output', { commandId, lines: [`ERROR: ${(e as Error).message}`] })
          return 1
        },
      )
      .then((exitCode) => {
        this.attachedRuns.delete(instance.id)
        this.host.busy([instance.id], null, exitCode)
        this.host.attached(instance.id, false)
      })
    this.attachedRuns.set(instance.id, { abort, done })
    this.track(done)
    return { commandId, instanceIds: [instance.id] }
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
