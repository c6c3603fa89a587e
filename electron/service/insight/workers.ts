// An instance's worker processes and, around a reload, its two generations.
//
// How Swift's servers fork and reload (swift/common/wsgi.py run_wsgi, WorkersStrategy, ServersPerPortStrategy;
// swift/common/daemon.py DaemonStrategy):
// - The parent binds the listen socket(s), then forks `workers` children that share them (inherited fds); with
//   workers = 0 it serves itself. Background daemons with workers fork children that listen on nothing.
// - reload (swift-init: SIGHUP, then start): the parent leaves its loop, shuts its listen sockets down (which
//   stops every worker sharing them from accepting) and exits; its workers, re-parented to init, finish their
//   requests and exit. A new parent with a new pid starts meanwhile. The old workers are then no child of any
//   tracked pid: pass them in as `strays` (findOrphans with listening = false).
// - reload-seamless (SIGUSR1): the parent forks a temporary child holding the old sockets, then re-execs itself
//   (same pid, same start time), binds new sockets and forks new workers; once they are ready the temporary
//   child shuts the old sockets down and exits, and the old workers drain and exit. Old and new workers are all
//   children of the same pid: they differ in which listen sockets they hold.
// So: a worker is of the current generation when it holds one of the parent's listening sockets (or, where
// nothing listens, always), of the old one when it holds none of them.

import { childPids, PROC_DIR, processStat } from '../../supervisor/proc.js'
import { listenInodesOf, listeningTcp, type SocketAddress } from './proc-net.js'

export interface WorkerProcess {
  pid: number
  /** Epoch ms. */
  startTimeMs: number
  uptimeMs: number
  /** Whether it holds a listening socket; null when its sockets cannot be read or nothing of this instance listens. */
  listening: boolean | null
}

export interface Generations {
  parentPid: number
  /** TCP ports the parent listens on (empty for daemons). */
  ports: number[]
  /** Workers of the running generation, by pid. */
  current: WorkerProcess[]
  /** The previous generation, still finishing its requests after a reload, by pid; empty outside reloads. */
  old: WorkerProcess[]
}

export interface WorkersOptions {
  procDir?: string
  now?: number
  /** Old-generation workers no longer children of the parent (a graceful reload's): pid and start time. */
  strays?: readonly { pid: number; startTimeMs: number }[]
  /** The listening-socket table, when the caller already read it for several instances. */
  listening?: ReadonlyMap<number, SocketAddress>
}

/** The parent's workers split into generations; null when the parent is not running (gone or a zombie). */
export function instanceWorkers(parentPid: number, options: WorkersOptions = {}): Generations | null {
  const procDir = options.procDir ?? PROC_DIR
  const now = options.now ?? Date.now()
  const parent = processStat(parentPid, procDir)
  if (!parent || parent.state === 'Z') return null
  const table = options.listening ?? listeningTcp(procDir)
  const parentListens = listenInodesOf(parentPid, table, procDir) ?? new Set<number>()
  const ports = [...new Set([...parentListens].map((inode) => table.get(inode)?.port ?? 0))].filter((p) => p > 0).sort((a, b) => a - b)

  const current: WorkerProcess[] = []
  const old: WorkerProcess[] = []
  for (const pid of childPids(parentPid, procDir)) {
    const stat = processStat(pid, procDir)
    if (!stat || stat.state === 'Z') continue
    const held = listenInodesOf(pid, table, procDir)
    const worker = {
      pid,
      startTimeMs: stat.startTimeMs,
      uptimeMs: Math.max(0, now - stat.startTimeMs),
      listening: parentListens.size === 0 || held === null ? null : held.size > 0,
    }
    if (parentListens.size === 0 || held === null || [...held].some((inode) => parentListens.has(inode))) current.push(worker)
    else old.push(worker)
  }
  for (const stray of options.strays ?? []) {
    const stat = processStat(stray.pid, procDir)
    if (!stat || stat.state === 'Z' || stat.startTimeMs !== stray.startTimeMs) continue
    old.push({ pid: stray.pid, startTimeMs: stat.startTimeMs, uptimeMs: Math.max(0, now - stat.startTimeMs), listening: false })
  }
  const byPid = (a: WorkerProcess, b: WorkerProcess) => a.pid - b.pid
  return { parentPid, ports, current: current.sort(byPid), old: old.sort(byPid) }
}
