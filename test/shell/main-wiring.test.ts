// The Electron shell's wiring, with the electron module mocked (no Electron binary here, and unit tests
// never load Electron).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { REQUEST_CHANNELS } from '../../shared/contract.js'

const state = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  appEvents: new Map<string, (...a: unknown[]) => void>(),
  windows: [] as {
    options: Record<string, unknown>
    url?: string
    sent: unknown[][]
    events: Map<string, () => void>
    maximized: boolean
  }[],
  trays: [] as { menu?: unknown; image?: unknown; builds: number; events: Map<string, () => void> }[],
  notifications: [] as unknown[],
  headers: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
  permissions: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  ready: null as null | (() => void),
  exit: [] as number[],
  userData: '',
}))

vi.mock('electron', () => {
  class BrowserWindow {
    entry: (typeof state.windows)[number]
    webContents = {
      on: vi.fn(),
      setWindowOpenHandler: vi.fn(),
      send: (...a: unknown[]) => this.entry.sent.push(a),
    }
    constructor(options: Record<string, unknown>) {
      this.entry = { options, sent: [], events: new Map(), maximized: false }
      state.windows.push(this.entry)
    }
    on = (event: string, fn: () => void) => this.entry.events.set(event, fn)
    loadURL = (url: string) => ((this.entry.url = url), Promise.resolve())
    getNormalBounds = () => ({ x: 10, y: 20, width: 900, height: 700 })
    isMaximized = () => this.entry.maximized
    maximize = () => (this.entry.maximized = true)
    isFocused = () => false
    isDestroyed = () => false
    show = vi.fn()
    focus = vi.fn()
  }
  class Tray {
    entry: (typeof state.trays)[number] = { builds: 0, events: new Map() }
    constructor(image: unknown) {
      this.entry.image = image
      state.trays.push(this.entry)
    }
    on = (event: string, fn: () => void) => this.entry.events.set(event, fn)
    setImage = (i: unknown) => (this.entry.image = i)
    setToolTip = vi.fn()
    setContextMenu = (m: unknown) => {
      this.entry.menu = m
      this.entry.builds++
    }
  }
  class Notification {
    static isSupported = () => true
    constructor(readonly options: unknown) {}
    show() {
      state.notifications.push(this.options)
    }
  }
  let readyResolve: () => void
  const ready = new Promise<void>((r) => (readyResolve = r))
  state.ready = () => readyResolve()
  return {
    app: {
      requestSingleInstanceLock: () => true,
      getPath: () => state.userData,
      getVersion: () => '9.9.9',
      whenReady: () => ready,
      on: (event: string, fn: (...a: unknown[]) => void) => state.appEvents.set(event, fn),
      quit: vi.fn(),
      exit: (code: number) => state.exit.push(code),
    },
    BrowserWindow,
    Tray,
    Notification,
    ipcMain: { handle: (channel: string, fn: (event: unknown, payload: unknown) => unknown) => state.handlers.set(channel, fn) },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }) },
    nativeImage: { createFromBuffer: (b: Buffer) => ({ png: b }) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) },
        setPermissionRequestHandler: (fn: typeof state.permissions) => (state.permissions = fn),
      },
    },
    dialog: { showMessageBoxSync: vi.fn(() => 0) },
  }
})

const savedSwiftDir = process.env.SWIFT_DIR
afterAll(() => {
  process.env.SWIFT_DIR = savedSwiftDir
  rmSync(state.userData, { recursive: true, force: true })
})

describe('Electron shell wiring', () => {
  it('registers every contract channel behind a sender check, opens a locked-down window where it was, and a tray', async () => {
    state.userData = mkdtempSync(join(tmpdir(), 'swift-panel-userdata-'))
    writeFileSync(join(state.userData, 'window.json'), JSON.stringify({ x: 100, y: 50, width: 1000, height: 600, maximized: true }))
    // no configs anywhere: the panel starts all the same
    process.env.SWIFT_DIR = join(state.userData, 'etc')
    await import('../../electron/main/index.js')
    state.ready!()
    await vi.waitFor(() => expect(state.windows).toHaveLength(1))

    expect([...state.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort())
    const win = state.windows[0]!
    expect(win.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 600 })
    expect(win.maximized).toBe(true)
    const web = win.options.webPreferences as Record<string, unknown>
    expect(web).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(String(web.preload)).toMatch(/preload\/index\.cjs$/)
    const url = win.url!
    expect(url).toMatch(/^file:.*renderer\/index\.html$/)

    const info = state.handlers.get('app:info')!
    expect(await info({ senderFrame: { url } }, undefined)).toEqual({
      ok: true,
      value: { version: '9.9.9', transport: 'electron', platform: process.platform },
    })
    expect(await info({ senderFrame: { url: 'https://evil.example/' } }, undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await info({ senderFrame: null }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await state.handlers.get('commands:run')!({ senderFrame: { url } }, { command: 'rm -rf', targets: [] })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })

    let csp: unknown
    state.headers!({ responseHeaders: {} }, (r) => (csp = r))
    expect(JSON.stringify(csp)).toContain("default-src 'self'")
    let granted: boolean | undefined
    state.permissions!({}, 'notifications', (ok) => (granted = ok))
    expect(granted).toBe(false)

    expect(state.trays).toHaveLength(1)
    const tray = state.trays[0]!
    const menu = (tray.menu as { template: { label?: string }[] }).template.map((m) => m.label)
    expect(menu).toEqual(expect.arrayContaining(['Show panel', 'Start main', 'Stop main', 'Restart main', 'Restart all', 'Quit']))
    tray.events.get('click')!()
  })

  it('forwards events to the window, and rebuilds the tray menu only when it shows something new', async () => {
    const win = state.windows[0]!
    const tray = state.trays[0]!
    const builds = tray.builds
    const refresh = state.handlers.get('services:snapshot')!
    await refresh({ senderFrame: { url: win.url } }, undefined)
    // two settings writes: two refreshes, both snapshots with the same instances
    const settings = state.handlers.get('settings:get')!
    const s = ((await settings({ senderFrame: { url: win.url } }, undefined)) as { value: Record<string, unknown> }).value
    await state.handlers.get('settings:set')!({ senderFrame: { url: win.url } }, { ...s, killWait: 4 })
    await state.handlers.get('settings:set')!({ senderFrame: { url: win.url } }, { ...s, killWait: 5 })
    await vi.waitFor(() => expect(win.sent.some(([channel]) => channel === 'services:changed')).toBe(true))
    expect(tray.builds).toBe(builds)
  })

  it('saves the window where it is on close', () => {
    state.windows[0]!.events.get('close')!()
    expect(JSON.parse(readFileSync(join(state.userData, 'window.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 700,
      maximized: true,
    })
  })

  it('on quit, stops what runs attached and leaves', async () => {
    const event = { preventDefault: vi.fn() }
    state.appEvents.get('before-quit')!(event)
    expect(event.preventDefault).toHaveBeenCalled()
    await vi.waitFor(() => expect(state.exit).toEqual([0]))
  })
})
