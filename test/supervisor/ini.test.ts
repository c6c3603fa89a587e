import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfError, parseIni, readConf, readconfSection, sectionValues } from '../../electron/supervisor/ini.js'

let dir = ''
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

describe('swift ini dialect', () => {
  it('shows [DEFAULT] through sections, lowercases keys, joins continuation lines', () => {
    const ini = parseIni(
      '[DEFAULT]\nLog_Name = base\nuser: swift\n\n[app:proxy-server]\nuse = egg:swift#proxy\npipeline = a\n  b\n# comment\n',
    )
    expect(sectionValues(ini, 'app:proxy-server')).toEqual({ log_name: 'base', user: 'swift', use: 'egg:swift#proxy', pipeline: 'a\nb' })
    expect(sectionValues(ini, 'missing')).toBeNull()
  })

  it('refuses a key outside any section', () => {
    expect(() => parseIni('x = 1\n')).toThrow()
  })

  it('merges a .conf.d directory in sorted order, skipping dotfiles', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-ini-'))
    mkdirSync(join(dir, '1.conf.d'))
    writeFileSync(join(dir, '1.conf.d/20-b.conf'), '[object-expirer]\ninterval = 2\n')
    writeFileSync(join(dir, '1.conf.d/10-a.conf'), '[DEFAULT]\nlog_name = x\n[object-expirer]\ninterval = 1\n')
    writeFileSync(join(dir, '1.conf.d/.30.conf'), '[object-expirer]\ninterval = 3\n')
    expect(sectionValues(readConf(join(dir, '1.conf.d')), 'object-expirer')).toEqual({ log_name: 'x', interval: '2' })
  })
})

describe("configparser's rules, as swift's readconf reads a file (expectations from Python 3.11)", () => {
  const parse = (text: string) => {
    const ini = parseIni(text)
    return { defaults: { ...ini.defaults }, sections: Object.fromEntries([...ini.sections].map(([k, v]) => [k, { ...v }])) }
  }

  it('an indented header is a header, unless it continues a value', () => {
    expect(parse('[DEFAULT]\n  [object-expirer]\ninterval = 1\n').sections).toEqual({ 'object-expirer': { interval: '1' } })
    expect(parse('[a]\nk = v\n  [b]\n').sections).toEqual({ a: { k: 'v\n[b]' } })
  })

  it('keeps blank lines inside a value that goes on, skips comments, and keeps inline ; and # text', () => {
    expect(parse('[a]\nk = v\n\n  more\n# c\n  tail\n').sections).toEqual({ a: { k: 'v\n\nmore\ntail' } })
    expect(parse('[a]\nk = v ; not a comment\n').sections).toEqual({ a: { k: 'v ; not a comment' } })
  })

  it('reads \\r, \\r\\n and \\n as line ends (a file in text mode)', () => {
    expect(parse('[a]\r\nk = v\rj: w\n').sections).toEqual({ a: { k: 'v', j: 'w' } })
  })

  it('refuses what configparser refuses: duplicates in one file, no header, an empty key, a BOM before the header', () => {
    for (const text of ['[a]\n[a]\n', '[a]\nk=1\nK=2\n', 'x = 1\n', '[a]\n=v\n', '\ufeff[a]\n']) {
      expect(() => parseIni(text), JSON.stringify(text)).toThrow(ConfError)
    }
  })

  it("interpolates %(key)s as readconf's section values do, and refuses a bad one", () => {
    const ini = parseIni('[DEFAULT]\nbase = /srv\n[s]\npath = %(base)s/node\npct = 50%\nbad = %(nope)s\n')
    expect(() => readconfSection(ini, 's', 'x.conf')).toThrow(/nope/)
    const ok = parseIni('[DEFAULT]\nbase = /srv\n[s]\npath = %(base)s/node\npct = 50%\n')
    expect(readconfSection(ok, 's', 'x.conf')).toEqual({ base: '/srv', path: '/srv/node', pct: '50%' })
    expect(() => readconfSection(ok, 'missing', 'x.conf')).toThrow(/Unable to find missing config section/)
  })
})
