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

/** distutils' find_executable: the first PATH entry holding an executable regular file of that name. */
export function findExecutable(cmd: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir || '.', cmd)
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK)
        return candidate
      }
    } catch {
      // not here, or not executable: keep looking
    }
  }
  return null
}

/** swift-init's verify_server: a name whose binary is not on PATH is dropped. */
export function verifyServer(name: string, path: string): boolean {
  return name !== '' && findExecutable(formatServerName(name)[1], path) !== null
}

/** Our fixed run and print order: main servers, then the rest alphabetically, then unknown names. */
export function serverOrder(server: string): number {
  const i = ALL_SERVERS.indexOf(server)
  return i === -1 ? ALL_SERVERS.length : i
}
