import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor as waitUntil } from '../helpers/fixture.js'

/** A fresh temp directory; `cleanup()` removes every one made so far. */
export function tempDirs(prefix: string): { make(): string; cleanup(): void } {
  const dirs: string[] = []
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), `swift-panel-${prefix}-`))
      dirs.push(dir)
      return dir
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
    },
  }
}

/** Polls until `check` returns true; fails with `what` after `timeoutMs`. */
export const waitFor = async (what: string, check: () => boolean, timeoutMs = 5000): Promise<void> => {
  await waitUntil(check, timeoutMs, what)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
