// Port of swift.common.manager.Manager: commands on a group of servers. Servers run and print in a fixed
// order (main servers first), not Python's set order; waits on several children run concurrently.

import { setTimeout as sleep } from 'node:timers/promises'
import { inOrder } from './output.js'
import { AbortedError, Server, type ManagerEnv, type RunOptions } from './server.js'
import { ALIASES, COMMAND_TABLE, COMMANDS, isAlias } from '../../shared/swift.js'
import { ALL_SERVERS, formatServerName, KILL_WAIT, serverOrder, verifyServer } from './servers.js'
import { compareCodePoints } from './search-tree.js'
import { killGroup, SIGKILL } from './signals.js'
import { setupEnv } from './limits.js'

export { type ManagerEnv, type RunOptions } from './server.js'

export class UnknownCommandError extends Error {}

/** How often stop polls for dead processes: it returns within this of the last one exiting. */
const WATCH_POLL_MS = 10

type CommandFn = (opts: RunOptions) => Promise<number>

function byServerOrder(a: string, b: string): number {
  const [sa, sb] = [a, b].map((n) => formatServerName(n.toLowerCase())[0]) as [string, string]
  return serverOrder(sa) - serverOrder(sb) || compareCodePoints(sa, sb) || compareCodePoints(a, b)
}

export class Manager {
  /** The names as given (aliases and globs expanded), in our fixed order. */
  readonly serverNames: string[]
  readonly servers: Server[]
  private readonly defaultStrict: boolean

