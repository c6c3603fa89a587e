import { execFileSync } from 'node:child_process'
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  checkPath,
  COMMAND_LINE_PROFILE,
  defaultSettings,
  loadSettings,
  persistable,
  saveSettings,
  withCommandLineProfile,
} from '../../electron/service/settings.js'
import { SupervisorService } from '../../electron/service/service.js'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('settings', () => {
  it('round-trips through JSON in the data dir, with several profiles', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const path = join(dir, 'sub/settings.json')
    const s = defaultSettings({ swiftDir: '/etc/swift', runDir: '/var/run/swift' })
    s.profiles.push({
      name: 'cluster B',
      swiftDir: '/srv/b/etc',
      runDir: '/srv/b/run',
      extraPath: ['/opt/swift/bin'],
      logFiles: { 'proxy-server': ['/var/log/swift/proxy.log'] },
    })
    s.activeProfile = 'cluster B'
    saveSettings(path, s)
    expect(loadSettings(path, defaultSettings()).settings).toEqual(s)
    expect(readdirSync(join(dir, 'sub'))).toEqual(['settings.json'])
  })

  it('keeps a broken file aside and starts from the defaults, losing nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const path = join(dir, 'settings.json')
    writeFileSync(path, '{"profiles": [], "killWait": "soon"')
    const fallback = defaultSettings()
    const loaded = loadSettings(path, fallback)
    expect(loaded.settings).toBe(fallback)
    const kept = readdirSync(dir).filter((f) => f.startsWith('settings.json.broken-'))
    expect(kept).toHaveLength(1)
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toContain('"soon"')
    // and it is said, with where the file went
    expect(loaded.problem).toMatchObject({ code: 'settings-invalid', paths: [join(dir, kept[0]!)] })
    expect(loaded.problem?.message).toContain(kept[0])
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

  it('makes --swift-dir / --run-dir a profile for the session, active but never saved', async () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const path = join(dir, 'settings.json')
    const saved = defaultSettings({ swiftDir: '/etc/swift', runDir: '/var/run/swift' })
    saved.profiles.push({ ...saved.profiles[0]!, name: 'other', swiftDir: '/srv/other' })
    saveSettings(path, saved)

    const session = withCommandLineProfile(saved, { swiftDir: '/tmp/etc' })
    expect(session.activeProfile).toBe(COMMAND_LINE_PROFILE)
    expect(session.profiles.at(-1)).toMatchObject({ name: COMMAND_LINE_PROFILE, swiftDir: '/tmp/etc', runDir: '/var/run/swift' })
    expect(persistable(session, 'default')).toEqual(saved)

    const service = new SupervisorService({ settingsPath: path, swiftDir: join(dir, 'etc'), version: 'test', transport: 'browser' })
    try {
      const s = await service.handlers['settings:get'](undefined)
      expect(s.activeProfile).toBe(COMMAND_LINE_PROFILE)
      await service.handlers['settings:set']({ ...s, killWait: 3 })
      // the change is saved, the session's dirs are not
      expect(loadSettings(path, defaultSettings()).settings).toEqual({ ...saved, killWait: 3 })
      await service.handlers['settings:set']({ ...s, killWait: 3, activeProfile: 'other' })
      expect(loadSettings(path, defaultSettings()).settings.activeProfile).toBe('other')
    } finally {
      await service.dispose()
    }
  })

  it('never blocks on a FIFO where the settings file goes, never replaces it, and shows the problem', async () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const path = join(dir, 'settings.json')
    execFileSync('mkfifo', [path])
    const service = new SupervisorService({ settingsPath: path, swiftDir: dir, version: 'test', transport: 'browser' })
    try {
      const snap = await service.handlers['services:snapshot'](undefined)
      expect(snap.problems.find((p) => p.code === 'settings-unreadable')).toMatchObject({ paths: [path] })
      const s = await service.handlers['settings:get'](undefined)
      await service.handlers['settings:set']({ ...s, killWait: 3 })
      expect(lstatSync(path).isFIFO()).toBe(true)
      expect(readdirSync(dir)).toEqual(['settings.json'])
    } finally {
      await service.dispose()
    }
  })

  it('keeps a symlinked settings file a link, and writes the file it names', () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-panel-settings-'))
    const real = join(dir, 'dotfiles/swift-panel.json')
    const link = join(dir, 'settings.json')
    mkdirSync(join(dir, 'dotfiles'))
    writeFileSync(real, JSON.stringify(defaultSettings()))
    symlinkSync(real, link)
    saveSettings(link, { ...defaultSettings(), killWait: 7 })
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(loadSettings(real, defaultSettings()).settings.killWait).toBe(7)
  })
})
