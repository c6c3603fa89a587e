// swift-init expands a name holding `*` with `re.match(name.replace('*', '.*'), server)` over its fixed list
// of servers: the name is a Python regular expression. A backtracking engine (JavaScript's included) takes
// exponential time on some of them (`o` and dozens of `*`, `(.+)+*`), so this module parses the pattern as
// Python 3.11's `re/_parser.py` does (the same syntax and the same errors) and decides the match by dynamic
// programming over the subject's positions: for each pattern node and start position, the end positions in
// the order Python's backtracking would reach them. The cost is linear in the pattern's length (times a
// constant set by the subject's length), whatever the pattern; the subjects are server names, 20 characters
// at most. Back-references (`\1`, `(?P=name)`, `(?(1)…)`) need the captured text and are refused as
// unsupported; nothing else is.

/** A pattern Python's `re` refuses (`re.error`, or the OverflowError of a huge repeat count). */
export class PatternError extends Error {}
/** A valid pattern this matcher cannot decide (back-references); see the module comment. */
export class UnsupportedPatternError extends Error {}

const MAXREPEAT = 4294967295
const MAXGROUPS = 1073741823
const SPECIAL_CHARS = '.\\[{()*+?^$|'
const REPEAT_CHARS = '*+?{'
const isDigit = (c: string | null): boolean => c !== null && c.length === 1 && c >= '0' && c <= '9'
const isOctDigit = (c: string | null): boolean => c !== null && c.length === 1 && c >= '0' && c <= '7'
const isHexDigit = (c: string | null): boolean => c !== null && c.length === 1 && /[0-9a-fA-F]/.test(c)
const isAsciiLetter = (c: string): boolean => /^[a-zA-Z]$/.test(c)
const VERBOSE_WHITESPACE = ' \t\n\r\v\f'

interface Flags {
  ignoreCase: boolean
  ascii: boolean
  multiline: boolean
  dotall: boolean
  verbose: boolean
}
const FLAG_CHARS = 'iLmsxatu'

type Category = 'digit' | 'notDigit' | 'space' | 'notSpace' | 'word' | 'notWord'
type SetItem = { t: 'lit'; c: number } | { t: 'range'; lo: number; hi: number } | { t: 'cat'; cat: Category }
type At = 'beginning' | 'end' | 'beginningString' | 'endString' | 'boundary' | 'nonBoundary'

type Node =
  | { t: 'lit'; c: number; neg: boolean; flags: Flags }
  | { t: 'any'; flags: Flags }
  | { t: 'in'; items: SetItem[]; neg: boolean; flags: Flags }
  | { t: 'at'; at: At; flags: Flags }
  | { t: 'branch'; alts: Node[][] }
  | { t: 'group'; body: Node[]; atomic: boolean }
  | { t: 'repeat'; min: number; max: number; kind: 'greedy' | 'lazy' | 'possessive'; body: Node[]; nullable: boolean }
  /** width: the body's fixed width, for a look-behind */
  | { t: 'assert'; behind: boolean; neg: boolean; body: Node[]; width: number }
  | { t: 'groupref' }

/** re/_parser.py's Tokenizer: one character, or a backslash and the next. */
class Tokenizer {
  index = 0
  next: string | null = null
  constructor(readonly chars: string[]) {
    this.advance()
  }
  private advance(): void {
    let char = this.chars[this.index]
    if (char === undefined) {
      this.next = null
      return
    }
    let index = this.index
    if (char === '\\') {
      index += 1
      const escaped = this.chars[index]
      if (escaped === undefined) throw new PatternError('bad escape (end of pattern)')
      char += escaped
    }
    this.index = index + 1
    this.next = char
  }
  match(c: string): boolean {
    if (c === this.next) {
      this.advance()
      return true
    }
    return false
  }
  get(): string | null {
    const c = this.next
    this.advance()
    return c
  }
  getwhile(n: number, test: (c: string | null) => boolean): string {
    let result = ''
    for (let i = 0; i < n; i++) {
      const c = this.next
      if (c === null || !test(c)) break
      result += c
      this.advance()
    }
    return result
  }
  getuntil(terminator: string, name: string): string {
    let result = ''
    for (;;) {
      const c = this.next
      this.advance()
      if (c === null) throw new PatternError(result ? `missing ${terminator}, unterminated name` : `missing ${name}`)
      if (c === terminator) {
        if (!result) throw new PatternError(`missing ${name}`)
        return result
      }
      result += c
    }
  }
  tell(): number {
    return this.index - (this.next === null ? 0 : this.next.length === 2 ? 2 : 1)
  }
  seek(index: number): void {
    this.index = index
    this.advance()
  }
}

