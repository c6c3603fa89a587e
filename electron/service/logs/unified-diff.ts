// A unified diff (as `diff -u` prints it) between two texts, for showing a conf edit before it is made.

interface Line {
  text: string
  /** False for a last line without a trailing newline. */
  eol: boolean
}
type Op = { kind: ' ' | '-' | '+'; line: Line }

function splitLines(text: string): Line[] {
  if (text === '') return []
  const parts = text.split('\n')
  const lastEol = parts[parts.length - 1] === ''
  if (lastEol) parts.pop()
  return parts.map((t, i) => ({ text: t, eol: lastEol || i < parts.length - 1 }))
}

const same = (a: Line, b: Line) => a.text === b.text && a.eol === b.eol

/** Line operations turning `a` into `b`: common prefix and suffix, and a longest common subsequence between. */
function diffLines(a: Line[], b: Line[]): Op[] {
  let pre = 0
  while (pre < a.length && pre < b.length && same(a[pre]!, b[pre]!)) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && same(a[a.length - 1 - suf]!, b[b.length - 1 - suf]!)) suf++
  const am = a.slice(pre, a.length - suf)
  const bm = b.slice(pre, b.length - suf)
  // lcs[i][j]: length of the LCS of am[i..] and bm[j..]; the middle is small for a conf edit.
  const lcs = Array.from({ length: am.length + 1 }, () => new Array<number>(bm.length + 1).fill(0))
  for (let i = am.length - 1; i >= 0; i--) {
    for (let j = bm.length - 1; j >= 0; j--) {
      lcs[i]![j] = same(am[i]!, bm[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const ops: Op[] = a.slice(0, pre).map((line) => ({ kind: ' ', line }))
  let i = 0
  let j = 0
  while (i < am.length || j < bm.length) {
    if (i < am.length && j < bm.length && same(am[i]!, bm[j]!)) {
      ops.push({ kind: ' ', line: am[i++]! })
      j++
    } else if (i < am.length && (j === bm.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', line: am[i++]! })
    else ops.push({ kind: '+', line: bm[j++]! })
  }
  for (const line of a.slice(a.length - suf)) ops.push({ kind: ' ', line })
  return ops
}

/** `diff -u` output; empty when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldLabel: string, newLabel: string, context = 3): string {
  const ops = diffLines(splitLines(oldText), splitLines(newText))
  const changed = ops.map((op, k) => (op.kind !== ' ' ? k : -1)).filter((k) => k >= 0)
  if (changed.length === 0) return ''
  const out = [`--- ${oldLabel}`, `+++ ${newLabel}`]
  // Group changes whose context would touch or overlap into one hunk.
  let k = 0
  while (k < changed.length) {
    let last = k
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * context + 1) last++
    const from = Math.max(0, changed[k]! - context)
    const to = Math.min(ops.length, changed[last]! + context + 1)
    let oldStart = 1
    let newStart = 1
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldStart++
      if (op.kind !== '-') newStart++
    }
    const hunk = ops.slice(from, to)
    const oldCount = hunk.filter((op) => op.kind !== '+').length
    const newCount = hunk.filter((op) => op.kind !== '-').length
    // An empty side is numbered by the line before it, as diff does.
    out.push(`@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`)
    for (const op of hunk) {
      out.push(op.kind + op.line.text)
      if (!op.line.eol) out.push('\\ No newline at end of file')
    }
    k = last + 1
  }
  return out.join('\n') + '\n'
}