  static listCommands(): [command: string, help: string][] {
    return COMMANDS.map((c) => [c, COMMAND_TABLE[c].help])
  }

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
        const re = globRegExp(name)
        ALL_SERVERS.filter((s) => re?.test(s)).forEach((s) => expanded.add(s))
        defaultStrict = false
      } else {
        expanded.add(name)
      }
    }
    this.defaultStrict = defaultStrict
    this.serverNames = [...expanded].sort(byServerOrder)
    // Two names for one server (object.1 object.2) collapse into one Server, as swift-init's set does.
    const seen = new Set<string>()
    this.servers = []
    for (const name of this.serverNames) {
      if (!verifyServer(name, env.path)) continue
      const server = new Server(name, env)
      if (seen.has(server.server)) continue
      seen.add(server.server)
      this.servers.push(server)
    }
  }

  private print(text: string): void {
    this.env.console.print(text)
  }

  /** swift-init's @command wrapper: 0 or 1, and 1 whenever no server was found. */
  private command(fn: CommandFn): CommandFn {
    return async (opts) => {
      const rv = await fn.call(this, { ...opts })
      return this.servers.length === 0 ? 1 : rv ? 1 : 0
    }
  }

  private readonly commands: Record<string, CommandFn> = {
    status: this.command(this.doStatus),
    start: this.command(this.doStart),
    no_wait: this.command((o) => this.doStart({ ...o, wait: false })),
    no_daemon: this.command((o) => this.doStart({ ...o, daemon: false })),
    once: this.command((o) => this.doStart({ ...o, once: true })),
    stop: this.command(this.doStop),
    kill: this.command(this.doKill),
    shutdown: this.command((o) => this.commands.stop!({ ...o, graceful: true })),
    restart: this.command(this.doRestart),
    reload: this.command(this.doReload),
    reload_seamless: this.command(this.doReloadSeamless),
    force_reload: this.command((o) => this.commands.reload!(o)),
  }

  getCommand(cmd: string): CommandFn {
    const key = cmd.toLowerCase().replace(/-/g, '_')
    if (!Object.hasOwn(this.commands, key)) throw new UnknownCommandError(cmd)
    return this.commands[key]!
  }

  runCommand(cmd: string, opts: RunOptions): Promise<number> {
    return this.getCommand(cmd)(opts)
  }

  private async doStatus(opts: RunOptions): Promise<number> {
    let status = 0
    for (const server of this.servers) status += server.status(opts)
    return status
  }

  private async doStart(opts: RunOptions): Promise<number> {
    setupEnv(this.env.console, (this.env.childEnv ??= { ...process.env, PATH: this.env.path }))
    let status = 0
    const strict = opts.strict ?? this.defaultStrict
    for (const server of this.servers) status += (await server.launch({ ...opts })).size ? 0 : 1
    if (!strict) status = 0
    if (opts.daemon === false) {
      for (const server of this.servers) {
        try {
          status += await server.interact(opts.signal)
        } catch (e) {
          if (!(e instanceof AbortedError)) throw e
          this.print('\nuser quit')
          await this.commands.stop!(opts)
          break
        }
      }
    } else if (opts.wait !== false) {
      const { consoles, finish } = inOrder(this.env.console, this.servers.length)
      const statuses = await Promise.all(this.servers.map((server, i) => server.wait(opts, consoles[i]).finally(() => finish(i))))
      status += statuses.reduce((a, b) => a + b, 0)
    }
    return status
  }

  private async doStop(opts: RunOptions): Promise<number> {
    const serverPids = new Map<Server, Map<number, string>>()
    for (const server of this.servers) {
      const signaled = server.stop(opts)
      if (signaled.size === 0) this.print(`No ${server} running`)
      else serverPids.set(server, signaled)
    }
    const signaledPids = new Set([...serverPids.values()].flatMap((m) => [...m.keys()]))
    const killed = new Set<number>()
    const killWait = opts.killWait ?? KILL_WAIT
    for await (const [server, pid] of watchServerPids(serverPids, killWait, opts)) {
      this.print(`${server} (${pid}) appears to have stopped`)
      killed.add(pid)
      if (killed.size === signaledPids.size && [...signaledPids].every((p) => killed.has(p))) return 0
    }
    for (const [server, pids] of serverPids) {
      const left = [...pids.keys()].filter((p) => !killed.has(p))
      if (left.length === 0) continue
      if (opts.killAfterTimeout) {
        this.print(`Waited ${killWait} seconds for ${server} to die; killing`)
        for (const pid of left) {
          this.print(`Signal ${server}  pid: ${pid}  signal: ${SIGKILL}`)
          // the whole process group: the server and its workers (ESRCH: it died meanwhile)
          killGroup(pid, SIGKILL, `swift-${server.server}`, this.env.procDir)
        }
      } else {
        this.print(`Waited ${killWait} seconds for ${server} to die; giving up`)
      }
    }
    return 1
  }

  private async doKill(opts: RunOptions): Promise<number> {
    const status = await this.commands.stop!(opts)
    if (status && !(await this.commands.status!({ ...opts, quiet: true }))) return status
    return 0
  }

  private async doRestart(opts: RunOptions): Promise<number> {
    let status = await this.commands.stop!(opts)
    status += await this.commands.start!(opts)
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
      const signaled = server.stop({ ...opts, graceful: undefined, seamless: true })
      if (signaled.size === 0) {
        this.print(`No ${server} running`)
        status += 1
      }
    }
    return status
  }
}

/** Python's re.match(name.replace('*', '.*'), s): anchored at the start only. An invalid pattern matches nothing. */
function globRegExp(name: string): RegExp | null {
  try {
    return new RegExp(`^(?:${name.replace(/\*/g, '.*')})`)
  } catch {
    return null
  }
}

/** Yields [server, pid] for each signaled pid once it no longer runs, until all are gone or `interval` seconds pass. */
async function* watchServerPids(
  serverPids: Map<Server, Map<number, string>>,
  interval: number,
  opts: RunOptions,
): AsyncGenerator<[Server, number]> {
  const end = Date.now() + interval * 1000
  const watched = new Map([...serverPids].map(([s, pids]) => [s, [...pids.keys()]]))
  for (;;) {
    let anyRunning = false
    for (const [server, pids] of watched) {
      const running = server.getRunningPids(opts)
      for (const pid of pids) if (!running.has(pid)) yield [server, pid]
      watched.set(server, [...running.keys()])
      if (running.size) anyRunning = true
    }
    if (!anyRunning || Date.now() > end) return
    await sleep(WATCH_POLL_MS)
  }
}
