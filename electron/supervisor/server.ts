// Port of swift.common.manager.Server: one server type (object-server, object-replicator, …) and its
// conf files, pid files and processes. Printed lines are swift-init's, word for word, except where the
// README's "Differences from swift-init" says otherwise.

import { pauser } from './pause.js'
import { type ChildProcess } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { dirname, normalize, relative } from 'node:path'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import type { Readable } from 'node:stream'
import { ConfError, readConf, readconfSection } from './ini.js'
import { withServerLock } from './locks.js'
import { decodeBackslashReplace, type Console } from './output.js'
import { readPidFile, removeIfUnchanged, writePidFile, type PidRead } from './pid-files.js'
import { childPids, processStat } from './proc.js'
import { identify, scanServerProcesses, type Identity, type ServerProcess } from './process-table.js'
import { searchTree } from './search-tree.js'
import {
  formatServerName,
  GRACEFUL_SHUTDOWN_SERVERS,
  resolveExecutable,
  SEAMLESS_SHUTDOWN_SERVERS,
  STANDALONE_SERVERS,
  START_ONCE_SERVERS,
  WARNING_WAIT,
} from './servers.js'
import { sendSignal, SIG_DFL, SIGHUP, SIGKILL, SIGTERM, SIGUSR1 } from './signals.js'
import { spawnGated } from './spawn.js'

export interface SpawnInfo {
  server: string
  confFile: string
  pidFile: string
  attached: boolean
}

export interface ManagerEnv {
  swiftDir: string
  runDir: string
  /** PATH used to find and run swift-* binaries. */
  path: string
  console: Console
  procDir?: string
  /** Environment for spawned servers; default: ours with PATH replaced by `path`. */
  childEnv?: NodeJS.ProcessEnv
  /** 'inherit' (the CLI) or 'pipe' (the panel captures attached children). */
  attachedStdio?: 'inherit' | 'pipe'
  /** swift-init's own SIGINT was ignored when it started (a background job): Ctrl-C is no "user quit", and its children ignore it too. */
  ignoreSigint?: boolean
  onSpawn?: (child: ChildProcess, info: SpawnInfo) => void
}

export interface RunOptions {
  verbose?: boolean
  wait?: boolean
  once?: boolean
  daemon?: boolean
  graceful?: boolean
  seamless?: boolean
  number?: number
  /**
   * Not swift-init's: the panel's exact instances, these 1-based config numbers of the server, as if `-c N`
   * were given for each (one Manager for many instances of a server, not one each).
   */
  numbers?: number[]
  killWait?: number
  killAfterTimeout?: boolean
  /** null or undefined: swift-init's default (strict unless an alias or glob was used). */
  strict?: boolean | null
  quiet?: boolean
  /** Aborting it is Ctrl-C in no-daemon mode: "user quit", then the servers are stopped. */
  signal?: AbortSignal
}

/** Raised where swift-init would sys.exit() with a message (printed on stderr, exit status 1). */
export class FatalError extends Error {}

/** Python's os.path.normpath for absolute paths: no trailing slash. */
export function normpath(path: string): string {
  const n = normalize(path)
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n
}

/** str.replace(old, new, 1) */
const replaceFirst = (s: string, from: string, to: string): string => {
  const i = s.indexOf(from)
  return i === -1 ? s : s.slice(0, i) + to + s.slice(i + from.length)
}

/** How long Python's Popen.communicate() still waits for its child after a KeyboardInterrupt (_sigint_wait_secs). */
const SIGINT_WAIT_MS = 250

/** Start-up output kept per child; beyond it, the rest is read and dropped (a flooding daemon cannot grow us). */
const MAX_OUTPUT_BYTES = 1024 * 1024

interface Exit {
  /** Python's Popen.returncode: the exit status, or minus the signal number. */
  rc: number
  at: number
}

