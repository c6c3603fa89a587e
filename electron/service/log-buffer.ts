// Per-instance ring buffers of log lines: bounded memory whatever the daemons print.

import type { LogLine, LogPage } from '../../shared/types.js'

class Ring {
  private lines: (LogLine | undefined)[]
  private start = 0
  size = 0
  seq = 0
  dropped = 0

  constructor(private capacity: number) {
    this.lines = new Array<LogLine | undefined>(capacity)
  }

  push(line: Omit<LogLine, 'seq'>): LogLine {
    const full: LogLine = { ...line, seq: ++this.seq }
    if (this.size < this.capacity) this.lines[(this.start + this.size++) % this.capacity] = full
    else {
      this.lines[this.start] = full
      this.start = (this.start + 1) % this.capacity
      this.dropped++
    }
    return full
  }

  *after(seq: number): Generator<LogLine> {
    for (let i = 0; i < this.size; i++) {
      const line = this.lines[(this.start + i) % this.capacity]!
      if (line.seq > seq) yield line
    }
  }

  /** A ring of another capacity holding the newest lines of this one. */
  resized(capacity: number): Ring {
    const next = new Ring(capacity)
    const kept = [...this.after(0)].slice(-capacity)
    for (const l of kept) next.lines[next.size++] = l
    next.seq = this.seq
    next.dropped = this.dropped + this.size - kept.length
    return next
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

  setCapacity(capacity: number): void {
    if (capacity === this.capacity) return
    this.capacity = capacity
    for (const [id, ring] of this.rings) this.rings.set(id, ring.resized(capacity))
  }
}
