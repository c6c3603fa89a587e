// Swift's transaction ids in log lines, and the trace of one request through every instance's lines.
//
// swift/common/utils.py generate_trans_id: 'tx%s-%010x%s' % (uuid4().hex[:21], int(time.time()),
// quote(trans_id_suffix)); the proxy (swift/proxy/server.py) and catch_errors make the suffix from the
// proxy's trans_id_suffix and the client's X-Trans-Id-Extra (`-` + its first 32 characters), URL-quoted with
// only `/` safe. The id travels to the storage servers as X-Trans-Id and appears in their access lines, in
// the proxy's access line (quoted once more: `%` shows as `%25`) and in any line Swift's logger writes while
// serving the request (` (txn: …)`). So one id has two spellings; `txnKey` maps both to one.

import { parseAccessLine, type AccessLine } from './access-line.js'

/** The id's own characters: `tx`, 21 hex, `-`, 10 hex (epoch seconds), then a quoted suffix. */
const TXN = /tx[0-9a-f]{21}-[0-9a-f]{10}[\w.~/%-]*/g

export interface TxnIdMatch {
  /** As it appears in the line. */
  id: string
  /** The same for both spellings of one id (see txnKey): what to trace. */
  key: string
  /** Offsets of the id in the line, for making it clickable. */
  start: number
  end: number
}

/** One id spelled either way: every `%25` undone until none is left (an id's own `%` only ever starts `%XX`). */
export function txnKey(id: string): string {
  let key = id
  while (key.includes('%25')) key = key.replaceAll('%25', '%')
  return key
}

/** Every transaction id in a line, in order. */
export function findTxnIds(text: string): TxnIdMatch[] {
  return [...text.matchAll(TXN)].map((m) => ({ id: m[0], key: txnKey(m[0]), start: m.index, end: m.index + m[0].length }))
}

/** When the proxy stamped the id (its 10 hex digits, whole seconds), epoch ms; null when not an id. */
export function txnTime(id: string): number | null {
  const m = /^tx[0-9a-f]{21}-([0-9a-f]{10})/.exec(id)
  return m?.[1] === undefined ? null : parseInt(m[1], 16) * 1000
}

export interface BufferedLine {
  instanceId: string
  line: { ts: number; text: string }
}

export interface TraceLine {
  instanceId: string
  /** The line's timestamp (its log time, or when the panel got it), epoch ms. */
  ts: number
  text: string
  /** The access line it is, with method, path, status and timings; null for other lines (errors, warnings). */
  access: AccessLine | null
}

export interface Trace {
  /** The key traced (txnKey of what was asked). */
  txnId: string
  /** When the proxy stamped the id, epoch ms (whole seconds); null when it is not a well-formed id. */
  stampedAt: number | null
  /** Every line holding the id, in time order (lines with equal times in the order given). */
  lines: TraceLine[]
  /** The client's request as the proxy logged it (the proxy access line without a `source`); null if not buffered. */
  request: { instanceId: string; access: AccessLine } | null
}

/** Every buffered line that holds this transaction id (either spelling), tagged with its instance, in time order. */
export function traceTxn(txnId: string, lines: Iterable<BufferedLine>): Trace {
  const key = txnKey(txnId)
  const found: TraceLine[] = []
  for (const { instanceId, line } of lines) {
    // cheap test first: most lines do not hold the id's random part at all
    if (!line.text.includes(key.slice(0, 23))) continue
    if (!findTxnIds(line.text).some((m) => m.key === key)) continue
    found.push({ instanceId, ts: line.ts, text: line.text, access: parseAccessLine(line.text) })
  }
  const ordered = found.map((l, i) => [l, i] as const).sort(([a, i], [b, j]) => a.ts - b.ts || i - j)
  const sorted = ordered.map(([l]) => l)
  const client = sorted.find((l) => l.access?.kind === 'proxy' && l.access.source === null)
  return {
    txnId: key,
    stampedAt: txnTime(key),
    lines: sorted,
    request: client?.access ? { instanceId: client.instanceId, access: client.access } : null,
  }
}
