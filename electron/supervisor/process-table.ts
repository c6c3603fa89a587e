// Which processes run which Swift server with which conf, read from /proc; and the one identity check made
// before every signal swift-init sends (and before a pid file is believed).
//
// A process runs server S with conf C when its program is S's binary `swift-S`: the executable itself
// (argv[0]), or the script a Python interpreter runs (`/usr/bin/python3 /usr/bin/swift-object-server C …`,
// what the kernel makes of the script's shebang; interpreter flags such as `-u` skipped), never any other
// argument (a `tail -f …/swift-object-server.log` or a shell naming it does not count); and C is the argument
// right after the program, resolved against the process's working directory when relative.
// A process with no command line left is a zombie (state Z: dead, not yet reaped) or one that is exiting;
// the kernel still keeps its name (`comm`, the program's basename cut to 15 bytes), which is all that can
// identify either. Swift's servers call setsid() at start, so a parent leads its process group and its
// workers carry its pid as their pgid.

import { readdirSync, readlinkSync } from 'node:fs'
import { basename, isAbsolute, normalize, resolve } from 'node:path'
import { pauser } from './pause.js'
import { PROC_DIR, processStat, readProcText } from './proc.js'
import { ALL_SERVERS } from './servers.js'
import { dirPrefixes, isInside } from './swift-dir.js'

export interface ServerProcess {
  pid: number
  ppid: number
  /** Process group: a server's own pid for it and its workers. */
  pgid: number
  /** e.g. `object-server`. */
  server: string
  /** The conf argument, absolute (a relative one resolved against the process's working directory). */
  confFile: string
  /** The kernel's state letter: R, S, D, T (stopped), Z (zombie, dead and not yet reaped)… */
  state: string
  /** Process start, epoch ms: with the pid, the identity of this process instance. */
  startTimeMs: number
  /** Run with `once` (a single pass). */
  once: boolean
}

const INTERPRETER = /^(python|pypy)[\d.]*$/
const PID = /^\d+$/
const KNOWN = new Set<string>(ALL_SERVERS)

/** The program a command line runs (the executable, or an interpreter's script) and the arguments after it. */
export function programOf(argv: readonly string[]): { program: string; args: string[] } | null {
  let i = 0
  if (INTERPRETER.test(basename(argv[0] ?? ''))) {
    i = 1
    while (argv[i]?.startsWith('-')) i++ // interpreter flags (-u, -s, -E): none take a value in a shebang
  }
  const program = argv[i]
  return program === undefined ? null : { program, args: argv.slice(i + 1) }
}

type ProcRead = { text: string } | { error: string }

function readProc(pid: number, file: string, procDir: string): ProcRead {
  try {
    return { text: readProcText(`${procDir}/${pid}/${file}`) }
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) }
  }
}

function splitCmdline(text: string): string[] {
  const argv = text.split('\0')
  if (argv.at(-1) === '') argv.pop()
  return argv
}

/** A conf argument made absolute against the process's working directory; null when that cannot be read. */
function absoluteConf(conf: string, pid: number, procDir: string): string | null {
  if (isAbsolute(conf)) return normalize(conf)
  try {
    return resolve(readlinkSync(`${procDir}/${pid}/cwd`), conf)
  } catch {
    return null
  }
}

/** What a process runs, as its command line says: a Swift server with its conf, no server, or no command line left. */
type Runs = Pick<ServerProcess, 'server' | 'confFile' | 'once'> | 'other' | 'unnamed'

/**
 * What each process was found to run at the last scan, by pid, with the key it was read under (its start time
 * and kernel name): a process keeps its command line until it execs, and an exec changes its kernel name, so
 * while the key stands its command line need not be read again. Interpreters are the exception (a python can
 * exec another python), so they are read every time. A process that runs no server of this swift dir (another
 * cluster's servers included) is looked at again only every RECHECK_OTHERS scans (an exec into a server is seen
 * that much later), which spares most reads of a busy /proc; one of a server is looked at every scan (its
 * parent, its state), unless the caller vouches for it. A memory serves one swift dir: another starts it afresh.
 */
export interface ScanMemory {
  swiftDir?: string
  scans: number
  byPid: Map<number, { key: string; runs: Runs; found?: ServerProcess }>
}

/** A fresh memory for scanServerProcesses. */
export function scanMemory(): ScanMemory {
  return { scans: 0, byPid: new Map() }
}

/** How often a process that runs no server is looked at again, in scans. */
const RECHECK_OTHERS = 4

