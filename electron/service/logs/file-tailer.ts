// `tail -F` for one log file: complete lines as they are appended, across rotation by rename (the old file is
// read to its end before switching to the new one, and kept open a little longer for a writer that has not
// reopened yet), copytruncate (the file shrank: start again at 0), and a file that does not exist yet.
// Woken by fs.watch on the directory, with a slow poll as a fallback (network filesystems, a directory that
// appears later, a rotated file moved elsewhere).

import { watch, type FSWatcher, type Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { basename, dirname } from 'node:path'

export interface TailOptions {
  onLine: (line: string) => void
  onError?: (error: Error) => void
  /** Read the file's existing content too; by default tailing starts at the current end. */
  fromStart?: boolean
  pollMs?: number
  /** A line longer than this many bytes is passed on in pieces of at most this size. */
  maxLineBytes?: number
  /** How long a rotated-away file stays open after its replacement appeared. */
  retireMs?: number
}

export interface FileTailer {
  readonly path: string
  close(): Promise<void>
}

interface OpenFile {
  handle: FileHandle
  dev: number
  ino: number
  pos: number
  /** Bytes after the last newline, waiting for the rest of their line. */
  partial: Buffer
}

const CHUNK = 64 * 1024

/** Starts tailing; resolves once the starting position is fixed, so lines appended afterwards are not missed. */
export async function tailFile(path: string, options: TailOptions): Promise<FileTailer> {
  const tailer = new Tailer(path, options)
  await tailer.start()
  return tailer
}

class Tailer implements FileTailer {
  private current: OpenFile | null = null
  private retired: { file: OpenFile; until: number } | null = null
  private watcher: FSWatcher | null = null
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private closed = false
  private skipToEnd = false
  private lastError = ''
  private readonly maxLine: number
  private readonly buffer = Buffer.allocUnsafe(CHUNK)

  constructor(
    readonly path: string,
    private readonly options: TailOptions,
  ) {
    this.maxLine = options.maxLineBytes ?? 64 * 1024
  }

  async start(): Promise<void> {
    try {
      const st = await stat(this.path)
      if (st.isFile()) {
        this.current = await this.openFile()
        if (!this.options.fromStart) this.current.pos = await this.lineStartBefore(this.current.handle, st.size)
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.report(e)
        // It is there but unreadable (permissions): once readable, its old content is still old.
        this.skipToEnd = !this.options.fromStart
      }
    }
    this.watchDir()
    this.timer = setInterval(() => {
      if (!this.watcher) this.watchDir()
      void this.pump()
    }, this.options.pollMs ?? 2000)
    this.timer.unref()
    await this.pump()
  }

  async close(): Promise<void> {
    this.closed = true
    this.watcher?.close()
    this.watcher = null
    if (this.timer) clearInterval(this.timer)
    await this.running
    await this.current?.handle.close()
    await this.retired?.file.handle.close()
    this.current = null
    this.retired = null
  }

  private watchDir(): void {
    const name = basename(this.path)
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        // Writes to a rotated-away file in the same directory matter while it is still being drained.
        if (!file || file === name || this.retired) void this.pump()
      })
      this.watcher.on('error', () => {
        this.watcher?.close()
        this.watcher = null
      })
    } catch {
      // No directory yet: the poll tries again.
      this.watcher = null
    }
  }

  /** Runs one check at a time; a wake-up during a check asks for one more. */
  private pump(): Promise<void> {
    if (this.closed) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        try {
          await this.check()
          this.lastError = ''
        } catch (e) {
          this.report(e)
        }
      } while (this.again && !this.closed)
    })().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async check(): Promise<void> {
    if (this.retired) {
      await this.drain(this.retired.file)
      if (Date.now() >= this.retired.until) {
        this.flushPartial(this.retired.file)
        await this.retired.file.handle.close()
        this.retired = null
      }
    }
    let st: Stats | null = null
    try {
      st = await stat(this.path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    const cur = this.current
    if (st && st.isFile() && (!cur || st.ino !== cur.ino || st.dev !== cur.dev)) {
      // A new file at the path (it appeared, or the old one was renamed away): everything in it is new.
      // The old one is read to its end first.
      if (cur) await this.drain(cur)
      const next = await this.openFile()
      if (this.skipToEnd) next.pos = await this.lineStartBefore(next.handle, (await next.handle.stat()).size)
      this.skipToEnd = false
      if (cur) {
        if (this.retired) {
          this.flushPartial(this.retired.file)
          await this.retired.file.handle.close()
        }
        this.retired = { file: cur, until: Date.now() + (this.options.retireMs ?? 5000) }
      }
      this.current = next
    } else if (st && cur && st.size < cur.pos) {
      // copytruncate: what was not read yet went to the copy; the unfinished line went with it.
      cur.pos = 0
      cur.partial = Buffer.alloc(0)
    }
    if (this.current) await this.drain(this.current)
  }

  private async openFile(): Promise<OpenFile> {
    const handle = await open(this.path, 'r')
    // The path may have been replaced since it was stat'ed: identify the file by the handle.
    const st = await handle.stat()
    return { handle, dev: st.dev, ino: st.ino, pos: 0, partial: Buffer.alloc(0) }
  }

  /** Where the line that contains offset `end` begins, so a line being written when tailing starts comes out whole. */
  private async lineStartBefore(handle: FileHandle, end: number): Promise<number> {
    const size = Math.min(end, this.maxLine, CHUNK)
    const from = end - size
    const { bytesRead } = await handle.read(this.buffer, 0, size, from)
    const nl = this.buffer.subarray(0, bytesRead).lastIndexOf(10)
    if (nl >= 0) return from + nl + 1
    // No line start within reach: begin at the end rather than mid-way through a very long line.
    return from === 0 ? 0 : end
  }

  private async drain(file: OpenFile): Promise<void> {
    for (;;) {
      if (this.closed) return
      const { bytesRead } = await file.handle.read(this.buffer, 0, CHUNK, file.pos)
      if (bytesRead === 0) return
      file.pos += bytesRead
      this.split(file, this.buffer.subarray(0, bytesRead))
    }
  }

  private split(file: OpenFile, chunk: Buffer): void {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(10, start)
      if (nl < 0) break
      const piece = chunk.subarray(start, nl)
      this.emit(file.partial.length > 0 ? Buffer.concat([file.partial, piece]) : piece)
      file.partial = Buffer.alloc(0)
      start = nl + 1
    }
    if (start < chunk.length) {
      // Copied, as the read buffer is reused; pieces over the cap go out now, so memory stays bounded.
      const partial = Buffer.concat([file.partial, chunk.subarray(start)])
      file.partial = partial.subarray(this.emitPieces(partial, false))
    }
  }

  /** Emits `bytes` as lines of at most maxLineBytes; unless `all`, keeps back a last piece that fits. Returns bytes emitted. */
  private emitPieces(bytes: Buffer, all: boolean): number {
    let at = 0
    while (bytes.length - at > this.maxLine || (all && at < bytes.length)) {
      let cut = Math.min(at + this.maxLine, bytes.length)
      // Do not split a UTF-8 sequence: back up over continuation bytes.
      while (cut > at + 1 && cut < bytes.length && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--
      this.emitLine(bytes.subarray(at, cut))
      at = cut
    }
    return at
  }

  private flushPartial(file: OpenFile): void {
    if (file.partial.length > 0) this.emit(file.partial)
    file.partial = Buffer.alloc(0)
  }

  private emit(bytes: Buffer): void {
    if (bytes.length <= this.maxLine) this.emitLine(bytes)
    else this.emitPieces(bytes, true)
  }

  private emitLine(bytes: Buffer): void {
    let line = bytes.toString('utf8')
    if (line.endsWith('\r')) line = line.slice(0, -1)
    this.options.onLine(line)
  }

  private report(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e))
    // A lasting problem (no permission) would repeat on every poll: say it once until it changes.
    if (error.message === this.lastError) return
    this.lastError = error.message
    this.options.onError?.(error)
  }
}