interface Proc {
  child: ChildProcess
  pid: number
  /** Spawned with `once`: the start waits for it to end. */
  once: boolean
  /** Daemon with wait: everything it wrote (stderr merged) until it closed its output, and when. */
  output: Promise<{ text: string; at: number }> | null
  exited: Promise<Exit>
  exit: Exit | null
  /** Python has waited for it (poll, wait, communicate): its pid is gone. Exited and not waited for, it would still be a zombie. */
  waited: boolean
}

/** What one pass over the pid files found: pid → pid file, for processes that are this server, and those it could not verify. */
export interface PidScan {
  running: Map<number, string>
  unverified: Map<number, string>
}

/** A process found running one of this server's confs with no pid file naming it. */
export interface Unlisted {
  pid: number
  confFile: string
}

export class Server {
  readonly server: string
  readonly conf: string | null
  readonly cmd: string
  readonly type: string
  private procs: Proc[] = []
  /** Whether this Server holds its lock now (removals inside a launch must not take it again). */
  private locked = false
  /** Starts that failed after the confs were found: no binary, no pid file written. */
  launchFailures = 0
  /** Live workers of each pid this server sent SIGTERM to: a stop waits for them too. */
  readonly workers = new Map<number, { pid: number; startTimeMs: number }[]>()

  constructor(
    name: string,
    private readonly env: ManagerEnv,
    /** The Manager's /proc scan, shared by the servers of one command. */
    private readonly scan: () => ServerProcess[] = () => scanServerProcesses(env.swiftDir, env.procDir),
  ) {
    let server = name.toLowerCase()
    let conf: string | null = null
    if (server.includes('.')) {
      const dot = server.lastIndexOf('.')
      conf = server.slice(dot + 1)
      server = server.slice(0, dot)
    }
    ;[this.server, this.cmd] = formatServerName(server)
    this.conf = conf
    this.type = this.server.slice(0, this.server.lastIndexOf('-') === -1 ? undefined : this.server.lastIndexOf('-'))
  }

  toString(): string {
    return this.server
  }

  private print(text: string): void {
    this.env.console.print(text)
  }

  getPidFileName(confFile: string): string {
    let p = replaceFirst(confFile, normpath(this.env.swiftDir), this.env.runDir)
    p = replaceFirst(p, `${this.type}-server`, this.server)
    return replaceFirst(p, '.conf', '.pid')
  }

  getConfFileName(pidFile: string): string {
    const p = replaceFirst(pidFile, normpath(this.env.runDir), this.env.swiftDir)
    if (STANDALONE_SERVERS.includes(this.server)) return replaceFirst(p, '.pid', '.conf')
    return replaceFirst(replaceFirst(p, this.server, `${this.type}-server`), '.pid', '.conf')
  }

  private findConfFiles(serverSearch: string): string[] {
    const swiftDir = this.env.swiftDir
    if (this.conf !== null) return searchTree(swiftDir, serverSearch, `${this.conf}.conf`, undefined, `${this.conf}.conf.d`)
    return searchTree(swiftDir, `${serverSearch}*`, '.conf', undefined, '.conf.d')
  }

  /** Every conf this server type has, whatever `.N` or `-c N` says: what a config number counts in. */
  allConfFiles(): string[] {
    return new Server(this.server, this.env, this.scan).confFiles({ quiet: true })
  }

  confFiles(opts: RunOptions = {}): string[] {
    let found: string[]
    if (this.server === 'object-expirer') {
      // The expirer reads an [object-expirer] section of the object-server confs, else the legacy object-expirer.conf.
      const withSection = this.findConfFiles('object-server').filter(hasExpirerSection)
      found = withSection.length ? withSection : this.findConfFiles('object-expirer')
    } else if (STANDALONE_SERVERS.includes(this.server)) {
      found = this.findConfFiles(this.server)
    } else {
      found = this.findConfFiles(`${this.type}-server`)
    }
    const number = opts.number ?? 0
    // Python's found[number - 1]: a negative number counts from the end
    const confFiles = opts.numbers ? opts.numbers.flatMap((n) => found[n - 1] ?? []) : number ? found.slice(number - 1, number) : found
    const dumpFound = () => {
      if (found.length) this.print('Found configs:')
      found.forEach((f, i) => this.print(`  ${i + 1}) ${f}`))
    }
    if (confFiles.length === 0) {
      if (!opts.quiet) {
        if (number) this.print(`Unable to locate config number ${number} for ${this.server}`)
        else this.print(`Unable to locate config for ${this.server}`)
      }
      if (opts.verbose && !opts.quiet) dumpFound()
    } else if (confFiles.some((f) => f.includes('object-expirer')) && !opts.quiet) {
      this.print("WARNING: object-expirer.conf is deprecated. Move object-expirers' configuration into object-server.conf.")
      if (opts.verbose) dumpFound()
    }
    return confFiles
  }

