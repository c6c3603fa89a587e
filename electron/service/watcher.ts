// Tells the service when to look again: fs.watch on the run dir and the swift dir (and their server
// subdirectories, where several-config servers keep pid files and confs), plus a liveness tick every
// interval for what no file event shows: a process dying leaves its pid file untouched. Between ticks it
// does nothing; a tick's cost is the refresh's cheap stat and kill(pid, 0) checks.

import { readdirSync, watch, type FSWatcher } from 'node:fs'
import { dirname, join } from 'node:path'

export interface WatcherOptions {
  swiftDir: string
  runDir: string
  intervalMs: number
  /** Look again: every interval (`interval`), and shortly after a change under either dir (`change`). */
  onTick(reason: 'interval' | 'change'): void
  /** Something under the swift dir changed: confs may have come, gone or changed. */
  onConfsChanged(): void
  /** While events keep coming, the least time between two looks, ms (default MIN_GAP_MS): a look costs O(instances). */
  burstGapMs?(): number
}

/** File events come in bursts (a pid file written, renamed into place): one look after the burst. */
export const SETTLE_MS = 30
/**
 * While events keep coming (a start writing 500 pid files), at most one look this often: each look reads
 * every pid file, so looking after every event would cost O(N²).
 */
export const MIN_GAP_MS = 500
/** Server subdirectories watched per dir, at most: a run dir holds a handful. */
const MAX_SUBDIRS = 64

export class Watcher {
  private readonly watchers = new Map<string, FSWatcher>()
  private timer: NodeJS.Timeout | null = null
  private soon: NodeJS.Timeout | null = null
  private lastLook = 0
  private confsChanged = false

  constructor(private readonly options: WatcherOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      // a dir that was missing (the run dir before the first start) is watched once it appears
      for (const root of this.roots()) if (!this.watchers.has(root)) this.watchTree(root)
      this.options.onTick('interval')
    }, this.options.intervalMs)
    for (const root of this.roots()) this.watchTree(root)
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.soon) clearTimeout(this.soon)
    this.timer = this.soon = null
    for (const w of this.watchers.values()) w.close()
    this.watchers.clear()
  }

  /** Paths watched now (tests). */
  watched(): string[] {
    return [...this.watchers.keys()]
  }

  private roots(): string[] {
    return [...new Set([this.options.swiftDir, this.options.runDir])]
  }

  /** Watches a root and its subdirectories, dropping those gone; again after each change in the root. */
  private watchTree(root: string): void {
    let wanted: string[] = []
    try {
      const subdirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      wanted = [root, ...subdirs.slice(0, MAX_SUBDIRS).map((d) => join(root, d.name))]
    } catch {
      // the root itself is gone (or unreadable): unwatch it all; a tick watches it again once it is back
    }
    for (const [path, w] of this.watchers) {
      if ((path === root || dirname(path) === root) && !wanted.includes(path)) {
        w.close()
        this.watchers.delete(path)
      }
    }
    for (const dir of wanted) this.watchOne(dir, root)
  }

  private watchOne(dir: string, root: string): void {
    if (this.watchers.has(dir)) return
    try {
      const w = watch(dir, { persistent: false }, () => this.changed(dir, root))
      // the dir went away (or inotify gave up on it): forget it; the next tick watches it again if it is back
      w.on('error', () => {
        w.close()
        this.watchers.delete(dir)
      })
      this.watchers.set(dir, w)
    } catch {
      // gone meanwhile, or out of inotify watches: the tick still notices changes
    }
  }

  private changed(dir: string, root: string): void {
    if (root === this.options.swiftDir) this.confsChanged = true
    if (dir === root) this.watchTree(root)
    this.soon ??= setTimeout(
      () => {
        this.soon = null
        this.lastLook = Date.now()
        if (this.confsChanged) {
          this.confsChanged = false
          this.options.onConfsChanged()
        }
        this.options.onTick('change')
      },
      Math.max(SETTLE_MS, this.lastLook + (this.options.burstGapMs?.() ?? MIN_GAP_MS) - Date.now()),
    )
  }
}