/** Python's str.isidentifier(), near enough (XID_Start / XID_Continue). */
function checkGroupName(name: string): void {
  if (!/^[\p{ID_Start}_][\p{ID_Continue}]*$/u.test(name)) throw new PatternError(`bad character in group name '${name}'`)
}

class State {
  flags: Flags = { ignoreCase: false, ascii: false, multiline: false, dotall: false, verbose: false }
  /** Python's explicit (?u), only to refuse (?au). */
  unicode = false
  groupdict = new Map<string, number>()
  /** group id → [min, max] width once closed; null while open. */
  groupwidths: ([number, number] | null)[] = [null]
  lookbehindgroups: number | null = null
  grouprefpos = new Set<number>()
  get groups(): number {
    return this.groupwidths.length
  }
  opengroup(name: string | null): number {
    const gid = this.groups
    this.groupwidths.push(null)
    if (this.groups > MAXGROUPS) throw new PatternError('too many groups')
    if (name !== null) {
      if (this.groupdict.has(name)) throw new PatternError(`redefinition of group name '${name}'`)
      this.groupdict.set(name, gid)
    }
    return gid
  }
  checkgroup(gid: number): boolean {
    return gid < this.groups && this.groupwidths[gid] !== null && this.groupwidths[gid] !== undefined
  }
  checklookbehindgroup(gid: number): void {
    if (this.lookbehindgroups !== null) {
      if (!this.checkgroup(gid)) throw new PatternError('cannot refer to an open group')
      if (gid >= this.lookbehindgroups) throw new PatternError('cannot refer to group defined in the same lookbehind subpattern')
    }
  }
}

const ESCAPES: Record<string, number> = { '\\a': 7, '\\b': 8, '\\f': 12, '\\n': 10, '\\r': 13, '\\t': 9, '\\v': 11, '\\\\': 92 }
const CATEGORY_ESCAPES: Record<string, Category> = {
  '\\d': 'digit',
  '\\D': 'notDigit',
  '\\s': 'space',
  '\\S': 'notSpace',
  '\\w': 'word',
  '\\W': 'notWord',
}
const AT_ESCAPES: Record<string, At> = { '\\A': 'beginningString', '\\b': 'boundary', '\\B': 'nonBoundary', '\\Z': 'endString' }

type Escape = { t: 'lit'; c: number } | { t: 'cat'; cat: Category } | { t: 'at'; at: At } | { t: 'groupref' }

/** The \x, \u, \U, \N and octal escapes shared by classes and expressions; null when `escape` is none of them. */
function numericEscape(source: Tokenizer, escape: string, inClass: boolean): Escape | null {
  const c = escape[1] ?? ''
  if (c === 'x' || c === 'u' || c === 'U') {
    const n = c === 'x' ? 2 : c === 'u' ? 4 : 8
    const digits = source.getwhile(n, isHexDigit)
    if (digits.length !== n) throw new PatternError(`incomplete escape ${escape}${digits}`)
    const code = parseInt(digits, 16)
    if (code > 0x10ffff) throw new PatternError(`bad escape ${escape}${digits}`)
    return { t: 'lit', c: code }
  }
  if (c === 'N') {
    if (!source.match('{')) throw new PatternError('missing {')
    source.getuntil('}', 'character name')
    // Python looks the name up in its Unicode database, which we do not carry.
    throw new UnsupportedPatternError('a \\N{...} named character')
  }
  if (inClass ? isOctDigit(c) : c === '0') {
    const digits = source.getwhile(2, isOctDigit)
    const code = parseInt(escape.slice(1) + digits, 8)
    if (inClass && code > 0o377) throw new PatternError(`octal escape value ${escape}${digits} outside of range 0-0o377`)
    return { t: 'lit', c: code }
  }
  return null
}

