// The connection banner and its store: what the page says when its link is lost or when it fell behind.
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { connection, follow, resetConnection } from '../../renderer/src/bridge'
import ConnectionBanner from '../../renderer/src/components/ConnectionBanner.vue'
import { useConnectionStore } from '../../renderer/src/stores/connection'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { setup, snapshot, SAIO } from './support'

/** The stores of each test, disposed after it: their watchers follow the one page-wide `connection`. */
const stores: { $dispose(): void }[] = []
const connectionStore = () => {
  const store = useConnectionStore()
  stores.push(store)
  return store
}

afterEach(() => {
  for (const store of stores.splice(0)) store.$dispose()
  resetConnection()
})

describe('the connection banner', () => {
  it('says plainly that the host is lost, why, when it tries again, and tries at once on request', async () => {
    const { fake, pinia } = setup()
    const reconnect = vi.fn()
    fake.bridge.reconnect = reconnect
    const w = mount(ConnectionBanner, { global: { plugins: [pinia] } })
    const store = connectionStore()
    expect(w.find('[role="alert"]').exists()).toBe(false)
    follow({ state: 'closed', reason: 'The connection to the panel host was lost.', retryAt: Date.now() + 4000 })
    await nextTick()
    const alert = w.get('[role="alert"]')
    expect(alert.text()).toContain('Disconnected from the panel host: reconnecting…')
    expect(alert.text()).toContain('The connection to the panel host was lost.')
    expect(alert.text()).toContain('Next try in 4 s.')
    expect(store.lost).toBe(true)
    await alert.get('button').trigger('click')
    expect(reconnect).toHaveBeenCalledOnce()
    follow({ state: 'open' })
    await nextTick()
    expect(w.find('[role="alert"]').exists()).toBe(false)
  })

  it('in Electron, speaks of the service, which restarts by itself', async () => {
    const { pinia } = setup()
    connection.transport = 'electron'
    const w = mount(ConnectionBanner, { global: { plugins: [pinia] } })
    connectionStore()
    follow({ state: 'closed', reason: 'It stopped on an error: boom' })
    await nextTick()
    expect(w.get('[role="alert"]').text()).toContain("Disconnected from the panel's service: restarting it…")
    expect(w.find('button').exists()).toBe(false)
  })

  it('after falling behind: says how many lines it missed, and reads the instances and the logs on view again', async () => {
    const { fake, pinia } = setup({ 'services:snapshot': snapshot(SAIO()) })
    const w = mount(ConnectionBanner, { global: { plugins: [pinia] } })
    connectionStore()
    useLogsStore().show(['proxy-server'], 'proxy-server')
    follow({ state: 'open', dropped: { logLines: 12_345, outputLines: 6, changes: 7 } })
    await flushPromises()
    const status = w.get('[role="status"]')
    expect(status.text()).toContain('12,345 log lines and 6 lines of command output')
    expect(fake.sent('services:snapshot')).toHaveLength(1)
    expect(fake.sent('logs:get')).toEqual([{ instanceIds: ['proxy-server'] }])
    await status.get('button').trigger('click')
    expect(w.find('[role="status"]').exists()).toBe(false)
  })
})
