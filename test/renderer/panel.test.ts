import { createTestingPinia } from '@pinia/testing'
import { mount } from '@vue/test-utils'
import { setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import type { InstanceInfo, Snapshot } from '../../shared/types'
import { setBridge } from '../../renderer/src/bridge'
import ServicesTable from '../../renderer/src/components/ServicesTable.vue'
import LogsView from '../../renderer/src/components/LogsView.vue'
import SettingsDialog from '../../renderer/src/components/SettingsDialog.vue'
import { useSettingsStore } from '../../renderer/src/stores/settings'
import { ansiSpans } from '../../renderer/src/lib/ansi'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useServicesStore } from '../../renderer/src/stores/services'
import { fakeBridge } from './fake-bridge'

const inst = (id: string, state: InstanceInfo['state'], group: 'main' | 'rest' = 'main'): InstanceInfo => ({
  id, server: id.split('.')[0]!, group, number: null, confFile: `/etc/swift/${id}.conf`, pidFile: `/var/run/swift/${id}.pid`, pid: state === 'running' ? 100 : null, state,
  startedAt: null, cpuPercent: null, rssBytes: null, workers: [], lastExitCode: null, attached: false, busy: null,
})
const snapshot = (instances: InstanceInfo[], seq = 1): Snapshot => ({ seq, takenAt: seq, swiftDir: '/etc/swift', runDir: '/var/run/swift', instances, problems: [] })

let fake: ReturnType<typeof fakeBridge>
beforeEach(() => {
  fake = fakeBridge()
  setBridge(fake.bridge)
})

function mountTable() {
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn })
  setActivePinia(pinia)
  useServicesStore().accept(snapshot([inst('proxy-server', 'running'), inst('object-server.2', 'stopped'), inst('object-replicator.1', 'crashed', 'rest')]))
  return mount(ServicesTable, { global: { plugins: [pinia] }, attachTo: document.body })
}

describe('services table', () => {
  it('has a row per instance named by its id and readable state, grouped main / rest', () => {
    const w = mountTable()
    const rows = w.findAll('tr.row').map((r) => r.attributes('aria-label'))
    expect(rows).toEqual(['proxy-server running', 'object-server.2 stopped', 'object-replicator.1 crashed'])
    expect(w.text()).toContain('Main servers')
    expect(w.text()).toContain('Background daemons')
  })

  it('row actions run the command on that instance', async () => {
    const w = mountTable()
    await w.get('button[aria-label="Stop proxy-server"]').trigger('click')
    expect(fake.calls).toContainEqual({ channel: 'commands:run', payload: { command: 'stop', targets: ['proxy-server'], options: {} } })
  })

  it('destructive group actions ask first; start does not', async () => {
    const w = mountTable()
    await w.get('button[aria-label="Stop main"]').trigger('click')
    expect(w.emitted('confirm')?.[0]?.[0]).toContain('stop main')
    expect(fake.calls.filter((c) => c.channel === 'commands:run')).toEqual([])
    await w.get('button[aria-label="Start main"]').trigger('click')
    expect(fake.calls).toContainEqual({ channel: 'commands:run', payload: { command: 'start', targets: ['main'], options: {} } })
  })

  it('keyboard: arrows move, Enter opens logs, x stops the focused row', async () => {
    const w = mountTable()
    await w.get('tr#row-proxy-server').trigger('focus')
    await w.get('table').trigger('keydown', { key: 'ArrowDown' })
    await w.get('table').trigger('keydown', { key: 'Enter' })
    expect(w.emitted('logs')?.[0]).toEqual([['object-server.2'], 'object-server.2'])
    await w.get('table').trigger('keydown', { key: 'x' })
    expect(fake.calls).toContainEqual({ channel: 'commands:run', payload: { command: 'stop', targets: ['object-server.2'], options: {} } })
  })

  it('opens a merged log view for a group', async () => {
    const w = mountTable()
    await w.get('button[aria-label="Logs for main"]').trigger('click')
    expect(w.emitted('logs')?.[0]).toEqual([['proxy-server', 'object-server.2'], 'main'])
  })

  it('filters rows by id, state or path', async () => {
    const w = mountTable()
    useServicesStore().filter = 'crash'
    await nextTick()
    expect(w.findAll('tr.row').map((r) => r.attributes('aria-label'))).toEqual(['object-replicator.1 crashed'])
  })

  it('never goes back to an older snapshot', () => {
    mountTable()
    const s = useServicesStore()
    s.accept(snapshot([inst('proxy-server', 'stopped')], 0))
    expect(s.instances[0]!.state).toBe('running')
  })
})

