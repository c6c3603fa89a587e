// Long loops over hundreds of pid files, processes or confs let the event loop run now and then, so a panel
// acting on 500 instances keeps answering its clients meanwhile. The CLI pays a few microseconds for it.

import { setImmediate as nextTurn } from 'node:timers/promises'

/** How much work a loop does between two turns of the event loop, ms. */
export const PAUSE_EVERY_MS = 10

/**
 * A function to await once per round of a loop: every PAUSE_EVERY_MS (or `budgetMs`) of work it yields a turn
 * of the event loop; otherwise it returns at once.
 */
export function pauser(budgetMs = PAUSE_EVERY_MS): () => Promise<void> {
  // Date.now(), not performance.now(): the first use of `performance` loads perf_hooks (~0.5 ms of every CLI run)
  let since = Date.now()
  return async () => {
    if (Date.now() - since < budgetMs) return
    await nextTurn()
    since = Date.now()
  }
}
