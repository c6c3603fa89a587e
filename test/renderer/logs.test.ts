import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import LogsView from '../../renderer/src/components/LogsView.vue'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useNotificationsStore } from '../../renderer/src/stores/notifications'
import { useSettingsStore } from '../../renderer/src/stores/settings'
import type { LogSourceInfo } from '../../shared/types'
import type { Answers } from './fake-bridge'
import { lines, scrollTo, settings, setup, VIEW_HEIGHT } from './support'

const ROW = 18

afterEach(() => vi.useRealTimers())

describe('logs store', () => {
  it('caps each instance at the settings’ buffer size, appending batches in place', () => {
    const { fake } = setup()
    useSettingsStore().settings = settings({ logBufferLines: 1000 })
    const logs = useLogsStore()
    logs.listen()
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 10) }] })
    const ring = logs.rings.get('a')!
    for (let b = 0; b < 30; b++)
      fake.emit('logs:lines', {
        batches: [
          { instanceId: 'a', lines: lines(11 + b * 100, 100) },
          { instanceId: 'b', lines: lines(1 + b, 1) },
        ],
      })
    // the same buffer all along: no copy per batch
    expect(logs.rings.get('a')).toBe(ring)
    expect(ring.length).toBe(1000)
    expect(ring.at(0)!.text).toBe('line 2011')
    expect(ring.last()!.text).toBe('line 3010')
    expect(logs.rings.get('b')!.length).toBe(30)
    expect(logs.discardedOf(['a', 'b'])).toBe(2010)
    // one bump per batch, not per line
    expect(logs.version).toBe(31)
  })

  it('shrinks the buffers when the setting shrinks', async () => {
    const { fake } = setup()
    useSettingsStore().settings = settings({ logBufferLines: 1000 })
    const logs = useLogsStore()
    logs.listen()
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 800) }] })
    useSettingsStore().settings = settings({ logBufferLines: 500 })
    await nextTick()
    expect(logs.rings.get('a')!.length).toBe(500)
    expect(logs.rings.get('a')!.at(0)!.seq).toBe(301)
  })

  it('drops lines it already has, and starts over when the service’s sequence does', () => {
    const { fake } = setup()
    const logs = useLogsStore()
    logs.listen()
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 5) }] })
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(4, 3) }] })
    expect(logs.rings.get('a')!.length).toBe(6)
    const generation = logs.generation
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 2, { text: 'after a restart' }) }] })
    expect(logs.rings.get('a')!.length).toBe(2)
    expect(logs.generation).toBe(generation + 1)
  })

  it('loads what the service held before, per instance, keeping lines that came as events meanwhile', async () => {
    let answer!: () => void
    const { fake } = setup({
      'logs:get': ({ instanceIds }) =>
        new Promise(
          (resolve) =>
            (answer = () =>
              resolve({ ok: true, value: { lines: lines(1, 3).map((l) => ({ ...l, instanceId: instanceIds[0]! })), dropped: 7 } })),
        ),
    })
    const logs = useLogsStore()
    logs.listen()
    const loading = logs.load(['a'])
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(3, 2) }] })
    answer()
    await loading
    expect(Array.from({ length: 4 }, (_, i) => logs.rings.get('a')!.at(i)!.seq)).toEqual([1, 2, 3, 4])
    expect(logs.discardedOf(['a'])).toBe(7)
    expect(fake.sent('logs:sources')).toEqual([{ instanceIds: ['a'] }])
    // loaded once: shown again, only the sources are asked again
    await logs.load(['a'])
    expect(fake.sent('logs:get')).toHaveLength(1)
  })
})

function mountLogs(ids: string[], answers: Answers = {}) {
  const { fake, pinia } = setup(answers)
  const logs = useLogsStore()
  logs.listen()
  const w = mount(LogsView, {
    props: { ids, title: ids.join(', ') },
    global: { plugins: [pinia], stubs: { teleport: true } },
    attachTo: document.body,
  })
  return { w, fake, logs, viewport: () => w.get('.viewport').element as HTMLElement }
}
const shownTexts = (w: ReturnType<typeof mountLogs>['w']) => w.findAll('.line .text').map((l) => l.text())