describe('settings dialog', () => {
  it('validates paths as you type, adds and renames a profile, and saves through the bridge', async () => {
    const settings = {
      profiles: [{ name: 'default', swiftDir: '/etc/swift', runDir: '/var/run/swift', extraPath: [], logFiles: {} }],
      activeProfile: 'default', killWait: 15, strict: null, refreshIntervalMs: 1000, logBufferLines: 10000, syslogReceiverPort: 0, theme: 'system',
    }
    fake = fakeBridge({ 'settings:check-path': { ok: false, message: 'No such directory.' }, 'settings:set': settings })
    setBridge(fake.bridge)
    const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn })
    setActivePinia(pinia)
    useSettingsStore().settings = structuredClone(settings) as never
    const w = mount(SettingsDialog, { global: { plugins: [pinia] } })
    await vi.waitFor(() => expect(w.text()).toContain('No such directory.'))
    await w.get('button[aria-label="Add a profile"]').trigger('click')
    await w.get('input[aria-label="Profile name"]').setValue('cluster B')
    await w.get('input[aria-label="Swift dir"]').setValue('/srv/b/etc')
    await w.get('form').trigger('submit')
    await vi.waitFor(() => expect(fake.calls.some((c) => c.channel === 'settings:set')).toBe(true))
    const saved = fake.calls.find((c) => c.channel === 'settings:set')!.payload as typeof settings
    expect(saved.activeProfile).toBe('cluster B')
    expect(saved.profiles.map((p) => [p.name, p.swiftDir])).toEqual([['default', '/etc/swift'], ['cluster B', '/srv/b/etc']])
  })
})

describe('logs', () => {
  it('caps lines per instance and appends batches in place', () => {
    setActivePinia(createTestingPinia({ stubActions: false, createSpy: vi.fn }))
    const logs = useLogsStore()
    logs.cap = 1000
    logs.listen()
    for (let b = 0; b < 30; b++)
      fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: Array.from({ length: 100 }, (_, i) => ({ seq: b * 100 + i + 1, ts: b, source: 'attached', stream: 'stdout', text: `l${b * 100 + i}` })) }] })
    const lines = logs.lines(['a'])
    expect(lines.length).toBeLessThanOrEqual(1100)
    expect(lines.at(-1)!.text).toBe('l2999')
    expect(lines[0]!.text).toBe(`l${3000 - lines.length}`)
  })

  it('renders only the visible rows of 200,000 lines, and highlights search hits', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => ({ instanceId: 'a', seq: i + 1, ts: i, source: 'attached' as const, stream: 'stdout' as const, text: `line ${i}` }))
    fake = fakeBridge({ 'logs:get': { lines, dropped: 0 }, 'logs:sources': [] })
    setBridge(fake.bridge)
    const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn })
    setActivePinia(pinia)
    useLogsStore().cap = 200_000
    const w = mount(LogsView, { props: { instanceIds: ['a'], title: 'a' }, global: { plugins: [pinia] } })
    await vi.waitFor(() => expect(w.text()).toContain('200000 lines'))
    expect(w.findAll('.line').length).toBeLessThan(100)
    await w.get('input[aria-label="Search logs"]').setValue('line 199999')
    expect(w.get('mark').text()).toBe('line 199999')
  })

  it('shows where an instance logs, and edits its conf only after showing the diff', async () => {
    const source = { instanceId: 'object-server.1', kind: 'unknown', files: [], logName: 'object-server', facility: 'local0', explanation: 'No syslog daemon listens on /dev/log.', suggestedConf: 'log_udp_host = 127.0.0.1\nlog_udp_port = 5140' }
    fake = fakeBridge({
      'logs:get': { lines: [], dropped: 0 },
      'logs:sources': [source],
      'logs:conf-edit': { file: '/etc/swift/object-server/1.conf', diff: '+log_udp_port = 5140', originalHash: 'ab'.repeat(16), takesEffect: true },
      'logs:conf-apply': { file: '/etc/swift/object-server/1.conf' },
    })
    setBridge(fake.bridge)
    const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn })
    setActivePinia(pinia)
    const w = mount(LogsView, { props: { instanceIds: ['object-server.1'], title: 'object-server.1' }, global: { plugins: [pinia] } })
    await vi.waitFor(() => expect(w.text()).toContain('No syslog daemon listens on /dev/log.'))
    await w.get('button[aria-label="Send the logs of object-server.1 to the built-in receiver"]').trigger('click')
    await vi.waitFor(() => expect(w.get('pre.diff').text()).toBe('+log_udp_port = 5140'))
    expect(fake.calls.some((c) => c.channel === 'logs:conf-apply')).toBe(false)
    await w.get('.dialog button.primary').trigger('click')
    expect(fake.calls).toContainEqual({ channel: 'logs:conf-apply', payload: { instanceId: 'object-server.1', originalHash: 'ab'.repeat(16) } })
  })

  it('turns ANSI colours into spans and drops other escapes', () => {
    expect(ansiSpans('\x1b[31mERROR\x1b[0m ok \x1b[2K')).toEqual([
      { text: 'ERROR', fg: 'red', bold: false },
      { text: ' ok ', fg: null, bold: false },
    ])
  })
})
