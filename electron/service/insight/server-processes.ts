// Which processes run which Swift server with which conf of a swift dir, read from /proc; and the identity
// check made before every signal to one of them.
//
// Interim stand-in for electron/supervisor/process-table.ts, being written by the supervisor's owner: the same
// names and shapes (ServerProcess, scanServerProcesses, checkIdentity and its Identity answers), so that when
// it lands, orphans.ts imports from there instead and this file goes.
//
// A process is a server of this swift dir when its program is `swift-<server>` for a server swift-init knows,
// either run by a Python interpreter (`/usr/bin/python3 /usr/bin/swift-object-server CONF …`, what the kernel
// makes of the script's shebang) or executed directly, and the argument after the program is an absolute conf
// path inside the swift dir. Any other argument naming a server (a `tail -f …/swift-object-server.log`, a
// shell) does not count. Swift's servers call setsid() at start (utils.clean_up_daemon_hygiene), so a parent
// leads its process group and its workers carry its pid as their pgid.

import { readdirSync, readFileSync } from 'node:fs'
import { basename, isAbsolute } from 'node:path'
import { ALL_SERVERS } from '../../supervisor/servers.js'
import { PROC_DIR, processStat, readCmdline } from '../../supervisor/proc.js'
import { confInside } from './swift-dir.js'

export interface ServerProcess {
  pid: number
  ppid: number
  /** Process group: a server's own pid for it and its workers. */
  pgid: number
  /** e.g. `object-server`. */
  server: string
  /** The conf argument, as given (absolute, inside the swift dir). */
  confFile: string
  /** The kernel's state letter (R, S, D, T for stopped, Z for zombie…). */
  state: string
  /** Process start, epoch ms: with the pid, the identity of this process instance. */
  startTimeMs: number
  /** Run with `once` (a single pass): swift-orphans leaves these alone. */
  once: boolean
}

const INTERPRETER = /^python[\d.]*$/
const KNOWN = new Set(ALL_SERVERS)

/** The server and conf a command line runs, or null when it is not a Swift server's. */
export function parseServerCmdline(cmdline: string): { server: string; confFile: string; once: boolean } | null {
  const argv = cmdline.split('\0')
  if (argv.at(-1) === '') argv.pop()
  let i = 0
  if (INTERPRETER.test(basename(argv[0] ?? ''))) {
    i = 1
    while (argv[i]?.startsWith('-')) i++ // interpreter flags (-u, -s, -E): none take a value in a shebang
  }
  const program = basename(argv[i] ?? '')
  if (!program.startsWith('swift-')) return null
  const server = program.slice('swift-'.length)
  const confFile = argv[i + 1]
  if (!KNOWN.has(server) || confFile === undefined || !isAbsolute(confFile)) return null
  return { server, confFile, once: argv.slice(i + 2).includes('once') }
}

/** Field 5 of /proc/<pid>/stat; null when gone. */
function readPgid(pid: number, procDir: string): number | null {
  try {
    const text = readFileSync(`${procDir}/${pid}/stat`, 'latin1')
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2])
  } catch {
    return null
  }
}

/** One process's record, when it runs a server with a conf inside swiftDir (zombies have no command line: null). */
export function readServerProcess(pid: number, swiftDir: string, procDir = PROC_DIR): ServerProcess | null {
  const cmdline = readCmdline(pid, procDir)
  if (!cmdline) return null
  const run = parseServerCmdline(cmdline)
  if (!run || !confInside(run.confFile, swiftDir)) return null
  const stat = processStat(pid, procDir)
  const pgid = readPgid(pid, procDir)
  if (!stat || pgid === null) return null
  return { pid, ppid: stat.ppid, pgid, ...run, state: stat.state, startTimeMs: stat.startTimeMs }
}

/** Every live process running a Swift server with a conf inside swiftDir. Reads each process's cmdline once. */
export function scanServerProcesses(swiftDir: string, procDir = PROC_DIR): ServerProcess[] {
  const out: ServerProcess[] = []
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    const p = readServerProcess(Number(name), swiftDir, procDir)
    if (p) out.push(p)
  }
  return out.sort((a, b) => a.pid - b.pid)
}

export type Identity =
  /** The very process of the record (same pid and start time), still running that server and conf: safe to signal. */
  | { kind: 'server' }
  /** That process, exiting: its command line is gone, not yet a zombie. Still there: wait for it. */
  | { kind: 'exiting' }
  /** That process, dead and not yet reaped. */
  | { kind: 'zombie' }
  /** No such process, or the pid now belongs to a newer process. */
  | { kind: 'gone' }
  /** That process now runs something else (it exec'd), or it is pid 1 or ourselves: never signal it. */
  | { kind: 'stranger'; reason: string }
  /** /proc cannot say: fail closed. */
  | { kind: 'unknown'; reason: string }

/** The check before every signal: is the record's process still there and still that server and conf? Fails closed. */
export function checkIdentity(p: ServerProcess, procDir = PROC_DIR): Identity {
  if (p.pid <= 1 || p.pid === process.pid) return { kind: 'stranger', reason: 'pid 1 or ourselves' }
  const stat = processStat(p.pid, procDir)
  if (!stat || stat.startTimeMs !== p.startTimeMs) return { kind: 'gone' }
  if (stat.state === 'Z') return { kind: 'zombie' }
  const cmdline = readCmdline(p.pid, procDir)
  if (cmdline === null) return { kind: 'unknown', reason: `${procDir}/${p.pid}/cmdline cannot be read` }
  // Pid and start time already prove it is the same process; an exiting one has no command line left.
  if (cmdline === '') return { kind: 'exiting' }
  const run = parseServerCmdline(cmdline)
  if (run?.server === p.server && run.confFile === p.confFile) return { kind: 'server' }
  return { kind: 'stranger', reason: `it now runs ${cmdline.split('\0').slice(0, 3).join(' ')}` }
}
