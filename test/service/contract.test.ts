// The contract end to end over the in-memory transport: every request channel, valid and not, answers a
// Result; events reach listeners; nothing is shared between caller and service.
import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REQUEST_CHANNELS, type Bridge, type ErrorCode, type RequestChannel, type RequestOf } from '../../shared/contract.js'
import { applyDelta, type ServicesDelta } from '../../shared/services-delta.js'
import type { Settings, Snapshot } from '../../shared/types.js'
import { createDispatcher } from '../../electron/service/dispatcher.js'
import { inMemoryBridge } from '../helpers/in-memory-bridge.js'
import { SupervisorService } from '../../electron/service/service.js'
import { cleanup, makeFixture, waitFor, type Fixture } from '../helpers/fixture.js'

let f: Fixture
let service: SupervisorService
let bridge: Bridge & { close(): void }
const savedPath = process.env.PATH

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4')
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r))
  const { port } = s.address()
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

beforeAll(async () => {
  f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '[DEFAULT]\n[app:proxy-server]\nuse = egg:swift#proxy\n' } })
  process.env.PATH = f.env.PATH
  service = new SupervisorService({
    settingsPath: null,
    swiftDir: f.etc,
    runDir: f.run,
    version: 'test',
    transport: 'browser',
    rsyslogPath: join(f.root, 'rsyslog.conf'),
  })
  await service.start()
  bridge = inMemoryBridge(service)
})
afterAll(async () => {
  bridge.close()
  await service.dispose()
  process.env.PATH = savedPath
  cleanup(f)
})

/** For every request channel: a valid payload, what it should give, and a payload it must refuse. */
const cases: { [C in RequestChannel]: { valid: RequestOf<C>; gives: 'ok' | ErrorCode; invalid: unknown } } = {
  'services:snapshot': { valid: undefined, gives: 'ok', invalid: { x: 1 } },
  'services:watch': { valid: { instanceIds: ['proxy-server'] }, gives: 'ok', invalid: { instanceIds: ['Proxy Server'] } },
  'commands:run': { valid: { command: 'status', targets: ['proxy'] }, gives: 'ok', invalid: { command: 'status', targets: ['../x'] } },
  'instances:attach': { valid: { instanceId: 'object-server.9' }, gives: 'not-found', invalid: { instanceId: 'Proxy Server' } },
  'logs:get': {
    valid: { instanceIds: ['proxy-server'], afterSeq: 0, limit: 10 },
    gives: 'ok',
    invalid: { instanceIds: ['proxy-server'], limit: 0 },
  },
  'logs:clear': { valid: { instanceIds: ['proxy-server'] }, gives: 'ok', invalid: { instanceIds: 'proxy-server' } },
  'logs:sources': { valid: { instanceIds: ['proxy-server'] }, gives: 'ok', invalid: { instanceIds: [null] } },
  // the built-in receiver is off
  'logs:conf-edit': { valid: { instanceId: 'proxy-server' }, gives: 'failed', invalid: {} },
  'logs:conf-apply': {
    valid: { instanceId: 'proxy-server', originalHash: 'ab'.repeat(32) },
    gives: 'failed',
    invalid: { instanceId: 'proxy-server', originalHash: 'xyz' },
  },
  'logs:conf-edit-all': { valid: undefined, gives: 'failed', invalid: { all: true } },
  'logs:conf-apply-all': {
    valid: { edits: [{ file: '/etc/swift/proxy-server.conf', originalHash: 'ab'.repeat(32) }] },
    gives: 'failed',
    invalid: { edits: [{ file: 'relative.conf', originalHash: 'ab'.repeat(32) }] },
  },
  'logs:trace': { valid: { txnId: 'tx0123456789abcdef01234-0065f1a2b3' }, gives: 'ok', invalid: { txnId: 'tx; rm -rf /' } },
  // no recon filter in this proxy's pipeline
  'instances:recon': { valid: { instanceId: 'proxy-server' }, gives: 'failed', invalid: { instanceId: 'proxy server' } },
  'instances:stop-orphans': { valid: { instanceId: 'proxy-server' }, gives: 'ok', invalid: { instanceId: ['proxy-server'] } },
  'settings:get': { valid: undefined, gives: 'ok', invalid: 'please' },
  'settings:set': { valid: null as never, gives: 'ok', invalid: { profiles: [] } },
  'settings:check-path': { valid: { path: '/tmp', kind: 'swift-dir' }, gives: 'ok', invalid: { path: '/tmp', kind: 'home-dir' } },
  'app:info': { valid: undefined, gives: 'ok', invalid: [1] },
}