function classEscape(source: Tokenizer, escape: string): Escape {
  const simple = ESCAPES[escape]
  if (simple !== undefined) return { t: 'lit', c: simple }
  const cat = CATEGORY_ESCAPES[escape]
  if (cat) return { t: 'cat', cat }
  const numeric = numericEscape(source, escape, true)
  if (numeric) return numeric
  const c = escape[1] ?? ''
  if (escape.length === 2 && !isDigit(c) && !isAsciiLetter(c)) return { t: 'lit', c: c.codePointAt(0) ?? 0 }
  throw new PatternError(`bad escape ${escape}`)
}

function expressionEscape(source: Tokenizer, escape: string, state: State): Escape {
  const at = AT_ESCAPES[escape]
  if (at) return { t: 'at', at }
  const cat = CATEGORY_ESCAPES[escape]
  if (cat) return { t: 'cat', cat }
  const simple = ESCAPES[escape]
  if (simple !== undefined) return { t: 'lit', c: simple }
  const numeric = numericEscape(source, escape, false)
  if (numeric) return numeric
  const c = escape[1] ?? ''
  if (isDigit(c)) {
    // an octal escape, or a group reference (sigh, says Python)
    if (isDigit(source.next)) {
      escape += source.get() ?? ''
      const [d1, d2] = [escape[1] ?? '', escape[2] ?? '']
      if (isOctDigit(d1) && isOctDigit(d2) && isOctDigit(source.next)) {
        escape += source.get() ?? ''
        const code = parseInt(escape.slice(1), 8)
        if (code > 0o377) throw new PatternError(`octal escape value ${escape} outside of range 0-0o377`)
        return { t: 'lit', c: code }
      }
    }
    const group = Number(escape.slice(1))
    if (group < state.groups) {
      if (!state.checkgroup(group)) throw new PatternError('cannot refer to an open group')
      state.checklookbehindgroup(group)
      return { t: 'groupref' }
    }
    throw new PatternError(`invalid group reference ${group}`)
  }
  if (escape.length === 2 && !isAsciiLetter(c)) return { t: 'lit', c: c.codePointAt(0) ?? 0 }
  throw new PatternError(`bad escape ${escape}`)
}

/** Width [min, max] of a sequence, as SubPattern.getwidth() computes it (for look-behind). */
function width(nodes: Node[], state: State): [number, number] {
  let lo = 0
  let hi = 0
  for (const n of nodes) {
    let w: [number, number]
    switch (n.t) {
      case 'branch': {
        let i = MAXREPEAT - 1
        let j = 0
        for (const alt of n.alts) {
          const [l, h] = width(alt, state)
          i = Math.min(i, l)
          j = Math.max(j, h)
        }
        w = [i, j]
        break
      }
      case 'group':
        w = width(n.body, state)
        break
      case 'repeat': {
        const [i, j] = width(n.body, state)
        w = [i * n.min, j * n.max]
        break
      }
      case 'lit':
      case 'any':
      case 'in':
        w = [1, 1]
        break
      default:
        w = [0, 0]
    }
    lo += w[0]
    hi += w[1]
  }
  return [Math.min(lo, MAXREPEAT - 1), Math.min(hi, MAXREPEAT)]
}

