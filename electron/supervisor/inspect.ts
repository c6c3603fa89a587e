// A read-only look at every instance of some servers: conf, pid file, pid, liveness. Used by `--json`
// and by the panel's service. Unlike status it prints nothing and removes no pid file.

import { basename, dirname } from 'node:path'
import { readPidFile } from './pid-files.js'
import type { Server } from './server.js'
import { pidNamesServer, sendSignal, SIG_DFL } from './signals.js'

export interface InstanceFacts {
  /** `object-server.2` for a conf inside `object-server/`, else the bare server name: always a swift-init target for just this instance. */
  id: string
  server: string
  /** 1-based, as `-c N` counts configs. */
  number: number
  confFile: string
  pidFile: string
  /** The pid file's pid, when it holds a valid one. */
  pid: number | null
  /** none: no pid file; running; dead: stale pid file; wrong-process: the pid now belongs to something else; invalid: garbage or unreadable. */
  pidState: 'none' | 'running' | 'dead' | 'wrong-process' | 'invalid'
}

/** The instance id for a conf file of `server`: `object-server/2.conf` → `object-server.2`. */
export function instanceId(server: Server, confFile: string, swiftDir: string): string {
  const parent = dirname(confFile)
  if (parent === swiftDir.replace(/\/+$/, '')) return server.server
  const name = basename(confFile).replace(/\.conf(\.d)?$/, '')
  return `${server.server}.${name}`
}

/** `confFiles`: the server's confs when the caller already knows them (the panel caches conf discovery). */
export function inspectServer(
  server: Server,
  swiftDir: string,
  confFiles = server.confFiles({ quiet: true }),
  procDir?: string,
): InstanceFacts[] {
  return confFiles.map((confFile, i) => inspectConf(server, confFile, i + 1, swiftDir, procDir))
}

/** One conf's instance: its pid file and whether that pid is this server, alive. */
export function inspectConf(server: Server, confFile: string, number: number, swiftDir: string, procDir?: string): InstanceFacts {
  const pidFile = server.getPidFileName(confFile)
  const read = readPidFile(pidFile)
  let pid: number | null = null
  let pidState: InstanceFacts['pidState'] = 'none'
  if (read.kind === 'pid') {
    pid = read.pid
    const named = pidNamesServer(pid, `swift-${server.server}`, procDir)
    pidState = named === false ? 'wrong-process' : sendSignal(pid, SIG_DFL) === 'ESRCH' ? 'dead' : 'running'
  } else if (read.kind === 'invalid' || read.reason !== 'ENOENT') {
    pidState = 'invalid'
  }
  return { id: instanceId(server, confFile, swiftDir), server: server.server, number, confFile, pidFile, pid, pidState }
}
