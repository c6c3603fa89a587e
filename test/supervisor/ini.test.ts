import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseIni, readConf, sectionValues } from '../../electron/supervisor/ini.js'

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