/**
 * Every process running a Swift server (one swift-init knows) with a conf inside swiftDir, by pid. Workers
 * are included (same server and conf as their parent). Zombies and exiting processes have no command line
 * left: they are included, marked by `state` (Z for a zombie), only where they can be attributed, that is
 * when their parent is a listed process (a worker that died), and then carry its server and conf.
 * Cost: one read of each process's stat, and of its cmdline where `memory` (kept by the caller between scans)
 * does not already say what it runs.
 */
export function scanServerProcesses(swiftDir: string, procDir = PROC_DIR, memory: ScanMemory = scanMemory()): ServerProcess[] {
  const scan = scanning(swiftDir, procDir, memory)
  for (;;) {
    const step = scan.next()
    if (step.done) return step.value
  }
}

/**
 * scanServerProcesses, letting the event loop run every `budgetMs` of work: the panel's service looks through
 * a /proc of 500 servers without keeping its clients waiting. `trusted`: pids the caller knows to be the same
 * live processes as at the last scan (the panel's liveness sweep holds their /proc entries open): a server
 * among them keeps its record from the last scan without a read.
 */
export async function scanServerProcessesPausing(
  swiftDir: string,
  procDir = PROC_DIR,
  memory: ScanMemory = scanMemory(),
  trusted: ReadonlySet<number> = new Set(),
): Promise<ServerProcess[]> {
  const scan = scanning(swiftDir, procDir, memory, trusted)
  const pause = pauser()
  for (;;) {
    const step = scan.next()
    if (step.done) return step.value
    await pause()
  }
}

/** What a process runs, from its command line; null when that cannot be read. */
function runsOf(pid: number, procDir: string): Runs | null {
  const cmdline = readProc(pid, 'cmdline', procDir)
  if (!('text' in cmdline)) return null
  if (cmdline.text === '') return 'unnamed'
  const run = programOf(splitCmdline(cmdline.text))
  const program = basename(run?.program ?? '')
  const server = program.slice('swift-'.length)
  const conf = run?.args[0]
  if (!program.startsWith('swift-') || !KNOWN.has(server) || conf === undefined) return 'other'
  const confFile = absoluteConf(conf, pid, procDir)
  return confFile === null ? null : { server, confFile, once: run?.args.slice(1).includes('once') ?? false }
}

/** The scan, one process a step; `memory` is updated to the processes seen. */
function* scanning(
  swiftDir: string,
  procDir: string,
  memory: ScanMemory,
  trusted: ReadonlySet<number> = new Set(),
): Generator<void, ServerProcess[]> {
  const prefixes = dirPrefixes(swiftDir)
  const found = new Map<number, ServerProcess>()
  const unnamed: { pid: number; ppid: number; pgid: number; state: string; startTimeMs: number }[] = []
  const seen = new Set<number>()
  if (memory.swiftDir !== swiftDir) {
    memory.byPid.clear()
    memory.swiftDir = swiftDir
  }
  const scan = memory.scans++
  let names: string[]
  try {
    names = readdirSync(procDir)
  } catch {
    return []
  }
  for (const name of names) {
    if (!PID.test(name)) continue
    yield
    const pid = Number(name)
    if (pid === process.pid) continue
    const known = memory.byPid.get(pid)
    if (known?.found && trusted.has(pid)) {
      seen.add(pid)
      found.set(pid, known.found)
      continue
    }
    // no server of this swift dir (another cluster's counts as none): looked at again only at its turn
    if (known && !known.found && known.runs !== 'unnamed' && (pid + scan) % RECHECK_OTHERS !== 0) {
      seen.add(pid)
      continue
    }
    const stat = processStat(pid, procDir)
    if (!stat) continue
    const key = `${stat.startTimeMs}\0${stat.comm}`
    const runs = known?.key === key && !INTERPRETER.test(stat.comm) ? known.runs : runsOf(pid, procDir)
    if (runs === null) continue
    seen.add(pid)
    // an interpreter running no server is read again every scan (it may exec one): nothing to remember
    if ((runs === 'other' && !INTERPRETER.test(stat.comm)) || runs === 'unnamed') memory.byPid.set(pid, { key, runs })
    if (runs === 'other') continue
    const base = { pid, ppid: stat.ppid, pgid: stat.pgid, state: stat.state, startTimeMs: stat.startTimeMs }
    if (runs === 'unnamed') {
      unnamed.push(base)
      continue
    }
    if (!isInside(runs.confFile, prefixes)) {
      memory.byPid.set(pid, { key, runs })
      continue
    }
    const record = { ...base, ...runs }
    memory.byPid.set(pid, { key, runs, found: record })
    found.set(pid, record)
  }
  for (const pid of memory.byPid.keys()) if (!seen.has(pid)) memory.byPid.delete(pid)
  for (const p of unnamed) {
    const parent = found.get(p.ppid)
    if (parent) found.set(p.pid, { ...p, server: parent.server, confFile: parent.confFile, once: parent.once })
  }
  return [...found.values()].sort((a, b) => a.pid - b.pid)
}

