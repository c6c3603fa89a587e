// Orphans: processes running a Swift server with a conf of this swift dir that no pid file accounts for, and
// the action that stops them.
//
// Reference: Debian's /usr/bin/swift-orphans (Swift 2.30). It collects the pids in every `*.pid` file under the
// run dir plus each one's direct children (`ps --ppid`), then lists every `python /usr/bin/swift-*` process
// not among them, except swift-orphans itself and anything run with `once` (audit passes and the like), that
// is older than `--age` hours (24); `-k SIG` signals them all, unchecked. Ours differs where that is unsafe or
// too broad: only servers whose conf is inside this profile's swift dir count (never another cluster's, never a
// process that merely names a server in an argument), a pid file counts only when it names a live server
// process, there is no age threshold (a worker orphaned a minute ago already serves requests nobody tracks),
// and every signal is preceded by the identity check (same pid, same start time, same server and conf).
//
// What an orphan is: a worker whose parent was killed with -9 (re-parented to init or a subreaper; it keeps
// listening and serving), a server started by hand or with another run dir, or, after a graceful reload, a
// worker of the old generation finishing its requests (it no longer listens: see `listening`).

import { setTimeout as sleep } from 'node:timers/promises'
import { SIGKILL, SIGTERM, sendSignal } from '../../supervisor/signals.js'
import { PROC_DIR } from '../../supervisor/proc.js'
import { listenInodesOf, listeningTcp } from './proc-net.js'
import { checkIdentity, type ServerProcess } from '../../supervisor/process-table.js'
import { dirPrefixes, isInside } from '../../supervisor/swift-dir.js'
import { WSGI_SERVERS } from '../logs/conf-logging.js'

export interface Orphan extends ServerProcess {
  /** `server`: it leads its own process group (a parent nobody's pid file names); `worker`: its group's leader is not a tracked server. */
  role: 'server' | 'worker'
  /**
   * WSGI servers only: whether it holds a listening socket, i.e. still accepts requests. False for an old
   * generation draining after a graceful reload (it exits when its requests are done); null for daemons (they
   * listen on nothing) or when its sockets cannot be read.
   */
  listening: boolean | null
}

/**
 * The orphans among `processes` (a scan of this swift dir's server processes). `pidFilePids`: the pids the
 * run dir's pid files hold. A process is accounted for when its pid, or its parent's, is one of those and
 * that pid is itself a live server process of the scan. Shape: one Orphan per process, in pid order.
 */
export function findOrphans(
  processes: readonly ServerProcess[],
  pidFilePids: Iterable<number>,
  swiftDir: string,
  listening: (p: ServerProcess) => boolean | null = () => null,
): Orphan[] {
  const prefixes = dirPrefixes(swiftDir)
  const live = new Set(processes.filter((p) => p.state !== 'Z').map((p) => p.pid))
  const tracked = new Set([...pidFilePids].filter((pid) => live.has(pid)))
  return processes
    .filter((p) => p.state !== 'Z' && !p.once && isInside(p.confFile, prefixes))
    .filter((p) => !tracked.has(p.pid) && !tracked.has(p.ppid))
    .map((p) => ({ ...p, role: p.pgid === p.pid ? ('server' as const) : ('worker' as const), listening: listening(p) }))
    .sort((a, b) => a.pid - b.pid)
}

/**
 * A `listening` test for findOrphans from /proc: WSGI servers' listening sockets; null for daemons. The socket
 * table (every socket of the box) is read at the first question, so a scan without orphans never reads it.
 */
export function listeningFromProc(procDir = PROC_DIR): (p: ServerProcess) => boolean | null {
  let table: ReturnType<typeof listeningTcp> | null = null
  return (p) => {
    if (!WSGI_SERVERS.has(p.server)) return null
    table ??= listeningTcp(procDir)
    const held = listenInodesOf(p.pid, table, procDir)
    return held === null ? null : held.size > 0
  }
}