const FLAG_NAMES: Record<string, keyof Flags> = { i: 'ignoreCase', m: 'multiline', s: 'dotall', x: 'verbose', a: 'ascii' }

/** `(?aiLmsux)` after its first letter: null for global flags (applied to state), else the scoped ones. */
function parseFlags(source: Tokenizer, state: State, first: string): { add: Set<string>; del: Set<string> } | null {
  const add = new Set<string>()
  const del = new Set<string>()
  const flagError = (c: string, missing: string) => new PatternError(/^\p{L}$/u.test(c) ? 'unknown flag' : missing)
  let char: string | null = first
  if (char !== '-') {
    for (;;) {
      if (char === 'L') throw new PatternError("bad inline flags: cannot use 'L' flag with a str pattern")
      add.add(char)
      if (add.has('a') && add.has('u')) throw new PatternError("bad inline flags: flags 'a', 'u' and 'L' are incompatible")
      char = source.get()
      if (char === null) throw new PatternError('missing -, : or )')
      if (')-:'.includes(char)) break
      if (!FLAG_CHARS.includes(char)) throw flagError(char, 'missing -, : or )')
    }
  }
  if (char === ')') {
    for (const f of add) {
      const name = FLAG_NAMES[f]
      if (name) state.flags[name] = true
    }
    if (add.has('u')) state.unicode = true
    if (state.unicode && state.flags.ascii) throw new PatternError('ASCII and UNICODE flags are incompatible')
    return null
  }
  if (add.has('t')) throw new PatternError('bad inline flags: cannot turn on global flag')
  if (char === '-') {
    char = source.get()
    if (char === null) throw new PatternError('missing flag')
    if (!FLAG_CHARS.includes(char)) throw flagError(char, 'missing flag')
    for (;;) {
      if ('auL'.includes(char)) throw new PatternError("bad inline flags: cannot turn off flags 'a', 'u' and 'L'")
      del.add(char)
      char = source.get()
      if (char === null) throw new PatternError('missing :')
      if (char === ':') break
      if (!FLAG_CHARS.includes(char)) throw flagError(char, 'missing :')
    }
  }
  if (del.has('t')) throw new PatternError('bad inline flags: cannot turn off global flag')
  for (const f of add) if (del.has(f)) throw new PatternError('bad inline flags: flag turned on and off')
  return { add, del }
}

function parseSub(source: Tokenizer, state: State, flags: Flags, nested: number): Node[] {
  const items: Node[][] = []
  let current = flags
  for (;;) {
    items.push(parseSeq(source, state, current, nested + 1, !nested && items.length === 0))
    if (!source.match('|')) break
    // global flags set at the start apply to the later branches too
    if (!nested) current = { ...state.flags }
  }
  const [only] = items
  if (items.length === 1 && only) return only
  return [{ t: 'branch', alts: items }]
}

