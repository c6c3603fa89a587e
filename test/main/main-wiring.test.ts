// The Electron shell's wiring, with the electron module mocked (no Electron binary here, and unit tests
// never load Electron).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { LINK_CHANNEL, REQUEST_CHANNELS, type LinkStatus, type Result } from '../../shared/contract.js'

type Handler = (event: unknown, payload?: unknown) => unknown
type WindowEntry = {
  options: Record<string, unknown>
  url?: string
  sent: unknown[][]
  events: Map<string, () => void>
  contents: Map<string, (e: { preventDefault: () => void }) => void>
  openHandler?: () => unknown
  maximized: boolean
}
const state = vi.hoisted(() => ({
  handlers: new Map<string, Handler>(),
  appEvents: new Map<string, (...a: unknown[]) => void>(),
  windows: [] as WindowEntry[],
  trays: [] as { menu?: unknown; image?: unknown; builds: number; events: Map<string, () => void> }[],
  notifications: [] as unknown[],
  headers: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
  permissions: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | ((...a: unknown[]) => boolean),
  devicePermission: null as null | ((...a: unknown[]) => boolean),
  schemes: [] as unknown[],
  protocols: new Map<string, (request: { url: string }) => Promise<Response>>(),
  ready: null as null | (() => void),
  exit: [] as number[],
  userData: '',
}))

vi.mock('electron', () => {
  class BrowserWindow {
    entry: WindowEntry
    webContents = {
      on: (event: string, fn: (e: { preventDefault: () => void }) => void) => this.entry.contents.set(event, fn),
      setWindowOpenHandler: (fn: () => unknown) => (this.entry.openHandler = fn),
      send: (...a: unknown[]) => this.entry.sent.push(a),
    }
    constructor(options: Record<string, unknown>) {
      this.entry = { options, sent: [], events: new Map(), contents: new Map(), maximized: false }
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
  let readyResolve: () => void = () => {}
  const ready = new Promise<void>((r) => (readyResolve = r))
  state.ready = () => readyResolve()
  return {
    app: {
      requestSingleInstanceLock: () => true,
      // packaged: ELECTRON_RENDERER_URL must be ignored
      isPackaged: true,
      getPath: () => state.userData,
      getAppPath: () => '/opt/swift-panel/resources/app.asar',
      getVersion: () => '9.9.9',
      whenReady: () => ready,
      on: (event: string, fn: (...a: unknown[]) => void) => state.appEvents.set(event, fn),
      quit: vi.fn(),
      exit: (code: number) => state.exit.push(code),
    },
    BrowserWindow,
    Tray,
    Notification,
    ipcMain: { handle: (channel: string, fn: Handler) => state.handlers.set(channel, fn) },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }) },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    nativeTheme: { shouldUseDarkColors: false, on: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s),
      handle: (scheme: string, fn: (request: { url: string }) => Promise<Response>) => state.protocols.set(scheme, fn),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) },
        setPermissionRequestHandler: (fn: typeof state.permissions) => (state.permissions = fn),
        setPermissionCheckHandler: (fn: typeof state.permissionCheck) => (state.permissionCheck = fn),
        setDevicePermissionHandler: (fn: typeof state.devicePermission) => (state.devicePermission = fn),
      },
    },
    dialog: { showMessageBoxSync: vi.fn(() => 0) },
  }
})

const saved = { SWIFT_DIR: process.env.SWIFT_DIR, ELECTRON_RENDERER_URL: process.env.ELECTRON_RENDERER_URL }
const ourListeners = { uncaught: [] as NodeJS.UncaughtExceptionListener[] }
afterAll(() => {
  process.env.SWIFT_DIR = saved.SWIFT_DIR
  if (saved.ELECTRON_RENDERER_URL === undefined) delete process.env.ELECTRON_RENDERER_URL
  else process.env.ELECTRON_RENDERER_URL = saved.ELECTRON_RENDERER_URL
  for (const l of ourListeners.uncaught) process.removeListener('uncaughtException', l)
  rmSync(state.userData, { recursive: true, force: true })
})

function handler(channel: string): Handler {
  const h = state.handlers.get(channel)
  if (!h) throw new Error(`no handler for ${channel}`)
  return h
}
function firstWindow(): WindowEntry {
  const w = state.windows[0]
  if (!w) throw new Error('no window')
  return w
}
const page = () => ({ senderFrame: { url: firstWindow().url } })