  pidFiles(opts: RunOptions = {}): string[] {
    const runDir = this.env.runDir
    let pidFiles =
      this.conf !== null
        ? searchTree(runDir, `${this.server}*`, '', [`${this.conf}.pid`, `${this.conf}.pid.d`])
        : searchTree(runDir, `${this.server}*`)
    if (opts.number || opts.numbers) {
      const confFiles = this.confFiles(opts)
      pidFiles = pidFiles.filter((p) => confFiles.includes(this.getConfFileName(p)))
    }
    return pidFiles
  }

  iterPidFiles(opts: RunOptions = {}): [pidFile: string, read: PidRead][] {
    return this.pidFiles(opts).map((f) => [f, readPidFile(f)])
  }

  /**
   * The identity check for the pid in `pidFile`: is it this server, running the conf that pid file maps to
   * (the conf whose get_pid_file_name is this pid file)? Our own children that exited and that Python
   * would not have waited for yet count as zombies, as they would be for swift-init.
   */
  identity(pid: number, pidFile: string): Identity {
    const own = this.procs.find((p) => p.pid === pid)
    if (own?.exit) return own.waited ? { kind: 'gone' } : { kind: 'zombie' }
    return identify(
      pid,
      { server: this.server, confMatches: (c) => this.getPidFileName(c) === pidFile || sameFile(c, this.getConfFileName(pidFile)) },
      this.env.procDir,
    )
  }

  /**
   * Removes a pid file that still holds what was read, under the server's lock. With `pid`, only if that pid
   * is still not this server's (a start may have made it so meanwhile: the lock's holder had just spawned it).
   * True when it was removed.
   */
  private async remove(pidFile: string, text: string, pid?: number): Promise<boolean> {
    const [removed] = await this.removeAll([{ pidFile, text, pid }])
    return removed ?? false
  }

  /** remove() for several pid files, under one taking of the lock; whether each was removed, in order. */
  private async removeAll(files: readonly { pidFile: string; text: string; pid?: number }[]): Promise<boolean[]> {
    const removeIfStale = () =>
      files.map(({ pidFile, text, pid }) => {
        const now = pid === undefined ? null : this.identity(pid, pidFile).kind
        if (now === 'server' || now === 'exiting' || now === 'unknown') return false
        return removeIfUnchanged(pidFile, text)
      })
    if (this.locked || files.length === 0) return removeIfStale()
    return withServerLock(this.env.runDir, this.server, removeIfStale)
  }