function parseSeq(source: Tokenizer, state: State, flags: Flags, nested: number, first: boolean): Node[] {
  const seq: Node[] = []
  for (;;) {
    const self = source.next
    if (self === null || self === '|' || self === ')') break
    source.get()
    if (flags.verbose) {
      if (VERBOSE_WHITESPACE.includes(self)) continue
      if (self === '#') {
        for (;;) {
          const c = source.get()
          if (c === null || c === '\n') break
        }
        continue
      }
    }
    if (self[0] === '\\') {
      const e = expressionEscape(source, self, state)
      if (e.t === 'lit') seq.push({ t: 'lit', c: e.c, neg: false, flags })
      else if (e.t === 'cat') seq.push({ t: 'in', items: [e], neg: false, flags })
      else if (e.t === 'at') seq.push({ t: 'at', at: e.at, flags })
      else seq.push({ t: 'groupref' })
    } else if (!SPECIAL_CHARS.includes(self)) {
      seq.push({ t: 'lit', c: self.codePointAt(0) ?? 0, neg: false, flags })
    } else if (self === '[') {
      seq.push(parseClass(source, flags))
    } else if (REPEAT_CHARS.includes(self)) {
      const here = source.tell()
      let min = 0
      let max = MAXREPEAT
      if (self === '?') max = 1
      else if (self === '+') min = 1
      else if (self === '{') {
        if (source.next === '}') {
          seq.push({ t: 'lit', c: 123, neg: false, flags })
          continue
        }
        let lo = ''
        let hi = ''
        while (isDigit(source.next)) lo += source.get() ?? ''
        if (source.match(',')) while (isDigit(source.next)) hi += source.get() ?? ''
        else hi = lo
        if (!source.match('}')) {
          seq.push({ t: 'lit', c: 123, neg: false, flags })
          source.seek(here)
          continue
        }
        if (lo) {
          min = Number(lo)
          if (min >= MAXREPEAT) throw new PatternError('the repetition number is too large')
        }
        if (hi) {
          max = Number(hi)
          if (max >= MAXREPEAT) throw new PatternError('the repetition number is too large')
          if (max < min) throw new PatternError('min repeat greater than max repeat')
        }
      }
      const item = seq.at(-1)
      if (!item || item.t === 'at') throw new PatternError('nothing to repeat')
      if (item.t === 'repeat') throw new PatternError('multiple repeat')
      const kind = source.match('?') ? 'lazy' : source.match('+') ? 'possessive' : 'greedy'
      seq[seq.length - 1] = { t: 'repeat', min, max, kind, body: [item], nullable: width([item], state)[0] === 0 }
    } else if (self === '.') {
      seq.push({ t: 'any', flags })
    } else if (self === '(') {
      const group = parseGroup(source, state, flags, nested, first && seq.length === 0)
      if (group === 'flags') flags = { ...state.flags }
      else if (group) seq.push(group)
    } else if (self === '^') {
      seq.push({ t: 'at', at: 'beginning', flags })
    } else if (self === '$') {
      seq.push({ t: 'at', at: 'end', flags })
    }
  }
  return seq
}

function parseClass(source: Tokenizer, flags: Flags): Node {
  const items: SetItem[] = []
  const negate = source.match('^')
  for (;;) {
    const self = source.get()
    if (self === null) throw new PatternError('unterminated character set')
    if (self === ']' && items.length) break
    const code1: Escape = self[0] === '\\' ? classEscape(source, self) : { t: 'lit', c: self.codePointAt(0) ?? 0 }
    if (source.match('-')) {
      const that = source.get()
      if (that === null) throw new PatternError('unterminated character set')
      if (that === ']') {
        items.push(code1 as SetItem, { t: 'lit', c: 45 })
        break
      }
      const code2: Escape = that[0] === '\\' ? classEscape(source, that) : { t: 'lit', c: that.codePointAt(0) ?? 0 }
      if (code1.t !== 'lit' || code2.t !== 'lit' || code2.c < code1.c) throw new PatternError(`bad character range ${self}-${that}`)
      items.push({ t: 'range', lo: code1.c, hi: code2.c })
    } else {
      items.push(code1 as SetItem)
    }
  }
  return { t: 'in', items, neg: negate, flags }
}

