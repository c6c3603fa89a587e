// Port of swift.common.manager.Manager: commands on a group of servers. Servers run and print in a fixed
// order (main servers first), not Python's set order.

import { pauser } from './pause.js'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { ALIASES, COMMAND_TABLE, COMMANDS, isAlias } from '../../shared/swift.js'
import { setupEnv } from './limits.js'
import { scanServerProcesses, type ServerProcess } from './process-table.js'
import { compilePattern, PatternError, UnsupportedPatternError } from './py-regex.js'
import { compareCodePoints } from './search-tree.js'
import { AbortedError, FatalError, Server, type ManagerEnv, type RunOptions } from './server.js'
import { ALL_SERVERS, formatServerName, KILL_WAIT, serverOrder, verifyServer } from './servers.js'
import { sendSignal, SIGKILL } from './signals.js'

export { type ManagerEnv, type RunOptions } from './server.js'

export class UnknownCommandError extends Error {}
/** A name holding `*` that is not a pattern Python's re accepts (swift-init dies with a traceback), or one we cannot match. */
export class BadGlobError extends FatalError {}

/** How often stop looks at the processes it signalled: it returns within this of the last one exiting. */
const WATCH_POLL_MS = 10
/** After a SIGKILL, how long to wait for the processes to be gone before reporting. */
const KILL_SETTLE_MS = 5_000

type CommandFn = (opts: RunOptions) => Promise<number>

/** Main servers first, then the rest alphabetically, then unknown names; one server's instances by conf name. */
function byServerOrder(a: string, b: string): number {
  const [sa, sb] = [a, b].map((n) => formatServerName(n.toLowerCase())[0]) as [string, string]
  const conf = (n: string) => (n.includes('.') ? n.slice(n.lastIndexOf('.') + 1).toLowerCase() : '')
  return serverOrder(sa) - serverOrder(sb) || compareCodePoints(sa, sb) || compareCodePoints(conf(a), conf(b)) || compareCodePoints(a, b)
}

/**
 * swift-init's glob: `re.match(name.replace('*', '.*'), server)` over its servers, decided in linear time
 * (py-regex.ts). Throws BadGlobError for a pattern Python refuses, or one with back-references.
 */
export function expandGlob(name: string): string[] {
  try {
    const re = compilePattern(name.replace(/\*/g, '.*'))
    return ALL_SERVERS.filter((s) => re.match(s))
  } catch (e) {
    if (e instanceof PatternError) throw new BadGlobError(`${name}: not a valid pattern (${e.message})`)
    if (e instanceof UnsupportedPatternError) throw new BadGlobError(`${name}: ${e.message} cannot be matched (a glob needs none)`)
    throw e
  }
}

export class Manager {
  /** The names as given (aliases and globs expanded), in our fixed order. */
  readonly serverNames: string[]
  readonly servers: Server[]
  private readonly defaultStrict: boolean
  private scanned: ServerProcess[] | null = null

  static listCommands(): [command: string, help: string][] {
    return COMMANDS.map((c) => [c, COMMAND_TABLE[c].help])
  }

  /** Throws BadGlobError for a bad glob, as swift-init's constructor raises re.error. */
  constructor(
    names: string[],
    private readonly env: ManagerEnv,
  ) {
    const expanded = new Set<string>()
    let defaultStrict = true
    for (const name of names) {
      if (isAlias(name)) {
        ALIASES[name].forEach((s) => expanded.add(s))
        defaultStrict = false
      } else if (name.includes('*')) {
        expandGlob(name).forEach((s) => expanded.add(s))
        defaultStrict = false
      } else {
        expanded.add(name)
      }
    }
    this.defaultStrict = defaultStrict
    this.serverNames = [...expanded].sort(byServerOrder)
    // swift-init keeps one of several names for one server (its set of Servers compares server names), which
    // one depending on Python's set order; we keep every distinct instance named (object.1 object.2), and a
    // bare server name (object) stands for all of them.
    const scan = () => (this.scanned ??= scanServerProcesses(env.swiftDir, env.procDir))
    const servers = this.serverNames.filter((name) => verifyServer(name, env.path)).map((name) => new Server(name, env, scan))
    const bare = new Set(servers.filter((s) => s.conf === null).map((s) => s.server))
    const seen = new Set<string>()
    this.servers = servers.filter((s) => {
      const key = `${s.server}.${s.conf ?? ''}`
      if (seen.has(key) || (s.conf !== null && bare.has(s.server))) return false
      seen.add(key)
      return true
    })
  }

