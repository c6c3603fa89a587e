// What /proc says about a process. Linux only, like swift-init's own cmdline check.

import { closeSync, openSync, readSync, readdirSync } from 'node:fs'

export const PROC_DIR = '/proc'

export interface ProcessStat {
  /** The kernel's name for it: the program's basename, cut to 15 bytes; kept while it exits and as a zombie. */
  comm: string
  state: string
  ppid: number
  /** Process group id. */
  pgid: number
  /** Process start, epoch ms. */
  startTimeMs: number
  /** utime + stime, in clock ticks. */
  cpuTicks: number
  rssBytes: number
}

/** Kernel's USER_HZ; 100 on every Linux port that matters. */
export const CLOCK_TICKS = 100
const PAGE_SIZE = 4096

let bootTimeMs: number | null = null
function bootTime(procDir: string): number {
  if (bootTimeMs === null) {
    const line = /^btime (\d+)$/m.exec(readProcText(`${procDir}/stat`))
    bootTimeMs = line ? Number(line[1]) * 1000 : 0
  }
  return bootTimeMs
}

let textBuffer = Buffer.alloc(4096)

/**
 * A /proc file as latin1 text, read into a buffer kept between calls (grown when a file needs more). Every
 * /proc file reports no size, for which readFileSync allocates 64 KiB a call: a scan of a busy /proc made
 * megabytes of garbage that way. Throws what openSync and readSync throw (ENOENT, ESRCH, EACCES…).
 */
export function readProcText(path: string): string {
  const fd = openSync(path, 'r')
  try {
    let n = 0
    for (;;) {
      if (n === textBuffer.length) {
        const bigger = Buffer.alloc(textBuffer.length * 2)
        textBuffer.copy(bigger)
        textBuffer = bigger
      }
      const got = readSync(fd, textBuffer, n, textBuffer.length - n, null)
      if (got === 0) return textBuffer.toString('latin1', 0, n)
      n += got
    }
  } finally {
    closeSync(fd)
  }
}

function readStat(path: string): string | null {
  try {
    return readProcText(path)
  } catch {
    return null
  }
}

export function processStat(pid: number, procDir = PROC_DIR): ProcessStat | null {
  const text = readStat(`${procDir}/${pid}/stat`)
  if (text === null) return null
  // The command name is in parentheses and may hold spaces or ')': split after the last ')'.
  // fields 3 (state) to 24 (rss): the 30 after them are never read
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ', 22)
  return {
    comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    // computed on first read: /proc/stat (for the boot time) is costly to generate, and most callers never ask
    get startTimeMs() {
      return bootTime(procDir) + (Number(f[19]) * 1000) / CLOCK_TICKS
    },
    rssBytes: Number(f[21]) * PAGE_SIZE,
  }
}

/** Direct children of pid (a server's workers). */
export function childPids(pid: number, procDir = PROC_DIR): number[] {
  try {
    return readProcText(`${procDir}/${pid}/task/${pid}/children`).split(' ').filter(Boolean).map(Number)
  } catch {
    return scanChildren(pid, procDir)
  }
}

// Kernels without CONFIG_PROC_CHILDREN: scan every process's ppid.
function scanChildren(pid: number, procDir: string): number[] {
  const out: number[] = []
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue
    if (processStat(Number(name), procDir)?.ppid === pid) out.push(Number(name))
  }
  return out
}
