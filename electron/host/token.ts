// The browser host's token, kept in a file of the user's config dir so that the panel's URL stays the
// same across restarts (as code-server keeps its password and Jupyter its configured token): created on
// the first run, mode 0600 in a 0700 directory; `--new-token` writes a new one over it.

import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'

/** 24 random bytes in base64url: 32 characters. Longer tokens of the same alphabet are accepted from the file. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/

export class TokenFileError extends Error {}

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

export interface LoadedToken {
  token: string
  /** Whether this run wrote the file (first run, or `rotate`). */
  written: boolean
  /** Said to the user: the file was readable by others and has been made private. */
  warning?: string
}

/**
 * The token in `path`, creating the file (and its directory) when there is none, or replacing it when
 * `rotate`. Throws TokenFileError, saying what to do, when the file is not a regular file, cannot be read,
 * or does not hold a token; such a file is left as it is.
 */
export function loadToken(path: string, rotate = false): LoadedToken {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  if (rotate) {
    const token = newToken()
    const temp = writeTemp(path, token)
    renameSync(temp, path)
    return { token, written: true }
  }
  try {
    return readToken(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  // first run: link the complete file into place, so that a run racing this one reads the same token
  const token = newToken()
  const temp = writeTemp(path, token)
  try {
    linkSync(temp, path)
    return { token, written: true }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    return readToken(path)
  } finally {
    unlinkSync(temp)
  }
}

function readToken(path: string): LoadedToken {
  // a FIFO or a device must not block the start: look before opening, open without blocking, look again
  if (!statSync(path).isFile()) throw new TokenFileError(`${path} is not a regular file: remove it, or run with --new-token`)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (e) {
    throw new TokenFileError(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new TokenFileError(`${path} is not a regular file: remove it, or run with --new-token`)
    const buf = Buffer.alloc(256)
    const text = buf
      .subarray(0, readSync(fd, buf, 0, buf.length, 0))
      .toString('utf8')
      .trim()
    if (!TOKEN_PATTERN.test(text))
      throw new TokenFileError(`${path} does not hold a token (32 to 128 of A-Z a-z 0-9 _ -): run with --new-token to replace it`)
    let warning: string | undefined
    if (st.mode & 0o077) {
      try {
        fchmodSync(fd, 0o600)
        warning = `${path} was readable by others: its mode is now 0600`
      } catch (e) {
        throw new TokenFileError(
          `${path} is readable by others and its mode cannot be changed (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        )
      }
    }
    return { token: text, written: false, ...(warning ? { warning } : {}) }
  } finally {
    closeSync(fd)
  }
}

/** A new file beside `path` holding `token`, mode 0600 from the start; returns its path. */
function writeTemp(path: string, token: string): string {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const fd = openSync(temp, 'wx', 0o600)
  try {
    fchmodSync(fd, 0o600)
    writeSync(fd, `${token}\n`)
  } finally {
    closeSync(fd)
  }
  return temp
}
