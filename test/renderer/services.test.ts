import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import ConfirmDialog from '../../renderer/src/components/ConfirmDialog.vue'
import ServicesTable from '../../renderer/src/components/ServicesTable.vue'
import { useCommandsStore } from '../../renderer/src/stores/commands'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useServicesStore } from '../../renderer/src/stores/services'
import type { InstanceInfo } from '../../shared/types'
import { inst, SAIO, setup, snapshot } from './support'

function mountTable(instances: InstanceInfo[] = SAIO()) {
  const { fake, pinia } = setup()
  const services = useServicesStore()
  services.accept(snapshot(instances))
  const w = mount(ServicesTable, { global: { plugins: [pinia] }, attachTo: document.body })
  return { w, fake, services, commands: useCommandsStore(), logs: useLogsStore() }
}
const rowNames = (w: ReturnType<typeof mountTable>['w']) => w.findAll('tr.row').map((r) => r.attributes('aria-label'))
const button = (w: ReturnType<typeof mountTable>['w'], name: string) => w.get(`button[aria-label="${name}"]`)

describe('services table', () => {
  it('has a row per instance, named by its id then its state in words, grouped main / rest', () => {
    const { w } = mountTable([...SAIO(), inst('container-server.1', 'dead'), inst('account-server', 'running', { attached: true })])
    expect(rowNames(w)).toEqual([
      'proxy-server running',
      'object-server.1 running',
      'object-server.2 stopped',
      'container-server.1 dead (stale pid file)',
      'account-server running, attached',
      'object-replicator.1 crashed',
    ])
    expect(w.findAll('tr.group-row').map((r) => r.text())).toEqual(['Main servers · 3 of 5 running', 'Background daemons · 0 of 1 running'])
    // a server with several configs has a row for all of them
    expect(w.findAll('tr.server-row').map((r) => r.attributes('aria-label'))).toEqual(['object-server: 2 instances, 1 running'])
    // the state is text in the row, not only a colour
    expect(w.get('tr#row-object-replicator\\.1').text()).toContain('crashed')
  })

  it('shows pid, memory, workers, exit code and paths relative to their folders, with copy buttons', () => {
    const { w } = mountTable([
      inst('proxy-server', 'running', {
        pid: 4242,
        rssBytes: 3 * 1024 * 1024,
        cpuPercent: 1.25,
        workers: [1, 2].map((pid) => ({ pid, startedAt: 0, generation: 'current' as const })),
        lastExit: { code: 0, source: 'command', at: 0 },
      }),
    ])
    const row = w.get('tr.row')
    expect(row.text()).toContain('4242')
    expect(row.text()).toContain('3.0 MiB')
    expect(row.text()).toContain('1.3%')
    expect(row.findAll('td.num').map((c) => c.text())).toEqual(['4242', '—', '1.3%', '3.0 MiB', '2', '0'])
    expect(row.findAll('td.path span[title]').map((s) => [s.text(), s.attributes('title')])).toEqual([
      ['proxy-server.conf', '/etc/swift/proxy-server.conf'],
      ['proxy-server.pid', '/var/run/swift/proxy-server.pid'],
    ])
    expect(row.find('button[aria-label="Copy conf file path of proxy-server"]').exists()).toBe(true)
    expect(row.find('button[aria-label="Copy pid file path of proxy-server"]').exists()).toBe(true)
  })

  it('row, server and group actions run commands:run on their targets', async () => {
    const { w, fake } = mountTable()
    await button(w, 'Stop proxy-server').trigger('click')
    await button(w, 'Shut down object-server.1 gracefully').trigger('click')
    await button(w, 'Start object-server.2').trigger('click')
    await button(w, 'Restart object-server').trigger('click')
    await button(w, 'Start main').trigger('click')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'stop', targets: ['proxy-server'] },
      { command: 'shutdown', targets: ['object-server.1'] },
      { command: 'start', targets: ['object-server.2'] },
      { command: 'restart', targets: ['object-server'] },
      { command: 'start', targets: ['main'] },
    ])
  })

  it('runs an instance attached through instances:attach, and opens logs of an instance, a server or a group', async () => {
    const { w, fake, logs } = mountTable()
    await button(w, 'Run object-server.2 attached').trigger('click')
    expect(fake.sent('instances:attach')).toEqual([{ instanceId: 'object-server.2' }])
    await button(w, 'Logs for proxy-server').trigger('click')
    expect(logs.viewing).toEqual({ ids: ['proxy-server'], title: 'proxy-server' })
    await button(w, 'Logs for object-server').trigger('click')
    expect(logs.viewing).toEqual({ ids: ['object-server.1', 'object-server.2'], title: 'object-server' })
    await button(w, 'Logs for main').trigger('click')
    expect(logs.viewing).toEqual({ ids: ['proxy-server', 'object-server.1', 'object-server.2'], title: 'main' })
  })

  it('offers only what makes sense in each state', () => {
    const { w } = mountTable()
    expect(button(w, 'Start proxy-server').attributes('disabled')).toBeDefined()
    expect(button(w, 'Stop proxy-server').attributes('disabled')).toBeUndefined()
    expect(button(w, 'Stop object-server.2').attributes('disabled')).toBeDefined()
    expect(button(w, 'Reload object-server.2').attributes('disabled')).toBeDefined()
    expect(button(w, 'Run proxy-server attached').attributes('disabled')).toBeDefined()
  })

  it('passes kill-wait, kill after timeout and graceful to the commands they change', async () => {
    const { w, fake } = mountTable()
    await w.get('input[aria-label="Kill wait in seconds"]').setValue('3')
    await w.get('input[aria-label="Kill wait in seconds"]').trigger('change')
    await w.findAll('.options input[type="checkbox"]')[0]!.setValue(true)
    await w.findAll('.options input[type="checkbox"]')[1]!.setValue(true)
    await button(w, 'Stop proxy-server').trigger('click')
    await button(w, 'Start object-server.2').trigger('click')
    await button(w, 'Shut down object-server.1 gracefully').trigger('click')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'stop', targets: ['proxy-server'], options: { killWait: 3, killAfterTimeout: true, graceful: true } },
      { command: 'start', targets: ['object-server.2'] },
      { command: 'shutdown', targets: ['object-server.1'], options: { killWait: 3, killAfterTimeout: true } },
    ])
  })

  it('asks before a group goes down, with an accessible dialog naming what it acts on', async () => {
    const { w, fake, commands } = mountTable()
    for (const name of ['Stop main', 'Restart rest', 'Reload all', 'Kill all', 'Shut down main gracefully']) {
      await button(w, name).trigger('click')
      expect(commands.confirmation).not.toBeNull()
      await commands.confirm(false)
    }
    expect(fake.sent('commands:run')).toEqual([])

    mount(ConfirmDialog, { attachTo: document.body })
    await button(w, 'Stop main').trigger('click')
    await nextTick()
    await nextTick()
    const box = document.body.querySelector('[role="alertdialog"]')!
    expect(box.getAttribute('aria-label')).toBe('Stop main?')
    expect(box.getAttribute('aria-modal')).toBe('true')
    expect(box.textContent).toContain('proxy-server, object-server.1, object-server.2')
    // the safe choice has the focus
    expect(document.activeElement?.textContent).toBe('Cancel')
    ;[...box.querySelectorAll('button')].find((b) => b.textContent === 'Stop main')!.click()
    await nextTick()
    expect(fake.sent('commands:run')).toEqual([{ command: 'stop', targets: ['main'] }])
    expect(commands.confirmation).toBeNull()
    expect(document.body.querySelector('[role="alertdialog"]')).toBeNull()
  })

  it('Escape in the confirmation cancels', async () => {
    const { w, fake, commands } = mountTable()
    mount(ConfirmDialog, { attachTo: document.body })
    await button(w, 'Restart all').trigger('click')
    await nextTick()
    await nextTick()
    document.body.querySelector('[role="alertdialog"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await nextTick()
    expect(commands.confirmation).toBeNull()
    expect(fake.sent('commands:run')).toEqual([])
  })

  it('start on a group, and actions on one instance, do not ask', async () => {
    const { w, commands, fake } = mountTable()
    await button(w, 'Stop object-server.1').trigger('click')
    await button(w, 'Start all').trigger('click')
    expect(commands.confirmation).toBeNull()
    expect(fake.sent('commands:run')).toHaveLength(2)
  })

  it('acts on a multi-selection, asking first when it takes several down', async () => {
    const { w, fake, commands, services } = mountTable()
    await w.get('input[aria-label="Select proxy-server"]').setValue(true)
    await w.get('input[aria-label="Select object-server.2"]').setValue(true)
    expect(w.get('[role="toolbar"][aria-label="Selected instances"]').text()).toContain('2 selected')
    await button(w, 'Start selected instances').trigger('click')
    expect(fake.sent('commands:run')).toEqual([{ command: 'start', targets: ['proxy-server', 'object-server.2'] }])
    await button(w, 'Stop selected instances').trigger('click')
    expect(commands.confirmation?.instanceIds).toEqual(['proxy-server', 'object-server.2'])
    await w.get('input[aria-label="Select all shown instances"]').setValue(true)
    expect(services.selected.size).toBe(4)
    // an instance that disappears from the snapshot leaves the selection
    services.accept(snapshot(SAIO().slice(0, 2), { seq: 2, takenAt: 2 }))
    expect([...services.selected]).toEqual(['proxy-server', 'object-server.1'])
  })

  it('marks rows busy from the moment a command is sent until it is done', async () => {
    const { w, fake, commands } = mountTable()
    commands.listen()
    await button(w, 'Restart object-server').trigger('click')
    await nextTick()
    const row = () => w.get('tr#row-object-server\\.1')
    expect(row().attributes('aria-label')).toBe('object-server.1 running, restart…')
    expect(row().attributes('aria-busy')).toBe('true')
    expect(button(w, 'Stop object-server.1').attributes('disabled')).toBeDefined()
    expect(button(w, 'Stop proxy-server').attributes('disabled')).toBeUndefined()
    fake.emit('commands:done', { commandId: commands.runs[0]!.commandId, command: 'restart', targets: ['object-server'], exitCode: 0 })
    await nextTick()
    expect(row().attributes('aria-label')).toBe('object-server.1 running')
    expect(button(w, 'Stop object-server.1').attributes('disabled')).toBeUndefined()
  })

  it("shows the snapshot's busy state too (a command from the tray)", async () => {
    const { w } = mountTable([inst('proxy-server', 'stopping', { busy: 'stop', pid: 7 })])
    await nextTick()
    expect(w.get('tr.row').attributes('aria-label')).toBe('proxy-server stopping')
    expect(button(w, 'Stop proxy-server').attributes('disabled')).toBeDefined()
  })

  it('keyboard: arrows move between rows, Enter opens logs, s/x/r act on the focused row, space selects', async () => {
    const { w, fake, logs, services } = mountTable()
    const focusRow = async (id: string) => {
      const el = document.getElementById(`row-${id}`)!
      el.focus()
      await w.get(`tr[id="row-${id}"]`).trigger('focus')
    }
    const key = async (k: string) => {
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))
      await nextTick()
      await nextTick()
    }
    await focusRow('proxy-server')
    await key('ArrowDown')
    expect(document.activeElement?.id).toBe('row-object-server.1')
    await key('ArrowDown')
    await key('ArrowDown')
    // past the server row and the group row, into the rest
    expect(document.activeElement?.id).toBe('row-object-replicator.1')
    await key('ArrowDown')
    expect(document.activeElement?.id).toBe('row-object-replicator.1')
    await key('Home')
    expect(document.activeElement?.id).toBe('row-proxy-server')
    await key('End')
    await key('ArrowUp')
    expect(document.activeElement?.id).toBe('row-object-server.2')
    await key('Enter')
    expect(logs.viewing).toEqual({ ids: ['object-server.2'], title: 'object-server.2' })
    await key('s')
    await key('x') // stopped: nothing to stop
    await key(' ')
    expect(services.selected.has('object-server.2')).toBe(true)
    await key('ArrowUp')
    await key('r')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'start', targets: ['object-server.2'] },
      { command: 'restart', targets: ['object-server.1'] },
    ])
    // only one row is a tab stop: the focused one
    expect(w.findAll('tr.row[tabindex="0"]').map((r) => r.attributes('id'))).toEqual(['row-object-server.1'])
  })

  it("leaves keys on a row's buttons to the buttons", async () => {
    const { w, fake, logs } = mountTable()
    await w.get('tr#row-proxy-server').trigger('focus')
    const stop = button(w, 'Stop proxy-server')
    const e = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true })
    stop.element.dispatchEvent(e)
    stop.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }))
    expect(e.defaultPrevented).toBe(false)
    expect(logs.viewing).toBeNull()
    expect(fake.sent('commands:run')).toEqual([])
  })

  it('filters rows by id, state or path, and says when nothing matches', async () => {
    const { w, services } = mountTable()
    services.filter = 'crash'
    await nextTick()
    expect(rowNames(w)).toEqual(['object-replicator.1 crashed'])
    services.filter = 'object-server/2'
    await nextTick()
    expect(rowNames(w)).toEqual(['object-server.2 stopped'])
    services.filter = 'nothing like it'
    await nextTick()
    expect(w.text()).toContain('No instance matches “nothing like it”')
    await w.get('input[aria-label="Filter instances"]').trigger('keydown', { key: 'Escape' })
    expect(services.filter).toBe('')
  })

  it('renders only the rows in view of a long table', async () => {
    const many = Array.from({ length: 500 }, (_, k) => inst(`object-server.${k + 1}`, 'running'))
    const { w } = mountTable(many)
    await nextTick()
    expect(w.findAll('tr.row').length).toBeLessThan(50)
    const viewport = w.get('.table-viewport').element as HTMLElement
    // jsdom has no layout: the viewport's content height is the table's, which the spacer rows make up
    Object.defineProperty(viewport, 'scrollHeight', { value: 502 * 32 + 32 })
    viewport.scrollTop = 300 * 32
    viewport.dispatchEvent(new Event('scroll'))
    await nextTick()
    const ids = w.findAll('tr.row').map((r) => r.attributes('id'))
    expect(ids).toContain('row-object-server.300')
    expect(ids).not.toContain('row-object-server.1')
    // where a rendered row sits in the whole: the header, the group row, the server row, then the instances
    expect(w.get('table').attributes('aria-rowcount')).toBe('503')
    expect(w.get('tr#row-object-server\\.300').attributes('aria-rowindex')).toBe('303')
  })
})

