import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '../../renderer/src/App.vue'
import { connection } from '../../renderer/src/bridge'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useNotificationsStore } from '../../renderer/src/stores/notifications'
import { diffSnapshots } from '../../shared/services-delta'
import type { Answers } from './fake-bridge'
import { inst, SAIO, settings, setup, snapshot } from './support'

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
  it('says how many configured instances run, and updates from events', async () => {
    const { w, fake } = await mountApp()
    const health = w.get('[role="status"][aria-label="Overall health"]')
    expect(health.text()).toBe('2 of 4 running')
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
    expect(health.text()).toBe('3 of 4 running')
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
    await problems.findAll('button')[0]!.trigger('click')
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

  it('opens the logs pane for what the table asks, and closes it', async () => {
    const { w } = await mountApp()
    await w.get('button[aria-label="Logs for object-server"]').trigger('click')
    expect(w.get('section.logs').attributes('aria-label')).toBe('Logs of object-server')
    await w.get('button[aria-label="Close logs"]').trigger('click')
    expect(w.find('section.logs').exists()).toBe(false)
  })

  it('makes the page behind a dialog inert', async () => {
    const { w } = await mountApp()
    await w.get('button[aria-label="Stop main"]').trigger('click')
    await nextTick()
    expect(w.get('.shell').attributes('inert')).toBeDefined()
    document.body.querySelector<HTMLButtonElement>('[role="alertdialog"] button')!.click()
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
