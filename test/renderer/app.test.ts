import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '../../renderer/src/App.vue'
import { connection } from '../../renderer/src/bridge'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useNotificationsStore } from '../../renderer/src/stores/notifications'
import { diffSnapshots } from '../../shared/services-delta'
import type { Answers } from './fake-bridge'
import { find, inst, SAIO, settings, setup, snapshot } from './support'

afterEach(() => {
  vi.useRealTimers()
  connection.state = 'open'
  connection.opened = 1
})

async function mountApp(answers: Answers = {}) {
  const { fake, pinia } = setup({ 'services:snapshot': snapshot(SAIO()), 'settings:get': settings(), ...answers })
  const w = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return { w, fake }
}

describe('the panel', () => {
  it('says what matters (main servers up, crashes) in the tray’s colour, and updates from events', async () => {
    const { w, fake } = await mountApp()
    const health = w.get('[role="status"][aria-label="Overall health"]')
    expect(health.text()).toBe('Main 2/3 up · 1 crashed')
    expect(health.classes()).toContain('tone-bad')
    expect(health.attributes('title')).toBe('2 of 3 main instances up; 0 of 1 background daemon running. Crashed: object-replicator.1.')
    fake.emit(
      'services:changed',
      diffSnapshots(
        snapshot(SAIO()),
        snapshot([...SAIO().slice(0, 3), inst('object-replicator.1', 'running'), inst('object-auditor', 'unconfigured')], {
          seq: 2,
          takenAt: 2,
        }),
      ),
    )
    await nextTick()
    expect(health.text()).toBe('Main 2/3 up')
    expect(health.classes()).toContain('tone-warn')
    expect(w.text()).toContain('/etc/swift · /var/run/swift')
  })

  it('explains each problem: what, where it looked, what to do, with the settings a click away', async () => {
    const { w } = await mountApp({
      'services:snapshot': snapshot([], {
        problems: [
          {
            code: 'no-configs',
            message: 'No Swift configs found.',
            hint: 'Create proxy-server.conf or point the profile at your swift dir.',
            paths: ['/etc/swift/proxy-server.conf', '/etc/swift/proxy-server/*.conf'],
          },
          {
            code: 'run-dir-permission',
            message: 'Cannot write to the run dir.',
            hint: 'Give yourself write access: sudo chown $USER /var/run/swift',
            paths: ['/var/run/swift'],
          },
        ],
      }),
    })
    const problems = w.get('section[aria-label="Problems"]')
    expect(problems.findAll('[role="alert"]')).toHaveLength(2)
    expect(problems.text()).toContain('No Swift configs found.')
    expect(problems.findAll('code').map((c) => c.text())).toEqual([
      '/etc/swift/proxy-server.conf',
      '/etc/swift/proxy-server/*.conf',
      '/var/run/swift',
    ])
    expect(problems.text()).toContain('sudo chown $USER /var/run/swift')
    await problems.get('button').trigger('click')
    await nextTick()
    expect(document.body.querySelector('[role="dialog"][aria-label="Settings"]')).not.toBeNull()
  })

  it('/ focuses the filter, except while typing', async () => {
    const { w } = await mountApp()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '/', cancelable: true }))
    expect(document.activeElement).toBe(w.get('#filter').element)
    const search = document.createElement('input')
    document.body.append(search)
    search.focus()
    search.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }))
    expect(document.activeElement).toBe(search)
    search.remove()
  })

  it('follows the OS theme unless the settings pin one', async () => {
    await mountApp()
    expect(document.documentElement.dataset.theme).toBe('system')
    await mountApp({ 'settings:get': settings({ theme: 'dark' }) })
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('shows notifications as toasts for a while, and all of them in a list', async () => {
    vi.useFakeTimers()
    const { w, fake } = await mountApp()
    fake.emit('notify', {
      id: 'n1',
      ts: Date.now(),
      level: 'error',
      title: 'proxy-server crashed',
      body: 'It stopped without a stop command.',
      instanceId: 'proxy-server',
    })
    await nextTick()
    const toasts = w.get('[role="region"][aria-label="Notifications"]')
    expect(toasts.text()).toContain('proxy-server crashed')
    await toasts.get('button[aria-label="Show the logs of proxy-server"]').trigger('click')
    expect(useLogsStore().viewing).toEqual({ ids: ['proxy-server'], title: 'proxy-server' })
    const bell = w.get('button[aria-label="Notifications, 1 new"]')
    await vi.advanceTimersByTimeAsync(16_000)
    expect(toasts.text()).toBe('')
    await bell.trigger('click')
    const list = w.get('section[aria-label="All notifications"]')
    expect(list.text()).toContain('proxy-server crashed')
    expect(useNotificationsStore().unread).toBe(0)
    expect(bell.attributes('aria-expanded')).toBe('true')
  })

  it('opens the logs pane under the table for what the table asks, resizable, and closes it', async () => {
    const { w } = await mountApp()
    await w.get('button[aria-label="Logs for main"]').trigger('click')
    expect(w.get('section.logs').attributes('aria-label')).toBe('Logs of main')
    // the table, the bar between them, the pane: all in the main area
    expect(w.get('main').element.children[1]?.getAttribute('role')).toBe('separator')
    const splitter = w.get('[role="separator"][aria-label="Resize the logs pane"]')
    expect(splitter.attributes('aria-valuenow')).toBe('45')
    await splitter.trigger('keydown', { key: 'ArrowUp' })
    expect(splitter.attributes('aria-valuenow')).toBe('50')
    expect(w.get('section.logs').attributes('style')).toContain('flex-basis: 50%')
    await splitter.trigger('keydown', { key: 'End' })
    expect(splitter.attributes('aria-valuenow')).toBe('15')
    await w.get('button[aria-label="Close logs"]').trigger('click')
    expect(w.find('section.logs').exists()).toBe(false)
  })

  it('Escape closes the logs pane, unless a field had something to clear first', async () => {
    const { w } = await mountApp()
    await w.get('button[aria-label="Logs for proxy-server"]').trigger('click')
    const filter = w.get('input[aria-label="Filter instances"]')
    await filter.setValue('proxy')
    await filter.trigger('keydown', { key: 'Escape' })
    expect((filter.element as HTMLInputElement).value).toBe('')
    expect(w.find('section.logs').exists()).toBe(true)
    // an open popover takes the first Escape
    const options = w.get('details.popover-menu').element as HTMLDetailsElement
    options.open = true
    await filter.trigger('keydown', { key: 'Escape' })
    expect(options.open).toBe(false)
    expect(w.find('section.logs').exists()).toBe(true)
    await filter.trigger('keydown', { key: 'Escape' })
    expect(w.find('section.logs').exists()).toBe(false)
  })

  it('closes a popover on a click elsewhere', async () => {
    const { w } = await mountApp()
    const options = w.get('details.popover-menu').element as HTMLDetailsElement
    options.open = true
    options.querySelector('input')?.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))
    expect(options.open).toBe(true)
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))
    expect(options.open).toBe(false)
  })

  it('sums up many problems of a kind in one line with one action: send all logs here', async () => {
    const silent = (id: string) => ({
      code: 'silent-log-target' as const,
      message: `${id}'s log lines are lost: nothing listens on UDP localhost:514.`,
      hint: 'Send its logs to the panel ("Send all logs here") or start a syslog receiver on that port.',
      paths: [],
    })
    const { w, fake } = await mountApp({
      'services:snapshot': snapshot(SAIO(), { problems: SAIO().map((i) => silent(i.id)) }),
      'logs:conf-edit-all': {
        edits: [
          {
            file: '/etc/swift/proxy-server.conf',
            diff: '+log_udp_port = 5140',
            originalHash: 'ab'.repeat(16),
            takesEffect: true,
            instanceIds: ['proxy-server'],
          },
          {
            file: '/etc/swift/object-server/1.conf',
            diff: '+log_udp_port = 5140',
            originalHash: 'cd'.repeat(16),
            takesEffect: true,
            instanceIds: ['object-server.1', 'object-replicator.1'],
          },
        ],
        already: [],
        cannot: [{ instanceId: 'object-server.2', why: 'its conf cannot be read' }],
      },
      'logs:conf-apply-all': {
        applied: [
          { file: '/etc/swift/proxy-server.conf', backup: '/etc/swift/proxy-server.conf.orig' },
          { file: '/etc/swift/object-server/1.conf', backup: '/etc/swift/object-server/1.conf.orig' },
        ],
        failed: [],
        restart: [
          { command: 'reload', targets: ['proxy-server', 'object-server.1'] },
          { command: 'restart', targets: ['object-replicator.1'] },
        ],
      },
    })
    const problems = w.get('section[aria-label="Problems"]')
    expect(problems.findAll('[role="alert"]')).toHaveLength(1)
    expect(problems.get('strong').text()).toBe('The log lines of 4 instances are lost: their confs send them where nothing listens.')
    expect(problems.findAll('details li')).toHaveLength(4)
    await problems.get('button').trigger('click')
    await flushPromises()
    const dialog = find('[role="dialog"][aria-label="Send all logs here"]')
    expect(dialog.textContent).toContain('This changes 2 files, read by 3 instances')
    expect(dialog.textContent).toContain('object-server.2: its conf cannot be read')
    expect([...dialog.querySelectorAll('pre.diff')].map((p) => p.textContent)).toEqual(['+log_udp_port = 5140', '+log_udp_port = 5140'])
    expect(fake.sent('logs:conf-apply-all')).toEqual([])
    ;[...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Apply')?.click()
    await flushPromises()
    expect(fake.sent('logs:conf-apply-all')).toEqual([
      {
        edits: [
          { file: '/etc/swift/proxy-server.conf', originalHash: 'ab'.repeat(16) },
          { file: '/etc/swift/object-server/1.conf', originalHash: 'cd'.repeat(16) },
        ],
      },
    ])
    expect(find('[role="dialog"]').textContent).toContain('swift-init proxy-server object-server.1 reload')
    ;[...find('[role="dialog"]').querySelectorAll('button')].find((b) => b.textContent === 'Restart them now')?.click()
    await flushPromises()
    expect(fake.sent('commands:run')).toEqual([
      { command: 'reload', targets: ['proxy-server', 'object-server.1'] },
      { command: 'restart', targets: ['object-replicator.1'] },
    ])
    expect(document.body.querySelector('[role="dialog"]')).toBeNull()
  })

  it('makes the page behind a dialog inert', async () => {
    const { w } = await mountApp()
    await w.get('button[aria-label="Stop main"]').trigger('click')
    await nextTick()
    expect(w.get('.shell').attributes('inert')).toBeDefined()
    find('[role="alertdialog"] button').click()
    await nextTick()
    expect(w.get('.shell').attributes('inert')).toBeUndefined()
  })

  it('says when the host is out of reach, and fetches again what it missed once back', async () => {
    const { w, fake } = await mountApp()
    fake.emit('logs:lines', { batches: [{ instanceId: 'proxy-server', lines: [] }] })
    connection.state = 'closed'
    await nextTick()
    expect(w.text()).toContain('Disconnected from the panel host: reconnecting…')
    const asked = fake.sent('services:snapshot').length
    connection.state = 'open'
    connection.opened++
    await flushPromises()
    expect(w.text()).not.toContain('Disconnected')
    expect(fake.sent('services:snapshot')).toHaveLength(asked + 1)
    expect(fake.sent('settings:get')).toHaveLength(2)
  })
})
