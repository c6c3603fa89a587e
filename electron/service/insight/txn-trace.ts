// The trace of one request through every instance's lines. What a transaction id looks like, and its two
// spellings (the proxy's access line quotes it once more), is shared/txn-id.ts: the renderer links ids by the
// same rule.

import { findTxnIds, txnKey, txnTime } from '../../../shared/txn-id.js'
import { parseAccessLine, type AccessLine } from './access-line.js'

export { findTxnIds, txnKey, txnTime, type TxnIdMatch } from '../../../shared/txn-id.js'

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
