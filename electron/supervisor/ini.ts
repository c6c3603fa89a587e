// Swift's config dialect: Python configparser as swift's readconf uses it. `[DEFAULT]` values show through
// every section; `key = value` or `key: value`; `#`/`;` comment lines; indented continuation lines; a
// `.conf.d` directory is its `*.conf` files (not dotfiles) read in sorted order, later values winning.

import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export type Section = Record<string, string>
export interface Ini {
  defaults: Section
  sections: Map<string, Section>
}

export function parseIni(text: string, into: Ini = { defaults: {}, sections: new Map() }): Ini {
  let current: Section | null = null
  let lastKey: string | null = null
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) {
      // configparser keeps a blank line inside a multi-line value only when more indented text follows;
      // swift confs do not rely on that, so a blank or comment line simply ends the value.
      lastKey = null
      continue
    }
    if (/^\s/.test(raw) && current && lastKey !== null) {
      current[lastKey] += '\n' + raw.trim()
      continue
    }
    const header = /^\[([^\]]+)\]/.exec(raw)
    if (header) {
      const name = header[1]!
      if (name === 'DEFAULT') current = into.defaults
      else {
        current = into.sections.get(name) ?? {}
        into.sections.set(name, current)
      }
      lastKey = null
      continue
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim())
    if (!kv || !current) {
      // A key outside any section, or a line that is not key=value: configparser refuses the whole file.
      throw new Error(`not an ini line: ${raw.slice(0, 80)}`)
    }
    lastKey = kv[1]!.toLowerCase()
    // configparser (no inline_comment_prefixes) keeps ' # ...' as part of the value; so do we.
    current[lastKey] = kv[2]!.trim()
  }
  return into
}

/** The `.conf` files a config path stands for: itself, or a `.conf.d` directory's files in order. */
export function confParts(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .filter((f) => f.endsWith('.conf') && !f.startsWith('.'))
    .sort()
    .map((f) => join(path, f))
}

/** Reads a conf file or `.conf.d` directory; throws on unreadable or malformed input. */
export function readConf(path: string): Ini {
  const ini: Ini = { defaults: {}, sections: new Map() }
  const parts = confParts(path)
  if (parts.length === 0) throw new Error(`Unable to read config from ${path}`)
  for (const part of parts) parseIni(readFileSync(part, 'utf8'), ini)
  return ini
}

/** A section's values with `[DEFAULT]` showing through, as `readconf(path, section)` returns them. */
export function sectionValues(ini: Ini, name: string): Section | null {
  const section = ini.sections.get(name)
  return section ? { ...ini.defaults, ...section } : null
}