  /** One pid: 'running' when it is this server (signalled, if sig is a real signal); 'stopped' when not; 'unverified' when it cannot be told. */
  private async signalPid(
    sig: number,
    pid: number,
    pidFile: string,
    text: string,
    verbose: boolean | undefined,
  ): Promise<'running' | 'stopped' | 'unverified'> {
    const id = this.identity(pid, pidFile)
    const announce = () => sig !== SIG_DFL && this.print(`Signal ${this.server}  pid: ${pid}  signal: ${sig}`)
    switch (id.kind) {
      case 'stranger':
        // swift-init checks the command line only for signal 0; we check before any signal (see README).
        if ((await this.remove(pidFile, text, pid)) && (verbose || sig !== SIG_DFL))
          this.print(`Removing pid file ${pidFile} with wrong pid ${pid}`)
        return 'stopped'
      case 'unknown':
        this.print(`Not signalling PID ${pid} of ${pidFile}: cannot tell what it runs (${id.reason})`)
        return 'unverified'
      case 'zombie':
        // dead, not yet reaped: signalled, it "stops" at once (as swift-init sees it); probed, its pid file is stale
        announce()
        if (sig !== SIG_DFL) return 'running'
        if ((await this.remove(pidFile, text, pid)) && verbose) this.print(`Removing stale pid file ${pidFile}`)
        return 'stopped'
      case 'gone':
        announce()
        if ((await this.remove(pidFile, text, pid)) && verbose) this.print(`Removing stale pid file ${pidFile}`)
        return 'stopped'
      case 'server':
      case 'exiting': {
        if (sig === SIGTERM && id.kind === 'server') this.workers.set(pid, this.workersOf(pid, pidFile))
        announce()
        const outcome = sendSignal(pid, sig)
        if (outcome === 'ESRCH') {
          if ((await this.remove(pidFile, text, pid)) && verbose) this.print(`Removing stale pid file ${pidFile}`)
          return 'stopped'
        }
        if (outcome === 'EPERM') {
          // Another user's server: probing, it is running (swift-init says it is not, and starts a second copy).
          if (sig === SIG_DFL) return 'running'
          this.print(`No permission to signal PID ${pid}`)
          return 'stopped'
        }
        return 'running'
      }
    }
  }

  /** The live descendants of pid that run the same server and conf (its workers). */
  private workersOf(pid: number, pidFile: string): { pid: number; startTimeMs: number }[] {
    const out: { pid: number; startTimeMs: number }[] = []
    const queue = childPids(pid, this.env.procDir)
    for (let w = queue.shift(); w !== undefined; w = queue.shift()) {
      const stat = processStat(w, this.env.procDir)
      if (!stat || this.identity(w, pidFile).kind !== 'server') continue
      out.push({ pid: w, startTimeMs: stat.startTimeMs })
      queue.push(...childPids(w, this.env.procDir))
    }
    return out
  }

  /** Signals every pid in this server's pid files (after the identity check). */
  async signalPids(sig: number, opts: RunOptions = {}): Promise<PidScan> {
    const result: PidScan = { running: new Map(), unverified: new Map() }
    const pause = pauser()
    for (const [pidFile, read] of this.iterPidFiles(opts)) {
      await pause()
      if (read.kind === 'unreadable') {
        // swift-init dies with a traceback here (or blocks forever on a FIFO); we say so and leave the file for the user.
        this.print(`Unable to read pid file ${pidFile} (${read.reason})`)
        continue
      }
      if (read.kind === 'invalid') {
        this.print(`Removing pid file ${pidFile} with invalid pid`)
        await this.remove(pidFile, read.text)
        continue
      }
      const state = await this.signalPid(sig, read.pid, pidFile, read.text, opts.verbose)
      if (state === 'running') result.running.set(read.pid, pidFile)
      else if (state === 'unverified') result.unverified.set(read.pid, pidFile)
    }
    return result
  }

  async getRunningPids(opts: RunOptions = {}): Promise<Map<number, string>> {
    return (await this.signalPids(SIG_DFL, opts)).running
  }

  async killRunningPids(opts: RunOptions = {}): Promise<Map<number, string>> {
    let sig = SIGTERM
    if (opts.graceful && GRACEFUL_SHUTDOWN_SERVERS.includes(this.server)) sig = SIGHUP
    else if (opts.seamless && SEAMLESS_SHUTDOWN_SERVERS.includes(this.server)) sig = SIGUSR1
    return (await this.signalPids(sig, opts)).running
  }

