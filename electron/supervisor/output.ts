// Where the supervisor prints. Every call is one Python `print()`: the text, then a newline.
// The CLI writes to stdout; the service turns calls into command output lines.

import { writeSync } from 'node:fs'

export interface Console {
  print(text: string): void
}

let stdoutClosed = false

/**
 * All of `text` to fd 1, synchronously, as Python's print() with stdout flushed: in order with stderr. Not
 * through process.stdout, whose making costs every CLI run 1–2 ms (a stream and its modules). A closed pipe
 * (EPIPE: `swift-init status | head -1`) ends the output quietly; a full non-blocking fd is written again.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text)
  let offset = 0
  while (offset < bytes.length && !stdoutClosed) {
    try {
      offset += writeSync(1, bytes, offset)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EPIPE') stdoutClosed = true
      else if (code !== 'EAGAIN') throw e
    }
  }
}

export const stdoutConsole: Console = {
  print: (text) => writeStdout(text + '\n'),
}

/**
 * Bytes as Python's `bytes.decode('utf8', 'backslashreplace')`: valid UTF-8 decoded, every byte of an invalid
 * sequence written as `\xNN`. A sequence is valid as the Unicode standard has it (no overlong forms, no
 * surrogates, nothing above U+10FFFF); an invalid one ends before the first byte that cannot continue it.
 */
export function decodeBackslashReplace(bytes: Uint8Array): string {
  let out = ''
  let start = 0
  const escape = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`
  const flush = (end: number) => {
    if (end > start) out += Buffer.from(bytes.subarray(start, end)).toString('utf8')
  }
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] ?? 0
    let need = 0
    let lo = 0x80
    let hi = 0xbf
    if (b < 0x80) {
      i++
      continue
    } else if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lo = 0xa0
      if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lo = 0x90
      if (b === 0xf4) hi = 0x8f
    }
    let n = 0
    if (need) {
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k]
        const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf]
        if (c === undefined || c < min || c > max) break
        n++
      }
    }
    if (need && n === need) {
      i += need + 1
      continue
    }
    // invalid: the lead byte and the continuation bytes it did take
    flush(i)
    for (let k = 0; k <= n; k++) out += escape(bytes[i + k] ?? 0)
    i += n + 1
    start = i
  }
  flush(bytes.length)
  return out
}
