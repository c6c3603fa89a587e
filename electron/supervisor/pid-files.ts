// Reading and writing pid files. swift-init writes the bare pid (no newline) and reads `int(text.strip())`.
// Only regular files are ever opened: a FIFO (or a device) planted where a pid file goes would block a
// reader forever, so the path is checked before opening, opened without blocking, and checked again.

import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Larger than any pid file swift-init writes; a bigger file is garbage, not a pid. */
const MAX_PID_FILE_BYTES = 64
/** Linux's PID_MAX_LIMIT: no pid is ever larger. */
export const PID_MAX = 4_194_304

export type PidRead =
  /** `text`: the file's content as read, so that a later removal can check it is unchanged. */
  | { kind: 'pid'; pid: number; text: string }
  /** empty, garbage, zero, negative or too large: swift-init's "invalid pid" case (the file is removed). */
  | { kind: 'invalid'; reason: string; text: string }
  /** could not be read (permissions, a directory, not a regular file): reported and left alone, never removed. */
  | { kind: 'unreadable'; reason: string }

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e)
}

/** Reads the file's text (at most `max` bytes + 1) if it is a regular file, never blocking on anything else. */
export function readRegularFile(path: string, max: number): { text: string } | { error: string } {
  let before
  try {
    before = statSync(path)
  } catch (e) {
    return { error: errorCode(e) }
  }
  if (before.isDirectory()) return { error: 'a directory' }
  if (!before.isFile()) return { error: 'not a regular file' }
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (e) {
    return { error: errorCode(e) }
  }
  try {
    const after = fstatSync(fd)
    // swapped for something else between the check and the open
    if (!after.isFile() || after.ino !== before.ino || after.dev !== before.dev) return { error: 'not a regular file' }
    const buf = Buffer.alloc(max + 1)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return { text: buf.toString('latin1', 0, n) }
  } catch (e) {
    return { error: errorCode(e) }
  } finally {
    closeSync(fd)
  }
}

export function readPidFile(path: string): PidRead {
  const read = readRegularFile(path, MAX_PID_FILE_BYTES)
  if ('error' in read) return { kind: 'unreadable', reason: read.error }
  const { text } = read
  if (text.length > MAX_PID_FILE_BYTES) return { kind: 'invalid', reason: 'too large', text }
  // Python's int() takes surrounding whitespace, a sign and underscores between digits; we take only plain digits.
  const trimmed = text.trim()
  if (!/^\+?\d+$/.test(trimmed)) return { kind: 'invalid', reason: 'not a number', text }
  const pid = Number(trimmed)
  if (pid <= 0 || pid > PID_MAX) return { kind: 'invalid', reason: 'out of range', text }
  return { kind: 'pid', pid, text }
}

/**
 * Writes the pid atomically: a temp file, then rename over the target, so a reader never sees half a pid
 * file and a symlink planted at the target is replaced rather than followed. The temp file is a dotfile in
 * the run dir's top level, where swift-init's pid-file globs never look. Throws on failure (ENOSPC, a
 * directory in the way…), leaving no temp file behind.
 */
export function writePidFile(runDir: string, path: string, pid: number): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = join(runDir, `.${basename(path)}.${process.pid}.tmp`)
  try {
    writeFileSync(tmp, String(pid))
    renameSync(tmp, path)
  } catch (e) {
    removeFile(tmp)
    // Only a run dir split across file systems lands here; fall back to a plain write.
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e
    writeFileSync(path, String(pid))
  }
}

/** swift's remove_file: unlink, errors ignored. */
export function removeFile(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone, or a directory: nothing to do, like upstream
  }
}

/**
 * Removes a pid file only if it still holds `text` (what the caller read and judged): a pid file a concurrent
 * start has just rewritten stays. Call it holding the server's lock (locks.ts), so nothing changes in between.
 */
export function removeIfUnchanged(path: string, text: string): boolean {
  const now = readRegularFile(path, MAX_PID_FILE_BYTES)
  if (!('text' in now) || now.text !== text) return false
  removeFile(path)
  return true
}
