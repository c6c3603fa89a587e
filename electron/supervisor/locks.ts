// One lock per run dir and server, held around every change to that server's pid files: a start (check,
// spawn, write) and every removal (stop, status and friends tidying stale ones). The CLI and the panel's
// service take the same lock, so they never both start a server. swift-init itself has none.
//
// The lock is a name in Linux's abstract unix-socket namespace, bound by whoever holds it. The kernel lets
// one socket bind a name, so there are never two holders, in one process or across processes and users, and
// it frees the name the moment its holder exits or crashes: no lock file to go stale, nothing to recover,
// nothing left in the run dir. (proper-lockfile was the alternative: its locks are directories whose mtime
// the holder refreshes, taken over once older than `stale`, so a holder stalled that long (SIGSTOP, swap)
// loses its lock while it still acts on it; it is also asynchronous with timers.) Limits: the namespace is
// per network namespace, so processes in different ones (containers) do not see each other's locks; and any
// local user could bind the name first and so make starts wait and then fail (never double-start).

import { realpathSync } from 'node:fs'
import type { Server as NetServer } from 'node:net'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const POLL_MS = 5
/** Holders keep the lock for milliseconds (one launch); longer than this is a wedged holder: give up, never go on unlocked. */
export const LOCK_WAIT_MS = 30_000

export class LockTimeoutError extends Error {}

/** The run dir with symlinks resolved as far as it exists, so that two spellings of one dir share a lock. */
function canonical(dir: string): string {
  try {
    return realpathSync(dir)
  } catch {
    const parent = dirname(dir)
    return parent === dir ? dir : join(canonical(parent), basename(dir))
  }
}

/** 64-bit FNV-1a: a collision would only make two locks one (more waiting, never two holders). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n
  for (const byte of Buffer.from(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n)
  return h.toString(16).padStart(16, '0')
}

/** The abstract socket name: a NUL byte, then a fixed-length hash (names are limited to 107 bytes). */
export function lockName(runDir: string, server: string): string {
  return `\0swift-panel-lock-${fnv1a64(`${canonical(runDir)}\0${server}`)}`
}

async function tryBind(name: string): Promise<NetServer | null> {
  // loaded when a lock is first taken: a status that removes nothing never pays for it
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(null) : reject(e)))
    server.listen(name, () => {
      server.unref()
      resolve(server)
    })
  })
}

/**
 * Runs fn holding the lock for `server` in `runDir`, waiting up to waitMs for another holder. Throws
 * LockTimeoutError when it is held longer than that, and the bind error when unix sockets are unusable.
 */
export async function withServerLock<T>(runDir: string, server: string, fn: () => Promise<T> | T, waitMs = LOCK_WAIT_MS): Promise<T> {
  const name = lockName(runDir, server)
  const deadline = Date.now() + waitMs
  let held: NetServer | null
  while (!(held = await tryBind(name))) {
    if (Date.now() > deadline) {
      throw new LockTimeoutError(
        `${server}: its lock in ${runDir} has been held for ${Math.round(waitMs / 1000)} s by another swift-init or the panel`,
      )
    }
    await sleep(POLL_MS)
  }
  const lock = held
  try {
    return await fn()
  } finally {
    await new Promise((resolve) => lock.close(resolve))
  }
}