  /**
   * Processes running these confs of this server that no running pid file names (a deleted run dir, a pid
   * file overwritten). Only servers count, not workers: a process that leads its process group (Swift's
   * servers call setsid), or one in a live non-server group (started by hand in a terminal) whose parent is
   * no server. Workers left over by a server that is gone (a graceful reload lets them finish their
   * requests) lead nothing and do not count; neither does anything under a listed pid.
   */
  unlisted(confFiles: string[], listed: Iterable<number>, scan = this.scan()): Unlisted[] {
    const mine = scan.filter((p) => p.server === this.server && p.state !== 'Z')
    const servers = new Set(scan.map((p) => p.pid))
    const known = new Set(listed)
    const parentOf = new Map(scan.map((p) => [p.pid, p.ppid]))
    const underKnown = (pid: number): boolean => {
      for (let p: number | undefined = pid; p !== undefined && p > 1; p = parentOf.get(p)) if (known.has(p)) return true
      return false
    }
    const groupAlive = (pgid: number): boolean => {
      const stat = processStat(pgid, this.env.procDir)
      return stat !== null && stat.state !== 'Z'
    }
    const isServer = (p: ServerProcess): boolean => p.pgid === p.pid || (!servers.has(p.ppid) && !servers.has(p.pgid) && groupAlive(p.pgid))
    // one stat per conf at most, not one per conf and process: a start of N instances stays O(N)
    const listedConfs = new Set(confFiles)
    let byInode: Map<string, string> | null = null
    const confOf = (path: string): string | undefined => {
      if (listedConfs.has(path)) return path
      byInode ??= new Map(
        confFiles.flatMap((c) => {
          const k = fileKey(c)
          return k === null ? [] : [[k, c] as const]
        }),
      )
      const key = fileKey(path)
      return key === null ? undefined : byInode.get(key)
    }
    return mine
      .filter((p) => isServer(p) && !underKnown(p.pid))
      .map((p) => ({ pid: p.pid, confFile: confOf(p.confFile) }))
      .filter((p): p is Unlisted => p.confFile !== undefined && this.seesPidFile(this.getPidFileName(p.confFile)))
  }

  /** Whether pidFiles() would list this pid file were it there: `object.1` sees only `…1.pid` (swift-init's `exts`). */
  private seesPidFile(pidFile: string): boolean {
    const inRunDir = relative(this.env.runDir, pidFile)
    if (!inRunDir.startsWith(this.server) || inRunDir.startsWith('..')) return false
    return this.conf === null || pidFile.endsWith(`${this.conf}.pid`) || pidFile.endsWith(`${this.conf}.pid.d`)
  }

  async status(opts: RunOptions = {}, pids?: Map<number, string>): Promise<number> {
    pids ??= await this.getRunningPids(opts)
    const confFiles = this.confFiles({ ...opts, quiet: true })
    const runningConfs = new Set([...pids.values()].map((f) => this.getConfFileName(f)))
    const extra = confFiles.some((c) => !runningConfs.has(c)) ? this.unlisted(confFiles, pids.keys()) : []
    if (pids.size === 0 && extra.length === 0) {
      const number = opts.number ?? 0
      if (number) {
        if (confFiles.length) this.print(`${this.server} #${number} not running (${confFiles[0]})`)
      } else {
        this.print(`No ${this.server} running`)
      }
      return 1
    }
    for (const [pid, pidFile] of pids) this.print(`${this.server} running (${pid} - ${this.getConfFileName(pidFile)})`)
    for (const p of extra) this.print(`${this.server} running (${p.pid} - ${p.confFile}) without a pid file`)
    return 0
  }

