// A per-server start lock in the run dir, so two invocations racing to start the same server (two
// terminals, or the panel and a terminal) cannot both spawn it. swift-init has none.
// The lock file is a dotfile at the run dir's top level: swift-init's pid-file globs never see it.

import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { removeFile } from './pid-files.js'

const POLL_MS = 20
/** A holder taking longer than this is presumed wedged; we go ahead rather than hang forever. */
const MAX_WAIT_MS = 30_000

/** An empty lock file is one being written right now, unless it is older than this. */
const WRITE_GRACE_MS = 2_000

function holderAlive(path: string): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(path, 'latin1').trim() || NaN)
    if (Number.isNaN(pid)) return Date.now() - statSync(path).mtimeMs < WRITE_GRACE_MS
  } catch {
    return false
  }
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Runs fn holding the lock for `server`; a lock left by a dead process is taken over. */
export async function withStartLock<T>(runDir: string, server: string, fn: () => Promise<T>): Promise<T> {
  const path = join(runDir, `.swift-panel-${server}.lock`)
  try {
    mkdirSync(runDir, { recursive: true })
  } catch {
    // reported by whoever writes the pid file
  }
  const deadline = Date.now() + MAX_WAIT_MS
  let held = false
  while (!held) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      held = true
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code !== 'EEXIST') break // cannot lock (read-only run dir…): carry on unlocked, as swift-init would
      if (!holderAlive(path)) removeFile(path)
      else if (Date.now() > deadline) break
      else await sleep(POLL_MS)
    }
  }
  try {
    return await fn()
  } finally {
    if (held) removeFile(path)
  }
}
