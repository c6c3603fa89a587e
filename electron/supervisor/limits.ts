// swift-init's setup_env: resource limits for the servers it starts. swift-init sets them on itself with
// setrlimit((N, N)) so that its children inherit them, printing a warning where that fails. We never touch
// our own limits (the panel's service is long-running: a lowered hard limit would stay lowered); each child
// sets them on itself with the shell's `ulimit` just before it execs the server (spawn.ts), a means that
// needs no optional binary. The warnings are swift-init's, printed exactly when setrlimit((N, N)) would fail:
// a hard limit below N without CAP_SYS_RESOURCE, or a descriptor limit above fs.nr_open.

import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import type { Console } from './output.js'

const MAX_DESCRIPTORS = 32768
const MAX_MEMORY = 1024 * 1024 * 1024 * 2
const MAX_PROCS = 8192
const CAP_SYS_RESOURCE = 24n

interface Limit {
  /** the row of /proc/self/limits */
  row: string
  value: number
  /** sh's ulimit, which counts data in KiB; dash names the process limit -p, bash -u */
  ulimit: string
  warning: string
}

const LIMITS: Limit[] = [
  {
    row: 'Max open files',
    value: MAX_DESCRIPTORS,
    ulimit: `ulimit -n ${MAX_DESCRIPTORS}`,
    warning: 'WARNING: Unable to modify file descriptor limit.  Running as non-root?',
  },
  {
    row: 'Max data size',
    value: MAX_MEMORY,
    ulimit: `ulimit -d ${MAX_MEMORY / 1024}`,
    warning: 'WARNING: Unable to modify memory limit.  Running as non-root?',
  },
  {
    row: 'Max processes',
    value: MAX_PROCS,
    ulimit: `{ ulimit -u ${MAX_PROCS} || ulimit -p ${MAX_PROCS}; }`,
    warning: 'WARNING: Unable to modify max process limit.  Running as non-root?',
  },
]

/** The shell commands a child runs before exec to take swift-init's limits; failures are silent (predicted below). */
export const CHILD_LIMITS_SHELL = LIMITS.map((l) => `${l.ulimit} 2>/dev/null;`).join(' ')

function read(path: string): string {
  try {
    return readFileSync(path, 'latin1')
  } catch {
    return ''
  }
}

/** Our hard limit for a /proc/<pid>/limits row; Infinity for unlimited, null when unknown. */
function hardLimit(limits: string, row: string): number | null {
  const line = limits.split('\n').find((l) => l.startsWith(row))
  const hard = line?.slice(row.length).trim().split(/\s+/)[1]
  if (hard === undefined) return null
  return hard === 'unlimited' ? Infinity : Number(hard)
}

/** The warnings swift-init would print: setrlimit((N, N)) fails where raising the hard limit is not allowed. */
export function limitWarnings(procDir = '/proc'): string[] {
  const limits = read(`${procDir}/self/limits`)
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(read(`${procDir}/self/status`))?.[1]
  const privileged = capEff !== undefined && ((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n
  const nrOpen = Number(read(`${procDir}/sys/fs/nr_open`).trim()) || Infinity
  return LIMITS.filter((l) => {
    const hard = hardLimit(limits, l.row)
    if (hard === null) return true // cannot tell: say so, as swift-init would where it cannot set it
    if (l.row === 'Max open files' && l.value > nrOpen) return true
    return l.value > hard && !privileged
  }).map((l) => l.warning)
}

/** setup_env: prints swift-init's warnings and sets PYTHON_EGG_CACHE for the children. */
export function setupEnv(console: Console, env: NodeJS.ProcessEnv): void {
  for (const warning of limitWarnings()) console.print(warning)
  env.PYTHON_EGG_CACHE ??= tmpdir()
}
