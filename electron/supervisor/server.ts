// Port of swift.common.manager.Server: one server type (object-server, object-replicator, …) and its
// conf files, pid files and processes. Printed lines are swift-init's, word for word.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { dirname, normalize } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { readConf } from './ini.js'
import { withStartLock } from './locks.js'
import { inOrder, type Console } from './output.js'
import { readPidFile, removeFile, writePidFile, type PidRead } from './pid-files.js'
import { searchTree } from './search-tree.js'
import {
  findExecutable,
  formatServerName,
  GRACEFUL_SHUTDOWN_SERVERS,
  SEAMLESS_SHUTDOWN_SERVERS,
  STANDALONE_SERVERS,
  START_ONCE_SERVERS,
  WARNING_WAIT,
} from './servers.js'
import { pidNamesServer, sendSignal, SIG_DFL, SIGHUP, SIGTERM, SIGUSR1 } from './signals.js'

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

interface Proc {
  child: ChildProcess
  /** Resolves with everything the child wrote before closing stdout and stderr (daemon + wait mode). */
  output: Promise<string>
  exited: Promise<number>
}

/** Python's Popen.returncode: the exit status, or minus the signal number. */
function returnCode(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? -(signal ? osConstants.signals[signal] : 1)
}

export class Server {
  readonly server: string
  readonly conf: string | null
  readonly cmd: string
  readonly type: string
  private procs: Proc[] = []

  constructor(
    name: string,
    private readonly env: ManagerEnv,
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
    const confFiles = number ? found.slice(number - 1, number) : found
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
    if (opts.number) {
      const confFiles = this.confFiles(opts)
      pidFiles = pidFiles.filter((p) => confFiles.includes(this.getConfFileName(p)))
    }
    return pidFiles
  }

  iterPidFiles(opts: RunOptions = {}): [pidFile: string, read: PidRead][] {
    return this.pidFiles(opts).map((f) => [f, readPidFile(f)])
  }

  /** True when the process exists (and, for us, is really this server). */
  private signalPid(sig: number, pid: number, pidFile: string, verbose: boolean | undefined): boolean {
    // swift-init checks the command line only for signal 0; we check before any signal (see README).
    if (pidNamesServer(pid, `swift-${this.server}`, this.env.procDir) === false) {
      if (verbose || sig !== SIG_DFL) this.print(`Removing pid file ${pidFile} with wrong pid ${pid}`)
      removeFile(pidFile)
      return false
    }
    if (sig !== SIG_DFL) this.print(`Signal ${this.server}  pid: ${pid}  signal: ${sig}`)
    const outcome = sendSignal(pid, sig)
    if (outcome === 'ESRCH') {
      if (verbose) this.print(`Removing stale pid file ${pidFile}`)
      removeFile(pidFile)
      return false
    }
    if (outcome === 'EPERM') {
      this.print(`No permission to signal PID ${pid}`)
      return false
    }
    return true
  }

  /** Signals every pid in this server's pid files; returns pid → pid file for the processes that exist. */
  signalPids(sig: number, opts: RunOptions = {}): Map<number, string> {
    const pids = new Map<number, string>()
    for (const [pidFile, read] of this.iterPidFiles(opts)) {
      if (read.kind === 'unreadable') {
        // swift-init dies with a traceback here; we say so and leave the file for the user.
        this.print(`Unable to read pid file ${pidFile} (${read.reason})`)
        continue
      }
      if (read.kind === 'invalid') {
        this.print(`Removing pid file ${pidFile} with invalid pid`)
        removeFile(pidFile)
        continue
      }
      if (this.signalPid(sig, read.pid, pidFile, opts.verbose)) pids.set(read.pid, pidFile)
    }
    return pids
  }

  getRunningPids(opts: RunOptions = {}): Map<number, string> {
    return this.signalPids(SIG_DFL, opts)
  }

  killRunningPids(opts: RunOptions = {}): Map<number, string> {
    let sig = SIGTERM
    if (opts.graceful && GRACEFUL_SHUTDOWN_SERVERS.includes(this.server)) sig = SIGHUP
    else if (opts.seamless && SEAMLESS_SHUTDOWN_SERVERS.includes(this.server)) sig = SIGUSR1
    return this.signalPids(sig, opts)
  }

  status(opts: RunOptions = {}, pids?: Map<number, string>): number {
    pids ??= this.getRunningPids(opts)
    if (pids.size === 0) {
      const number = opts.number ?? 0
      if (number) {
        const confFiles = this.confFiles({ ...opts, quiet: true })
        if (confFiles.length) this.print(`${this.server} #${number} not running (${confFiles[0]})`)
      } else {
        this.print(`No ${this.server} running`)
      }
      return 1
    }
    for (const [pid, pidFile] of pids) this.print(`${this.server} running (${pid} - ${this.getConfFileName(pidFile)})`)
    return 0
  }

