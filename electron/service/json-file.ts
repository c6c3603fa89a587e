// JSON files the panel keeps in its data dir (settings, window state): written atomically, so a crash
// mid-write leaves the old file, never half a new one.

import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, constants } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The parsed file, or undefined when there is none. Throws an Error with a `code` (EACCES, EISDIR, ENOTREG
 * for a FIFO or device, which are never read, so this cannot block) when it cannot be read, and a
 * SyntaxError when it is not JSON.
 */
export function readJson(path: string): unknown {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  try {
    if (!fstatSync(fd).isFile())
      throw Object.assign(new Error(`${path} is not a regular file`), { code: fstatSync(fd).isDirectory() ? 'EISDIR' : 'ENOTREG' })
    return JSON.parse(readFileSync(fd, 'utf8'))
  } finally {
    closeSync(fd)
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n')
  renameSync(tmp, path)
}
