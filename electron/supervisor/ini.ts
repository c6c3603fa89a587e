// Swift's config dialect: Python 3.11's configparser.ConfigParser as swift.common.utils.readconf uses it
// (configparser.py `_read`, `_join_multiline_values`, `BasicInterpolation`; swift's `NicerInterpolation`,
// `read_conf_dir`). Keys are lower-cased (configparser's optionxform); `[DEFAULT]` shows through every
// section; `key = value` or `key: value`; whole-line `#`/`;` comments (no inline comments); a value goes on
// over lines indented deeper than its first, blank lines included; a header is recognised indented too,
// unless it continues a value; a section or option twice in one file is an error (strict); a `.conf.d`
// directory is its `*.conf` entries (not dotfiles) read in sorted order, later values winning, unreadable
// ones skipped.

import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync, constants as fsConstants } from 'node:fs'
import { join } from 'node:path'

export type Section = Record<string, string>
export interface Ini {
  defaults: Section
  sections: Map<string, Section>
}

/** Why a conf could not be used, in Python's terms: `unreadable` is IOError, `malformed` a configparser.Error, `value` a ValueError. */
export class ConfError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'malformed' | 'value',
    message: string,
  ) {
    super(message)
  }
}

/** Python's str.isspace() characters: what str.strip() removes and `\s` matches. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const LEADING = new RegExp(`^[${PY_SPACE}]+`)
const TRAILING = new RegExp(`[${PY_SPACE}]+$`)
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`)
/** configparser's OPTCRE: the option is everything before the first `=` or `:`. */
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*([=:])[${PY_SPACE}]*(.*)$`, 's')
/** configparser's SECTCRE, matched at the start of the stripped line. */
const HEADER = /^\[(.+)\]/

export const pyStrip = (s: string): string => s.replace(LEADING, '').replace(TRAILING, '')
const pyRstrip = (s: string): string => s.replace(TRAILING, '')

const newSection = (): Section => Object.create(null) as Section

export function emptyIni(): Ini {
  return { defaults: newSection(), sections: new Map() }
}

/**
 * One file's text read into `into`, as ConfigParser._read reads one file (strict, default section DEFAULT).
 * Throws ConfError('malformed') for a missing section header, a duplicate section or option in this text,
 * or lines that are neither (configparser's ParsingError).
 */
export function parseIni(text: string, into: Ini = emptyIni()): Ini {
  const added = new Set<string>()
  const pending = new Map<Section, Map<string, string[]>>()
  let cursect: Section | null = null
  let sectname = ''
  let optname: string | null = null
  let indentLevel = 0
  const errors: string[] = []
  // Python's universal newlines: \r\n, \r and \n all end a line.
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((line, index) => {
    const stripped = pyStrip(line)
    const comment = stripped.startsWith('#') || stripped.startsWith(';')
    const value = comment ? '' : stripped
    if (!value) {
      // a blank line (not a comment) inside a value is part of it, should more indented lines follow
      const list = cursect && optname ? pending.get(cursect)?.get(optname) : undefined
      if (!comment && list) list.push('')
      return
    }
    const indent = NON_SPACE.exec(line)?.index ?? 0
    const list = cursect && optname ? pending.get(cursect)?.get(optname) : undefined
    if (list && indent > indentLevel) {
      list.push(value)
      return
    }
    indentLevel = indent
    const header = HEADER.exec(value)
    if (header) {
      sectname = header[1] ?? ''
      const existing = into.sections.get(sectname)
      if (existing) {
        if (added.has(`s:${sectname}`)) throw new ConfError('malformed', `section '${sectname}' already exists (line ${index + 1})`)
        cursect = existing
        added.add(`s:${sectname}`)
      } else if (sectname === 'DEFAULT') {
        cursect = into.defaults
      } else {
        cursect = newSection()
        into.sections.set(sectname, cursect)
        added.add(`s:${sectname}`)
      }
      optname = null
      return
    }
    if (!cursect) throw new ConfError('malformed', `file contains no section headers (line ${index + 1})`)
    const option = OPTION.exec(value)
    if (!option) {
      errors.push(`line ${index + 1}: ${JSON.stringify(line)}`)
      return
    }
    // configparser's optionxform: str.lower(); swift 2.30's readconf keeps it
    const name = pyRstrip(option[1] ?? '').toLowerCase()
    if (!name) errors.push(`line ${index + 1}: ${JSON.stringify(line)}`)
    const key = `o:${sectname}\0${name}`
    if (added.has(key)) throw new ConfError('malformed', `option '${name}' in section '${sectname}' already exists (line ${index + 1})`)
    added.add(key)
    optname = name
    let values = pending.get(cursect)
    if (!values) pending.set(cursect, (values = new Map<string, string[]>()))
    values.set(name, [pyStrip(option[3] ?? '')])
  })
  for (const [section, values] of pending) for (const [name, parts] of values) section[name] = pyRstrip(parts.join('\n'))
  if (errors.length) throw new ConfError('malformed', `source contains parsing errors: ${errors.join(', ')}`)
  return into
}

/** The entries a config path stands for: itself, or a `.conf.d` directory's `*.conf` entries (not dotfiles), sorted. */
export function confParts(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .filter((f) => f.endsWith('.conf') && !f.startsWith('.'))
    .sort()
    .map((f) => join(path, f))
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A regular file's text, or null where Python's open() would fail (and for what is not a regular file, which Python might block on). */
function readText(path: string): string | null {
  let fd: number
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)
  } catch {
    return null
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return null
    // to its end, however long (a conf is small: no fixed buffers to zero)
    const bytes = readFileSync(fd)
    try {
      return utf8.decode(bytes)
    } catch {
      throw new ConfError('value', `${path}: not UTF-8`)
    }
  } catch (e) {
    if (e instanceof ConfError) throw e
    return null
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads a conf file or `.conf.d` directory as readconf does. Throws ConfError: 'unreadable' when nothing
 * could be read ("Unable to read config from …"), 'malformed' as parseIni, 'value' for text that is not UTF-8.
 */
export function readConf(path: string): Ini {
  const ini = emptyIni()
  let parts: string[]
  try {
    parts = statSync(path).isDirectory() ? confParts(path) : [path]
  } catch {
    parts = [path]
  }
  let read = 0
  for (const part of parts) {
    const text = readText(part)
    if (text === null) continue
    parseIni(text, ini)
    read++
  }
  if (read === 0) throw new ConfError('unreadable', `Unable to read config from ${path}`)
  return ini
}

/** A section's raw values with `[DEFAULT]` showing through; null without that section. */
export function sectionValues(ini: Ini, name: string): Section | null {
  const section = ini.sections.get(name)
  return section ? { ...ini.defaults, ...section } : null
}

const MAX_INTERPOLATION_DEPTH = 10

/**
 * `readconf(path, section_name=name)`'s values: the section with `[DEFAULT]` showing through, `%(key)s`
 * interpolated where a value holds `%(` (swift's NicerInterpolation over configparser's BasicInterpolation).
 * Throws ConfError('value') without that section (readconf's ValueError), 'malformed' for a bad
 * interpolation (configparser's InterpolationError).
 */
export function readconfSection(ini: Ini, name: string, path: string): Section {
  const raw = sectionValues(ini, name)
  if (!raw) throw new ConfError('value', `Unable to find ${name} config section in ${path}`)
  const out = newSection()
  for (const [key, value] of Object.entries(raw)) {
    if (!value.includes('%(')) {
      out[key] = value
      continue
    }
    const parts: string[] = []
    interpolate(key, parts, value, raw, 1)
    out[key] = parts.join('')
  }
  return out
}

function interpolate(option: string, out: string[], rest: string, map: Section, depth: number): void {
  if (depth > MAX_INTERPOLATION_DEPTH) throw new ConfError('malformed', `interpolation of '${option}' is nested too deeply`)
  while (rest) {
    const p = rest.indexOf('%')
    if (p < 0) {
      out.push(rest)
      return
    }
    if (p > 0) {
      out.push(rest.slice(0, p))
      rest = rest.slice(p)
    }
    const c = rest.slice(1, 2)
    if (c === '%') {
      out.push('%')
      rest = rest.slice(2)
    } else if (c === '(') {
      const m = /^%\(([^)]+)\)s/.exec(rest)
      if (!m) throw new ConfError('malformed', `bad interpolation variable reference in '${option}'`)
      const ref = (m[1] ?? '').toLowerCase()
      const v = Object.hasOwn(map, ref) ? map[ref] : undefined
      if (v === undefined) throw new ConfError('malformed', `'${option}' refers to '${m[1]}', which is not set`)
      rest = rest.slice(m[0].length)
      if (v.includes('%')) interpolate(option, out, v, map, depth + 1)
      else out.push(v)
    } else {
      throw new ConfError('malformed', `'%' must be followed by '%' or '(' in '${option}'`)
    }
  }
}
