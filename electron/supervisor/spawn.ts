// Starting a server the way swift-init's Popen does, and safely. The child is a /bin/sh that waits on a pipe
// (fd 3) before it execs the server: the caller writes the pid file first and only then lets it go, so a
// failure to record the pid (disk full, a directory in the way) leaves nothing running that no pid file
// names: the waiting shell is killed, the server never ran. Before the exec the shell takes swift-init's
// resource limits (limits.ts), keeps SIGINT ignored when swift-init's own was (Python's children inherit
// that), and merges stderr into stdout when the output is captured (swift-init's `stderr=STDOUT`, one pipe,
// so interleaved lines keep their order). After the exec the process is the server: same pid, its own argv.

import type { ChildProcess, StdioOptions } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import { CHILD_LIMITS_SHELL } from './limits.js'

const SHELL = '/bin/sh'
/** The shell's exit status when it is never released (its parent died, or gave up): the server never ran. */
const NOT_RELEASED = 70

export interface GatedSpawnOptions {
  /** stdin of the server. */
  stdin: 'inherit' | 'ignore'
  /** stdout (and stderr with it, when `merge`) of the server. */
  output: 'inherit' | 'pipe' | 'ignore'
  /** Send stderr down stdout's pipe (capture mode). Otherwise stderr goes where `output` says. */
  merge: boolean
  ignoreSigint: boolean
  env: NodeJS.ProcessEnv
}

export interface GatedChild {
  child: ChildProcess
  pid: number
  /**
   * Lets the shell exec the server; resolves once it has (the shell closes the gate as it execs) or has
   * exited: from then on the pid is the server's, so a lock held until then covers the whole start.
   */
  release(): Promise<void>
  /** Kills the shell before it ever execs the server. */
  abort(): void
}

/**
 * Spawns the shell that will exec `binary` with `args` once released; `{ error }` when no process could be
 * started at all (EAGAIN, EMFILE…). `binary` must be resolved beforehand (resolveExecutable).
 */
export async function spawnGated(binary: string, args: string[], o: GatedSpawnOptions): Promise<GatedChild | { error: string }> {
  // loaded on the first start: status and stop never pay for it
  const { spawn } = await import('node:child_process')
  const script = [
    o.merge ? 'exec 2>&1;' : '',
    CHILD_LIMITS_SHELL,
    o.ignoreSigint ? "trap '' INT;" : '',
    `read -r _ <&3 || exit ${NOT_RELEASED};`,
    'exec "$@" 3<&-',
  ].join(' ')
  const stdio: StdioOptions = [o.stdin, o.output, o.merge ? 'ignore' : o.output, 'pipe']
  let child: ChildProcess
  try {
    child = spawn(SHELL, ['-c', script, 'swift-init', binary, ...args], { stdio, env: o.env })
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) }
  }
  let spawnError: string | null = null
  child.on('error', (e: NodeJS.ErrnoException) => {
    spawnError = e.code ?? e.message
  })
  const gate = child.stdio[3] as (Writable & Readable) | null | undefined
  if (child.pid === undefined || !gate) return { error: spawnError ?? 'the shell could not be started' }
  gate.on('error', () => {
    // the shell is gone (killed, or it failed): its exit says so
  })
  const pid = child.pid
  return {
    child,
    pid,
    release: () =>
      new Promise<void>((resolve) => {
        const done = () => resolve()
        gate.once('end', done).once('close', done)
        child.once('exit', done)
        gate.resume()
        gate.end('\n')
      }),
    abort: () => {
      child.kill('SIGKILL')
      gate.destroy()
    },
  }
}