describe('Electron shell wiring', () => {
  it('registers every contract channel behind a sender check, opens a locked-down window where it was, and a tray', async () => {
    state.userData = mkdtempSync(join(tmpdir(), 'swift-panel-userdata-'))
    writeFileSync(join(state.userData, 'window.json'), JSON.stringify({ x: 100, y: 50, width: 1000, height: 600, maximized: true }))
    // no configs anywhere: the panel starts all the same
    process.env.SWIFT_DIR = join(state.userData, 'etc')
    // a packaged app ignores a dev server's URL
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/'
    const before = process.listeners('uncaughtException')
    await import('../../electron/main/index.js')
    ourListeners.uncaught = process.listeners('uncaughtException').filter((l) => !before.includes(l))
    state.ready?.()
    await vi.waitFor(() => expect(state.windows).toHaveLength(1))

    expect([...state.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS, LINK_CHANNEL].sort())
    const win = firstWindow()
    expect(win.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 600 })
    expect(win.maximized).toBe(true)
    const web = win.options.webPreferences as Record<string, unknown>
    expect(web).toEqual({
      preload: expect.stringMatching(/preload\/index\.cjs$/) as unknown,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    })
    // through the custom protocol, not file:// nor the dev server
    expect(win.url).toBe('app://panel/index.html')
    expect(state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
    expect(state.protocols.has('app')).toBe(true)

    const info = handler('app:info')
    expect(await info(page(), undefined)).toEqual({
      ok: true,
      value: { version: '9.9.9', transport: 'electron', platform: process.platform },
    })
    expect(await info({ senderFrame: { url: 'https://evil.example/' } }, undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await info({ senderFrame: { url: 'file:///opt/swift-panel/out/renderer/index.html' } }, undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await info({ senderFrame: null }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await handler('commands:run')(page(), { command: 'rm -rf', targets: [] })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })
    expect(await handler(LINK_CHANNEL)(page())).toEqual({ state: 'open' })
    expect(await handler(LINK_CHANNEL)({ senderFrame: { url: 'https://evil.example/' } })).toBeNull()

    let csp: unknown
    state.headers?.({ responseHeaders: {} }, (r) => (csp = r))
    expect(JSON.stringify(csp)).toContain("default-src 'self'")

    expect(state.trays).toHaveLength(1)
    const tray = state.trays[0]
    const menu = (tray?.menu as { template: { label?: string }[] }).template.map((m) => m.label)
    expect(menu).toEqual(expect.arrayContaining(['Show panel', 'Start main', 'Stop main', 'Restart main', 'Restart all', 'Quit']))
    // the icons shipped in build/tray, from the app's folder
    expect(tray?.image).toEqual({ path: '/opt/swift-panel/resources/app.asar/build/tray/idle-light.png' })
    tray?.events.get('click')?.()
  })

  it('denies every permission a page may ask for', () => {
    let granted: boolean | undefined
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal']) {
      granted = undefined
      state.permissions?.({}, permission, (ok) => (granted = ok))
      expect(granted).toBe(false)
    }
    expect(state.permissionCheck?.({}, 'notifications', 'app://panel')).toBe(false)
    expect(state.devicePermission?.({ deviceType: 'usb' })).toBe(false)
  })

  it('lets no web contents navigate, open windows or attach webviews', () => {
    const win = firstWindow()
    for (const event of ['will-navigate', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() }
      win.contents.get(event)?.(e)
      expect(e.preventDefault).toHaveBeenCalled()
    }
    expect(win.openHandler?.()).toEqual({ action: 'deny' })
    expect(state.appEvents.has('web-contents-created')).toBe(true)
  })

  it('forwards events to the window, and rebuilds the tray menu only when it shows something new', async () => {
    const win = firstWindow()
    const tray = state.trays[0]
    const builds = tray?.builds
    // a command on nothing: its output and its end come as events; the instances do not change
    expect(await handler('commands:run')(page(), { command: 'status', targets: ['proxy'] })).toMatchObject({ ok: true })
    await vi.waitFor(() => expect(win.sent.some(([channel]) => channel === 'commands:done')).toBe(true))
    const s = ((await handler('settings:get')(page(), undefined)) as { value: Record<string, unknown> }).value
    await handler('settings:set')(page(), { ...s, killWait: 4 })
    await handler('settings:set')(page(), { ...s, killWait: 5 })
    expect(tray?.builds).toBe(builds)
  })

  it('when the service throws: the window is told its service is lost, requests fail at once, and a new service comes up', async () => {
    const win = firstWindow()
    const links = () => win.sent.filter(([channel]) => channel === LINK_CHANNEL).map(([, status]) => status as LinkStatus)
    expect(ourListeners.uncaught).toHaveLength(1)
    // the main process logs the failure with its stack on stderr: expected here, so kept out of the test's output
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    onTestFinished(() => logged.mockRestore())
    // what Node does with an error nobody caught in the main process, minus ending the test run
    ourListeners.uncaught[0]?.(new Error('boom in a timer'), 'uncaughtException')
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^the panel's service failed: Error: boom in a timer\n/))
    expect(links().at(-1)).toMatchObject({ state: 'closed', reason: 'It stopped on an error: boom in a timer' })
    const r = (await handler('app:info')(page(), undefined)) as Result<unknown>
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'disconnected',
        message: "The panel's service is not running. It stopped on an error: boom in a timer It is being restarted.",
      },
    })
    expect(await handler(LINK_CHANNEL)(page())).toMatchObject({ state: 'closed' })
    // the tray says so too, and offers no commands meanwhile
    const tray = state.trays[0]
    expect(tray?.image).toEqual({ path: '/opt/swift-panel/resources/app.asar/build/tray/crash-light.png' })
    await vi.waitFor(() => expect(links().at(-1)).toEqual({ state: 'open' }), { timeout: 10_000 })
    expect(await handler('app:info')(page(), undefined)).toMatchObject({ ok: true })
  })

  it('saves the window where it is on close', () => {
    firstWindow().events.get('close')?.()
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
    state.appEvents.get('before-quit')?.(event)
    expect(event.preventDefault).toHaveBeenCalled()
    await vi.waitFor(() => expect(state.exit).toEqual([0]))
  })
})
