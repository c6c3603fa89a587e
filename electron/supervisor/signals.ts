// Signals, and kill(2) with its outcome as data. Who may be signalled is decided before, by the identity
// check in process-table.ts: swift-init checks /proc/<pid>/cmdline only when probing (signal 0), so its
// stop goes to whatever process now owns a reused pid; we check before every signal.

import { constants } from 'node:os'

export const SIG_DFL = 0
export const SIGHUP = constants.signals.SIGHUP
export const SIGTERM = constants.signals.SIGTERM
export const SIGKILL = constants.signals.SIGKILL
export const SIGUSR1 = constants.signals.SIGUSR1

export type KillOutcome =
  | 'sent'
  /** no such process */
  | 'ESRCH'
  | 'EPERM'

/** kill(2); a negative pid is a process group. Callers check the process first (process-table.ts identify). */
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