export type Identity =
  /** A live process running the expected server with an accepted conf: safe to signal. */
  | { kind: 'server' }
  /** The expected server's process, exiting: no command line left, the right kernel name, not yet a zombie. Still there: wait for it. */
  | { kind: 'exiting' }
  /** Dead and not yet reaped, with the expected server's kernel name: stopped. */
  | { kind: 'zombie' }
  /** No such process. */
  | { kind: 'gone' }
  /** Something else has the pid now (or it is pid 1, or ourselves): never signal it. */
  | { kind: 'stranger'; reason: string }
  /** Cannot tell (/proc unreadable or hidden): fail closed, signal nothing, say why. */
  | { kind: 'unknown'; reason: string }

export interface Expected {
  /** `object-server`: the process's program must be `swift-object-server`. */
  server: string
  /** Whether the process's conf argument (made absolute) is one this check accepts. */
  confMatches(confFile: string): boolean
  /** When known (a record from a scan): the process must also have started then, so that a reused pid never passes. */
  startTimeMs?: number
}

function exists(pid: number): boolean | 'unknown' {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ESRCH' ? false : code === 'EPERM' ? true : 'unknown'
  }
}

/**
 * The identity check before every signal: is `pid` the expected server's process? See Identity for the
 * answers; 'unknown' (fail closed) when /proc cannot say, e.g. not mounted, or the process hidden from us
 * (hidepid) while kill(pid, 0) says it exists.
 */
export function identify(pid: number, expected: Expected, procDir = PROC_DIR): Identity {
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'stranger', reason: 'not a process id' }
  if (pid === 1) return { kind: 'stranger', reason: 'pid 1 is init' }
  if (pid === process.pid) return { kind: 'stranger', reason: 'it is swift-init itself' }
  const cmd = `swift-${expected.server}`
  const stat = processStat(pid, procDir)
  if (!stat) {
    const alive = exists(pid)
    if (alive === false) return { kind: 'gone' }
    return { kind: 'unknown', reason: `${procDir}/${pid} cannot be read` }
  }
  if (expected.startTimeMs !== undefined && Math.abs(stat.startTimeMs - expected.startTimeMs) > 10) return { kind: 'gone' }
  const nameMatches = stat.comm === cmd.slice(0, 15)
  if (stat.state === 'Z') return nameMatches ? { kind: 'zombie' } : { kind: 'stranger', reason: `a dead ${stat.comm}` }
  const cmdline = readProc(pid, 'cmdline', procDir)
  if ('error' in cmdline) {
    if (cmdline.error === 'ENOENT') return identifyGone(pid, expected, procDir)
    return { kind: 'unknown', reason: `${procDir}/${pid}/cmdline: ${cmdline.error}` }
  }
  if (cmdline.text === '') return nameMatches ? { kind: 'exiting' } : { kind: 'stranger', reason: `${stat.comm} has no command line` }
  const argv = splitCmdline(cmdline.text)
  const run = programOf(argv)
  const program = basename(run?.program ?? '')
  if (program !== cmd) return { kind: 'stranger', reason: `it runs ${basename(argv[0] ?? '')}` }
  const conf = run?.args[0]
  if (conf === undefined) return { kind: 'stranger', reason: `${cmd} without a conf` }
  const confFile = absoluteConf(conf, pid, procDir)
  if (confFile === null) return { kind: 'unknown', reason: `${procDir}/${pid}/cwd cannot be read` }
  return expected.confMatches(confFile) ? { kind: 'server' } : { kind: 'stranger', reason: `${cmd} with ${confFile}` }
}

/** The process vanished between reads: gone, or now a zombie. */
function identifyGone(pid: number, expected: Expected, procDir: string): Identity {
  const stat = processStat(pid, procDir)
  if (!stat) return { kind: 'gone' }
  return stat.state === 'Z' && stat.comm === `swift-${expected.server}`.slice(0, 15)
    ? { kind: 'zombie' }
    : { kind: 'unknown', reason: `${procDir}/${pid}/cmdline vanished` }
}

/** The identity check for a scanned record: the same process (pid and start time), still that server and conf. */
export function checkIdentity(p: ServerProcess, procDir = PROC_DIR): Identity {
  return identify(p.pid, { server: p.server, confMatches: (c) => c === p.confFile, startTimeMs: p.startTimeMs }, procDir)
}