export type StopOutcome =
  /** Exited after SIGTERM. */
  | 'terminated'
  /** Still there after the kill wait, then gone after SIGKILL. */
  | 'killed'
  /** Already gone before any signal. */
  | 'gone'
  /** The pid no longer runs that server and conf (or is pid 1, or ours): left alone. */
  | 'not the same process'
  /** /proc could not say whether it is still that process: left alone (fail closed). */
  | 'unknown'
  | 'no permission'
  /** Still there after SIGKILL and the wait (uninterruptible sleep, or a zombie whose parent does not reap). */
  | 'survived'

export interface StopResult {
  pid: number
  server: string
  confFile: string
  signals: ('SIGTERM' | 'SIGKILL')[]
  outcome: StopOutcome
  /** Why, for `not the same process` and `unknown`. */
  reason?: string
}

export interface StopOptions {
  /** How long to wait after SIGTERM before SIGKILL, in ms (swift-init's kill wait, default 15 s). */
  killWaitMs?: number
  /** How long to wait after SIGKILL, in ms (default 5 s). */
  killGraceMs?: number
  pollMs?: number
  procDir?: string
}

/**
 * "Stop orphans of <instance>": SIGTERM to each, then SIGKILL to those still there after the kill wait, the
 * identity check before every signal. Pass the orphans the user saw (one instance's). Resolves with what was
 * done to each pid, in the order given; never signals a process that is not the one recorded.
 */
export async function stopOrphans(orphans: readonly ServerProcess[], options: StopOptions = {}): Promise<StopResult[]> {
  const procDir = options.procDir ?? PROC_DIR
  const pollMs = options.pollMs ?? 20
  const results = orphans.map((p): StopResult => ({ pid: p.pid, server: p.server, confFile: p.confFile, signals: [], outcome: 'gone' }))
  const pending = new Map<number, ServerProcess>()

  /** Signals p after the identity check; false (and the outcome said) when it is not that live process. */
  const signal = (p: ServerProcess, r: StopResult, sig: 'SIGTERM' | 'SIGKILL'): boolean => {
    const identity = checkIdentity(p, procDir)
    if (identity.kind === 'stranger' || identity.kind === 'unknown') {
      r.outcome = identity.kind === 'stranger' ? 'not the same process' : 'unknown'
      r.reason = identity.reason
      return false
    }
    if (identity.kind !== 'server' && identity.kind !== 'exiting') return false
    const sent = sendSignal(p.pid, sig === 'SIGTERM' ? SIGTERM : SIGKILL)
    if (sent === 'EPERM') r.outcome = 'no permission'
    if (sent !== 'sent') return false
    r.signals.push(sig)
    return true
  }
  /** Still there: running, or exiting but not yet a zombie. */
  const present = (p: ServerProcess): boolean => {
    const kind = checkIdentity(p, procDir).kind
    return kind === 'server' || kind === 'exiting'
  }
  const waitGone = async (ms: number): Promise<void> => {
    const deadline = Date.now() + ms
    for (;;) {
      for (const [i, p] of pending) if (!present(p)) pending.delete(i)
      if (pending.size === 0 || Date.now() >= deadline) return
      await sleep(pollMs)
    }
  }

  orphans.forEach((p, i) => {
    const r = results[i]
    if (r && signal(p, r, 'SIGTERM')) {
      r.outcome = 'terminated'
      pending.set(i, p)
    }
  })
  await waitGone(options.killWaitMs ?? 15_000)
  for (const [i, p] of [...pending]) {
    const r = results[i]
    if (r && signal(p, r, 'SIGKILL')) r.outcome = 'killed'
    else pending.delete(i) // exited between the last poll and the check: SIGTERM did it
  }
  await waitGone(options.killGraceMs ?? 5_000)
  for (const i of pending.keys()) {
    const r = results[i]
    if (r) r.outcome = 'survived'
  }
  return results
}
