// A read-only look at every instance of some servers: conf, pid file, pid, liveness. Used by `--json`
// and by the panel's service. Unlike status it prints nothing and removes no pid file.

import { basename, dirname } from 'node:path'
import { readPidFile } from './pid-files.js'
import type { Server } from './server.js'

export interface InstanceFacts {
  /** `object-server.2` for a conf inside `object-server/`, else the bare server name: always a swift-init target for just this instance. */
  id: string
  server: string
  /** 1-based: the conf's place among all of its server's confs, as `-c N` counts them, however the server was named. */
  number: number
  confFile: string
  pidFile: string
  /** The pid file's pid, when it holds a valid one. */
  pid: number | null
  /**
   * none: no pid file; running (or exiting); dead: stale pid file (no such process, or a zombie of this
   * server); wrong-process: the pid now belongs to something else; invalid: garbage, unreadable, or a pid
   * whose process cannot be checked (/proc unreadable).
   */
  pidState: 'none' | 'running' | 'dead' | 'wrong-process' | 'invalid'
}

/** The instance id for a conf file of `server`: `object-server/2.conf` → `object-server.2`. */
export function instanceId(server: Server, confFile: string, swiftDir: string): string {
  const parent = dirname(confFile)
  if (parent === swiftDir.replace(/\/+$/, '')) return server.server
  const name = basename(confFile).replace(/\.conf(\.d)?$/, '')
  return `${server.server}.${name}`
}

/**
 * `confFiles`: the confs to report (default: the server's, `number` picking one as `-c N` does);
 * `allConfFiles`: every conf of the server type, which numbers them.
 */
export function inspectServer(
  server: Server,
  swiftDir: string,
  confFiles = server.confFiles({ quiet: true }),
  allConfFiles = server.allConfFiles(),
): InstanceFacts[] {
  return confFiles.map((confFile) => inspectConf(server, confFile, allConfFiles.indexOf(confFile) + 1 || 1, swiftDir))
}

/**
 * One conf's instance: its pid file and whether that pid is this server (the identity check, /proc as the
 * server's env says), alive. `ours`: pids the caller spawned for this very conf and saw no exit of, which
 * need no check (the panel's own children: a start of 500 instances checks none of them twice).
 */
export function inspectConf(server: Server, confFile: string, number: number, swiftDir: string, ours?: ReadonlySet<number>): InstanceFacts {
  const pidFile = server.getPidFileName(confFile)
  const read = readPidFile(pidFile)
  let pid: number | null = null
  let pidState: InstanceFacts['pidState'] = 'none'
  if (read.kind === 'pid') {
    pid = read.pid
    const id = ours?.has(pid) ? { kind: 'server' as const } : server.identity(pid, pidFile)
    pidState =
      id.kind === 'server' || id.kind === 'exiting'
        ? 'running'
        : id.kind === 'zombie' || id.kind === 'gone'
          ? 'dead'
          : id.kind === 'stranger'
            ? 'wrong-process'
            : 'invalid'
  } else if (read.kind === 'invalid' || read.reason !== 'ENOENT') {
    pidState = 'invalid'
  }
  return { id: instanceId(server, confFile, swiftDir), server: server.server, number, confFile, pidFile, pid, pidState }
}