/** A group after its `(`: a node, null for a comment, or 'flags' for global flags. */
function parseGroup(source: Tokenizer, state: State, flags: Flags, nested: number, first: boolean): Node | null | 'flags' {
  let capture = true
  let atomic = false
  let name: string | null = null
  let subFlags = flags
  if (source.match('?')) {
    const char = source.get()
    if (char === null) throw new PatternError('unexpected end of pattern')
    if (char === 'P') {
      if (source.match('<')) {
        name = source.getuntil('>', 'group name')
        checkGroupName(name)
      } else if (source.match('=')) {
        const ref = source.getuntil(')', 'group name')
        checkGroupName(ref)
        const gid = state.groupdict.get(ref)
        if (gid === undefined) throw new PatternError(`unknown group name '${ref}'`)
        if (!state.checkgroup(gid)) throw new PatternError('cannot refer to an open group')
        state.checklookbehindgroup(gid)
        return { t: 'groupref' }
      } else {
        const c = source.get()
        if (c === null) throw new PatternError('unexpected end of pattern')
        throw new PatternError(`unknown extension ?P${c}`)
      }
    } else if (char === ':') {
      capture = false
    } else if (char === '#') {
      for (;;) {
        if (source.next === null) throw new PatternError('missing ), unterminated comment')
        if (source.get() === ')') return null
      }
    } else if ('=!<'.includes(char)) {
      let kind = char
      let behind = false
      let outerLookbehind: number | null = null
      if (char === '<') {
        const c = source.get()
        if (c === null) throw new PatternError('unexpected end of pattern')
        if (!'=!'.includes(c)) throw new PatternError(`unknown extension ?<${c}`)
        kind = c
        behind = true
        outerLookbehind = state.lookbehindgroups
        if (outerLookbehind === null) state.lookbehindgroups = state.groups
      }
      const body = parseSub(source, state, flags, nested + 1)
      if (behind && outerLookbehind === null) state.lookbehindgroups = null
      if (!source.match(')')) throw new PatternError('missing ), unterminated subpattern')
      const [lo, hi] = width(body, state)
      if (behind && lo !== hi) throw new PatternError('look-behind requires fixed-width pattern')
      return { t: 'assert', behind, neg: kind === '!', body, width: lo }
    } else if (char === '(') {
      const condname = source.getuntil(')', 'group name')
      if (/^[\p{ID_Start}_][\p{ID_Continue}]*$/u.test(condname)) {
        if (!state.groupdict.has(condname)) throw new PatternError(`unknown group name '${condname}'`)
      } else {
        if (!/^\p{Nd}+$/u.test(condname)) throw new PatternError(`bad character in group name '${condname}'`)
        const n = Number(condname)
        if (!n) throw new PatternError('bad group number')
        if (n >= MAXGROUPS) throw new PatternError(`invalid group reference ${n}`)
        state.grouprefpos.add(n)
      }
      parseSeq(source, state, flags, nested + 1, false)
      if (source.match('|')) {
        parseSeq(source, state, flags, nested + 1, false)
        if (source.next === '|') throw new PatternError('conditional backref with more than two branches')
      }
      if (!source.match(')')) throw new PatternError('missing ), unterminated subpattern')
      return { t: 'groupref' }
    } else if (char === '>') {
      capture = false
      atomic = true
    } else if (FLAG_CHARS.includes(char) || char === '-') {
      const parsed = parseFlags(source, state, char)
      if (parsed === null) {
        if (!first) throw new PatternError('global flags not at the start of the expression')
        return 'flags'
      }
      subFlags = { ...flags }
      for (const f of parsed.add) {
        const name = FLAG_NAMES[f]
        if (name) subFlags[name] = true
      }
      for (const f of parsed.del) {
        const name = FLAG_NAMES[f]
        if (name) subFlags[name] = false
      }
      capture = false
    } else {
      throw new PatternError(`unknown extension ?${char}`)
    }
  }
  const gid = capture ? state.opengroup(name) : null
  const body = parseSub(source, state, subFlags, nested + 1)
  if (!source.match(')')) throw new PatternError('missing ), unterminated subpattern')
  if (gid !== null) state.groupwidths[gid] = width(body, state)
  return { t: 'group', body, atomic }
}

export interface CompiledPattern {
  /** Python's `bool(re.match(pattern, subject))`. */
  match(subject: string): boolean
}

/**
 * Compiles a pattern as Python 3.11's `re.compile(pattern)` does.
 * Throws PatternError where Python raises re.error (or OverflowError, or RecursionError for absurd nesting),
 * UnsupportedPatternError for back-references. Cost: linear in the pattern's length; each match is linear
 * in the pattern's length too, with a factor that grows with the subject's length (cubed at worst).
 */
