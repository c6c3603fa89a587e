// Server names as swift-init knows them, and the lookups that turn a name into a binary.

import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { ALL_SERVERS as ORDERED_SERVERS, MAIN_SERVERS as MAIN, REST_SERVERS as REST } from '../../shared/swift.js'

export const ALL_SERVERS: readonly string[] = ORDERED_SERVERS
export const MAIN_SERVERS: readonly string[] = MAIN
export const REST_SERVERS: readonly string[] = REST
export const GRACEFUL_SHUTDOWN_SERVERS = MAIN_SERVERS
export const SEAMLESS_SHUTDOWN_SERVERS = MAIN_SERVERS
export const START_ONCE_SERVERS = REST_SERVERS
/** Servers that match a type (container-*) but read their own conf instead of <type>-server.conf. */
export const STANDALONE_SERVERS: readonly string[] = ['container-reconciler']

export const KILL_WAIT = 15
export const WARNING_WAIT = 3

/** `object.2` → [`object-server`, `swift-object-server`]; `object-replicator` stays as it is. */
export function formatServerName(name: string): [server: string, cmd: string] {
  let server = name.includes('.') ? name.slice(0, name.indexOf('.')) : name
  if (!server.includes('-')) server = `${server}-server`
  return [server, `swift-${server}`]
}

/**
 * How exec finds `cmd` on `path` (execvp, as Python's subprocess and libuv do): the first entry holding an
 * executable regular file. `EACCES` when some entry holds a file that cannot be executed and none can,
 * else `ENOENT`. An empty entry is the current directory.
 */
export function resolveExecutable(cmd: string, path: string): { path: string } | { error: 'ENOENT' | 'EACCES' } {
  let denied = false
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir || '.', cmd)
    try {
      if (!statSync(candidate).isFile()) {
        denied = true
        continue
      }
      accessSync(candidate, constants.X_OK)
      return { path: candidate }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES') denied = true
    }
  }
  return { error: denied ? 'EACCES' : 'ENOENT' }
}

/** The executable exec would run for `cmd`, or null. */
export function findExecutable(cmd: string, path: string): string | null {
  const r = resolveExecutable(cmd, path)
  return 'path' in r ? r.path : null
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}

/**
 * distutils' find_executable, which swift-init's verify_server uses: `cmd` as a regular file in the current
 * directory, else on `path`; the execute bit is not checked (exec then says EACCES). An empty `path` finds
 * nothing on it.
 */
export function findOnPath(cmd: string, path: string): string | null {
  if (isFile(cmd)) return cmd
  if (!path) return null
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, cmd)
    if (isFile(candidate)) return candidate
  }
  return null
}

/** swift-init's verify_server: a name whose binary distutils cannot find is dropped. */
export function verifyServer(name: string, path: string): boolean {
  return name !== '' && findOnPath(formatServerName(name)[1], path) !== null
}

/** Our fixed run and print order: main servers, then the rest alphabetically, then unknown names. */
export function serverOrder(server: string): number {
  const i = ALL_SERVERS.indexOf(server)
  return i === -1 ? ALL_SERVERS.length : i
}
