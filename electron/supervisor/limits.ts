// swift-init's setup_env: raise our own resource limits so every server we spawn inherits them.
// Node cannot call setrlimit, so we ask util-linux's prlimit to change this process's limits.

import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import type { Console } from './output.js'

const MAX_DESCRIPTORS = 32768
const MAX_MEMORY = 1024 * 1024 * 1024 * 2
const MAX_PROCS = 8192

const LIMITS: [option: string, value: number, warning: string][] = [
  ['--nofile', MAX_DESCRIPTORS, 'WARNING: Unable to modify file descriptor limit.  Running as non-root?'],
  ['--data', MAX_MEMORY, 'WARNING: Unable to modify memory limit.  Running as non-root?'],
  ['--nproc', MAX_PROCS, 'WARNING: Unable to modify max process limit.  Running as non-root?'],
]

export function setupEnv(console: Console, env: NodeJS.ProcessEnv): void {
  for (const [option, value, warning] of LIMITS) {
    const r = spawnSync('prlimit', ['--pid', String(process.pid), `${option}=${value}:${value}`], {
      stdio: 'ignore',
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
    })
    if (r.status !== 0) console.print(warning)
  }
  env.PYTHON_EGG_CACHE ??= tmpdir()
}
