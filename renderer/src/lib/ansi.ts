// ANSI SGR colours to styled spans. Text stays text (rendered with {{ }}), never HTML.

export interface Span {
  text: string
  fg: string | null
  bold: boolean
}

const BASE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white']

export function ansiSpans(line: string): Span[] {
  const spans: Span[] = []
  let fg: string | null = null
  let bold = false
  const re = /\x1b\[([\d;]*)m/g
  let last = 0
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m.index > last) spans.push({ text: line.slice(last, m.index), fg, bold })
    for (const code of (m[1] || '0').split(';').map(Number)) {
      if (code === 0) [fg, bold] = [null, false]
      else if (code === 1) bold = true
      else if (code === 22) bold = false
      else if (code === 39) fg = null
      else if (code >= 30 && code <= 37) fg = BASE[code - 30]!
      else if (code >= 90 && code <= 97) fg = `bright-${BASE[code - 90]}`
    }
    last = re.lastIndex
  }
  if (last < line.length) spans.push({ text: line.slice(last), fg, bold })
  // other escape sequences (cursor moves…) are dropped, not shown as garbage
  return spans.map((s) => ({ ...s, text: s.text.replace(/\x1b\[[\d;?]*[A-Za-z]/g, '') })).filter((s) => s.text)
}

export const stripAnsi = (line: string): string => line.replace(/\x1b\[[\d;?]*[A-Za-z]/g, '')
