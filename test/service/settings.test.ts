import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkPath } from '../../electron/service/service.js'
import { defaultSettings, loadSettings, saveSettings } from '../../electron/service/settings.js'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('settings', () => {
  it('round-trips through JSON in the data dir, with several profiles', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const path = join(dir, 'sub/settings.json')
    const s = defaultSettings({ swiftDir: '/etc/swift', runDir: '/var/run/swift' })
    s.profiles.push({ name: 'cluster B', swiftDir: '/srv/b/etc', runDir: '/srv/b/run', extraPath: ['/opt/swift/bin'], logFiles: { 'proxy-server': ['/var/log/swift/proxy.log'] } })
    s.activeProfile = 'cluster B'
    saveSettings(path, s)
    expect(loadSettings(path, defaultSettings())).toEqual(s)
    expect(readdirSync(join(dir, 'sub'))).toEqual(['settings.json'])
  })

  it('keeps a broken file aside and starts from the defaults, losing nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const path = join(dir, 'settings.json')
    writeFileSync(path, '{"profiles": [], "killWait": "soon"')
    const fallback = defaultSettings()
    expect(loadSettings(path, fallback)).toBe(fallback)
    const kept = readdirSync(dir).filter((f) => f.startsWith('settings.json.broken-'))
    expect(kept).toHaveLength(1)
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toContain('"soon"')
  })

  it('checks paths as the user types them', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    expect(checkPath('', 'swift-dir')).toEqual({ ok: false, message: 'Required.' })
    expect(checkPath('etc/swift', 'swift-dir').ok).toBe(false)
    expect(checkPath(join(dir, 'nope'), 'swift-dir')).toEqual({ ok: false, message: 'No such directory.' })
    expect(checkPath(join(dir, 'nope'), 'run-dir').ok).toBe(true)
    expect(checkPath(dir, 'swift-dir')).toEqual({ ok: true, message: 'OK.' })
    expect(checkPath(dir, 'log-file').ok).toBe(false)
  })
})