  /** Launches one process; returns its pid, or why it could not. */
  private async spawn(confFile: string, opts: RunOptions): Promise<number | { message: string; failed: boolean }> {
    const args = [confFile]
    if (opts.once) args.push('once')
    const daemon = opts.daemon !== false
    if (!daemon) args.push('verbose') // ask the server to log to the console
    const pidFile = this.getPidFileName(confFile)
    // swift-init spawns first and then finds it cannot write the pid file, leaving an untracked daemon;
    // we make sure the pid file's directory is usable before anything runs.
    ensureWritableDir(dirname(pidFile))
    const exe = resolveExecutable(this.cmd, this.env.path)
    // swift-init says "does not exist" and moves on; a file it cannot execute ends it with a traceback
    if ('error' in exe) {
      return exe.error === 'ENOENT'
        ? { message: `${this.cmd} does not exist`, failed: false }
        : { message: `Unable to run ${this.cmd}: permission denied`, failed: true }
    }
    const attached = this.env.attachedStdio ?? 'inherit'
    const capture = daemon && opts.wait !== false
    const gated = await spawnGated(exe.path, args, {
      stdin: attached === 'inherit' ? 'inherit' : 'ignore',
      output: daemon ? (capture ? 'pipe' : 'ignore') : attached,
      merge: capture,
      ignoreSigint: this.env.ignoreSigint ?? false,
      env: this.env.childEnv ?? { ...process.env, PATH: this.env.path },
    })
    if ('error' in gated) return { message: `Unable to start ${this.cmd} (${gated.error})`, failed: true }
    try {
      writePidFile(this.env.runDir, pidFile, gated.pid)
    } catch (e) {
      // nothing ran yet: the shell waiting to exec the server is killed
      gated.abort()
      return {
        message: `Unable to write pid file ${pidFile} (${(e as NodeJS.ErrnoException).code ?? String(e)}); ${this.cmd} not started`,
        failed: true,
      }
    }
    await gated.release()
    const child = gated.child
    this.env.onSpawn?.(child, { server: this.server, confFile, pidFile, attached: !daemon })
    const proc: Proc = {
      child,
      pid: gated.pid,
      once: opts.once ?? false,
      output: capture && child.stdout ? collectOutput(child.stdout) : null,
      exited: new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          proc.exit = { rc: code ?? -(signal ? osConstants.signals[signal] : 1), at: Date.now() }
          resolve(proc.exit)
        }),
      ),
      exit: null,
      waited: false,
    }
    this.procs.push(proc)
    return gated.pid
  }

  /**
   * Waits for spawned processes to start, as swift-init's wait() does one after another: each one's output
   * to its end (read all along, never blocking the child), then, when it printed something, up to
   * WARNING_WAIT seconds for it to die. `clock` is when the previous one's wait ended in swift-init's
   * sequence: a wait starts no earlier, so each child gets exactly the window swift-init would give it.
   * Returns the number of children that exited non-zero within their window.
   */
  async wait(console: Console = this.env.console, clock = { at: Date.now() }, signal?: AbortSignal): Promise<number> {
    let status = 0
    for (const proc of this.procs) {
      // swift-init waits for the output to close, however long; the panel's stop can cut that wait short
      let output: Awaited<typeof proc.output> | null = null
      try {
        output = proc.output ? await abortable(proc.output, signal) : null
      } catch (e) {
        if (!(e instanceof AbortedError)) throw e
        console.print(`Stopped waiting for ${this.server}: ${String(signal?.reason ?? 'aborted')}`)
        return status + 1
      }
      let start = Math.max(clock.at, output?.at ?? 0)
      if (proc.once) {
        start = Math.max(start, (await proc.exited).at)
        proc.waited = true
      }
      clock.at = start
      if (!output?.text) continue
      console.print(output.text)
      const end = start + WARNING_WAIT * 1000
      const timer = new AbortController()
      const exit = await Promise.race([proc.exited, sleep(Math.max(0, end - Date.now()), null, { signal: timer.signal }).catch(() => null)])
      timer.abort()
      if (exit && exit.at <= end) {
        proc.waited = true
        if (exit.rc !== 0) status += 1
        clock.at = Math.max(start, exit.at)
      } else {
        clock.at = end
      }
    }
    return status
  }

  /**
   * Waits for attached (no-daemon) processes to end; throws AbortedError on Ctrl-C, whichever came first.
   * On Ctrl-C, Python's communicate() still waits up to 0.25 s for the child it was waiting on (and so reaps
   * it if it exits), while the others stay unreaped: the stop that follows sees them as swift-init does.
   */
  async interact(signal?: AbortSignal): Promise<number> {
    let status = 0
    for (const proc of this.procs) {
      try {
        const exit = await abortable(proc.exited, signal)
        // a Ctrl-C that came with the child's exit may be queued behind it: let it land before deciding
        await nextTurn()
        if (signal?.aborted) throw new AbortedError()
        proc.waited = true
        if (exit.rc) status += 1
      } catch (e) {
        if (e instanceof AbortedError) {
          const timer = new AbortController()
          await Promise.race([proc.exited, sleep(SIGINT_WAIT_MS, null, { signal: timer.signal }).catch(() => null)])
          timer.abort()
          if (proc.exit) proc.waited = true
        }
        throw e
      }
    }
    return status
  }

  /** Finds the confs and spawns a process for each, unless this server already runs; holds the server's lock throughout. */
  async launch(opts: RunOptions = {}): Promise<Map<number, string>> {
    const confFiles = this.confFiles(opts)
    if (confFiles.length === 0) return new Map()
    return withServerLock(this.env.runDir, this.server, async () => {
      this.locked = true
      try {
        return await this.launchLocked(confFiles, opts)
      } finally {
        this.locked = false
      }
    })
  }

  private async launchLocked(confFiles: string[], opts: RunOptions): Promise<Map<number, string>> {
    let alreadyStarted = false
    const found = await this.signalPids(SIG_DFL, opts)
    const blocks = (confFile: string): boolean => {
      // legacy: no other instance may start while one runs, unless -c picks which
      if (confFiles.includes(confFile)) return true
      return !opts.number && !opts.numbers
    }
    for (const [pid, pidFile] of [...found.running, ...found.unverified]) {
      const confFile = this.getConfFileName(pidFile)
      if (confFiles.includes(confFile)) {
        alreadyStarted = true
        this.print(`${this.server} running (${pid} - ${confFile})`)
      } else if (!opts.number && !opts.numbers) {
        alreadyStarted = true
        this.print(`${this.server} running (${pid} - ${pidFile})`)
      }
    }
    if (!alreadyStarted) {
      // the pid files may be gone (a deleted run dir) while the servers run: look at the processes too
      const listed = [...found.running.keys(), ...found.unverified.keys()]
      for (const p of this.unlisted(this.allConfFiles(), listed, scanServerProcesses(this.env.swiftDir, this.env.procDir))) {
        if (!blocks(p.confFile)) continue
        alreadyStarted = true
        this.print(`${this.server} running (${p.pid} - ${p.confFile}) without a pid file`)
      }
    }
    if (alreadyStarted) {
      this.print(`${this.server} already started...`)
      return new Map<number, string>()
    }
    const once = START_ONCE_SERVERS.includes(this.server) ? opts.once : false
    const pids = new Map<number, string>()
    for (const confFile of confFiles) {
      this.print(`${once ? `Running ${this.server} once` : `Starting ${this.server}`}...(${confFile})`)
      const pid = await this.spawn(confFile, { ...opts, once })
      if (typeof pid !== 'number') {
        this.print(pid.message)
        if (pid.failed) this.launchFailures += 1
        break
      }
      pids.set(pid, confFile)
      // between spawns, the event loop runs: a panel starting 500 instances keeps answering meanwhile
      await nextTurn()
    }
    return pids
  }

  async stop(opts: RunOptions = {}): Promise<Map<number, string>> {
    return this.killRunningPids(opts)
  }

  /**
   * --kill-after-timeout: SIGKILL to a server that is still there, and its workers. A server that leads
   * its process group (Swift's call setsid) is killed with its group, as swift-init does; one that does
   * not is killed with the workers found when it was signalled, each checked again first.
   */
  killHard(pid: number, pidFile: string): void {
    const id = this.identity(pid, pidFile)
    if (id.kind !== 'server' && id.kind !== 'exiting') return
    const stat = processStat(pid, this.env.procDir)
    if (stat?.pgid === pid) {
      sendSignal(-pid, SIGKILL)
      return
    }
    sendSignal(pid, SIGKILL)
    for (const w of this.workers.get(pid) ?? []) if (this.workerAlive(w, pidFile)) sendSignal(w.pid, SIGKILL)
  }

  /** A worker recorded at signal time is still that process (same start time), alive and not a zombie. */
  workerAlive(w: { pid: number; startTimeMs: number }, pidFile: string): boolean {
    const stat = processStat(w.pid, this.env.procDir)
    if (!stat || stat.startTimeMs !== w.startTimeMs) return false
    const id = this.identity(w.pid, pidFile)
    return id.kind === 'server' || id.kind === 'exiting'
  }

  /**
   * Whether a signalled pid is still there: 'running' (this server's process, running or exiting, or
   * unverifiable), else 'gone' or, when another process has the pid now, 'stranger'.
   */
  stopState(pid: number, pidFile: string): 'running' | 'gone' | 'stranger' {
    const kind = this.identity(pid, pidFile).kind
    return kind === 'server' || kind === 'exiting' || kind === 'unknown' ? 'running' : kind === 'stranger' ? 'stranger' : 'gone'
  }

  /**
   * The pid files of signalled pids found gone (see stopState): each that still holds its pid is removed, all
   * under one taking of the server's lock (a stop of 500 instances would otherwise take it 500 times after the
   * last exit), said with `verbose`; then `stopped(g)` for each, in order.
   */
  async removeStopped<G extends { pid: number; pidFile: string; stranger: boolean }>(
    gone: readonly G[],
    verbose: boolean | undefined,
    stopped: (g: G) => void,
  ): Promise<void> {
    const held = gone.map((g) => {
      const read = readPidFile(g.pidFile)
      return read.kind === 'pid' && read.pid === g.pid ? { ...g, text: read.text } : null
    })
    const files = held.flatMap((h) => (h ? [h] : []))
    const removed = await this.removeAll(files)
    let next = 0
    for (const [i, g] of gone.entries()) {
      if (held[i] && removed[next++] && verbose) {
        this.print(g.stranger ? `Removing pid file ${g.pidFile} with wrong pid ${g.pid}` : `Removing stale pid file ${g.pidFile}`)
      }
      stopped(g)
    }
  }
}

