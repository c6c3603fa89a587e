// What one browser client is sent, bounded: a client that stops reading (a frozen tab, a stalled SSH
// tunnel) must not make the service buffer events for it without end. While its socket holds more than
// `behindBytes` unsent, it is behind: changes of the instances, log lines and command output are counted
// instead of sent, and the rare events (a command done, a notification) are kept. Once it has read down to
// `caughtUpBytes`, it gets a `dropped` marker with those counts (it reads the instances and the logs again
// from the service) and the kept events. A client behind for `maxBehindMs`, or with `maxQueuedBytes`
// unsent, is closed: it reconnects and reads everything afresh.

import type { EventChannel, WireDropped } from '../../shared/contract.js'

export interface FeedLimits {
  behindBytes: number
  caughtUpBytes: number
  maxBehindMs: number
  maxQueuedBytes: number
  /** Rare events kept for a client that is behind; one more closes it. */
  maxKeptEvents: number
  /** How often a client that is behind is looked at. */
  checkEveryMs: number
}

export const DEFAULT_FEED_LIMITS: FeedLimits = {
  behindBytes: 512 << 10,
  caughtUpBytes: 64 << 10,
  maxBehindMs: 15_000,
  maxQueuedBytes: 8 << 20,
  maxKeptEvents: 256,
  checkEveryMs: 100,
}

/** The part of a `ws` WebSocket a feed uses. */
export interface FeedSocket {
  readonly bufferedAmount: number
  readonly readyState: number
  send(data: Buffer, options: { binary: false }): void
  terminate(): void
}
const OPEN = 1

export class ClientFeed {
  /** When it fell behind (ms since the epoch), or null while it keeps up. */
  private behindSince: number | null = null
  private logLines = 0
  private outputLines = 0
  private changes = 0
  private kept: Buffer[] = []
  private timer: NodeJS.Timeout | null = null
  private closed = false

  /** `onClose(why)`: the feed closed the client (it stayed behind); for the log. */
  constructor(
    private readonly socket: FeedSocket,
    private readonly limits: FeedLimits,
    private readonly onClose: (why: string) => void = () => {},
  ) {}

  /** An event, encoded once for every client; `lines`: how many lines it carries (log lines, output lines). */
  event(channel: EventChannel, frame: Buffer, lines: number): void {
    if (this.closed || this.socket.readyState !== OPEN) return
    if (this.behindSince === null && this.socket.bufferedAmount <= this.limits.behindBytes) return this.socket.send(frame, TEXT)
    this.fallBehind()
    switch (channel) {
      case 'services:changed':
        this.changes++
        return
      case 'logs:lines':
        this.logLines += lines
        return
      case 'commands:output':
        this.outputLines += lines
        return
      default:
        this.kept.push(frame)
        if (this.kept.length > this.limits.maxKeptEvents) this.close(`missed more than ${this.limits.maxKeptEvents} events`)
    }
  }

  /** The answer to one of its requests: always sent (it asked for it), within the hard bound. */
  answer(frame: Buffer): void {
    if (this.closed || this.socket.readyState !== OPEN) return
    if (this.socket.bufferedAmount + frame.length > this.limits.maxQueuedBytes)
      return this.close(`more than ${size(this.limits.maxQueuedBytes)} unread`)
    this.socket.send(frame, TEXT)
  }

  /** Stops the feed's timer; the socket is closed by its owner. */
  dispose(): void {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.kept = []
  }

  private fallBehind(): void {
    if (this.behindSince !== null) return
    this.behindSince = Date.now()
    this.timer = setInterval(() => this.check(), this.limits.checkEveryMs)
  }

  private check(): void {
    if (this.socket.readyState !== OPEN) return this.dispose()
    const queued = this.socket.bufferedAmount
    if (queued > this.limits.maxQueuedBytes) return this.close(`more than ${size(this.limits.maxQueuedBytes)} unread`)
    if (queued <= this.limits.caughtUpBytes) return this.catchUp()
    if (this.behindSince !== null && Date.now() - this.behindSince > this.limits.maxBehindMs)
      this.close(`behind for more than ${this.limits.maxBehindMs / 1000} s`)
  }

  private catchUp(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.behindSince = null
    if (this.logLines || this.outputLines || this.changes) {
      const marker: WireDropped = { dropped: { logLines: this.logLines, outputLines: this.outputLines, changes: this.changes } }
      this.socket.send(Buffer.from(JSON.stringify(marker)), TEXT)
    }
    for (const frame of this.kept) this.socket.send(frame, TEXT)
    this.logLines = this.outputLines = this.changes = 0
    this.kept = []
  }

  private close(why: string): void {
    if (this.closed) return
    this.dispose()
    // a close frame would queue behind what it does not read: cut the connection
    this.socket.terminate()
    this.onClose(why)
  }
}

const TEXT = { binary: false } as const
const size = (bytes: number) => (bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${Math.round(bytes / 1024)} KiB`)
