// The service's insight with a Swift-like WSGI stand-in (test/insight/fake-wsgi.py: workers share the listen
// socket and outlive a parent killed with -9), started as a terminal would start it, not by the panel.
import { spawn, type ChildProcess } from 'node:child_process'
import { symlinkSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { InstanceInfo } from '../../shared/types.js'
import { SupervisorService } from '../../electron/service/service.js'
import { cleanup, makeFixture, waitFor, type Fixture } from '../helpers/fixture.js'

const FAKE_WSGI = resolve(__dirname, '../insight/fake-wsgi.py')

let f: Fixture
let service: SupervisorService | null = null
let server: ChildProcess | null = null
afterEach(async () => {
  await service?.dispose()
  service = null
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
  cleanup(f)
})

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const address = s.address()
  await new Promise((r) => s.close(r))
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}

/** A proxy-server conf and a fake WSGI server on it, started by hand, its pid file written as swift-init would. */
async function setup(workers = 2) {
  const port = await freePort()
  f = makeFixture({
    confs: {
      'proxy-server.conf': `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${port}\nworkers = ${workers}\n[pipeline:main]\npipeline = proxy-server\n[app:proxy-server]\nuse = egg:swift#proxy\n`,
    },
  })
  const bin = join(f.bin, 'swift-proxy-server')
  symlinkSync(FAKE_WSGI, bin)
  server = spawn(bin, [join(f.etc, 'proxy-server.conf')], { env: f.env, stdio: 'ignore' })
  const pid = server.pid!
  mkdirSync(f.run, { recursive: true })
  writeFileSync(join(f.run, 'proxy-server.pid'), String(pid))
  const s = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'test', transport: 'browser' })
  service = s
  process.env.PATH = `${f.env.PATH}:${process.env.PATH}`
  await s.handlers['settings:set']({ ...(await s.handlers['settings:get'](undefined)), refreshIntervalMs: 200, probeTimeoutMs: 300 })
  await s.start()
  return { s, port, pid }
}

const proxy = (s: SupervisorService): InstanceInfo => s.current().instances.find((i) => i.id === 'proxy-server')!

describe('insight in the service', () => {
  it('shows the port and health; a SIGSTOPped server is running but unhealthy, SIGCONT brings it back', async () => {
    const { s, port, pid } = await setup()
    await waitFor(() => proxy(s).health?.word === 'healthy', 15_000, 'healthy')
    expect(proxy(s)).toMatchObject({ state: 'running', ports: [port], portNote: null, recon: false })
    expect(proxy(s).health?.detail).toContain('no healthcheck filter')
    process.kill(-pid, 'SIGSTOP')
    await waitFor(() => proxy(s).health?.word === 'unhealthy', 15_000, 'unhealthy')
    expect(proxy(s).state).toBe('running')
    expect(proxy(s).health?.detail).toContain(`no answer in 0.3 s on port ${port}`)
    process.kill(-pid, 'SIGCONT')
    await waitFor(() => proxy(s).health?.word === 'healthy', 15_000, 'healthy again')
  })

  it('finds the workers of a parent killed with -9 as orphans, and Stop orphans leaves none', async () => {
    const { s, pid } = await setup(2)
    await waitFor(() => proxy(s).health?.word === 'healthy' && proxy(s).workers.length === 2, 15_000, 'two workers')
    const workers = proxy(s)
      .workers.map((w) => w.pid)
      .sort()
    process.kill(pid, 'SIGKILL')
    await waitFor(() => proxy(s).orphans.length === 2, 15_000, 'two orphans')
    expect(
      proxy(s)
        .orphans.map((o) => o.pid)
        .sort(),
    ).toEqual(workers)
    expect(proxy(s).orphans.every((o) => o.role === 'worker' && o.listening === true)).toBe(true)
    expect(s.current().problems.find((p) => p.code === 'orphans')?.message).toContain(String(workers[0]))
    const results = await s.handlers['instances:stop-orphans']({ instanceId: 'proxy-server' })
    expect(results.map((r) => [r.pid, r.outcome]).sort()).toEqual(workers.map((w) => [w, 'terminated']))
    await waitFor(() => proxy(s).orphans.length === 0, 15_000, 'no orphans')
    expect(s.current().problems.some((p) => p.code === 'orphans')).toBe(false)
  })

  it('says why a conf gives no port', async () => {
    const { s } = await setup(1)
    const conf = join(f.etc, 'proxy-server.conf')
    unlinkSync(conf)
    writeFileSync(conf, '[DEFAULT]\n[pipeline:main]\npipeline = proxy-server\n[app:proxy-server]\nuse = egg:swift#proxy\n')
    await waitFor(() => proxy(s).portNote !== null, 15_000, 'the port note')
    expect(proxy(s)).toMatchObject({ ports: [], portNote: expect.stringContaining("bind_port wasn't properly set") as string })
  })
})