describe('services store', () => {
  it('never goes back to an older snapshot, but takes a restarted service’s', () => {
    setup()
    const s = useServicesStore()
    s.accept(snapshot([inst('proxy-server', 'running')], { seq: 5, takenAt: 100 }))
    s.accept(snapshot([inst('proxy-server', 'stopped')], { seq: 4, takenAt: 90 }))
    expect(s.instances[0]!.state).toBe('running')
    s.accept(snapshot([inst('proxy-server', 'stopped')], { seq: 1, takenAt: 200 }))
    expect(s.instances[0]!.state).toBe('stopped')
  })

  it('keeps the objects of unchanged instances, so their rows do not re-render', () => {
    setup()
    const s = useServicesStore()
    s.accept(snapshot(SAIO()))
    const before = s.instances
    s.accept(
      snapshot(
        SAIO().map((i) => (i.id === 'proxy-server' ? { ...i, state: 'stopped' as const } : i)),
        { seq: 2, takenAt: 2 },
      ),
    )
    expect(s.instances[0]).not.toBe(before[0])
    expect(s.instances.slice(1).every((i, k) => i === before[k + 1])).toBe(true)
  })

  it('counts health over configured instances', () => {
    setup()
    const s = useServicesStore()
    s.accept(snapshot([...SAIO(), inst('object-auditor', 'unconfigured')]))
    expect(s.health).toBe('2 of 4 running')
    expect(s.healthLevel).toBe('bad')
  })
})
