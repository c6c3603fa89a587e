// The parts of Python 3.11's optparse (/usr/lib/python3.11/optparse.py) that swift-init uses, rule for rule:
// `OptionParser.parse_args` (interspersed arguments, `--`, a lone `-` as an argument, clustered short flags,
// `-c2` / `-c 2` / `--config-num=2` / `--config-num 2`, unique prefixes of long options, exact errors),
// options processed in order (so `-h` before a bad option prints help and exits 0), the `int` type
// (`_parse_num`: `0x` hex, `0b` binary, a leading `0` octal, else Python's int()), and `print_help` as
// IndentedHelpFormatter lays it out (width from $COLUMNS, else 80, minus 2; option help wrapped by
// textwrap with its hyphen-breaking rules).

export interface OptionDef {
  short?: string
  long: string
  dest: string
  action: 'store_true' | 'store_false' | 'store' | 'help'
  type?: 'int' | 'string'
  /** shown for options that take a value; default: dest upper-cased */
  metavar?: string
  help: string
}

/** optparse's BadOptionError / OptionValueError / a missing argument: `prog: error: <message>`, exit 2. */
export class OptionError extends Error {}
/** `-h` / `--help` was processed: print the help, exit 0, whatever follows. */
export class HelpRequested extends Error {}

// ---- Python's int() ------------------------------------------------------------------------------------

const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g')
/** CPython refuses to convert longer decimal strings (sys.int_info.default_max_str_digits). */
const MAX_STR_DIGITS = 4300

/** A Unicode decimal digit's value: its offset in its run of ten (Unicode keeps each run contiguous from zero). */
function digitValue(ch: string): string {
  if (ch >= '0' && ch <= '9') return ch
  if (!/^\p{Nd}$/u.test(ch)) return ch
  let cp = ch.codePointAt(0) ?? 0
  let start = cp
  while (/^\p{Nd}$/u.test(String.fromCodePoint(start - 1))) start--
  cp = (cp - start) % 10
  return String(cp)
}

/** Python's `int(text, radix)` for radix 2, 8, 10 or 16; null where Python raises ValueError. */
export function pyInt(text: string, radix: 2 | 8 | 10 | 16): bigint | null {
  let s = [...text.replace(PY_STRIP, '')].map(digitValue).join('')
  let sign = 1n
  if (s.startsWith('+') || s.startsWith('-')) {
    if (s[0] === '-') sign = -1n
    s = s.slice(1)
  }
  const prefix = { 2: /^0[bB]/, 8: /^0[oO]/, 10: null, 16: /^0[xX]/ }[radix]
  let afterPrefix = false
  if (prefix?.test(s)) {
    s = s.slice(2)
    afterPrefix = true
  }
  const digit = { 2: '[01]', 8: '[0-7]', 10: '[0-9]', 16: '[0-9a-fA-F]' }[radix]
  // digits, single underscores between them (and one right after a base prefix)
  if (!new RegExp(`^${afterPrefix ? '_?' : ''}${digit}+(_${digit}+)*$`).test(s)) return null
  const digits = s.replace(/_/g, '')
  if (radix === 10 && digits.length > MAX_STR_DIGITS) return null
  const value = [...digits].reduce((acc, d) => acc * BigInt(radix) + BigInt(parseInt(d, 16)), 0n)
  return sign * value
}

/** optparse's _parse_num with int: the base from the value's first characters. */
export function parseOptparseInt(value: string): bigint | null {
  const head = value.slice(0, 2).toLowerCase()
  if (head === '0x') return pyInt(value, 16)
  if (head === '0b') return pyInt(value.slice(2) || '0', 2)
  if (value.startsWith('0')) return pyInt(value, 8)
  return pyInt(value, 10)
}

// ---- textwrap.wrap -----------------------------------------------------------------------------------