describe('logs view', () => {
  it('renders only the visible rows of 200,000 lines, at their place', async () => {
    const many = lines(1, 200_000).map((l) => ({ ...l, instanceId: 'a' }))
    const { w, viewport } = mountLogs(['a'], { 'logs:get': { lines: many, dropped: 0 } })
    useSettingsStore().settings = settings({ logBufferLines: 200_000 })
    await vi.waitFor(() => expect(w.get('.line-count').text()).toBe('200000 lines'))
    await nextTick()
    const rendered = w.findAll('.line')
    expect(rendered.length).toBeLessThan(VIEW_HEIGHT / ROW + 2 * 20 + 2)
    // following: the newest lines are the ones rendered
    expect(viewport().scrollTop).toBe(200_000 * ROW - VIEW_HEIGHT)
    expect(shownTexts(w).at(-1)).toBe('line 200000')
    scrollTo(viewport(), 1000 * ROW)
    await nextTick()
    expect(shownTexts(w)).toContain('line 1001')
    expect(w.find('.line').attributes('style')).toContain(`top: ${(1000 - 20) * ROW}px`)
  })

  it('follows new lines, pauses when scrolled up, counts what came, and jumps back to the latest', async () => {
    const { w, fake, viewport } = mountLogs(['a'])
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 100) }] })
    await nextTick()
    await nextTick()
    expect(viewport().scrollTop).toBe(100 * ROW - VIEW_HEIGHT)
    expect(w.find('button[aria-label="Jump to latest log line"]').exists()).toBe(false)

    scrollTo(viewport(), 10 * ROW)
    await nextTick()
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(101, 50) }] })
    await nextTick()
    await nextTick()
    expect(viewport().scrollTop).toBe(10 * ROW)
    const jump = w.get('button[aria-label="Jump to latest log line"]')
    expect(jump.text()).toBe('50 new')

    await jump.trigger('click')
    await nextTick()
    expect(viewport().scrollTop).toBe(150 * ROW - VIEW_HEIGHT)
    expect(w.find('button[aria-label="Jump to latest log line"]').exists()).toBe(false)
    // scrolling back down to the bottom resumes following too
    scrollTo(viewport(), 0)
    await nextTick()
    scrollTo(viewport(), 150 * ROW)
    await nextTick()
    expect(w.find('button[aria-label="Jump to latest log line"]').exists()).toBe(false)
  })

  it('keeps a paused reader on their line when older lines are discarded', async () => {
    const { fake, viewport, w } = mountLogs(['a'])
    useSettingsStore().settings = settings({ logBufferLines: 100 })
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 100) }] })
    await nextTick()
    await nextTick()
    scrollTo(viewport(), 50 * ROW)
    await nextTick()
    expect(shownTexts(w)).toContain('line 51')
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(101, 10) }] })
    await nextTick()
    expect(viewport().scrollTop).toBe(40 * ROW)
    expect(w.get('.line-count').text()).toBe('100 lines')
  })

  it('searches with highlighting, and filters by source and stream', async () => {
    vi.useFakeTimers()
    const { w, fake } = mountLogs(['a', 'b'])
    fake.emit('logs:lines', {
      batches: [
        {
          instanceId: 'a',
          lines: [
            { seq: 1, ts: 1, source: 'startup', stream: 'stdout', text: 'Starting proxy' },
            { seq: 2, ts: 3, source: 'file', stream: 'log', text: 'GET /v1/AUTH_test 200' },
          ],
        },
        { instanceId: 'b', lines: [{ seq: 1, ts: 2, source: 'receiver', stream: 'log', text: 'ERROR \x1b[31mget\x1b[0m failed' }] },
      ],
    })
    await nextTick()
    // merged by time, each with its instance and its source
    expect(w.findAll('.line').map((l) => [l.get('.who').text(), l.get('.src').text(), l.get('.text').text()])).toEqual([
      ['a', 'startup', 'Starting proxy'],
      ['b', 'receiver', 'ERROR get failed'],
      ['a', 'file', 'GET /v1/AUTH_test 200'],
    ])
    await w.get('input[aria-label="Search logs"]').setValue('get')
    await vi.advanceTimersByTimeAsync(200)
    expect(shownTexts(w)).toEqual(['ERROR get failed', 'GET /v1/AUTH_test 200'])
    expect(w.findAll('mark').map((m) => m.text())).toEqual(['get', 'GET'])
    expect(w.get('mark').element.parentElement!.className).toContain('fg-red')
    await w.get('input[aria-label="Show receiver lines"]').setValue(false)
    expect(shownTexts(w)).toEqual(['GET /v1/AUTH_test 200'])
    await w.get('input[aria-label="Search logs"]').setValue('')
    await vi.advanceTimersByTimeAsync(200)
    await w.get('input[aria-label="Show log lines"]').setValue(false)
    expect(shownTexts(w)).toEqual(['Starting proxy'])
    await w.get('input[aria-label="Search logs"]').setValue('nothing like it')
    await vi.advanceTimersByTimeAsync(200)
    expect(w.text()).toContain('No line matches.')
  })

  it('never renders a line as HTML', async () => {
    const { w, fake } = mountLogs(['a'])
    fake.emit('logs:lines', {
      batches: [
        {
          instanceId: 'a',
          lines: [{ seq: 1, ts: 1, source: 'attached', stream: 'stderr', text: '<img src=x onerror=alert(1)>\x1b[1m<b>bold</b>' }],
        },
      ],
    })
    await nextTick()
    expect(w.find('.line img').exists()).toBe(false)
    expect(w.get('.line .text').text()).toBe('<img src=x onerror=alert(1)><b>bold</b>')
    expect(w.get('.line').classes()).toContain('stderr')
  })

  it('says where each instance logs, and plainly when it cannot tell, with the conf lines; edits only after the diff', async () => {
    const unknown: LogSourceInfo = {
      instanceId: 'object-server.1',
      kind: 'unknown',
      files: [],
      logName: 'object-server',
      facility: 'LOG_LOCAL0',
      explanation: 'No syslog daemon listens on /dev/log.',
      suggestedConf: 'log_udp_host = 127.0.0.1\nlog_udp_port = 5140',
    }
    const file: LogSourceInfo = {
      instanceId: 'proxy-server',
      kind: 'file',
      files: ['/var/log/swift/proxy.log'],
      logName: 'proxy-server',
      facility: 'LOG_LOCAL1',
      explanation: 'rsyslog writes local1 to /var/log/swift/proxy.log',
      suggestedConf: null,
    }
    const { w, fake } = mountLogs(['object-server.1', 'proxy-server'], {
      'logs:sources': [unknown, file],
      'logs:conf-edit': {
        file: '/etc/swift/object-server/1.conf',
        diff: '+log_udp_port = 5140',
        originalHash: 'ab'.repeat(16),
        takesEffect: true,
      },
      'logs:conf-apply': { file: '/etc/swift/object-server/1.conf', backup: '/etc/swift/object-server/1.conf.swift-panel-1.orig' },
    })
    await vi.waitFor(() => expect(w.text()).toContain('No syslog daemon listens on /dev/log.'))
    expect(w.get('.sources').text()).toContain('proxy-server')
    expect(w.get('.sources').text()).toContain('/var/log/swift/proxy.log')
    const note = w.get('[role="note"][aria-label="Where object-server.1 logs is unknown"]')
    expect(note.get('pre').text()).toBe('log_udp_host = 127.0.0.1\nlog_udp_port = 5140')
    await note.get('button[aria-label="Add these lines to the conf of object-server.1"]').trigger('click')
    await vi.waitFor(() => expect(w.get('pre.diff').text()).toBe('+log_udp_port = 5140'))
    expect(fake.sent('logs:conf-apply')).toEqual([])
    await w.get('.dialog button.primary').trigger('click')
    expect(fake.sent('logs:conf-apply')).toEqual([{ instanceId: 'object-server.1', originalHash: 'ab'.repeat(16) }])
    await vi.waitFor(() => expect(w.find('pre.diff').exists()).toBe(false))
    expect(useNotificationsStore().all[0]!.title).toBe('/etc/swift/object-server/1.conf changed')
  })

  it('copies and saves the lines shown as plain text', async () => {
    const { w, fake } = mountLogs(['a'])
    fake.emit('logs:lines', {
      batches: [
        {
          instanceId: 'a',
          lines: [{ seq: 1, ts: Date.UTC(2026, 0, 2, 3, 4, 5, 6), source: 'file', stream: 'log', text: '\x1b[32mok\x1b[0m' }],
        },
      ],
    })
    await nextTick()
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    await w.get('button[aria-label="Copy log lines"]').trigger('click')
    expect(writeText).toHaveBeenCalledWith('2026-01-02T03:04:05.006Z a file/log ok\n')

    const created: Blob[] = []
    URL.createObjectURL = (b: Blob) => (created.push(b), 'blob:x')
    URL.revokeObjectURL = () => {}
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('a.log')
    })
    await w.get('button[aria-label="Save log lines"]').trigger('click')
    expect(click).toHaveBeenCalled()
    expect(await created[0]!.text()).toBe('2026-01-02T03:04:05.006Z a file/log ok\n')
  })

  it('clears the logs through the service', async () => {
    const { w, fake, logs } = mountLogs(['a'])
    fake.emit('logs:lines', { batches: [{ instanceId: 'a', lines: lines(1, 3) }] })
    await w.get('button[aria-label="Clear the logs of a"]').trigger('click')
    await vi.waitFor(() => expect(w.get('.line-count').text()).toBe('0 lines'))
    expect(fake.sent('logs:clear')).toEqual([{ instanceIds: ['a'] }])
    expect(logs.rings.get('a')!.length).toBe(0)
  })

  it('sums up many instances whose logs cannot be found in one note, with one action for all of them', async () => {
    const unknown = (
      instanceId: string,
      suggestedConf: string | null = 'log_udp_host = 127.0.0.1\nlog_udp_port = 5140',
    ): LogSourceInfo => ({
      instanceId,
      kind: 'unknown',
      files: [],
      logName: instanceId,
      facility: 'LOG_LOCAL0',
      explanation: `No syslog daemon listens on /dev/log for ${instanceId}.`,
      suggestedConf,
    })
    const ids = ['object-server.1', 'object-server.2', 'object-replicator.1', 'object-replicator.2']
    const edit = (instanceId: string) => ({
      ok: true as const,
      value: {
        file: `/etc/swift/object-server/${instanceId.slice(-1)}.conf`,
        diff: `+log_udp_port = 5140 (${instanceId.slice(-1)})`,
        originalHash: instanceId.endsWith('1') ? 'ab'.repeat(16) : 'cd'.repeat(16),
        takesEffect: true,
      },
    })
    const { w, fake } = mountLogs(ids, {
      'logs:sources': [...ids.slice(0, 3).map((id) => unknown(id)), unknown('object-replicator.2', null)],
      'logs:conf-edit': ({ instanceId }) => edit(instanceId),
      'logs:conf-apply': ({ instanceId }) => ({ ok: true, value: { file: edit(instanceId).value.file, backup: '/x.orig' } }),
    })
    await vi.waitFor(() => expect(w.find('[role="note"]').exists()).toBe(true))
    // one note, not four: the per-instance reasons one click away
    const notes = w.findAll('[role="note"]')
    expect(notes).toHaveLength(1)
    const note = notes[0]
    expect(note?.attributes('aria-label')).toBe('Where 4 instances log is unknown')
    expect(note?.text()).toContain('These lines in 3 of their confs would send their logs')
    expect(note?.findAll('details li').map((l) => l.text())).toHaveLength(4)
    expect(note?.findAll('button')).toHaveLength(1)
    await note?.get('button[aria-label="Add these lines to the confs of 3 instances"]').trigger('click')
    // one edit per conf file: the server and its replicator read the same one
    await vi.waitFor(() =>
      expect(w.findAll('pre.diff').map((p) => p.text())).toEqual(['+log_udp_port = 5140 (1)', '+log_udp_port = 5140 (2)']),
    )
    expect(w.get('.dialog h2').text()).toBe('Send the logs of 3 instances to the panel')
    expect(fake.sent('logs:conf-apply')).toEqual([])
    await w.get('.dialog button.primary').trigger('click')
    await vi.waitFor(() => expect(w.find('pre.diff').exists()).toBe(false))
    expect(fake.sent('logs:conf-apply')).toEqual([
      { instanceId: 'object-server.1', originalHash: 'ab'.repeat(16) },
      { instanceId: 'object-server.2', originalHash: 'cd'.repeat(16) },
    ])
    expect(useNotificationsStore().all[0]?.title).toBe('2 confs changed')
  })

  it('Escape in the search clears it first, and lets the next one through (to close the pane)', async () => {
    const { w } = mountLogs(['a'])
    const search = w.get('input[aria-label="Search logs"]')
    await search.setValue('x')
    const first = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true })
    let reached = 0
    const count = () => reached++
    window.addEventListener('keydown', count)
    search.element.dispatchEvent(first)
    await nextTick()
    expect((search.element as HTMLInputElement).value).toBe('')
    search.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }))
    window.removeEventListener('keydown', count)
    expect(reached).toBe(1)
  })

  it('shows which lines it shows in a filter menu, not a row of chips', async () => {
    const { w } = mountLogs(['a'])
    const summary = w.get('details.popover-menu summary')
    expect(summary.text()).toBe('All lines')
    await w.get('input[aria-label="Show startup lines"]').setValue(false)
    await w.get('input[aria-label="Show stderr lines"]').setValue(false)
    expect(summary.text()).toBe('2 kinds hidden')
  })
})
