// The text of a log line as the logs view shows it: ANSI colours (read by Anser) as styled segments, search
// hits marked, transaction ids to trace, its tone from Swift's wording; everything else of the terminal is
// dropped. The result is rendered as text ({{ }}), never as HTML, so a log line cannot inject markup.

import Anser from 'anser'
import { textSeverity } from '../../../shared/log-severity'
import type { SyslogSeverity } from '../../../shared/types'
import { findTxnIds, type TxnIdMatch } from '../../../shared/txn-id'

export interface Style {
  /** A colour name (`red`, `bright-red`) mapped to a CSS class, or null for the default. */
  fg: string | null
  bg: string | null
  bold: boolean
  dim: boolean
  italic: boolean
  underline: boolean
}

export interface Segment extends Style {
  text: string
  /** Inside a search match. */
  hit: boolean
}

/** Any control character but tab and newline (ESC included): most lines have none and skip Anser. */
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/
/** What Anser leaves in: OSC sequences (window titles, links), an ESC that starts no CSI, other control characters. */
const NOISE = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b(?!\[)|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g
/** Anser's class for the 16 named colours; 256-colour and truecolour have no class of ours and keep the default. */
const NAMED = /^ansi-((?:bright-)?(?:black|red|green|yellow|blue|magenta|cyan|white))$/

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false }

const colour = (cls: string | null): string | null => (cls === null ? null : (NAMED.exec(cls)?.[1] ?? null))

interface Run {
  text: string
  style: Style
}

function runs(line: string): Run[] {
  if (!HAS_CONTROL.test(line)) return [{ text: line, style: PLAIN }]
  return Anser.ansiToJson(line.replace(NOISE, ''), { use_classes: true, remove_empty: true }).map((e) => ({
    text: e.content,
    style: {
      fg: colour(e.fg),
      bg: colour(e.bg),
      bold: e.decorations.includes('bold'),
      dim: e.decorations.includes('dim'),
      italic: e.decorations.includes('italic'),
      underline: e.decorations.includes('underline'),
    },
  }))
}

/** The text a reader sees: escapes and control characters removed. */
export function plainText(line: string): string {
  return HAS_CONTROL.test(line) ? Anser.ansiToText(line.replace(NOISE, '')) : line
}

/** A case-insensitive pattern for a search string, or null for an empty search. */
export function searchPattern(query: string): RegExp | null {
  return query === '' ? null : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')
}

/** Styled segments of a line, split where search matches begin and end (matches may span colour changes). */
export function segments(line: string, pattern: RegExp | null = null): Segment[] {
  const parts = runs(line)
  const hits: [number, number][] = []
  if (pattern)
    for (const m of parts
      .map((r) => r.text)
      .join('')
      .matchAll(pattern))
      if (m[0]) hits.push([m.index, m.index + m[0].length])
  const out: Segment[] = []
  let at = 0
  let h = 0
  for (const { text, style } of parts) {
    let from = 0
    while (from < text.length) {
      const pos = at + from
      while ((hits[h]?.[1] ?? Infinity) <= pos) h++
      const next = hits[h]
      const hit = next !== undefined && next[0] <= pos
      const edge = next === undefined ? Infinity : hit ? next[1] : next[0]
      const to = Math.min(text.length, edge - at)
      out.push({ ...style, text: text.slice(from, to), hit })
      from = to
    }
    at += text.length
  }
  return out
}

/** A line's severity as its colour says it: errors (and critical) and warnings stand out, the rest do not. */
export type LineTone = 'error' | 'warning' | null

/** A console line names its logger first (`object-server: ERROR …`): Swift's wording follows that tag. */
const CONSOLE_TAG = /^[\w.-]{1,64}: /

/**
 * The tone of a line: from the syslog severity it carries where it has one, else from Swift's wording
 * (shared/log-severity), with or without a console tag first.
 */
export function lineTone(text: string, carried?: SyslogSeverity): LineTone {
  if (carried === 'warning') return 'warning'
  if (carried === 'emerg' || carried === 'alert' || carried === 'crit' || carried === 'err') return 'error'
  const plain = plainText(text)
  const severity = textSeverity(plain) ?? (CONSOLE_TAG.test(plain) ? textSeverity(plain.replace(CONSOLE_TAG, '')) : null)
  return severity === 'warning' ? 'warning' : severity ? 'error' : null
}

/** A run of a line's segments: plain text, or a transaction id to trace. */
export interface Piece {
  txn: TxnIdMatch | null
  segments: Segment[]
}

/**
 * The segments of a line (as `segments` gives them) grouped into pieces: each transaction id in the text
 * (shared/txn-id) is a piece of its own, whatever colours or search hits it spans, so it can be one link.
 */
export function pieces(line: string, pattern: RegExp | null = null): Piece[] {
  const segs = segments(line, pattern)
  const text = segs.map((s) => s.text).join('')
  const ids = text.includes('tx') ? findTxnIds(text) : []
  if (ids.length === 0) return [{ txn: null, segments: segs }]
  const out: Piece[] = []
  const piece = (txn: TxnIdMatch | null): Piece => {
    const last = out.at(-1)
    if (last && last.txn === txn) return last
    const p: Piece = { txn, segments: [] }
    out.push(p)
    return p
  }
  let at = 0
  for (const seg of segs) {
    let from = 0
    while (from < seg.text.length) {
      const pos = at + from
      const id = ids.find((m) => m.end > pos)
      const inside = id !== undefined && id.start <= pos
      const edge = id === undefined ? Infinity : inside ? id.end : id.start
      const to = Math.min(seg.text.length, edge - at)
      piece(inside ? id : null).segments.push({ ...seg, text: seg.text.slice(from, to) })
      from = to
    }
    at += seg.text.length
  }
  return out
}
