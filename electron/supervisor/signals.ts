// Sending signals without hitting the wrong process.
//
// swift-init checks /proc/<pid>/cmdline only when probing (signal 0); a stop or kill goes to whatever process
// now owns a reused pid. We check before every signal, and refuse pid 1 and our own pid outright.

import { constants } from 'node:os'
import { processStat, readCmdline } from './proc.js'

export const SIG_DFL = 0
export const SIGHUP = constants.signals.SIGHUP
export const SIGTERM = constants.signals.SIGTERM
export const SIGKILL = constants.signals.SIGKILL
export const SIGUSR1 = constants.signals.SIGUSR1

export type KillOutcome =
  | 'sent'
  /** the pid belongs to a process that is not this server (or is pid 1 / ourselves) */
  | 'wrong-process'
  /** no such process */
  | 'ESRCH'
  | 'EPERM'

/** Is `pid` a live process whose command line names `name` (`swift-object-server`)? null: unknowable (no /proc entry readable). */
export function pidNamesServer(pid: number, name: string, procDir?: string): boolean | null {
  if (pid === 1 || pid === process.pid) return false
  const cmdline = readCmdline(pid, procDir)
  if (cmdline === null) return null
  if (cmdline !== '') return cmdline.includes(name)
  // An exiting process or a zombie has no command line left; the kernel still keeps its name (15 bytes).
  const stat = processStat(pid, procDir)
  return stat === null ? null : stat.comm === name.slice(0, 15)
}

/** SIGKILL to the process group led by pid (a server and its workers), after the same check. */
export function killGroup(pid: number, sig: number, name: string, procDir?: string): KillOutcome {
  if (pidNamesServer(pid, name, procDir) === false) return 'wrong-process'
  return sendSignal(-pid, sig)
}

/** kill(2); callers check the process first with pidNamesServer. */
export function sendSignal(pid: number, sig: number): KillOutcome {
  try {
    process.kill(pid, sig)
    return 'sent'
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ESRCH' || code === 'EPERM') return code
    throw e
  }
}
