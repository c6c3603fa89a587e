// The Electron shell's wiring, with the electron module mocked (no Electron binary here).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { REQUEST_CHANNELS } from '../../shared/contract.js'

const state = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  windows: [] as { options: Record<string, unknown>; url?: string; sent: unknown[] }[],
  trays: [] as { menu?: unknown; image?: unknown }[],
  headers: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
  ready: null as null | (() => void),
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
      this.entry = { options, sent: [] }
      state.windows.push(this.entry)
    }
    on = vi.fn()
    loadURL = (url: string) => ((this.entry.url = url), Promise.resolve())
    getBounds = () => ({ width: 1, height: 1 })
    show = vi.fn()
  }
  class Tray {
    entry: (typeof state.trays)[number] = {}
    constructor(image: unknown) {
      this.entry.image = image
      state.trays.push(this.entry)
    }
    setImage = (i: unknown) => (this.entry.image = i)
    setToolTip = vi.fn()
    setContextMenu = (m: unknown) => (this.entry.menu = m)
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
      on: vi.fn(),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow,
    Tray,
    ipcMain: { handle: (channel: string, fn: (event: unknown, payload: unknown) => unknown) => state.handlers.set(channel, fn) },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }) },
    nativeImage: { createFromBuffer: (b: Buffer) => ({ png: b }) },
    Notification: Object.assign(vi.fn(() => ({ show: vi.fn() })), { isSupported: () => false }),
    session: { defaultSession: { webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) } } },
    dialog: { showMessageBoxSync: vi.fn(() => 0) },
  }
})

describe('Electron shell wiring', () => {
  it('registers every contract channel behind a sender check, opens a locked-down window, and a tray', async () => {
    state.userData = mkdtempSync(join(tmpdir(), 'swift-panel-userdata-'))
    await import('../../electron/main/index.js')
    state.ready!()
    await vi.waitFor(() => expect(state.windows).toHaveLength(1))

    expect([...state.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort())
    const web = state.windows[0]!.options.webPreferences as Record<string, unknown>
    expect(web).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(String(web.preload)).toMatch(/preload\/index\.cjs$/)
    const url = state.windows[0]!.url!
    expect(url).toMatch(/^file:.*renderer\/index\.html$/)

    const info = state.handlers.get('app:info')!
    expect(await info({ senderFrame: { url } }, undefined)).toEqual({ ok: true, value: { version: '9.9.9', transport: 'electron', platform: process.platform } })
    expect(await info({ senderFrame: { url: 'https://evil.example/' } }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await state.handlers.get('commands:run')!({ senderFrame: { url } }, { command: 'rm -rf', targets: [] })).toMatchObject({ ok: false, error: { code: 'bad-request' } })

    let csp: unknown
    state.headers!({ responseHeaders: {} }, (r) => (csp = r))
    expect(JSON.stringify(csp)).toContain("default-src 'self'")

    expect(state.trays).toHaveLength(1)
    const menu = (state.trays[0]!.menu as { template: { label?: string }[] }).template.map((m) => m.label)
    expect(menu).toContain('Restart main')
    expect(menu).toContain('Quit')
  })
})
