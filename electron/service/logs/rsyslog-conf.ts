// Reads rsyslog's configuration far enough to answer one question: which files does a message with this
// facility, severity and program name end up in? Understood: legacy selector lines (`local2.*;local2.!notice
// /var/log/x`, `*`, `none`, `,` lists, `=`/`!` modifiers, `-` and `;template` on files), `&` continuation
// lines, `~`/`stop` discarding, `:property, op, "value"` filters, RainerScript `if … then … else …` with
// blocks and simple comparisons, `action(type="omfile" file=…)`, `$IncludeConfig` and `include(file=…)`, and
// UDP inputs (`$UDPServerRun`, `input(type="imudp" port=…)`). Anything else is skipped; things that may
// change routing are reported in `warnings`. Where a message goes, given a config, is rsyslog-route.ts.

import { readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { FACILITIES, facilityCode, severityCode } from './syslog-codes.js'

export type RsyslogAction = { kind: 'file'; path: string } | { kind: 'stop' } | { kind: 'other'; text: string }

export type Operand = { kind: 'var'; name: string } | { kind: 'str'; value: string } | { kind: 'array'; values: string[] }
export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'cmp'; op: string; left: Operand; right: Operand }
  | { kind: 'truthy'; operand: Operand }
  /** Something we do not evaluate (function calls, regexes); counts as false. */
  | { kind: 'unknown' }

export type Filter =
  /** One bit mask per facility code; bit n set selects severity n. */
  | { kind: 'pri'; masks: number[] }
  | { kind: 'prop'; property: string; op: string; negate: boolean; value: string }
  | { kind: 'expr'; expr: Expr }

export type Statement = { kind: 'action'; action: RsyslogAction } | { kind: 'if'; filter: Filter; then: Statement[]; else: Statement[] }

export interface RsyslogConfig {
  /** Config files read, in the order read. */
  files: string[]
  /** The default ruleset's statements, includes expanded in place. */
  statements: Statement[]
  /** UDP ports rsyslog listens on (imudp). */
  udpPorts: number[]
  warnings: string[]
}

export interface ReadOptions {
  /** Maps every path the config names (includes and output files) to where it really is; tests use a temp root. */
  mapPath?: (path: string) => string
}

const MAX_INCLUDE_DEPTH = 16