export function compilePattern(pattern: string): CompiledPattern {
  let nodes: Node[]
  try {
    const state = new State()
    const source = new Tokenizer([...pattern])
    nodes = parseSub(source, state, state.flags, 0)
    if (source.next !== null) throw new PatternError('unbalanced parenthesis')
    for (const g of state.grouprefpos) if (g >= state.groups) throw new PatternError(`invalid group reference ${g}`)
  } catch (e) {
    if (e instanceof RangeError) throw new PatternError('too deeply nested')
    throw e
  }
  if (hasGroupRef(nodes)) throw new UnsupportedPatternError('a back-reference')
  return { match: (subject) => new Matcher(subject).sequence(nodes, 0).length > 0 }
}

function hasGroupRef(nodes: Node[]): boolean {
  return nodes.some((n) => {
    switch (n.t) {
      case 'groupref':
        return true
      case 'branch':
        return n.alts.some(hasGroupRef)
      case 'group':
      case 'repeat':
      case 'assert':
        return hasGroupRef(n.body)
      default:
        return false
    }
  })
}

// ---- matching ----------------------------------------------------------------------------------------

/** For IGNORECASE: the characters besides the upper case that fold to an ASCII letter (re/_casefix.py). */
const EXTRA_FOLDS: Record<string, number[]> = { i: [0x130, 0x131], k: [0x212a], s: [0x17f] }

/** Python's simple lower-case mapping of one character (ASCII only under the ASCII flag). */
function lower(c: number, flags: Flags): number {
  if (flags.ascii) return c >= 65 && c <= 90 ? c + 32 : c
  if (c === 0x130) return 0x69
  const l = [...String.fromCodePoint(c).toLowerCase()]
  return l.length === 1 ? (l[0]?.codePointAt(0) ?? c) : c
}

