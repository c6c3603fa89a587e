// What one logs view shows: the lines of some instances that pass its filter, merged by time. Kept up to
// date incrementally (new lines are filtered and merged as they come, evicted ones dropped), so a view over
// 200,000 lines costs per batch what the batch costs, not what the buffers hold.

import type { LogLine, LogSource, LogStream } from '../../../shared/types'
import { plainText } from './log-text'
import type { Ring } from './ring'

export interface ViewLine extends LogLine {
  instanceId: string
  /** Absolute index in its instance's ring: below the ring's `first`, the line has been evicted. */
  n: number
}

export interface LineFilter {
  sources: ReadonlySet<LogSource>
  streams: ReadonlySet<LogStream>
  pattern: RegExp | null
}

export const ALL_SOURCES: readonly LogSource[] = ['startup', 'attached', 'file', 'receiver']
export const ALL_STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'log']

function passes(l: ViewLine, f: LineFilter): boolean {
  // search (not test): a global pattern's lastIndex must not carry over between lines
  return f.sources.has(l.source) && f.streams.has(l.stream) && (!f.pattern || plainText(l.text).search(f.pattern) !== -1)
}

const byTime = (a: ViewLine, b: ViewLine) => a.ts - b.ts

export class LogView {
  private items: ViewLine[] = []
  /** Items before this index are evicted lines not yet dropped from `items`. */
  private head = 0
  /** Per instance: absolute index of the next line to take, and the ring's `first` when last looked at. */
  private next = new Map<string, number>()
  private firstSeen = new Map<string, number>()
  /** Evicted lines since the last compaction: an upper bound of the evicted lines still in `items`. */
  private evicted = 0

  constructor(
    private readonly ids: readonly string[],
    private readonly filter: LineFilter,
    private readonly ring: (instanceId: string) => Ring<ViewLine> | undefined,
  ) {
    this.rebuild()
  }

  get length(): number {
    return this.items.length - this.head
  }

  at(i: number): ViewLine | undefined {
    return this.items[this.head + i]
  }

  rebuild(): void {
    const all: ViewLine[] = []
    for (const id of this.ids) {
      const ring = this.ring(id)
      if (!ring) continue
      for (let i = 0; i < ring.length; i++) {
        const l = ring.at(i)
        if (l && passes(l, this.filter)) all.push(l)
      }
      this.next.set(id, ring.total)
      this.firstSeen.set(id, ring.first)
    }
    // each ring is already in order: TimSort merges those runs in O(n log k)
    if (this.ids.length > 1) all.sort(byTime)
    this.items = all
    this.head = 0
    this.evicted = 0
  }

  /**
   * Takes the lines appended since the last update and drops evicted ones. Says how many lines came, and how
   * many were removed before index `anchor`, so a reader scrolled back can stay on the line they were reading.
   */
  update(anchor = 0): { added: number; removedBefore: number } {
    const fresh: ViewLine[] = []
    for (const id of this.ids) {
      const ring = this.ring(id)
      if (!ring) continue
      this.evicted += Math.max(0, ring.first - (this.firstSeen.get(id) ?? 0))
      this.firstSeen.set(id, ring.first)
      for (let n = Math.max(this.next.get(id) ?? 0, ring.first); n < ring.total; n++) {
        const l = ring.get(n)
        if (l && passes(l, this.filter)) fresh.push(l)
      }
      this.next.set(id, ring.total)
    }
    this.merge(fresh)
    return { added: fresh.length, removedBefore: this.dropEvicted(anchor) }
  }

  private merge(fresh: ViewLine[]): void {
    if (this.ids.length > 1) fresh.sort(byTime)
    const oldest = fresh[0]
    if (!oldest) return
    const lastTs = this.items.at(-1)?.ts ?? -Infinity
    if (this.ids.length === 1 || oldest.ts >= lastTs) {
      for (const l of fresh) this.items.push(l)
      return
    }
    // a line older than the newest shown (another instance was slower to report): merge into the tail only
    let lo = this.head
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.items[mid]?.ts ?? Infinity) <= oldest.ts) lo = mid + 1
      else hi = mid
    }
    const tail = this.items.splice(lo)
    let a = 0
    let b = 0
    for (;;) {
      const x = tail[a]
      const y = fresh[b]
      if (x && (!y || x.ts <= y.ts)) {
        this.items.push(x)
        a++
      } else if (y) {
        this.items.push(y)
        b++
      } else break
    }
  }

  private dropEvicted(anchor: number): number {
    if (this.evicted === 0) return 0
    const firsts = new Map(this.ids.map((id) => [id, this.ring(id)?.first ?? 0]))
    const isEvicted = (l: ViewLine) => l.n < (firsts.get(l.instanceId) ?? 0)
    const start = this.head
    // the oldest lines go first: usually they are all at the front (for one instance, always)
    for (let l = this.items[this.head]; l && isEvicted(l); l = this.items[this.head]) this.head++
    let removed = Math.min(this.head - start, anchor)
    this.evicted = this.ids.length === 1 ? 0 : Math.max(0, this.evicted - (this.head - start))
    if (this.evicted > 64 + this.length / 10) {
      // the rest are spread through a merged view: filter them out once they are worth a pass
      const kept: ViewLine[] = []
      for (let i = this.head; i < this.items.length; i++) {
        const l = this.items[i]
        if (l && !isEvicted(l)) kept.push(l)
        else if (i - start < anchor) removed++
      }
      this.items = kept
      this.head = 0
      this.evicted = 0
    } else if (this.head > 1024 && this.head > this.items.length / 2) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return removed
  }
}