const WS = '[\\t\\n\\x0b\\x0c\\r ]'
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]'
const WP = `[\\p{L}\\p{N}_!"'&.,?]`
const LT = '[\\p{L}_]'
/** textwrap.TextWrapper.wordsep_re (break_on_hyphens): whitespace, em-dashes, and words split after their hyphens. */
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}[\\p{L}\\p{N}_])))`,
  'u',
)

/** Python's textwrap.wrap(text, width) with its defaults. */
export function wrap(text: string, width: number): string[] {
  const munged = text.replace(/\t/g, '        ').replace(/[\t\n\x0b\x0c\r]/g, ' ')
  const chunks = munged.split(WORDSEP).filter((c) => c)
  chunks.reverse()
  const lines: string[] = []
  while (chunks.length) {
    const line: string[] = []
    let len = 0
    if (lines.length && chunks.at(-1)?.trim() === '') chunks.pop()
    while (chunks.length) {
      const l = chunks.at(-1)?.length ?? 0
      if (len + l > width) break
      line.push(chunks.pop() ?? '')
      len += l
    }
    const next = chunks.at(-1)
    if (next !== undefined && next.length > width) {
      // _handle_long_word: break it, after its last hyphen in reach when there is one
      const spaceLeft = width < 1 ? 1 : width - len
      let end = spaceLeft
      const hyphen = next.lastIndexOf('-', spaceLeft - 1)
      if (next.length > spaceLeft && hyphen > 0 && /[^-]/.test(next.slice(0, hyphen))) end = hyphen + 1
      line.push(next.slice(0, end))
      chunks[chunks.length - 1] = next.slice(end)
    }
    if (line.length && line.at(-1)?.trim() === '') line.pop()
    if (line.length) lines.push(line.join(''))
  }
  return lines
}

// ---- OptionParser ------------------------------------------------------------------------------------

export class OptionParser {
  constructor(
    private readonly usageText: string,
    readonly prog: string,
    readonly options: OptionDef[],
  ) {}

  private takesValue(o: OptionDef): boolean {
    return o.action === 'store'
  }

  /** `Usage: …` and a newline, as get_usage() returns it. */
  usage(): string {
    return `Usage: ${this.usageText.replaceAll('%prog', this.prog)}\n`
  }

  /**
   * parse_args: the values of every option's dest (starting from `defaults`) and the positional arguments.
   * Throws OptionError with optparse's message, or HelpRequested where `-h` is processed.
   */
  parse(argv: string[], defaults: Record<string, unknown>): { values: Record<string, unknown>; args: string[] } {
    const values = { ...defaults }
    const largs: string[] = []
    const rargs = [...argv]
    while (rargs.length) {
      const arg = rargs[0] ?? ''
      if (arg === '--') {
        rargs.shift()
        break
      } else if (arg.startsWith('--')) {
        this.processLong(rargs, values)
      } else if (arg.startsWith('-') && arg.length > 1) {
        this.processShort(rargs, values)
      } else {
        largs.push(arg)
        rargs.shift()
      }
    }
    return { values, args: [...largs, ...rargs] }
  }

  /** _match_abbrev: an exact long option, else the only one `opt` is a prefix of. */
  private matchLong(opt: string): OptionDef {
    const exact = this.options.find((o) => o.long === opt)
    if (exact) return exact
    const possible = this.options.filter((o) => o.long.startsWith(opt))
    const [only] = possible
    if (only && possible.length === 1) return only
    if (!only) return this.noSuch(opt)
    // Python sorts str by code point
    const names = possible.map((o) => o.long).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    throw new OptionError(`ambiguous option: ${opt} (${names.join(', ')}?)`)
  }

  private noSuch(opt: string): never {
    throw new OptionError(`no such option: ${opt}`)
  }

  private processLong(rargs: string[], values: Record<string, unknown>): void {
    const arg = rargs.shift() ?? ''
    let opt = arg
    let explicit = false
    const eq = arg.indexOf('=')
    if (eq !== -1) {
      opt = arg.slice(0, eq)
      rargs.unshift(arg.slice(eq + 1))
      explicit = true
    }
    const option = this.matchLong(opt)
    let value: string | null = null
    if (this.takesValue(option)) {
      if (rargs.length < 1) throw new OptionError(`${option.long} option requires 1 argument`)
      value = rargs.shift() ?? ''
    } else if (explicit) {
      throw new OptionError(`${option.long} option does not take a value`)
    }
    this.process(option, option.long, value, values)
  }

  private processShort(rargs: string[], values: Record<string, unknown>): void {
    const arg = rargs.shift() ?? ''
    const chars = [...arg]
    for (let i = 1; i < chars.length; i++) {
      const opt = `-${chars[i]}`
      const option = this.options.find((o) => o.short === opt)
      if (!option) throw new OptionError(`no such option: ${opt}`)
      if (this.takesValue(option)) {
        if (i + 1 < chars.length) rargs.unshift(chars.slice(i + 1).join(''))
        if (rargs.length < 1) throw new OptionError(`${opt} option requires 1 argument`)
        this.process(option, opt, rargs.shift() ?? '', values)
        return
      }
      this.process(option, opt, null, values)
    }
  }

  private process(option: OptionDef, opt: string, value: string | null, values: Record<string, unknown>): void {
    switch (option.action) {
      case 'help':
        throw new HelpRequested()
      case 'store_true':
        values[option.dest] = true
        return
      case 'store_false':
        values[option.dest] = false
        return
      case 'store': {
        if (option.type !== 'int') {
          values[option.dest] = value
          return
        }
        const n = parseOptparseInt(value ?? '')
        if (n === null) throw new OptionError(`option ${opt}: invalid integer value: ${pyRepr(value ?? '')}`)
        values[option.dest] = Number(n)
      }
    }
  }

  /** print_help's text: usage, a blank line, then the options as IndentedHelpFormatter lays them out. */
  formatHelp(columns: string | undefined): string {
    let width = 80
    if (columns !== undefined) {
      const n = pyInt(columns, 10)
      if (n !== null) width = Number(n)
    }
    width -= 2
    const maxHelpPosition = Math.min(24, Math.max(width - 20, 4))
    const strings = this.options.map((o) => this.optionStrings(o))
    const maxLen = Math.max(0, ...strings.map((s) => s.length + 2))
    const helpPosition = Math.min(maxLen + 2, maxHelpPosition)
    const helpWidth = Math.max(width - helpPosition, 11)
    const out = [this.usage(), '\n', 'Options:\n']
    this.options.forEach((o, i) => {
      const opts = strings[i] ?? ''
      const optWidth = helpPosition - 2 - 2
      let indentFirst: number
      if (opts.length > optWidth) {
        out.push(`  ${opts}\n`)
        indentFirst = helpPosition
      } else {
        out.push(`  ${opts.padEnd(optWidth)}  `)
        indentFirst = 0
      }
      const lines = wrap(o.help, helpWidth)
      out.push(`${' '.repeat(indentFirst)}${lines[0] ?? ''}\n`)
      for (const line of lines.slice(1)) out.push(`${' '.repeat(helpPosition)}${line}\n`)
    })
    return out.join('')
  }

  private optionStrings(o: OptionDef): string {
    if (!this.takesValue(o)) return [o.short, o.long].filter(Boolean).join(', ')
    const metavar = o.metavar ?? o.dest.toUpperCase()
    return [o.short && `${o.short} ${metavar}`, `${o.long}=${metavar}`].filter(Boolean).join(', ')
  }
}

/** Python's repr() of a str, as optparse's `%r` prints an invalid value. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if (!isPrintable(ch))
      out +=
        cp <= 0xff
          ? `\\x${cp.toString(16).padStart(2, '0')}`
          : cp <= 0xffff
            ? `\\u${cp.toString(16).padStart(4, '0')}`
            : `\\U${cp.toString(16).padStart(8, '0')}`
    else out += ch
  }
  return `${quote}${out}${quote}`
}

/** Python's str.isprintable() for one character: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (except space). */
function isPrintable(ch: string): boolean {
  if (ch === ' ') return true
  return !/^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u.test(ch)
}
