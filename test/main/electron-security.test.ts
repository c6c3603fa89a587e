// The Electron shell's security, checked without the Electron binary: the renderer served over app://
// (only its own files), the dev server's URL only in development, the fuses and files of the package, and
// the keeper that restarts a failed service.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EventSink, Handlers, LinkStatus } from '../../shared/contract.js'
import { APP_PAGE, rendererResponse, rendererUrl } from '../../electron/main/renderer-protocol.js'
import { ServiceKeeper, type KeptService } from '../../electron/main/service-keeper.js'

vi.mock('electron', () => ({ protocol: {} }))

const ROOT = join(import.meta.dirname, '../..')
let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'swift-panel-app-'))
  mkdirSync(join(dir, 'renderer/assets'), { recursive: true })
  writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><title>panel</title>')
  writeFileSync(join(dir, 'renderer/assets/app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'secret')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the app:// protocol', () => {
  it('serves the built renderer with its type and the CSP', async () => {
    const page = await rendererResponse(join(dir, 'renderer'), APP_PAGE)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>panel</title>')
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    const js = await rendererResponse(join(dir, 'renderer'), 'app://panel/assets/app.js')
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8'])
  })

  it('serves nothing else: no file outside the renderer, no other host', async () => {
    for (const url of [
      'app://panel/../secret.txt',
      'app://panel/%2e%2e/secret.txt',
      'app://panel/..%2fsecret.txt',
      'app://panel/assets/..%2f..%2fsecret.txt',
      'app://panel/%00',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://panel/missing.js',
      'not a url',
    ]) {
      const r = await rendererResponse(join(dir, 'renderer'), url)
      expect([url, r.status]).toEqual([url, 404])
      expect(await r.text()).not.toContain('secret')
    }
  })
})

describe('the page the window loads', () => {
  it('is app://panel/index.html; electron-vite’s dev server only in development, and only on loopback', () => {
    expect(rendererUrl(true, {})).toEqual({ url: APP_PAGE })
    expect(rendererUrl(false, {})).toEqual({ url: APP_PAGE })
    expect(rendererUrl(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toEqual({ url: 'http://localhost:5173/' })
    expect(rendererUrl(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' })).toEqual({ url: 'http://127.0.0.1:5173/' })
    expect(rendererUrl(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toEqual({
      url: APP_PAGE,
      warning: 'ELECTRON_RENDERER_URL is ignored: it is for development, and this app is packaged',
    })
    for (const planted of [
      'https://evil.example/',
      'http://localhost.evil.example/',
      'file:///tmp/page.html',
      'javascript:alert(1)',
      'junk',
    ])
      expect(rendererUrl(false, { ELECTRON_RENDERER_URL: planted })).toEqual({
        url: APP_PAGE,
        warning: `ELECTRON_RENDERER_URL is ignored: ${planted} is not an http URL on loopback`,
      })
  })
})

describe('the package', () => {
  const require = createRequire(import.meta.url)
  const config = require(join(ROOT, 'build/electron-builder.json')) as {
    files: string[]
    asar: boolean
    electronFuses: Record<string, boolean>
  }

  it('flips the fuses: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect; cookies encrypted; code only from an integrity-checked asar', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      // checked on macOS and Windows; Linux has no ASAR integrity check yet (the fuse does nothing there)
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('packages only what the app runs: its three bundles, the tray icons, no bench, no test helpers, no .d.ts', () => {
    expect(config.files).toEqual([
      'package.json',
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'build/tray/*.png',
      '!**/*.d.ts',
      '!**/*.map',
      '!**/*.tsbuildinfo',
    ])
  })

  it('is a configuration electron-builder accepts', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (c: unknown, logger: unknown) => Promise<void>
    }
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow()
  })
})

/** A service that starts (or fails to, when told) and counts what was done to it. */
class FakeService implements KeptService {
  static made: FakeService[] = []
  disposed = false
  sinks = new Set<EventSink>()
  handlers = { 'app:info': () => ({ version: 'x', transport: 'electron', platform: 'linux' }) } as unknown as Handlers
  constructor(private readonly failStart: boolean) {
    FakeService.made.push(this)
  }
  subscribe(sink: EventSink) {
    this.sinks.add(sink)
    return () => void this.sinks.delete(sink)
  }
  start() {
    return this.failStart ? Promise.reject(new Error('cannot read settings')) : Promise.resolve()
  }
  dispose() {
    this.disposed = true
    return Promise.resolve()
  }
}

describe('the service keeper', () => {
  it('restarts a failed service after growing delays, answers at once meanwhile, and keeps events flowing across restarts', async () => {
    vi.useFakeTimers()
    try {
      FakeService.made = []
      // the second service fails to start, the third runs
      let n = 0
      const keeper = new ServiceKeeper({ create: () => new FakeService(++n === 2), allow: () => true, restartDelaysMs: [100, 400] })
      const links: LinkStatus[] = []
      keeper.onLink((s) => links.push(s))
      const events: unknown[] = []
      keeper.subscribe((channel) => events.push(channel))
      await keeper.start()
      expect(keeper.link).toEqual({ state: 'open' })
      expect(await keeper.dispatch('app:info', undefined)).toMatchObject({ ok: true })

      keeper.fail(new Error('boom'))
      expect(FakeService.made[0]?.disposed).toBe(true)
      expect(keeper.current).toBeNull()
      expect(links.at(-1)).toMatchObject({ state: 'closed', reason: 'It stopped on an error: boom' })
      expect(await keeper.dispatch('app:info', undefined)).toMatchObject({ ok: false, error: { code: 'disconnected' } })

      await vi.advanceTimersByTimeAsync(100)
      // the second fails to start: the next delay is longer
      expect(links.at(-1)).toMatchObject({ state: 'closed', reason: 'It stopped on an error: cannot read settings' })
      await vi.advanceTimersByTimeAsync(399)
      expect(FakeService.made).toHaveLength(2)
      await vi.advanceTimersByTimeAsync(1)
      expect(links.at(-1)).toEqual({ state: 'open' })
      expect(keeper.current).toBe(FakeService.made[2])
      FakeService.made[2]?.sinks.forEach((sink) => sink('notify', { id: '1', ts: 0, level: 'info', title: 't', body: '' }))
      expect(events).toEqual(['notify'])

      await keeper.dispose()
      expect(FakeService.made[2]?.disposed).toBe(true)
      keeper.fail(new Error('after the end'))
      await vi.advanceTimersByTimeAsync(10_000)
      expect(FakeService.made).toHaveLength(3)
    } finally {
      vi.useRealTimers()
    }
  })
})
