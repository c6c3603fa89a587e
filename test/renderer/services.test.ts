import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import CommandDrawer from '../../renderer/src/components/CommandDrawer.vue'
import ConfirmDialog from '../../renderer/src/components/ConfirmDialog.vue'
import ServicesTable from '../../renderer/src/components/ServicesTable.vue'
import { useCommandsStore } from '../../renderer/src/stores/commands'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useNotificationsStore } from '../../renderer/src/stores/notifications'
import { useServicesStore } from '../../renderer/src/stores/services'
import { instancesOf } from '../../renderer/src/lib/targets'
import type { InstanceInfo } from '../../shared/types'
import { find, inst, SAIO, settle, setup, snapshot } from './support'

function mountTable(instances: InstanceInfo[] = SAIO()) {
  const { fake, pinia } = setup()
  const services = useServicesStore()
  services.accept(snapshot(instances))
  const w = mount(ServicesTable, { global: { plugins: [pinia] }, attachTo: document.body })
  return { w, fake, services, commands: useCommandsStore(), logs: useLogsStore() }
}
type Wrapper = ReturnType<typeof mountTable>['w']
const rowNames = (w: Wrapper) => w.findAll('tr.row').map((r) => r.attributes('aria-label'))
const button = (w: Wrapper, name: string) => w.get(`button[aria-label="${name}"]`)
/** Opens the menu of a row or a group, and gives the item with this name. */
async function menuItem(w: Wrapper, target: string, name: string): Promise<HTMLElement> {
  const more = button(w, `More actions for ${target}`)
  if (more.attributes('aria-expanded') !== 'true') await more.trigger('click')
  await nextTick()
  return find(`[role="menu"][aria-label="Actions for ${target}"] [role="menuitem"][aria-label="${name}"]`)
}
async function choose(w: Wrapper, target: string, name: string): Promise<void> {
  ;(await menuItem(w, target, name)).click()
  await nextTick()
}
const key = async (k: string, on: Element | null = document.activeElement) => {
  on?.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))
  await settle()
}

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
    const groups = w.findAll('tr.group-row').map((r) => r.text())
    expect(groups[0]).toContain('Main servers · 3 of 5 up')
    expect(groups[1]).toContain('Background daemons · 0 of 1 running')
    // a server with several configs has a row for all of them
    expect(w.findAll('tr.server-row').map((r) => r.attributes('aria-label'))).toEqual(['object-server: 2 instances, 1 running'])
    // the state is text in the row, not only a colour; the colour is the state's tone, as in the tray
    expect(w.get('tr#row-object-replicator\\.1').text()).toContain('crashed')
    expect(w.get('tr#row-object-replicator\\.1').classes()).toContain('tone-bad')
    expect(w.get('tr#row-proxy-server').classes()).toContain('tone-ok')
  })

  it('shows pid, uptime, CPU, memory, workers and the last exit, saying whose exit status it is', () => {
    const { w } = mountTable([
      inst('proxy-server', 'running', {
        pid: 4242,
        rssBytes: 3 * 1024 * 1024,
        cpuPercent: 1.25,
        workers: [
          { pid: 4243, startedAt: 0, generation: 'current' },
          { pid: 4244, startedAt: 0, generation: 'current' },
        ],
        lastExit: { code: 0, source: 'command', at: 0 },
      }),
      inst('object-server.1', 'stopped', { lastExit: { code: -9, source: 'process', at: 0 } }),
    ])
    const row = w.get('tr#row-proxy-server')
    expect(row.findAll('td.num').map((c) => c.text())).toEqual(['4242', '—', '1.3%', '3.0 MiB', '2'])
    expect(row.get('td.exit').text()).toBe('0 command')
    expect(row.get('td.exit').attributes('title')).toMatch(/^The last command on it exited 0 \(the command's status/)
    const killed = w.get('tr#row-object-server\\.1 td.exit')
    expect(killed.text()).toBe('SIGKILL process')
    expect(killed.attributes('title')).toMatch(/^It was killed by SIGKILL \(its own status: the panel started it/)
    expect(w.get('thead th.exit').text()).toBe('Last exit')
  })

  it('shows conf and pid file paths in a details row, the distinguishing end kept whole, with copy buttons', async () => {
    const { w, services } = mountTable()
    const toggle = button(w, 'Details for object-server.2')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const details = w.get('section[aria-label="Details of object-server.2"]')
    expect(details.findAll('.path-text').map((p) => [p.get('.head').text(), p.get('.tail').text(), p.attributes('title')])).toEqual([
      ['/etc/swift/', 'object-server/2.conf', '/etc/swift/object-server/2.conf'],
      ['/var/run/swift/', 'object-server/2.pid', '/var/run/swift/object-server/2.pid'],
    ])
    expect(details.find('button[aria-label="Copy conf file path of object-server.2"]').exists()).toBe(true)
    expect(details.find('button[aria-label="Copy pid file path of object-server.2"]').exists()).toBe(true)
    expect(details.text()).toContain('None seen since the panel started.')
    // the details row sits right under its instance's row
    const rows = w.findAll('tbody tr:not(.spacer)')
    const at = rows.findIndex((r) => r.attributes('id') === 'row-object-server.2')
    expect(rows[at + 1]?.classes()).toContain('details-row')
    await toggle.trigger('click')
    expect(services.expanded.size).toBe(0)
    expect(w.find('section[aria-label="Details of object-server.2"]').exists()).toBe(false)
  })

  it('row, server and group actions run commands:run on their targets; rarer ones are in menus under the same names', async () => {
    const { w, fake, commands } = mountTable()
    commands.listen()
    // each command ends before the next: an instance a command acts on takes no other meanwhile
    const done = async () => {
      for (const r of commands.active)
        fake.emit('commands:done', { commandId: r.commandId, command: r.command, targets: r.targets, exitCode: 0 })
      await nextTick()
    }
    await button(w, 'Stop proxy-server').trigger('click')
    await choose(w, 'object-server.1', 'Shut down object-server.1 gracefully')
    await button(w, 'Start object-server.2').trigger('click')
    await done()
    await button(w, 'Restart object-server').trigger('click')
    await done()
    await choose(w, 'object-server', 'Reload object-server')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'stop', targets: ['proxy-server'] },
      { command: 'shutdown', targets: ['object-server.1'] },
      { command: 'start', targets: ['object-server.2'] },
      { command: 'restart', targets: ['object-server'] },
      { command: 'reload', targets: ['object-server'] },
    ])
    // the primary actions of a row are buttons on it; the rarer ones are not
    const row = w.get('tr#row-object-server\\.1')
    expect(row.findAll('td.actions > button[aria-label]').map((b) => b.attributes('aria-label'))).toEqual([
      'Start object-server.1',
      'Stop object-server.1',
      'Restart object-server.1',
      'Logs for object-server.1',
      'More actions for object-server.1',
    ])
  })

  it('runs an instance attached through instances:attach, and opens logs of an instance, a server or a group', async () => {
    const { w, fake, logs } = mountTable()
    await choose(w, 'object-server.2', 'Run object-server.2 attached')
    expect(fake.sent('instances:attach')).toEqual([{ instanceId: 'object-server.2' }])
    await button(w, 'Logs for proxy-server').trigger('click')
    expect(logs.viewing).toEqual({ ids: ['proxy-server'], title: 'proxy-server' })
    await choose(w, 'object-server', 'Logs for object-server')
    expect(logs.viewing).toEqual({ ids: ['object-server.1', 'object-server.2'], title: 'object-server' })
    await button(w, 'Logs for main').trigger('click')
    expect(logs.viewing).toEqual({ ids: ['proxy-server', 'object-server.1', 'object-server.2'], title: 'main' })
  })

  it('offers only what makes sense in each state, for rows, servers and groups', async () => {
    const { w } = mountTable()
    expect(button(w, 'Start proxy-server').attributes('disabled')).toBeDefined()
    expect(button(w, 'Stop proxy-server').attributes('disabled')).toBeUndefined()
    expect(button(w, 'Stop object-server.2').attributes('disabled')).toBeDefined()
    expect((await menuItem(w, 'object-server.2', 'Reload object-server.2')).getAttribute('aria-disabled')).toBe('true')
    expect((await menuItem(w, 'proxy-server', 'Run proxy-server attached')).getAttribute('aria-disabled')).toBe('true')
    expect((await menuItem(w, 'proxy-server', 'Reload proxy-server')).getAttribute('aria-disabled')).toBeNull()
    // a group: start while one of it is down, stop while one has a pid file
    expect(button(w, 'Start main').attributes('disabled')).toBeUndefined()
    expect(button(w, 'Stop rest').attributes('disabled')).toBeUndefined()

    const { w: up } = mountTable([inst('proxy-server', 'running'), inst('object-server.1', 'running'), inst('object-replicator.1')])
    expect(button(up, 'Start main').attributes('disabled')).toBeDefined()
    expect(button(up, 'Stop rest').attributes('disabled')).toBeDefined()
    expect(button(up, 'Start rest').attributes('disabled')).toBeUndefined()
    expect(button(up, 'Start all').attributes('disabled')).toBeUndefined()
  })

  it('passes kill-wait, kill after timeout and graceful to the commands they change', async () => {
    const { w, fake } = mountTable()
    await w.get('input[aria-label="Kill wait in seconds"]').setValue('3')
    await w.get('input[aria-label="Kill wait in seconds"]').trigger('change')
    const [killAfterTimeout, graceful] = w.findAll('.options input[type="checkbox"]')
    await killAfterTimeout?.setValue(true)
    await graceful?.setValue(true)
    await button(w, 'Stop proxy-server').trigger('click')
    await button(w, 'Start object-server.2').trigger('click')
    await choose(w, 'object-server.1', 'Shut down object-server.1 gracefully')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'stop', targets: ['proxy-server'], options: { killWait: 3, killAfterTimeout: true, graceful: true } },
      { command: 'start', targets: ['object-server.2'] },
      { command: 'shutdown', targets: ['object-server.1'], options: { killWait: 3, killAfterTimeout: true } },
    ])
  })

  it('asks before a group goes down, with an accessible dialog naming what it acts on, Cancel focused', async () => {
    const { w, fake, commands } = mountTable()
    for (const name of ['Stop main', 'Restart rest']) {
      await button(w, name).trigger('click')
      expect(commands.confirmation?.title).toBe(name)
      await commands.confirm(false)
    }
    for (const [group, name] of [
      ['all', 'Reload all'],
      ['all', 'Kill all'],
      ['main', 'Shut down main gracefully'],
    ] as const) {
      await choose(w, group, name)
      expect(commands.confirmation?.title).toBe(name)
      await commands.confirm(false)
    }
    expect(fake.sent('commands:run')).toEqual([])

    mount(ConfirmDialog, { attachTo: document.body })
    await button(w, 'Stop main').trigger('click')
    await settle()
    const box = find('[role="alertdialog"]')
    expect(box.getAttribute('aria-label')).toBe('Stop main?')
    expect(box.getAttribute('aria-modal')).toBe('true')
    expect(box.textContent).toContain('proxy-server, object-server.1, object-server.2')
    // the safe choice has the focus
    expect(document.activeElement?.textContent).toBe('Cancel')
    ;[...box.querySelectorAll('button')].find((b) => b.textContent === 'Stop main')?.click()
    await nextTick()
    expect(fake.sent('commands:run')).toEqual([{ command: 'stop', targets: ['main'] }])
    expect(commands.confirmation).toBeNull()
    expect(document.body.querySelector('[role="alertdialog"]')).toBeNull()
  })

  it('Escape in the confirmation cancels', async () => {
    const { w, fake, commands } = mountTable()
    mount(ConfirmDialog, { attachTo: document.body })
    await button(w, 'Restart all').trigger('click')
    await settle()
    find('[role="alertdialog"]').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await nextTick()
    expect(commands.confirmation).toBeNull()
    expect(fake.sent('commands:run')).toEqual([])
  })

  it('starts per instance: a group or a server starts only what is down, named as exactly as it can be', async () => {
    const { w, fake, commands, services } = mountTable()
    // the service answers with the instances it acts on
    fake.answer('commands:run', ({ targets }) => ({
      ok: true,
      value: { commandId: `s${fake.calls.length}`, instanceIds: instancesOf(targets, services.configured).map((i) => i.id) },
    }))
    commands.listen()
    mount(CommandDrawer, { attachTo: document.body })
    const done = async () => {
      for (const r of commands.active)
        fake.emit('commands:done', { commandId: r.commandId, command: r.command, targets: r.targets, exitCode: 0 })
      await nextTick()
    }
    // swift-init would call main "already started" (proxy-server runs): the panel starts object-server.2
    await button(w, 'Start main').trigger('click')
    await done()
    await button(w, 'Start object-server').trigger('click')
    await done()
    // the crashed replicator and object-server.2
    await button(w, 'Start all').trigger('click')
    expect(commands.confirmation).toBeNull()
    expect(fake.sent('commands:run')).toEqual([
      { command: 'start', targets: ['object-server.2'] },
      { command: 'start', targets: ['object-server.2'] },
      { command: 'start', targets: ['object-server.2', 'object-replicator'] },
    ])
    await settle()
    // the drawer says what the user asked for and which instances it acted on
    const [all, , main] = commands.runs
    expect(main).toMatchObject({ title: 'Start main', actedOn: ['object-server.2'], note: '2 already running' })
    expect(all).toMatchObject({ title: 'Start all', actedOn: ['object-server.2', 'object-replicator.1'] })
    const entry = find('details[aria-label="Start main"]')
    expect(entry.textContent).toContain('$ swift-init object-server.2 start')
    expect(entry.textContent).toContain('acted on object-server.2 · 2 already running')
  })

  it('names a whole server when all of it is down (never an alias: strict mode would fail it elsewhere), and says when nothing is', async () => {
    const down = [
      inst('proxy-server', 'running'),
      inst('object-server.1', 'crashed'),
      inst('object-server.2', 'dead'),
      inst('object-replicator.1'),
    ]
    const { w, fake, commands } = mountTable(down)
    await button(w, 'Start main').trigger('click')
    await button(w, 'Start rest').trigger('click')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'start', targets: ['object-server'] },
      { command: 'start', targets: ['object-replicator'] },
    ])
    // nothing down: nothing sent, and a word why (the button is disabled anyway)
    await commands.request('start', ['proxy-server'])
    expect(fake.sent('commands:run')).toHaveLength(2)
    expect(useNotificationsStore().all[0]).toMatchObject({ title: 'Nothing to start in proxy-server', body: '1 already running' })
  })

  it('acts on a multi-selection, starting what is down, asking first when it takes several down', async () => {
    const { w, fake, commands, services } = mountTable()
    await w.get('input[aria-label="Select proxy-server"]').setValue(true)
    await w.get('input[aria-label="Select object-server.2"]').setValue(true)
    expect(w.get('[role="toolbar"][aria-label="Selected instances"]').text()).toContain('2 selected')
    await button(w, 'Start selected instances').trigger('click')
    expect(fake.sent('commands:run')).toEqual([{ command: 'start', targets: ['object-server.2'] }])
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
    expect(row().get('td.state').text()).toBe('running restart…')
    expect(button(w, 'Stop object-server.1').attributes('disabled')).toBeDefined()
    expect(button(w, 'Stop proxy-server').attributes('disabled')).toBeUndefined()
    fake.emit('commands:done', {
      commandId: commands.runs[0]?.commandId ?? '',
      command: 'restart',
      targets: ['object-server'],
      exitCode: 0,
    })
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

  it('keyboard: arrows move between rows, Enter opens logs, s/x/r act on the focused row, space selects, → and ← open details', async () => {
    const { w, fake, logs, services } = mountTable()
    const focusRow = async (id: string) => {
      document.getElementById(`row-${id}`)?.focus()
      await w.get(`tr[id="row-${id}"]`).trigger('focusin')
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
    await key('ArrowRight')
    expect(services.expanded.has('object-server.2')).toBe(true)
    await key('ArrowLeft')
    expect(services.expanded.has('object-server.2')).toBe(false)
    await key('ArrowUp')
    await key('r')
    expect(fake.sent('commands:run')).toEqual([
      { command: 'start', targets: ['object-server.2'] },
      { command: 'restart', targets: ['object-server.1'] },
    ])
    // only one row is a tab stop: the focused one
    expect(w.findAll('tr.row[tabindex="0"]').map((r) => r.attributes('id'))).toEqual(['row-object-server.1'])
  })

  it('arrow keys reach the rows without a click first, and move through them from a row’s buttons', async () => {
    const { w } = mountTable()
    ;(document.activeElement as HTMLElement | null)?.blur()
    await key('ArrowDown', document.body)
    expect(document.activeElement?.id).toBe('row-proxy-server')
    ;(button(w, 'Stop object-server.1').element as HTMLButtonElement).focus()
    await key('ArrowDown')
    expect(document.activeElement?.id).toBe('row-object-server.2')
  })

  it("leaves keys on a row's buttons to the buttons", async () => {
    const { w, fake, logs } = mountTable()
    await w.get('tr#row-proxy-server').trigger('focusin')
    const stop = button(w, 'Stop proxy-server')
    const e = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true })
    stop.element.dispatchEvent(e)
    stop.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }))
    expect(e.defaultPrevented).toBe(false)
    expect(logs.viewing).toBeNull()
    expect(fake.sent('commands:run')).toEqual([])
  })

  it('menus: arrow keys move through the enabled items, Escape closes and gives the focus back', async () => {
    const { w, fake } = mountTable()
    const more = button(w, 'More actions for proxy-server')
    await more.trigger('click')
    await settle()
    expect(more.attributes('aria-expanded')).toBe('true')
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Reload proxy-server')
    await key('ArrowDown')
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Shut down proxy-server gracefully')
    // Run attached is disabled (it runs): skipped, round to the first
    await key('ArrowDown')
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Reload proxy-server')
    await key('Escape')
    expect(document.body.querySelector('[role="menu"]')).toBeNull()
    expect(document.activeElement).toBe(more.element)
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

  it('collapses a group, and hides the background daemons that are simply stopped, remembering both', async () => {
    const instances = [...SAIO(), inst('object-auditor.1', 'stopped'), inst('object-updater.1', 'running')]
    const { w, services } = mountTable(instances)
    await w.get('tr.group-row input[type="checkbox"]').setValue(true)
    // stopped daemons go; the crashed one and the running one stay
    expect(rowNames(w)).toEqual([
      'proxy-server running',
      'object-server.1 running',
      'object-server.2 stopped',
      'object-replicator.1 crashed',
      'object-updater.1 running',
    ])
    expect(w.findAll('tr.group-row')[1]?.text()).toContain('(1 hidden)')
    // a filter finds them all the same
    services.filter = 'auditor'
    await nextTick()
    expect(rowNames(w)).toEqual(['object-auditor.1 stopped'])
    services.filter = ''
    await nextTick()
    const toggle = w.get('tr.group-row button.group-toggle')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(rowNames(w)).toEqual(['object-replicator.1 crashed', 'object-updater.1 running'])
    await nextTick()
    expect(JSON.parse(localStorage.getItem('swift-panel.services-view') ?? '{}')).toEqual({ collapsed: ['main'], hideStoppedDaemons: true })
  })

  it('renders only the rows in view of a long table, and tells the service which ones they are', async () => {
    const many = Array.from({ length: 500 }, (_, k) => inst(`object-server.${k + 1}`, 'running'))
    const { w, fake } = mountTable(many)
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
    await new Promise((r) => setTimeout(r, 300))
    const watched = fake.sent('services:watch').at(-1)?.instanceIds ?? []
    expect(watched).toContain('object-server.300')
    expect(watched).not.toContain('object-server.1')
    expect(watched.length).toBeLessThan(50)
  })
})

describe('services store', () => {
  it('never goes back to an older snapshot, but takes a restarted service’s', () => {
    setup()
    const s = useServicesStore()
    s.accept(snapshot([inst('proxy-server', 'running')], { seq: 5, takenAt: 100 }))
    s.accept(snapshot([inst('proxy-server', 'stopped')], { seq: 4, takenAt: 90 }))
    expect(s.instances[0]?.state).toBe('running')
    s.accept(snapshot([inst('proxy-server', 'stopped')], { seq: 1, takenAt: 200 }))
    expect(s.instances[0]?.state).toBe('stopped')
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

  it('sums up health as the tray does: main servers up, crashes, daemons that died', () => {
    setup()
    const s = useServicesStore()
    s.accept(snapshot([...SAIO(), inst('object-auditor', 'unconfigured')]))
    expect(s.summary).toMatchObject({ text: 'Main 2/3 up · 1 crashed', level: 'crash', tone: 'bad' })
  })
})