/** Reads the main config and everything it includes; null when the main file does not exist. */
export function readRsyslogConfig(mainPath = '/etc/rsyslog.conf', options: ReadOptions = {}): RsyslogConfig | null {
  let text: string
  try {
    text = readFileSync(mainPath, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  return parseRsyslogConfig(text, mainPath, options)
}

/** Parses config text; `fileName` only labels warnings. Includes are read from disk. */
export function parseRsyslogConfig(text: string, fileName: string, options: ReadOptions = {}): RsyslogConfig {
  const ctx: Context = {
    config: { files: [fileName], statements: [], udpPorts: [], warnings: [] },
    mapPath: options.mapPath ?? ((p) => p),
    depth: 0,
  }
  ctx.config.statements = parseStatements(new Source(text, fileName), ctx, false)
  return ctx.config
}

interface Context {
  config: RsyslogConfig
  mapPath: (path: string) => string
  depth: number
}

// ---------------------------------------------------------------------------------------------------------------
// Lexing

class Source {
  pos = 0
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length
  }
  peek(): string {
    return this.text[this.pos] ?? ''
  }
  where(at = this.pos): string {
    let line = 1
    for (let i = 0; i < at; i++) if (this.text.charCodeAt(i) === 10) line++
    return `${this.file}:${line}`
  }
  /** Skips blanks, newlines and comments (`#…` and C-style). */
  skipSpace(): void {
    for (;;) {
      const m = /\s+|#[^\n]*|\/\*[\s\S]*?\*\//y
      m.lastIndex = this.pos
      const hit = m.exec(this.text)
      if (!hit || hit[0].length === 0) return
      this.pos += hit[0].length
    }
  }
  /** Blanks on the current logical line only (a `\` at the end of a line continues it). */
  skipBlanks(): void {
    this.match(/(?:[ \t]|\\\r?\n)*/)
  }
  match(re: RegExp): RegExpExecArray | null {
    const sticky = new RegExp(re.source, 'y' + re.flags.replace('y', ''))
    sticky.lastIndex = this.pos
    const m = sticky.exec(this.text)
    if (m) this.pos += m[0].length
    return m
  }
  /** A bare word at the cursor, without consuming it. */
  peekWord(): string {
    const m = /[A-Za-z_][\w-]*/y
    m.lastIndex = this.pos
    return m.exec(this.text)?.[0] ?? ''
  }
  /** The rest of the logical line (a trailing `\` joins the next line), consuming its newline. */
  readLine(): string {
    let out = ''
    for (;;) {
      const nl = this.text.indexOf('\n', this.pos)
      const end = nl < 0 ? this.text.length : nl
      const piece = this.text.slice(this.pos, end).replace(/\r$/, '')
      this.pos = nl < 0 ? this.text.length : nl + 1
      if (piece.endsWith('\\') && nl >= 0) {
        out += piece.slice(0, -1)
        continue
      }
      return out + piece
    }
  }
  readString(): string {
    const quote = this.peek()
    let out = ''
    this.pos++
    while (!this.atEnd) {
      const c = this.text.charAt(this.pos++)
      if (c === quote) return out
      if (c === '\\' && !this.atEnd) {
        const n = this.text.charAt(this.pos++)
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n
      } else out += c
    }
    return out
  }
  /** From an opening bracket, returns the text up to its matching close (quotes respected) and moves past it. */
  readBalanced(open: string, close: string): string {
    const start = ++this.pos
    let depth = 1
    while (!this.atEnd) {
      const c = this.peek()
      if (c === '"' || c === "'") {
        this.readString()
        continue
      }
      if (c === '#') {
        this.match(/#[^\n]*/)
        continue
      }
      this.pos++
      if (c === open) depth++
      else if (c === close && --depth === 0) return this.text.slice(start, this.pos - 1)
    }
    return this.text.slice(start)
  }
}

/** `name="value"` and `name=["a", "b"]` pairs of an object like `action(...)`; names lowercased. */
function parseParams(text: string): Map<string, string[]> {
  const params = new Map<string, string[]>()
  const src = new Source(text, '')
  for (;;) {
    src.skipSpace()
    const name = src.match(/([\w.-]+)\s*=\s*/)
    if (!name) return params
    const values: string[] = []
    if (src.peek() === '[') {
      src.pos++
      for (;;) {
        src.skipSpace()
        const c = src.peek()
        if (c === '"' || c === "'") values.push(src.readString())
        else if (c === ',') src.pos++
        else {
          if (c === ']') src.pos++
          break
        }
      }
    } else if (src.peek() === '"' || src.peek() === "'") values.push(src.readString())
    else values.push(src.match(/[^\s,)]*/)?.[0] ?? '')
    params.set((name[1] ?? '').toLowerCase(), values)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Statements

// A legacy selector starts `fac[,fac].prio`: `local1.*`, `*.*`, `auth,authpriv.none`.
const SELECTOR_START = /[\w*-]+(?:\s*,\s*[\w*-]+)*\.[!=]*[\w*]/y
const SELECTOR = /[ \t]*([\w*-]+(?:\s*,\s*[\w*-]+)*)\.([!=]*)([\w*]+)/

function parseStatements(src: Source, ctx: Context, inBlock: boolean): Statement[] {
  const out: Statement[] = []
  // `&` lines add actions to the statement whose filter came last.
  let lastFiltered: Extract<Statement, { kind: 'if' }> | null = null
  const warn = (msg: string, at = src.pos) => void ctx.config.warnings.push(`${src.where(at)}: ${msg}`)
  for (;;) {
    src.skipSpace()
    if (src.atEnd) {
      if (inBlock) warn('missing }')
      return out
    }
    const at = src.pos
    const c = src.peek()
    if (c === '}') {
      src.pos++
      if (inBlock) return out
      warn('unexpected }', at)
      continue
    }
    if (c === '$') {
      legacyDirective(src.readLine().trim(), src, ctx, out, at)
      continue
    }
    if (c === '&') {
      src.pos++
      const action = readAction(src, ctx)
      if (lastFiltered) lastFiltered.then.push(...action)
      else warn('"&" without a filter before it', at)
      continue
    }
    if (c === ':') {
      const m = src.match(/:([\w!.-]+)\s*,\s*(!?)([\w-]+)\s*,\s*/)
      if (!m || !(src.peek() === '"' || src.peek() === "'")) {
        warn(`cannot read property filter: ${src.readLine().trim()}`, at)
        continue
      }
      const value = src.readString()
      const [, property = '', negate, op = ''] = m
      const filter: Filter = { kind: 'prop', property: property.toLowerCase(), negate: negate === '!', op: op.toLowerCase(), value }
      lastFiltered = { kind: 'if', filter, then: readAction(src, ctx), else: [] }
      out.push(lastFiltered)
      continue
    }
    SELECTOR_START.lastIndex = src.pos
    if (SELECTOR_START.test(src.text)) {
      lastFiltered = { kind: 'if', filter: readSelector(src, ctx, at), then: readAction(src, ctx), else: [] }
      out.push(lastFiltered)
      continue
    }
    const word = src.peekWord()
    if (word === 'if') {
      lastFiltered = readIf(src, ctx, at)
      out.push(lastFiltered)
      continue
    }
    if (word === 'stop' || word === 'call' || c === '/' || c === '-' || c === '~' || c === '?') {
      // An unconditional action (top level, or inside a block).
      out.push(...readAction(src, ctx))
      continue
    }
    if (word && /^\s*\(/.test(src.text.slice(src.pos + word.length, src.pos + word.length + 20))) {
      src.pos += word.length
      src.skipSpace()
      objectStatement(word.toLowerCase(), src, ctx, out, at)
      continue
    }
    if (word === 'set' || word === 'unset' || word === 'reset') {
      src.match(/[^;]*;?/)
      continue
    }
    if (word === 'foreach') {
      warn('foreach loops are not followed')
      src.match(/foreach\s*/)
      if (src.peek() === '(') src.readBalanced('(', ')')
      src.skipSpace()
      src.match(/do\s*/)
      if (src.peek() === '{') src.readBalanced('{', '}')
      continue
    }
    warn(`not understood, skipped: ${src.readLine().trim().slice(0, 80)}`, at)
  }
}

function legacyDirective(line: string, src: Source, ctx: Context, out: Statement[], at: number): void {
  const m = /^\$(\w+)\s*(.*?)\s*$/.exec(line)
  if (!m) return
  const [, directive = '', argument = ''] = m
  const name = directive.toLowerCase()
  if (name === 'includeconfig') include(argument, false, src, ctx, out, at)
  else if (name === 'udpserverrun' || name === 'inputudpserverrun') addUdpPort(argument, ctx)
}

function objectStatement(name: string, src: Source, ctx: Context, out: Statement[], at: number): void {
  const params = parseParams(src.readBalanced('(', ')'))
  const one = (key: string) => params.get(key)?.[0]
  if (name === 'include') {
    const file = one('file')
    if (file) include(file, one('mode') === 'optional', src, ctx, out, at)
    else if (params.has('text')) ctx.config.warnings.push(`${src.where(at)}: include(text=…) is not followed`)
  } else if (name === 'action') {
    out.push({ kind: 'action', action: actionObject(params, ctx) })
  } else if (name === 'input') {
    if (one('type')?.toLowerCase() === 'imudp') for (const port of params.get('port') ?? ['514']) addUdpPort(port, ctx)
  } else if (name === 'ruleset' || name === 'template') {
    src.skipSpace()
    if (src.peek() === '{') {
      // A ruleset's rules only see messages from inputs bound to it, never the default ruleset's.
      if (name === 'ruleset') {
        src.pos++
        parseStatements(src, ctx, true)
      } else src.readBalanced('{', '}')
    }
  }
}

function addUdpPort(raw: string, ctx: Context): void {
  const port = Number(raw)
  if (Number.isInteger(port) && port > 0 && port < 65536 && !ctx.config.udpPorts.includes(port)) ctx.config.udpPorts.push(port)
}

/** `$IncludeConfig` / `include(file=…)`: a file, a directory (all files in it), or a `*`/`?` glob in the last part. */
function include(pattern: string, optional: boolean, src: Source, ctx: Context, out: Statement[], at: number): void {
  const warn = (msg: string) => void ctx.config.warnings.push(`${src.where(at)}: ${msg}`)
  if (ctx.depth >= MAX_INCLUDE_DEPTH) return warn(`includes nested too deep at ${pattern}`)
  // rsyslogd runs in `/`, so a relative include is relative to it.
  const path = ctx.mapPath(resolve('/', pattern))
  let files: string[]
  try {
    if (/[*?[]/.test(basename(path))) {
      const re = globRegExp(basename(path))
      files = readdirSync(dirname(path))
        .filter((f) => re.test(f))
        .sort()
        .map((f) => join(dirname(path), f))
    } else if (statSync(path).isDirectory()) {
      files = readdirSync(path)
        .filter((f) => !f.startsWith('.'))
        .sort()
        .map((f) => join(path, f))
    } else files = [path]
  } catch (e) {
    if (!optional) warn(`cannot include ${pattern}: ${(e as Error).message}`)
    return
  }
  for (const file of files) {
    let text: string
    try {
      if (!statSync(file).isFile()) continue
      text = readFileSync(file, 'utf8')
    } catch (e) {
      warn(`cannot include ${file}: ${(e as Error).message}`)
      continue
    }
    ctx.config.files.push(file)
    ctx.depth++
    out.push(...parseStatements(new Source(text, file), ctx, false))
    ctx.depth--
  }
}

function globRegExp(glob: string): RegExp {
  let re = ''
  for (const c of glob) re += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  // Like glob(3), a wildcard does not match a leading dot.
  return new RegExp(`^(?!\\.)${re}$`)
}

function readSelector(src: Source, ctx: Context, at: number): Filter {
  const masks = new Array<number>(FACILITIES.length).fill(0)
  for (;;) {
    const m = src.match(SELECTOR)
    if (!m) break
    const [, facilityList = '', modifiers = '', prio = ''] = m
    const prioName = prio.toLowerCase()
    const negate = modifiers.includes('!')
    const single = modifiers.includes('=')
    const pri = prioName === '*' ? 'all' : prioName === 'none' ? 'none' : severityCode(prioName)
    if (pri === null) ctx.config.warnings.push(`${src.where(at)}: unknown priority ${prioName}`)
    const facilities: number[] = []
    for (const f of facilityList.split(',').map((s) => s.trim().toLowerCase())) {
      if (f === '*') facilities.push(...FACILITIES.map((_, i) => i))
      else {
        const code = facilityCode(f)
        if (code === null) ctx.config.warnings.push(`${src.where(at)}: unknown facility ${f}`)
        else facilities.push(code)
      }
    }
    // The same mask arithmetic as rsyslog's cflineProcessTradPRIFilter; later selectors override earlier ones.
    for (const f of facilities) {
      if (pri === null) continue
      if (pri === 'none') masks[f] = negate ? 0xff : 0
      else if (pri === 'all') masks[f] = negate ? 0 : 0xff
      else {
        const bits = single ? 1 << pri : (1 << (pri + 1)) - 1
        const mask = masks[f] ?? 0
        masks[f] = negate ? mask & ~bits : mask | bits
      }
    }
    if (!src.match(/[ \t]*;(?:[ \t]*\\\r?\n)?/)) break
  }
  if (!/^(\s|\\|$)/.test(src.peek()))
    ctx.config.warnings.push(`${src.where(at)}: cannot read selector before "${src.text.slice(src.pos, src.pos + 20).split('\n')[0]}"`)
  return { kind: 'pri', masks }
}

/** The action after a filter or `then`: one action, or a `{ … }` block of statements. */
function readAction(src: Source, ctx: Context): Statement[] {
  src.skipBlanks()
  const at = src.pos
  if (src.peek() === '{') {
    src.pos++
    return parseStatements(src, ctx, true)
  }
  if (src.peek() === '~') {
    src.pos++
    return [{ kind: 'action', action: { kind: 'stop' } }]
  }
  if (src.match(/stop\b/)) return [{ kind: 'action', action: { kind: 'stop' } }]
  if (src.match(/action\s*(?=\()/)) return [{ kind: 'action', action: actionObject(parseParams(src.readBalanced('(', ')')), ctx) }]
  if (src.peekWord() === 'if') return [readIf(src, ctx, at)]
  if (src.peekWord() === 'call') ctx.config.warnings.push(`${src.where(at)}: rulesets run by "call" are not followed`)
  // A legacy action: the rest of the line, minus a trailing comment.
  const text = src
    .readLine()
    .replace(/\s+#.*$/, '')
    .trim()
  if (text === '') {
    ctx.config.warnings.push(`${src.where(at)}: filter without an action`)
    return []
  }
  const file = /^-?(\/[^;]*)/.exec(text)
  const path = file?.[1]?.trim()
  return [{ kind: 'action', action: path ? { kind: 'file', path: ctx.mapPath(path) } : { kind: 'other', text } }]
}

function actionObject(params: Map<string, string[]>, ctx: Context): RsyslogAction {
  const type = params.get('type')?.[0]?.toLowerCase() ?? ''
  const file = params.get('file')?.[0]
  if (type === 'omfile' && file) return { kind: 'file', path: ctx.mapPath(file) }
  return { kind: 'other', text: `action(type="${type}")` }
}

function readIf(src: Source, ctx: Context, at: number): Extract<Statement, { kind: 'if' }> {
  src.match(/if\b/)
  const expr = new ExprParser(src, ctx).parse()
  src.skipSpace()
  if (!src.match(/then\b/)) ctx.config.warnings.push(`${src.where(at)}: "if" without "then"`)
  src.skipSpace()
  const then = readAction(src, ctx)
  const before = src.pos
  src.skipSpace()
  let otherwise: Statement[] = []
  if (src.match(/else\b/)) {
    src.skipSpace()
    otherwise = readAction(src, ctx)
  } else src.pos = before
  return { kind: 'if', filter: { kind: 'expr', expr }, then, else: otherwise }
}

// RainerScript expressions: or < and < not < comparison; operands are $properties, strings, numbers, arrays.
class ExprParser {
  constructor(
    private readonly src: Source,
    private readonly ctx: Context,
  ) {}

  parse(): Expr {
    return this.or()
  }
  private keyword(word: string): boolean {
    this.src.skipSpace()
    return this.src.match(new RegExp(`${word}\\b`, 'i')) !== null
  }
  private or(): Expr {
    let left = this.and()
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() }
    return left
  }
  private and(): Expr {
    let left = this.not()
    while (this.keyword('and')) left = { kind: 'and', left, right: this.not() }
    return left
  }
  private not(): Expr {
    if (this.keyword('not')) return { kind: 'not', expr: this.not() }
    return this.comparison()
  }
  private comparison(): Expr {
    this.src.skipSpace()
    if (this.src.peek() === '(') {
      this.src.pos++
      const inner = this.or()
      this.src.skipSpace()
      if (this.src.peek() === ')') this.src.pos++
      return inner
    }
    const left = this.operand()
    if (!left) return { kind: 'unknown' }
    this.src.skipSpace()
    const op = this.src.match(/==|!=|<>|<=|>=|<|>|(?:contains_i|contains|startswith_i|startswith)\b/i)?.[0].toLowerCase()
    if (!op) return { kind: 'truthy', operand: left }
    const right = this.operand()
    if (!right) return { kind: 'unknown' }
    return { kind: 'cmp', op, left, right }
  }
  private operand(): Operand | null {
    const src = this.src
    src.skipSpace()
    const at = src.pos
    const c = src.peek()
    if (c === '"' || c === "'") return { kind: 'str', value: src.readString() }
    const num = src.match(/-?\d+\b/)
    if (num) return { kind: 'str', value: num[0] }
    const v = src.match(/\$([\w!.@-]+)/)
    if (v?.[1]) return { kind: 'var', name: v[1].toLowerCase() }
    if (c === '[') {
      const values: string[] = []
      src.pos++
      for (;;) {
        src.skipSpace()
        const d = src.peek()
        if (d === '"' || d === "'") values.push(src.readString())
        else if (d === ',') src.pos++
        else {
          if (d === ']') src.pos++
          return { kind: 'array', values }
        }
      }
    }
    // A function call or anything else: skip it (balanced) and give up on this comparison.
    const fn = src.match(/[\w-]+\s*/)
    if (fn && src.peek() === '(') src.readBalanced('(', ')')
    this.ctx.config.warnings.push(`${src.where(at)}: expression not understood, taken as false`)
    return null
  }
}