  private print(text: string): void {
    this.env.console.print(text)
  }

  /** swift-init's @command wrapper: 0 or 1, and 1 whenever no server was found. */
  private command(fn: CommandFn): CommandFn {
    return async (opts) => {
      this.scanned = null
      const rv = await fn({ ...opts })
      return this.servers.length === 0 ? 1 : rv ? 1 : 0
    }
  }

  private readonly commands: Record<string, CommandFn> = {
    status: this.command((o) => this.doStatus(o)),
    start: this.command((o) => this.doStart(o)),
    no_wait: this.command((o) => this.doStart({ ...o, wait: false })),
    no_daemon: this.command((o) => this.doStart({ ...o, daemon: false })),
    once: this.command((o) => this.doStart({ ...o, once: true })),
    stop: this.command((o) => this.doStop(o)),
    kill: this.command((o) => this.doKill(o)),
    shutdown: this.command((o) => this.getCommand('stop')({ ...o, graceful: true })),
    restart: this.command((o) => this.doRestart(o)),
    reload: this.command((o) => this.doReload(o)),
    reload_seamless: this.command((o) => this.doReloadSeamless(o)),
    force_reload: this.command((o) => this.getCommand('reload')(o)),
  }

  getCommand(cmd: string): CommandFn {
    const key = cmd.toLowerCase().replace(/-/g, '_')
    const fn = Object.hasOwn(this.commands, key) ? this.commands[key] : undefined
    if (!fn) throw new UnknownCommandError(cmd)
    return fn
  }

  runCommand(cmd: string, opts: RunOptions): Promise<number> {
    return this.getCommand(cmd)(opts)
  }

  private async doStatus(opts: RunOptions): Promise<number> {
    let status = 0
    for (const server of this.servers) status += await server.status(opts)
    return status
  }

  private async doStart(opts: RunOptions): Promise<number> {
    setupEnv(this.env.console, (this.env.childEnv ??= { ...process.env, PATH: this.env.path }))
    let status = 0
    const strict = opts.strict ?? this.defaultStrict
    for (const server of this.servers) {
      server.launchFailures = 0
      status += (await server.launch({ ...opts })).size ? 0 : 1
    }
    if (!strict) status = 0
    // a start that failed after finding its confs (no binary, no pid file) fails whatever strict says
    for (const server of this.servers) status += server.launchFailures
    if (opts.daemon === false) {
      try {
        for (const server of this.servers) status += await server.interact(opts.signal)
        // a Ctrl-C that came with the last exit counts too: the order of the two events must not matter
        await nextTurn()
        if (opts.signal?.aborted) throw new AbortedError()
      } catch (e) {
        if (!(e instanceof AbortedError)) throw e
        this.print('\nuser quit')
        await this.getCommand('stop')(opts)
      }
    } else if (opts.wait !== false) {
      // one after another as swift-init waits, each from where the previous one's wait ended (server.ts wait)
      const clock = { at: Date.now() }
      for (const server of this.servers) status += await server.wait(this.env.console, clock, opts.signal)
    }
    return status
  }

  private async doStop(opts: RunOptions): Promise<number> {
    const serverPids = new Map<Server, Map<number, string>>()
    for (const server of this.servers) {
      const signaled = await server.stop(opts)
      if (signaled.size === 0) this.print(`No ${server.server} running`)
      else serverPids.set(server, signaled)
    }
    // swift-init's stop returns 0 only from inside its watch loop: with nothing signalled, 1
    if (serverPids.size === 0) return 1
    const killWait = opts.killWait ?? KILL_WAIT
    const left = await this.watch(serverPids, Date.now() + killWait * 1000, opts)
    if (left.size === 0) return 0
    for (const [server, { pids, workers }] of left) {
      if (opts.killAfterTimeout) {
        this.print(`Waited ${killWait} seconds for ${server.server} to die; killing`)
        for (const [pid, pidFile] of pids) {
          this.print(`Signal ${server.server}  pid: ${pid}  signal: 9`)
          server.killHard(pid, pidFile)
        }
        for (const w of workers) {
          this.print(`Signal ${server.server}  pid: ${w.pid}  signal: 9`)
          if (server.workerAlive(w, w.pidFile)) sendSignal(w.pid, SIGKILL)
        }
      } else {
        this.print(`Waited ${killWait} seconds for ${server.server} to die; giving up`)
      }
    }
    // swift-init returns while the killed processes may still be there, so a kill's status finds them running
    if (opts.killAfterTimeout) await this.watch(new Map([...left].map(([s, l]) => [s, l.pids])), Date.now() + KILL_SETTLE_MS, opts, false)
    return 1
  }

