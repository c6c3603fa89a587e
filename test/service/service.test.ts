// The supervisor service with stand-in daemons: real processes, real signals.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventChannel, EventOf } from '../../shared/contract.js'
import type { InstanceInfo } from '../../shared/types.js'
import { inMemoryBridge } from '../helpers/in-memory-bridge.js'
import { SupervisorService } from '../../electron/service/service.js'
import { cleanup, livePids, makeFixture, MAIN, SAIO_CONFS, waitFor, type Fixture } from '../helpers/fixture.js'

let f: Fixture
let service: SupervisorService | null = null
const savedPath = process.env.PATH
afterEach(async () => {
  await service?.dispose()
  service = null
  process.env.PATH = savedPath
  cleanup(f)
})

async function setup(confs = SAIO_CONFS, refreshIntervalMs = 200) {
  f = makeFixture({ binaries: [...MAIN, 'object-replicator'], confs })
  process.env.PATH = f.env.PATH
  // no rsyslog config: log sources do not depend on this machine's
  service = new SupervisorService({
    settingsPath: null,
    swiftDir: f.etc,
    runDir: f.run,
    version: 'test',
    transport: 'browser',
    rsyslogPath: join(f.root, 'rsyslog.conf'),
  })
  await service.handlers['settings:set']({ ...(await service.handlers['settings:get'](undefined)), refreshIntervalMs })
  await service.start()
  const events: { channel: EventChannel; payload: unknown }[] = []
  service.subscribe((channel, payload) => events.push({ channel, payload }))
  return { service, bridge: inMemoryBridge(service), events }
}

const byId = (s: SupervisorService, id: string): InstanceInfo => s.refresh().instances.find((i) => i.id === id)!
const done = (events: { channel: EventChannel; payload: unknown }[], commandId: string) =>
  events.find((e) => e.channel === 'commands:done' && (e.payload as EventOf<'commands:done'>).commandId === commandId)?.payload as
    EventOf<'commands:done'> | undefined