/** Two paths name the same file (symlinks, bind mounts): same device and inode. */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true
  const x = fileKey(a)
  return x !== null && x === fileKey(b)
}

/** A file's device and inode, or null when it cannot be stat'ed. */
function fileKey(path: string): string | null {
  try {
    const st = statSync(path)
    return `${st.dev}:${st.ino}`
  } catch {
    return null
  }
}

/**
 * swift-init's has_expirer_section: readconf(path, section_name='object-expirer') succeeds. A ValueError
 * (no such section, not UTF-8) is False there too; an unreadable or malformed conf, which crashes
 * swift-init, is treated as having no such section.
 */
function hasExpirerSection(confPath: string): boolean {
  try {
    readconfSection(readConf(confPath), 'object-expirer', confPath)
    return true
  } catch (e) {
    if (e instanceof ConfError) return false
    throw e
  }
}

function ensureWritableDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new FatalError(`Unable to create ${dir}: a file is in the way`)
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new FatalError(`Unable to create ${dir}.  Running as non-root?`)
      throw new FatalError(`Unable to create ${dir} (${code ?? String(e)})`)
    }
  }
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    throw new FatalError(`Unable to write pid files in ${dir}.  Running as non-root?`)
  }
}

/** Everything written until the output closes (a daemonised server closes it after start-up), and when; kept up to MAX_OUTPUT_BYTES. */
function collectOutput(stream: Readable): Promise<{ text: string; at: number }> {
  const chunks: Buffer[] = []
  let kept = 0
  let dropped = 0
  return new Promise((resolve) => {
    // the panel's capture may have set an encoding on the same stream: then chunks come as text
    stream.on('data', (chunk: Buffer | string) => {
      const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      const room = MAX_OUTPUT_BYTES - kept
      if (room > 0) chunks.push(c.subarray(0, room))
      kept += Math.min(room, c.length)
      dropped += Math.max(0, c.length - room)
    })
    stream.on('error', () => {
      // a broken pipe ends the output like a close
    })
    stream.once('close', () => {
      const text = decodeBackslashReplace(Buffer.concat(chunks))
      resolve({ text: dropped ? `${text}\n... ${dropped} more bytes of output not shown` : text, at: Date.now() })
    })
  })
}

export class AbortedError extends Error {}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p
  if (signal.aborted) return Promise.reject(new AbortedError())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError())
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
