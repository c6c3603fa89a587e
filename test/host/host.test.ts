// The browser host: the token path, Host and Origin checks, static files, and a fuzz of malformed messages.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startHost, type Host } from '../../electron/host/host.js'
import { hostNames } from '../../electron/host/request-guard.js'
import { SupervisorService } from '../../electron/service/service.js'

let host: Host
let service: SupervisorService
let root: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'swift-panel-host-'))
  mkdirSync(join(root, 'renderer/assets'), { recursive: true })
  writeFileSync(join(root, 'renderer/index.html'), '<!doctype html><title>panel</title>')
  writeFileSync(join(root, 'renderer/assets/app.js'), 'console.log(1)')
  writeFileSync(join(root, 'renderer/assets/app.css'), 'body{}')
  writeFileSync(join(root, 'renderer/favicon.svg'), '<svg/>')
  writeFileSync(join(root, 'secret.txt'), 'secret')
  service = new SupervisorService({
    settingsPath: null,
    swiftDir: join(root, 'etc'),
    runDir: join(root, 'run'),
    version: 'test',
    transport: 'browser',
    rsyslogPath: join(root, 'rsyslog.conf'),
  })
  await service.start()
  host = await startHost(service, { port: 0, host: '127.0.0.1', rendererDir: join(root, 'renderer') })
})
afterAll(async () => {
  await host.close()
  await service.dispose()
  rmSync(root, { recursive: true, force: true })
})

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method, headers: { host: `127.0.0.1:${host.port}`, ...headers } },
      (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** The path of `rest` under the token: `/<token>/rest`. */
const under = (rest: string) => `/${host.token}/${rest}`

function connect(path: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))))
    ws.once('error', reject)
  })
}

/** The parsed JSON of a message. */
const parse = (d: WebSocket.RawData) => JSON.parse((d as Buffer).toString()) as Record<string, unknown>

