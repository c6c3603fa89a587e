// Reading and writing pid files. swift-init writes the bare pid (no newline) and reads `int(text.strip())`.

import { closeSync, openSync, readSync, renameSync, unlinkSync, writeFileSync, mkdirSync, fstatSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Larger than any pid file swift-init writes; a bigger file is garbage, not a pid. */
const MAX_PID_FILE_BYTES = 64
/** Linux's PID_MAX_LIMIT: no pid is ever larger. */
export const PID_MAX = 4_194_304

export type PidRead =
  | { kind: 'pid'; pid: number }
  /** empty, garbage, zero, negative or too large: swift-init's "invalid pid" case (the file is removed). */
  | { kind: 'invalid'; reason: string }
  /** could not be read (permissions, a directory): reported and left alone, never removed. */
  | { kind: 'unreadable'; reason: string }

export function readPidFile(path: string): PidRead {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    return { kind: 'unreadable', reason: (e as NodeJS.ErrnoException).code ?? String(e) }
  }
  try {
    if (fstatSync(fd).isDirectory()) return { kind: 'unreadable', reason: 'a directory' }
    const buf = Buffer.alloc(MAX_PID_FILE_BYTES + 1)
    const n = readSync(fd, buf, 0, buf.length, 0)
    if (n > MAX_PID_FILE_BYTES) return { kind: 'invalid', reason: 'too large' }
    // Python's int() takes surrounding whitespace, a sign and underscores between digits; we take only plain digits.
    const text = buf.toString('latin1', 0, n).trim()
    if (!/^\+?\d+$/.test(text)) return { kind: 'invalid', reason: 'not a number' }
    const pid = Number(text)
    if (pid <= 0 || pid > PID_MAX) return { kind: 'invalid', reason: 'out of range' }
    return { kind: 'pid', pid }
  } catch (e) {
    return { kind: 'unreadable', reason: (e as NodeJS.ErrnoException).code ?? String(e) }
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes the pid atomically: a temp file, then rename over the target, so a reader never sees half a pid
 * file and a symlink planted at the target is replaced rather than followed. The temp file is a dotfile in
 * the run dir's top level, where swift-init's pid-file globs never look.
 */
export function writePidFile(runDir: string, path: string, pid: number): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = join(runDir, `.${basename(path)}.${process.pid}.tmp`)
  writeFileSync(tmp, String(pid))
  try {
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
