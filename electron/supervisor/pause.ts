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
  let since = performance.now()
  return async () => {
    if (performance.now() - since < budgetMs) return
    await nextTurn()
    since = performance.now()
  }
}