  /** Launches one process; returns its pid, or null when the binary could not be run. */
  private spawn(confFile: string, opts: RunOptions): number | null {
    const args = [confFile]
    if (opts.once) args.push('once')
    const daemon = opts.daemon !== false
    if (!daemon) args.push('verbose') // ask the server to log to the console
    const pidFile = this.getPidFileName(confFile)
    // swift-init spawns first and then finds it cannot write the pid file, leaving an untracked daemon;
    // we make sure the pid file's directory is usable before anything runs.
    ensureWritableDir(dirname(pidFile))
    const binary = findExecutable(this.cmd, this.env.path) ?? this.cmd
    const attached = this.env.attachedStdio ?? 'inherit'
    const stdio: StdioOptions = !daemon
      ? attached === 'inherit'
        ? 'inherit'
        : ['ignore', 'pipe', 'pipe']
      : [attached === 'inherit' ? 'inherit' : 'ignore', opts.wait === false ? 'ignore' : 'pipe', opts.wait === false ? 'ignore' : 'pipe']
    const child = spawn(binary, args, {
      stdio,
      env: this.env.childEnv ?? { ...process.env, PATH: this.env.path },
    })
    child.on('error', () => {
      // reported through child.pid below; the listener keeps an async spawn error from crashing us
    })
    if (child.pid === undefined) return null
    writePidFile(this.env.runDir, pidFile, child.pid)
    this.env.onSpawn?.(child, { server: this.server, confFile, pidFile, attached: !daemon })
    const proc: Proc = {
      child,
      output: daemon && opts.wait !== false ? collectOutput(child) : Promise.resolve(''),
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(returnCode(code, signal)))),
    }
    this.procs.push(proc)
    return child.pid
  }

  /** Waits for spawned processes to start: reads their output to EOF and reports early exits. */
  async wait(opts: RunOptions = {}, console: Console = this.env.console): Promise<number> {
    const { consoles, finish } = inOrder(console, this.procs.length)
    const statuses = await Promise.all(
      this.procs.map(async (proc, i) => {
        try {
          const output = await proc.output
          if (opts.once) await proc.exited
          if (!output) return 0
          consoles[i]!.print(output)
          // the output may just be a warning: give the process a moment to die
          const rc = await Promise.race([proc.exited, sleep(WARNING_WAIT * 1000, null)])
          return rc ?? 0
        } finally {
          finish(i)
        }
      }),
    )
    return statuses.reduce((a, b) => a + b, 0)
  }

  /** Waits for attached (no-daemon) processes to end. */
  async interact(signal?: AbortSignal): Promise<number> {
    let status = 0
    for (const proc of this.procs) {
      const rc = await abortable(proc.exited, signal)
      if (rc) status += 1
    }
    return status
  }

  /** Finds the confs and spawns a process for each, unless this server already runs. */
  async launch(opts: RunOptions = {}): Promise<Map<number, string>> {
    const confFiles = this.confFiles(opts)
    if (confFiles.length === 0) return new Map()
    return withStartLock(this.env.runDir, this.server, async () => {
      let alreadyStarted = false
      for (const [pid, pidFile] of this.getRunningPids(opts)) {
        const confFile = this.getConfFileName(pidFile)
        // legacy: no other instance may start while one runs, unless -c picks which
        if (confFiles.includes(confFile)) {
          alreadyStarted = true
          this.print(`${this.server} running (${pid} - ${confFile})`)
        } else if (!opts.number) {
          alreadyStarted = true
          this.print(`${this.server} running (${pid} - ${pidFile})`)
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
        const pid = this.spawn(confFile, { ...opts, once })
        if (pid === null) {
          this.print(`${this.cmd} does not exist`)
          break
        }
        pids.set(pid, confFile)
      }
      return pids
    })
  }

  stop(opts: RunOptions = {}): Map<number, string> {
    return this.killRunningPids(opts)
  }
}

function hasExpirerSection(confPath: string): boolean {
  try {
    return readConf(confPath).sections.has('object-expirer')
  } catch {
    // upstream crashes on an unreadable conf; an unreadable conf has no usable expirer section
    return false
  }
}

function ensureWritableDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new FatalError(`Unable to create ${dir}: a file is in the way`)
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true })
    } catch {
      throw new FatalError(`Unable to create ${dir}.  Running as non-root?`)
    }
  }
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    throw new FatalError(`Unable to write pid files in ${dir}.  Running as non-root?`)
  }
}

/** Everything written to stdout and stderr until both close (a daemonised server closes them after start-up). */
function collectOutput(child: ChildProcess): Promise<string> {
  const chunks: Buffer[] = []
  const closed = [child.stdout, child.stderr].map(
    (stream) =>
      new Promise<void>((resolve) => {
        if (!stream) return resolve()
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.once('close', resolve)
      }),
  )
  return Promise.all(closed).then(() => Buffer.concat(chunks).toString('utf8'))
}

class AbortedError extends Error {}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p
  if (signal.aborted) return Promise.reject(new AbortedError())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError())
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

export { AbortedError }
