// ANSI escapes in daemon output: SGR colours become styled segments, everything else is dropped. The result
// is rendered as text ({{ }}), never as HTML, so a log line cannot inject markup.

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

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const
/** CSI sequences (SGR is the `m` one), OSC sequences (window titles, links), then any other control character. */
const ESCAPES = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f]/g
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false }

/** 256-colour indexes 0-15 are the named colours; the rest have no class of ours and keep the default. */
function extended(codes: number[], at: number): { colour: string | null | undefined; skip: number } {
  if (codes[at + 1] === 5) {
    const n = codes[at + 2] ?? -1
    return { colour: n >= 0 && n < 8 ? NAMES[n] : n >= 8 && n < 16 ? `bright-${NAMES[n - 8]}` : undefined, skip: 2 }
  }
  if (codes[at + 1] === 2) return { colour: undefined, skip: 4 }
  return { colour: undefined, skip: 0 }
}

function applySgr(style: Style, params: string): Style {
  const s = { ...style }
  const codes = (params === '' ? '0' : params).split(/[;:]/).map((c) => (c === '' ? 0 : Number(c)))
  for (let k = 0; k < codes.length; k++) {
    const c = codes[k]!
    if (c === 0) Object.assign(s, PLAIN)
    else if (c === 1) s.bold = true
    else if (c === 2) s.dim = true
    else if (c === 3) s.italic = true
    else if (c === 4) s.underline = true
    else if (c === 22) s.bold = s.dim = false
    else if (c === 23) s.italic = false
    else if (c === 24) s.underline = false
    else if (c >= 30 && c <= 37) s.fg = NAMES[c - 30]!
    else if (c === 39) s.fg = null
    else if (c >= 40 && c <= 47) s.bg = NAMES[c - 40]!
    else if (c === 49) s.bg = null
    else if (c >= 90 && c <= 97) s.fg = `bright-${NAMES[c - 90]}`
    else if (c >= 100 && c <= 107) s.bg = `bright-${NAMES[c - 100]}`
    else if (c === 38 || c === 48) {
      const { colour, skip } = extended(codes, k)
      if (colour !== undefined) s[c === 38 ? 'fg' : 'bg'] = colour
      k += skip
    }
  }
  return s
}

interface Run {
  text: string
  style: Style
}

function runs(line: string): Run[] {
  const out: Run[] = []
  let style = PLAIN
  let last = 0
  for (const m of line.matchAll(ESCAPES)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), style })
    if (m[2] === 'm') style = applySgr(style, m[1]!)
    last = m.index + m[0].length
  }
  if (last < line.length) out.push({ text: line.slice(last), style })
  return out
}

/** The text a reader sees: escapes and control characters removed. */
export function plainText(line: string): string {
  return HAS_CONTROL.test(line) ? line.replace(ESCAPES, '') : line
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
      while (h < hits.length && hits[h]![1] <= pos) h++
      const hit = h < hits.length && hits[h]![0] <= pos
      const edge = h < hits.length ? (hit ? hits[h]![1] : hits[h]![0]) : Infinity
      const to = Math.min(text.length, edge - at)
      out.push({ ...style, text: text.slice(from, to), hit })
      from = to
    }
    at += text.length
  }
  return out
}