describe('browser host', () => {
  it('prints a loopback URL whose path is its token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/[\\w-]{32}/$`))
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/${host.token}/`)
  })

  it('serves the page and its assets under the token, with a CSP and no cookie', async () => {
    const r = await get(under(''))
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>panel</title>')
    expect(r.headers['set-cookie']).toBeUndefined()
    expect(r.headers['content-security-policy']).toContain("default-src 'self'")
    expect(r.headers['referrer-policy']).toBe('no-referrer')
    const asset = await get(under('assets/app.js'))
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toContain('text/javascript')
    // without the last slash, on to the page's own folder, so that its relative URLs carry the token
    const bare = await get(`/${host.token}?x=1`)
    expect([bare.status, bare.headers.location]).toEqual([308, `/${host.token}/?x=1`])
  })

  it('refuses the page, its assets and the WebSocket without the token, with a wrong one, or from foreign hosts and origins', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/assets/app.js',
      `/?token=${host.token}`,
      '/nope/',
      `/${host.token}x/`,
      `/${host.token.slice(1)}/`,
    ])
      expect((await get(path)).status).toBe(401)
    // the token anywhere but the path does nothing
    expect((await get('/', { cookie: `swift_panel_token=${host.token}`, 'x-swift-panel-token': host.token })).status).toBe(401)
    expect((await get(under(''), { host: 'evil.example:80' })).status).toBe(403)
    expect((await get(under(''), { host: `evil.example:${host.port}` })).status).toBe(403)
    expect((await get(under(''), { origin: 'http://evil.example' })).status).toBe(403)
    expect((await get(under(''), { origin: 'null' })).status).toBe(403)
    await expect(connect('/ws')).rejects.toThrow('401')
    await expect(connect(`/ws?token=${host.token}`)).rejects.toThrow('401')
    await expect(connect(under('ws'), { origin: 'http://evil.example' })).rejects.toThrow('403')
    await expect(connect(under('nope'))).rejects.toThrow('404')
  })

  it('accepts loopback names with any port, as through `ssh -L 9000:127.0.0.1:PORT`', async () => {
    for (const name of ['127.0.0.1:9000', 'localhost:9000', '[::1]:9000', 'LOCALHOST:1', 'localhost'])
      expect((await get(under(''), { host: name, origin: `http://${name.toLowerCase()}` })).status).toBe(200)
    const ws = await connect(under('ws'), { host: 'localhost:9000', origin: 'http://localhost:9000' })
    ws.close()
    // other names, the way DNS rebinding arrives, whatever the port
    for (const name of ['127.0.0.1.evil.example:9000', 'localhost.evil.example', 'evil.example', '127.0.0.2:9000'])
      expect((await get(under(''), { host: name })).status).toBe(403)
    expect((await get(under(''), { origin: 'https://localhost:9000' })).status).toBe(403)
  })

  it('does not serve files outside the renderer', async () => {
    for (const path of [
      '../secret.txt',
      '%2e%2e/secret.txt',
      '..%2fsecret.txt',
      '%2e%2e%2fsecret.txt',
      'assets/..%2f..%2fsecret.txt',
      '%00',
    ]) {
      const r = await get(under(path))
      expect(r.body).not.toContain('secret')
    }
  })

  it('answers every malformed message with an error and keeps serving', async () => {
    const ws = await connect(under('ws'), { origin: `http://127.0.0.1:${host.port}` })
    const replies: Record<string, unknown>[] = []
    ws.on('message', (d) => {
      const m = parse(d)
      if ('result' in m) replies.push(m)
    })
    let seed = 42
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const junk = (): unknown => {
      const pick = Math.floor(rnd() * 9)
      return [
        null,
        42,
        'x'.repeat(Math.floor(rnd() * 100)),
        [],
        {},
        { command: 'stop', targets: ['/etc/passwd'] },
        { instanceIds: [1, 2] },
        { path: 7 },
        { command: 'start', targets: 'main' },
      ][pick]
    }
    const channels = ['commands:run', 'instances:attach', 'logs:get', 'settings:set', 'settings:check-path', 'nope', 42, null]
    const N = 3000
    for (let i = 0; i < N; i++) {
      const kind = i % 3
      if (kind === 0) ws.send(`{not json ${i}`)
      else ws.send(JSON.stringify({ id: i, channel: channels[Math.floor(rnd() * channels.length)], payload: junk() }))
    }
    await new Promise<void>((resolve) => {
      const check = () => (replies.length >= N ? resolve() : setTimeout(check, 20))
      check()
    })
    expect(replies.every((r) => (r.result as { ok: boolean }).ok === false)).toBe(true)
    // still alive and answering
    ws.send(JSON.stringify({ id: 'ok', channel: 'app:info' }))
    await new Promise<void>((resolve) => ws.on('message', (d) => parse(d).id === 'ok' && resolve()))
    ws.close()
  })

  it('serves files with their MIME types, HEAD too, and 404 for what is not there', async () => {
    expect((await get(under('assets/app.css'))).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await get(under('favicon.svg'))).headers['content-type']).toBe('image/svg+xml')
    const head = await get(under(''), {}, 'HEAD')
    expect([head.status, head.body, head.headers['content-type']]).toEqual([200, '', 'text/html; charset=utf-8'])
    expect((await get(under('nope.js'))).status).toBe(404)
    expect((await get(under('assets'))).status).toBe(404)
    expect((await get(under(''), {}, 'POST')).status).toBe(405)
  })

  it('speaks the contract over /ws: answers by id and pushes events', async () => {
    const ws = await connect(under('ws'), { origin: `http://localhost:${host.port}` })
    const messages: { id?: unknown; result?: { ok: boolean; value?: unknown }; event?: string }[] = []
    ws.on('message', (d) => messages.push(parse(d)))
    ws.send(JSON.stringify({ id: 7, channel: 'app:info' }))
    ws.send(JSON.stringify({ id: 'x', channel: 'services:snapshot', payload: null }))
    // something a user sees changes (the swift dir appears: another problem), so a delta is pushed
    mkdirSync(join(root, 'etc'), { recursive: true })
    service.refresh()
    await new Promise<void>((resolve) => {
      const check = () =>
        messages.some((m) => m.event === 'services:changed') && messages.filter((m) => 'result' in m).length === 2
          ? resolve()
          : setTimeout(check, 20)
      check()
    })
    expect(messages.find((m) => m.id === 7)?.result).toEqual({
      ok: true,
      value: { version: 'test', transport: 'browser', platform: process.platform },
    })
    expect(messages.find((m) => m.id === 'x')?.result).toMatchObject({ ok: true, value: { swiftDir: join(root, 'etc') } })
    ws.close()
    await expect(connect(under('ws'), { host: `evil.example:${host.port}` })).rejects.toThrow('403')
  })

  it("allows only loopback names, the bound address, and for a wildcard bind this machine's own names", () => {
    expect([...hostNames('127.0.0.1')].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost'])
    expect(hostNames('192.0.2.7').has('192.0.2.7')).toBe(true)
    expect(hostNames('::1').has('[::1]')).toBe(true)
    const all = hostNames('0.0.0.0')
    expect(all.has(hostname())).toBe(true)
    expect(all.has('evil.example')).toBe(false)
  })
})