/** The code points that match the subject character `ch` where the pattern names them. */
function equivalents(ch: string, flags: Flags): number[] {
  const c = ch.codePointAt(0) ?? 0
  if (!flags.ignoreCase) return [c]
  const out = [c, ch.toUpperCase().codePointAt(0) ?? c, ch.toLowerCase().codePointAt(0) ?? c]
  if (!flags.ascii) out.push(...(EXTRA_FOLDS[ch.toLowerCase()] ?? []))
  return out
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /^[\p{L}\p{N}_]$/u.test(ch)
const isSpace = (ch: string): boolean => /^[\s\x1c-\x1f\x85]$/u.test(ch)

function inCategory(ch: string, cat: Category): boolean {
  switch (cat) {
    case 'digit':
      return /^\p{Nd}$/u.test(ch)
    case 'notDigit':
      return !/^\p{Nd}$/u.test(ch)
    case 'space':
      return isSpace(ch)
    case 'notSpace':
      return !isSpace(ch)
    case 'word':
      return isWordChar(ch)
    case 'notWord':
      return !isWordChar(ch)
  }
}

type Repeat = Extract<Node, { t: 'repeat' }>

/**
 * Matching on one subject: every function returns the end positions reachable from a start position, in the
 * order Python's backtracking reaches them, each once (only the first matters to an atomic group or a
 * possessive repeat; any at all to re.match). Results are memoised per node and position.
 */
class Matcher {
  private readonly chars: string[]
  private readonly memo = new Map<object, Map<string | number, number[]>>()
  constructor(subject: string) {
    this.chars = [...subject]
  }

  private cached(owner: object, key: string | number, compute: () => number[]): number[] {
    let row = this.memo.get(owner)
    if (!row) this.memo.set(owner, (row = new Map<string | number, number[]>()))
    let value = row.get(key)
    if (!value) row.set(key, (value = compute()))
    return value
  }

  /** A sequence, node after node; iterative, so that a long pattern needs no deep stack. */
  sequence(nodes: Node[], i: number): number[] {
    return this.cached(nodes, i, () => {
      let ends = [i]
      for (const node of nodes) {
        if (ends.length === 0) break
        ends = dedupe(ends.flatMap((j) => this.node(node, j)))
      }
      return ends
    })
  }

  private node(n: Node, i: number): number[] {
    const ch = this.chars[i]
    switch (n.t) {
      case 'lit': {
        if (ch === undefined) return []
        const target = n.flags.ignoreCase ? lower(n.c, n.flags) : n.c
        const hit = equivalents(ch, n.flags).some((c) => (n.flags.ignoreCase ? lower(c, n.flags) : c) === target)
        return hit !== n.neg ? [i + 1] : []
      }
      case 'any':
        return ch !== undefined && (ch !== '\n' || n.flags.dotall) ? [i + 1] : []
      case 'in': {
        if (ch === undefined) return []
        const eq = equivalents(ch, n.flags)
        const hit = n.items.some((item) =>
          item.t === 'cat'
            ? inCategory(ch, item.cat)
            : item.t === 'lit'
              ? eq.some((c) => c === item.c || (n.flags.ignoreCase && lower(c, n.flags) === lower(item.c, n.flags)))
              : eq.some((c) => c >= item.lo && c <= item.hi),
        )
        return hit !== n.neg ? [i + 1] : []
      }
      case 'at':
        return this.at(n.at, i, n.flags) ? [i] : []
      case 'branch':
        return this.cached(n, i, () => dedupe(n.alts.flatMap((alt) => this.sequence(alt, i))))
      case 'group': {
        const ends = this.sequence(n.body, i)
        return n.atomic ? ends.slice(0, 1) : ends
      }
      case 'repeat':
        return this.repeat(n, i, 0)
      case 'assert': {
        const hit = n.behind ? i - n.width >= 0 && this.sequence(n.body, i - n.width).includes(i) : this.sequence(n.body, i).length > 0
        return hit !== n.neg ? [i] : []
      }
      case 'groupref':
        return []
    }
  }

  /** Ends of a repeat at position i with `count` iterations done: another iteration first (greedy) or last (lazy). */
  private repeat(n: Repeat, i: number, count: number): number[] {
    // a nullable body's mandatory iterations beyond the subject's length can all be empty: they change nothing
    const min = n.nullable ? Math.min(n.min, this.chars.length + 1) : n.min
    if (!n.nullable && min - count > this.chars.length - i) return []
    // past min, an unbounded repeat's count no longer matters: one memo entry per position
    const key = `${count >= min && n.max >= MAXREPEAT ? min : count}:${i}`
    return this.cached(n, key, () => {
      const more =
        count < n.max
          ? this.sequence(n.body, i)
              .filter((j) => j !== i || count < min)
              .flatMap((j) => this.repeat(n, j, count + 1))
          : []
      const stop = count >= min ? [i] : []
      const ends = dedupe(n.kind === 'lazy' ? [...stop, ...more] : [...more, ...stop])
      return n.kind === 'possessive' ? ends.slice(0, 1) : ends
    })
  }

  private at(at: At, i: number, flags: Flags): boolean {
    const n = this.chars.length
    switch (at) {
      case 'beginning':
        return i === 0 || (flags.multiline && this.chars[i - 1] === '\n')
      case 'end':
        return i === n || (i === n - 1 && this.chars[i] === '\n') || (flags.multiline && this.chars[i] === '\n')
      case 'beginningString':
        return i === 0
      case 'endString':
        return i === n
      case 'boundary':
        return n > 0 && isWordChar(this.chars[i - 1]) !== isWordChar(this.chars[i])
      case 'nonBoundary':
        return n > 0 && isWordChar(this.chars[i - 1]) === isWordChar(this.chars[i])
    }
  }
}

function dedupe(xs: number[]): number[] {
  return xs.length < 2 ? xs : [...new Set(xs)]
}