  /**
   * Waits until every signalled pid is gone (a zombie is gone; an exiting process is not), printing each as
   * it goes, and then until the workers of a server sent SIGTERM are gone too. Looks only at what is still
   * there, every WATCH_POLL_MS. Returns what is left at the deadline, per server.
   */
  private async watch(
    serverPids: Map<Server, Map<number, string>>,
    deadline: number,
    opts: RunOptions,
    report = true,
  ): Promise<Map<Server, { pids: Map<number, string>; workers: { pid: number; startTimeMs: number; pidFile: string }[] }>> {
    const pending = new Map([...serverPids].map(([s, pids]) => [s, new Map(pids)]))
    const workers = new Map<Server, { pid: number; startTimeMs: number; pidFile: string }[]>()
    const pause = pauser()
    for (;;) {
      for (const [server, pids] of pending) {
        const gone: { pid: number; pidFile: string; stranger: boolean }[] = []
        for (const [pid, pidFile] of pids) {
          await pause()
          const state = server.stopState(pid, pidFile)
          if (state !== 'running') gone.push({ pid, pidFile, stranger: state === 'stranger' })
        }
        const stopped = ({ pid, pidFile }: { pid: number; pidFile: string }) => {
          pids.delete(pid)
          if (report) this.print(`${server.server} (${pid}) appears to have stopped`)
          const own = server.workers.get(pid) ?? []
          workers.set(server, [...(workers.get(server) ?? []), ...own.map((w) => ({ ...w, pidFile }))])
        }
        // their pid files go (swift-init's kill, not reporting, leaves them for its status)
        if (report) await server.removeStopped(gone, opts.verbose, stopped)
        else gone.forEach(stopped)
        const ws = workers.get(server)
        if (ws)
          workers.set(
            server,
            ws.filter((w) => server.workerAlive(w, w.pidFile)),
          )
      }
      const left = new Map(
        [...pending]
          .map(([s, pids]) => [s, { pids, workers: workers.get(s) ?? [] }] as const)
          .filter(([, l]) => l.pids.size > 0 || l.workers.length > 0),
      )
      if (left.size === 0 || Date.now() > deadline) return left
      await sleep(WATCH_POLL_MS)
    }
  }

  private async doKill(opts: RunOptions): Promise<number> {
    const status = await this.getCommand('stop')(opts)
    if (status && !(await this.getCommand('status')({ ...opts, quiet: true }))) return status
    return 0
  }

  private async doRestart(opts: RunOptions): Promise<number> {
    let status = await this.getCommand('stop')(opts)
    status += await this.getCommand('start')(opts)
    return status
  }

  private async doReload(opts: RunOptions): Promise<number> {
    let status = 0
    // One server at a time, each as its own Manager, so the others keep serving meanwhile.
    // Upstream forgets the run dir here and acts on /var/run/swift; we keep ours.
    for (const name of this.serverNames) {
      const m = new Manager([name], this.env)
      status += await m.runCommand('stop', { ...opts, graceful: true })
      status += await m.runCommand('start', { ...opts, graceful: true })
    }
    return status
  }

  private async doReloadSeamless(opts: RunOptions): Promise<number> {
    let status = 0
    for (const server of this.servers) {
      const signaled = await server.stop({ ...opts, graceful: undefined, seamless: true })
      if (signaled.size === 0) {
        this.print(`No ${server.server} running`)
        status += 1
      }
    }
    return status
  }
}
