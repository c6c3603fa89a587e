// The text of a log line as the logs view shows it: ANSI colours (read by Anser) as styled segments, search
// hits marked, everything else of the terminal dropped. The result is rendered as text ({{ }}), never as
// HTML, so a log line cannot inject markup.

import Anser from 'anser'

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