describe('SupervisorService', () => {
  it('models every instance, and unconfigured servers whose binary is on PATH', async () => {
    const { service } = await setup()
    const snap = service.refresh()
    expect(snap.instances.map((i) => [i.id, i.state])).toEqual([
      ['proxy-server', 'stopped'],
      ['account-server.1', 'stopped'],
      ['account-server.2', 'stopped'],
      ['container-server.1', 'stopped'],
      ['container-server.2', 'stopped'],
      ['object-server.1', 'stopped'],
      ['object-server.2', 'stopped'],
      ['object-replicator.1', 'stopped'],
      ['object-replicator.2', 'stopped'],
    ])
    expect(snap.problems.map((p) => p.code)).toEqual(['missing-binaries', 'run-dir-missing'])
  })

  it('runs commands through the contract, streams their lines, and reports the exit code', async () => {
    const { service, bridge, events } = await setup()
    const r = await bridge.invoke('commands:run', { command: 'start', targets: ['main'] })
    expect(r.ok).toBe(true)
    const { commandId } = (r as { value: { commandId: string } }).value
    await waitFor(() => done(events, commandId) !== undefined)
    expect(done(events, commandId)!.exitCode).toBe(0)
    const lines = events.filter((e) => e.channel === 'commands:output').flatMap((e) => (e.payload as EventOf<'commands:output'>).lines)
    expect(lines).toContain(`Starting proxy-server...(${f.etc}/proxy-server.conf)`)
    const proxy = byId(service, 'proxy-server')
    expect(proxy).toMatchObject({ state: 'running', lastExit: { code: 0, source: 'command' } })
    expect(proxy.startedAt).toBeGreaterThan(Date.now() - 60_000)
    expect(proxy.rssBytes).toBeGreaterThan(0)
  })

  it('notices a kill -9 as a crash, and notifies', async () => {
    const { service, events } = await setup(SAIO_CONFS, 200)
    const { commandId } = service.runCommand({ command: 'start', targets: ['proxy'] })
    await waitFor(() => done(events, commandId) !== undefined)
    expect(byId(service, 'proxy-server').state).toBe('running')
    const pid = Number(readFileSync(join(f.run, 'proxy-server.pid'), 'utf8'))
    process.kill(pid, 'SIGKILL')
    // (how fast is the benchmark's business: crash-to-event latency in npm run bench)
    await waitFor(
      () =>
        events.some(
          (e) =>
            e.channel === 'services:changed' &&
            (e.payload as EventOf<'services:changed'>).changed.some((i) => i.id === 'proxy-server' && i.state === 'crashed'),
        ),
      10_000,
      'the crash event',
    )
    expect(events.some((e) => e.channel === 'notify' && (e.payload as { title: string }).title === 'proxy-server crashed')).toBe(true)
  })

  it('a stop of ours is not a crash', async () => {
    const { service, events } = await setup()
    const { commandId: a } = service.runCommand({ command: 'start', targets: ['proxy'] })
    const { commandId: b } = service.runCommand({ command: 'stop', targets: ['proxy'] })
    await waitFor(() => done(events, b) !== undefined)
    expect(done(events, a)!.exitCode).toBe(0)
    expect(byId(service, 'proxy-server').state).toBe('stopped')
  })

  it('queues commands on the same server: they never interleave', async () => {
    const { service, events } = await setup({ ...SAIO_CONFS, 'proxy-server.conf': '[standin]\nhup_delay = 0.3\n' })
    // (not stop or kill: those pre-empt what is queued, see exact-targets.test.ts)
    const ids = ['start', 'shutdown', 'start', 'shutdown'].map(
      (command) => service.runCommand({ command: command as 'start' | 'shutdown', targets: ['proxy'] }).commandId,
    )
    await waitFor(() => ids.every((id) => done(events, id)), 30_000, 'four queued commands')
    // (done events travel on their own channel, batched separately: compare output lines only)
    const order = events
      .filter((e) => e.channel === 'commands:output')
      .flatMap((e) => (e.payload as EventOf<'commands:output'>).lines.map(() => (e.payload as { commandId: string }).commandId))
    // each command's lines all come before the next command's
    const firstIndex = ids.map((id) => order.indexOf(id))
    const lastIndex = ids.map((id) => order.lastIndexOf(id))
    for (let i = 1; i < ids.length; i++) expect(firstIndex[i]).toBeGreaterThan(lastIndex[i - 1]!)
    expect(ids.map((id) => done(events, id)!.exitCode)).toEqual([0, 0, 0, 0])
  })

  it('runs an instance attached: its console lines stream live, and a stop ends it', async () => {
    const { service, bridge, events } = await setup()
    const r = await bridge.invoke('instances:attach', { instanceId: 'proxy-server' })
    expect(r.ok).toBe(true)
    await waitFor(() => events.some((e) => e.channel === 'logs:lines' && JSON.stringify(e.payload).includes('log line 3')), 15_000)
    const page = await bridge.invoke('logs:get', { instanceIds: ['proxy-server'] })
    expect(page.ok && page.value.lines.some((l) => l.source === 'attached' && /swift-proxy-server: log line \d/.test(l.text))).toBe(true)
    expect(byId(service, 'proxy-server').attached).toBe(true)
    const { commandId } = service.runCommand({ command: 'stop', targets: ['proxy'] })
    await waitFor(() => done(events, commandId) !== undefined, 30_000)
    await waitFor(() => livePids(f).length === 0)
    expect(byId(service, 'proxy-server').attached).toBe(false)
  })

  it('keeps the start-up output of the children it waited on', async () => {
    const { bridge, events } = await setup({
      ...SAIO_CONFS,
      'proxy-server.conf': '[standin]\nstartup_output = bound to 127.0.0.1:8080\nexit_code = 2\n',
    })
    const r = await bridge.invoke('commands:run', { command: 'start', targets: ['proxy-server'] })
    const { commandId } = (r as { value: { commandId: string } }).value
    await waitFor(() => done(events, commandId) !== undefined)
    expect(done(events, commandId)!.exitCode).toBe(1)
    const page = await bridge.invoke('logs:get', { instanceIds: ['proxy-server'] })
    expect(page.ok && page.value.lines.map((l) => [l.source, l.text])).toEqual([['startup', 'bound to 127.0.0.1:8080']])
    expect(events.some((e) => e.channel === 'notify' && (e.payload as { title: string }).title === 'start proxy-server failed')).toBe(true)
  })

  it('refuses bad payloads with errors as data', async () => {
    const { bridge } = await setup()
    expect(await bridge.invoke('commands:run', { command: 'explode', targets: ['main'] } as never)).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })
    expect(await bridge.invoke('commands:run', { command: 'stop', targets: ['; rm -rf /'] })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })
    expect(await bridge.invoke('instances:attach', { instanceId: 'nosuch-server' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    expect(await bridge.invoke('nope' as never, undefined as never)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } })
  })

  it('one notification for several crashes at once', async () => {
    const { service, events } = await setup()
    const { commandId } = service.runCommand({ command: 'start', targets: ['object'] })
    await waitFor(() => done(events, commandId) !== undefined)
    for (const n of [1, 2]) process.kill(Number(readFileSync(join(f.run, `object-server/${n}.pid`), 'utf8')), 'SIGKILL')
    await waitFor(() => ['object-server.1', 'object-server.2'].every((id) => byId(service, id).state === 'crashed'), 10_000, 'both crashed')
    await waitFor(() => events.some((e) => e.channel === 'notify'))
    const notes = events.filter((e) => e.channel === 'notify').map((e) => e.payload as EventOf<'notify'>)
    expect(notes.map((n) => n.title)).toEqual(['2 instances crashed'])
    expect(notes[0]!.body).toContain('object-server.1, object-server.2')
  })

  it('reports a pid file left by a process not ours as dead, not crashed', async () => {
    const { service } = await setup()
    mkdirSync(f.run, { recursive: true })
    // a pid no process has: the file was left behind before the panel started
    writeFileSync(join(f.run, 'proxy-server.pid'), '4194000\n')
    expect(byId(service, 'proxy-server')).toMatchObject({ state: 'dead', pid: null })
  })

  it('runs commands on different servers concurrently', async () => {
    const { service, events } = await setup({ ...SAIO_CONFS, 'proxy-server.conf': '[standin]\nterm_delay = 1.5\n' })
    const start = service.runCommand({ command: 'start', targets: ['proxy', 'object'] })
    await waitFor(() => done(events, start.commandId) !== undefined)
    const slow = service.runCommand({ command: 'stop', targets: ['proxy'] })
    const fast = service.runCommand({ command: 'stop', targets: ['object'] })
    await waitFor(() => done(events, slow.commandId) !== undefined, 30_000)
    const order = events.filter((e) => e.channel === 'commands:done').map((e) => (e.payload as EventOf<'commands:done'>).commandId)
    expect(order.indexOf(fast.commandId)).toBeLessThan(order.indexOf(slow.commandId))
  })

  it('tails the log files a profile names for a server, lines picked by its log_name', async () => {
    const { service, bridge } = await setup()
    const log = join(f.root, 'proxy.log')
    writeFileSync(log, '')
    const s = await service.handlers['settings:get'](undefined)
    await service.handlers['settings:set']({
      ...s,
      profiles: s.profiles.map((p) => (p.name === s.activeProfile ? { ...p, logFiles: { 'proxy-server': [log] } } : p)),
    })
    const sources = await bridge.invoke('logs:sources', { instanceIds: ['proxy-server'] })
    expect(sources.ok && sources.value[0]).toMatchObject({ kind: 'file', files: [log] })
    appendFileSync(log, 'Nov 25 06:00:00 saio proxy-server: GET /v1/AUTH_test 200\nNov 25 06:00:01 saio object-server: PUT /sdb1 201\n')
    await vi.waitFor(
      async () => {
        const page = await bridge.invoke('logs:get', { instanceIds: ['proxy-server'] })
        expect(page.ok && page.value.lines.map((l) => [l.source, l.stream, l.text])).toEqual([['file', 'log', 'GET /v1/AUTH_test 200']])
      },
      { timeout: 15_000, interval: 50 },
    )
  })

  it('on dispose stops what runs attached; daemonised servers keep running and are found again', async () => {
    const { service, events } = await setup()
    const { commandId } = service.runCommand({ command: 'start', targets: ['object'] })
    await waitFor(() => done(events, commandId) !== undefined)
    service.attach('proxy-server')
    await waitFor(() => byId(service, 'proxy-server').state === 'running' && byId(service, 'proxy-server').attached)
    const attachedPid = byId(service, 'proxy-server').pid!
    await service.dispose()
    // gone (at most a zombie not yet reaped)
    expect(livePids(f)).not.toContain(attachedPid)
    const next = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'test', transport: 'browser' })
    try {
      expect(
        next
          .refresh()
          .instances.filter((i) => i.state === 'running')
          .map((i) => i.id),
      ).toEqual(['object-server.1', 'object-server.2'])
    } finally {
      await next.dispose()
    }
  })
})
