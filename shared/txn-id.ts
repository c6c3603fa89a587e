// Swift's transaction ids: what one looks like, where they are in a line, and the one key for its two
// spellings. The service traces them (electron/service/insight/txn-trace.ts), the contract validates them,
// the renderer makes them links: all by this one rule. Plain data, no I/O.
//
// swift/common/utils.py generate_trans_id: 'tx%s-%010x%s' % (uuid4().hex[:21], int(time.time()),
// quote(trans_id_suffix)); the proxy (swift/proxy/server.py) and catch_errors make the suffix from the
// proxy's trans_id_suffix and the client's X-Trans-Id-Extra (`-` + its first 32 characters), URL-quoted with
// only `/` safe. The id travels to the storage servers as X-Trans-Id and appears in their access lines, in
// the proxy's access line (quoted once more: `%` shows as `%25`) and in any line Swift's logger writes while
// serving the request (` (txn: …)`). So one id has two spellings; `txnKey` maps both to one.

/** The id's own characters: `tx`, 21 hex, `-`, 10 hex (epoch seconds), then a quoted suffix. */
const TXN_SOURCE = 'tx[0-9a-f]{21}-[0-9a-f]{10}[\\w.~/%-]*'
const TXN = new RegExp(TXN_SOURCE, 'g')

/** A whole string that is one id, as a request names it (its suffix at most 160 characters). */
export const TXN_ID_PATTERN = /^tx[0-9a-f]{21}-[0-9a-f]{10}[\w.~/%-]{0,160}$/
/** The longest id TXN_ID_PATTERN takes. */
export const TXN_ID_MAX = 194

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
