// The Electron-free parts of the shell: window placement, desktop notification choice, finding Electron.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PanelNotification } from '../../shared/types.js'
import { electronBinary } from '../../electron/main/electron-binary.js'
import { desktopNotification } from '../../electron/main/notifications.js'
import { DEFAULT_WINDOW, loadWindowState, restoreWindowState, saveWindowState } from '../../electron/main/window-state.js'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const temp = () => (dir = mkdtempSync(join(tmpdir(), 'swift-panel-shell-')))

const screen = { x: 0, y: 0, width: 1920, height: 1080 }
const right = { x: 1920, y: 0, width: 1280, height: 1024 }

describe('window state', () => {
  it('restores size and position on a display that is still there', () => {
    expect(restoreWindowState({ x: 2000, y: 100, width: 1000, height: 700, maximized: false }, [screen, right])).toEqual({
      x: 2000,
      y: 100,
      width: 1000,
      height: 700,
      maximized: false,
    })
  })

  it('drops a position on a display that is gone, and shrinks a size larger than any display', () => {
    expect(restoreWindowState({ x: 2000, y: 100, width: 3000, height: 2000, maximized: true }, [screen])).toEqual({
      width: 1920,
      height: 1080,
      maximized: true,
    })
    // the title bar above the top of the screen cannot be grabbed
    expect(restoreWindowState({ x: 100, y: -20, width: 800, height: 600 }, [screen])).toEqual({ width: 800, height: 600, maximized: false })
  })

  it('keeps a minimum size, and ignores junk', () => {
    expect(restoreWindowState({ width: 10, height: 10 }, [screen])).toEqual({ width: 640, height: 400, maximized: false })
    for (const junk of [undefined, null, 'big', { width: 'wide', height: 3 }, { width: Infinity, height: 600 }])
      expect(restoreWindowState(junk, [screen])).toEqual(DEFAULT_WINDOW)
  })

  it('takes from window.json only numbers that fit a display, never other keys', () => {
    const planted = {
      x: 0,
      y: 0,
      width: 1e12,
      height: 2e12,
      maximized: 'yes',
      webPreferences: { nodeIntegration: true, sandbox: false },
      frame: false,
      alwaysOnTop: true,
    }
    expect(restoreWindowState(planted, [screen])).toEqual({ x: 0, y: 0, width: 1920, height: 1080, maximized: false })
    for (const junk of [{ width: 800, height: Number.NaN }, { width: '800', height: 600 }, { width: -1e308 * 10, height: 600 }, [800, 600]])
      expect(restoreWindowState(junk, [screen])).toEqual(DEFAULT_WINDOW)
    // a place off every display, or given as text, is dropped and left to the window manager
    expect(restoreWindowState({ x: -5000, y: 99999, width: 800, height: 600 }, [screen])).toEqual({
      width: 800,
      height: 600,
      maximized: false,
    })
    expect(restoreWindowState({ x: '10', y: '10', width: 800, height: 600 }, [screen])).toEqual({
      width: 800,
      height: 600,
      maximized: false,
    })
  })

  it('round-trips through its file; a broken file gives the default', () => {
    const path = join(temp(), 'sub/window.json')
    saveWindowState(path, { x: 5, y: 6, width: 900, height: 700 }, false)
    expect(loadWindowState(path, [screen])).toEqual({ x: 5, y: 6, width: 900, height: 700, maximized: false })
    writeFileSync(path, '{"x": ')
    expect(loadWindowState(path, [screen])).toEqual(DEFAULT_WINDOW)
    expect(readFileSync(path, 'utf8')).toBe('{"x": ')
  })
})

describe('desktop notifications', () => {
  const n = (level: PanelNotification['level']): PanelNotification => ({
    id: '1',
    ts: 0,
    level,
    title: 'proxy-server crashed',
    body: 'gone',
  })

  it('crashes and failed commands go to the desktop while the panel is not in front', () => {
    expect(desktopNotification(n('error'), false)).toEqual({ title: 'proxy-server crashed', body: 'gone', urgency: 'critical' })
    expect(desktopNotification(n('warning'), false)).toMatchObject({ urgency: 'normal' })
    expect(desktopNotification(n('info'), false)).toBeNull()
    expect(desktopNotification(n('error'), true)).toBeNull()
  })
})

describe('Electron binary', () => {
  it('is found from electron/path.txt, or from ELECTRON_OVERRIDE_DIST_PATH; absent otherwise', () => {
    const root = temp()
    const pkg = join(root, 'node_modules/electron')
    mkdirSync(pkg, { recursive: true })
    expect(electronBinary(root, {})).toBeNull()
    writeFileSync(join(pkg, 'path.txt'), 'electron')
    // path.txt written but the download never finished
    expect(electronBinary(root, {})).toBeNull()
    mkdirSync(join(pkg, 'dist'))
    writeFileSync(join(pkg, 'dist/electron'), '')
    chmodSync(join(pkg, 'dist/electron'), 0o755)
    expect(electronBinary(root, {})).toBe(join(pkg, 'dist/electron'))
    const other = join(root, 'other')
    mkdirSync(other)
    writeFileSync(join(other, 'electron'), '')
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBe(join(other, 'electron'))
  })

  it('is not installed in this checkout', () => {
    expect(electronBinary(join(import.meta.dirname, '../..'))).toBeNull()
  })
})
