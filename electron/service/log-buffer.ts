// Per-instance ring buffers of log lines: bounded memory whatever the daemons print. Each instance keeps
// at most `capacity` lines and `capacity × AVERAGE_LINE_CHARS` characters, lines cut at MAX_LINE_CHARS.

import type { LogLine, LogPage } from '../../shared/types.js'

export const MAX_LINE_CHARS = 8192
/** Budget per line on average: plenty for Swift's log lines, yet a daemon printing only huge lines cannot hold more. */
const AVERAGE_LINE_CHARS = 256
/** A new ring's slots. */
const INITIAL_SLOTS = 16

class Ring {
  /** Grows by doubling up to `capacity`: most instances log a few lines, so their rings stay small. */
  private lines: (LogLine | undefined)[] = new Array<LogLine | undefined>(INITIAL_SLOTS)
  private start = 0
  size = 0
  private chars = 0
  seq = 0
  dropped = 0

  constructor(private readonly capacity: number) {}

  push(line: Omit<LogLine, 'seq'>): LogLine {
    const text =
      line.text.length > MAX_LINE_CHARS
        ? `${line.text.slice(0, MAX_LINE_CHARS)}… (${line.text.length - MAX_LINE_CHARS} more characters)`
        : line.text
    const full: LogLine = { ...line, text, seq: ++this.seq }
    this.keep(full)
    return full
  }

  private at(i: number): number {
    return (this.start + i) % this.lines.length
  }

  private dropOldest(): void {
    this.chars -= this.lines[this.start]?.text.length ?? 0
    this.lines[this.start] = undefined
    this.start = this.at(1)
    this.size--
    this.dropped++
  }

  *after(seq: number): Generator<LogLine> {
    for (let i = 0; i < this.size; i++) {
      const line = this.lines[this.at(i)]
      if (line && line.seq > seq) yield line
    }
  }

  /** A ring of another capacity holding the newest lines of this one that fit. */
  resized(capacity: number): Ring {
    const next = new Ring(capacity)
    next.seq = this.seq
    next.dropped = this.dropped
    for (const line of this.after(0)) next.keep(line)
    return next
  }

  private keep(line: LogLine): void {
    while (this.size > 0 && (this.size === this.capacity || this.chars + line.text.length > this.capacity * AVERAGE_LINE_CHARS))
      this.dropOldest()
    if (this.size === this.lines.length) this.grow()
    this.lines[this.at(this.size++)] = line
    this.chars += line.text.length
  }

  private grow(): void {
    const next = new Array<LogLine | undefined>(Math.min(this.capacity, this.lines.length * 2))
    for (let i = 0; i < this.size; i++) next[i] = this.lines[this.at(i)]
    this.lines = next
    this.start = 0
  }
}

export class LogBuffers {
  private rings = new Map<string, Ring>()

  constructor(private capacity: number) {}

  append(instanceId: string, line: Omit<LogLine, 'seq'>): LogLine {
    let ring = this.rings.get(instanceId)
    if (!ring) this.rings.set(instanceId, (ring = new Ring(this.capacity)))
    return ring.push(line)
  }

  /** Lines of several instances merged by time (a server or group view); newest `limit` kept. */
  get(instanceIds: string[], afterSeq = 0, limit = 1_000_000): LogPage {
    const lines: LogPage['lines'] = []
    let dropped = 0
    for (const id of instanceIds) {
      const ring = this.rings.get(id)
      if (!ring) continue
      dropped += ring.dropped
      for (const line of ring.after(afterSeq)) lines.push({ ...line, instanceId: id })
    }
    if (instanceIds.length > 1) lines.sort((a, b) => a.ts - b.ts)
    return { lines: lines.slice(-limit), dropped }
  }

  clear(instanceIds: string[]): void {
    for (const id of instanceIds) this.rings.delete(id)
  }

  /** Every buffered line of every instance, oldest first per instance (a transaction trace reads them all). */
  *all(): Generator<{ instanceId: string; line: LogLine }> {
    for (const [instanceId, ring] of this.rings) for (const line of ring.after(0)) yield { instanceId, line }
  }

  setCapacity(capacity: number): void {
    if (capacity === this.capacity) return
    this.capacity = capacity
    for (const [id, ring] of this.rings) this.rings.set(id, ring.resized(capacity))
  }
}