describe('the contract over the in-memory transport', () => {
  it('covers every request channel', () => {
    expect(Object.keys(cases).sort()).toEqual([...REQUEST_CHANNELS].sort())
  })

  it.each(REQUEST_CHANNELS)('%s answers a valid payload and refuses a bad one', async (channel) => {
    const c = cases[channel]
    const valid = channel === 'settings:set' ? ((await bridge.invoke('settings:get', undefined)) as { value: unknown }).value : c.valid
    const r = await bridge.invoke(channel, valid as never)
    if (c.gives === 'ok') expect(r).toMatchObject({ ok: true })
    else expect(r).toMatchObject({ ok: false, error: { code: c.gives } })
    const bad = await bridge.invoke(channel, c.invalid as never)
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect((bad as { error: { message: string } }).error.message).toMatch(/\S/)
  })

  it('answers unknown channels and junk with errors, never throwing', async () => {
    const dispatch = createDispatcher(service.handlers)
    for (const channel of [undefined, null, 42, 'nope', '__proto__', 'constructor', 'toString', { channel: 'app:info' }]) {
      expect(await dispatch(channel, undefined)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } })
    }
    expect(await dispatch('settings:set', { __proto__: { profiles: [] } })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
  })

  it('refuses __proto__ and constructor keys wherever keys come from input, as JSON brings them', async () => {
    const dispatch = createDispatcher(service.handlers)
    const settings = ((await bridge.invoke('settings:get', undefined)) as { value: Settings }).value
    const withKey = (key: string) =>
      JSON.parse(JSON.stringify(settings).replace('"logFiles":{}', `"logFiles":{"${key}":["/var/log/x"]}`)) as unknown
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(await dispatch('settings:set', withKey(key))).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      expect(await dispatch('settings:set', JSON.parse(`{"${key}": 1, ${JSON.stringify(settings).slice(1)}`))).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      })
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('answers bad-request, not failed, for settings that break the profile rules', async () => {
    const settings = ((await bridge.invoke('settings:get', undefined)) as { value: Settings }).value
    const [first] = settings.profiles
    for (const bad of [
      { ...settings, profiles: [] },
      { ...settings, activeProfile: 'no such profile' },
      { ...settings, profiles: [...settings.profiles, ...settings.profiles] },
    ]) {
      expect(await bridge.invoke('settings:set', bad)).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    }
    expect(first).toBeDefined()
  })

  it('refuses senders the transport does not allow, before anything else', async () => {
    const allowOnly = createDispatcher<{ url: string }>(service.handlers, (s) => s?.url === 'app://panel')
    expect(await allowOnly('app:info', undefined, { url: 'app://panel' })).toMatchObject({ ok: true })
    expect(await allowOnly('app:info', undefined, { url: 'https://evil.example' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await allowOnly('nope', undefined, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const broken = createDispatcher(service.handlers, () => {
      throw new Error('boom')
    })
    expect(await broken('app:info', undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('pushes events to listeners until they unsubscribe, as copies', async () => {
    const first = await bridge.invoke('services:snapshot', undefined)
    if (!first.ok) throw new Error(first.error.message)
    let snapshot: Snapshot | null = first.value
    const deltas: ServicesDelta[] = []
    // as every client does: apply each delta, and read the whole snapshot again when one does not apply
    const reload = async () => {
      const r = await bridge.invoke('services:snapshot', undefined)
      if (r.ok) snapshot = r.value
    }
    const off = bridge.on('services:changed', (d) => {
      deltas.push(d)
      snapshot = snapshot && applyDelta(snapshot, d)
      if (!snapshot) void reload()
    })
    const r = await bridge.invoke('commands:run', { command: 'start', targets: ['proxy'] })
    expect(r.ok).toBe(true)
    await waitFor(() => snapshot?.instances.some((i) => i.id === 'proxy-server' && i.state === 'running'), 15_000, 'proxy running')
    off()
    const seen = deltas.length
    deltas[0]!.changed.length = 0
    const now = await bridge.invoke('services:snapshot', undefined)
    expect(now.ok && now.value.instances.length).toBe(1)
    await bridge.invoke('commands:run', { command: 'stop', targets: ['proxy'] })
    await waitFor(() => service.refresh().instances[0]!.state === 'stopped', 15_000, 'proxy stopped')
    expect(deltas).toHaveLength(seen)
  })

  it('answers with copies: changing an answer changes nothing in the service', async () => {
    const a = await bridge.invoke('settings:get', undefined)
    if (!a.ok) throw new Error('settings:get failed')
    a.value.profiles[0]!.swiftDir = '/elsewhere'
    const b = await bridge.invoke('settings:get', undefined)
    expect(b.ok && b.value.profiles[0]!.swiftDir).not.toBe('/elsewhere')
  })

  it('proposes and applies the conf edit for the built-in receiver, refusing a stale one', async () => {
    const settings = await bridge.invoke('settings:get', undefined)
    if (!settings.ok) throw new Error('settings:get failed')
    const port = await freeUdpPort()
    expect(await bridge.invoke('settings:set', { ...settings.value, syslogReceiverPort: port })).toMatchObject({ ok: true })
    const edit = await bridge.invoke('logs:conf-edit', { instanceId: 'proxy-server' })
    if (!edit.ok) throw new Error(edit.error.message)
    expect(edit.value).toMatchObject({ file: join(f.etc, 'proxy-server.conf'), takesEffect: true })
    expect(edit.value.diff).toContain(`+log_udp_port = ${port}`)
    expect(await bridge.invoke('logs:conf-apply', { instanceId: 'proxy-server', originalHash: 'ab'.repeat(32) })).toMatchObject({
      ok: false,
      error: { code: 'failed' },
    })
    expect(await bridge.invoke('logs:conf-apply', { instanceId: 'proxy-server', originalHash: edit.value.originalHash })).toMatchObject({
      ok: true,
    })
    expect(readFileSync(join(f.etc, 'proxy-server.conf'), 'utf8')).toContain(`log_udp_port = ${port}`)
    const sources = await bridge.invoke('logs:sources', { instanceIds: ['proxy-server'] })
    expect(sources.ok && sources.value[0]!.kind).toBe('receiver')
    await bridge.invoke('settings:set', { ...settings.value, syslogReceiverPort: 0 })
  })
})
