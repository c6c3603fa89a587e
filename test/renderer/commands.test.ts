import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { MAX_COMMAND_TARGETS } from '../../shared/contract'
import CommandDrawer from '../../renderer/src/components/CommandDrawer.vue'
import CopyButton from '../../renderer/src/components/CopyButton.vue'
import { useCommandsStore } from '../../renderer/src/stores/commands'
import { useNotificationsStore } from '../../renderer/src/stores/notifications'
import { useServicesStore } from '../../renderer/src/stores/services'
import { fail } from './fake-bridge'
import { inst, SAIO, setup, snapshot } from './support'

describe('commands store', () => {
  it('streams output into the run, then its exit code, and opens the drawer', async () => {
    const { fake } = setup()
    const commands = useCommandsStore()
    commands.listen()
    const id = await commands.run('start', ['main'])
    expect(commands.drawerOpen).toBe(true)
    fake.emit('commands:output', { commandId: id!, lines: ['Starting proxy-server...(/etc/swift/proxy-server.conf)', ''] })
    fake.emit('commands:output', { commandId: 'someone-else', lines: ['not ours'] })
    fake.emit('commands:output', { commandId: id!, lines: ['proxy-server running (42 - /etc/swift/proxy-server.conf)'] })
    expect(commands.active).toHaveLength(1)
    fake.emit('commands:done', { commandId: id!, command: 'start', targets: ['main'], exitCode: 0 })
    expect(commands.runs[0]).toMatchObject({
      command: 'start',
      targets: ['main'],
      lines: ['Starting proxy-server...(/etc/swift/proxy-server.conf)', 'proxy-server running (42 - /etc/swift/proxy-server.conf)'],
      exitCode: 0,
    })
    expect(commands.active).toHaveLength(0)
  })

  it('keeps output and the end of a command that came before the answer to its request', async () => {
    let answer!: (v: { ok: true; value: { commandId: string; instanceIds: string[] } }) => void
    const { fake } = setup({ 'commands:run': () => new Promise((r) => (answer = r)) })
    const commands = useCommandsStore()
    commands.listen()
    const started = commands.run('stop', ['proxy-server'])
    fake.emit('commands:output', { commandId: 'fast', lines: ['Signal proxy-server  pid: 42  signal: 15'] })
    fake.emit('commands:done', { commandId: 'fast', command: 'stop', targets: ['proxy-server'], exitCode: 0 })
    expect(commands.runs).toHaveLength(1)
    answer({ ok: true, value: { commandId: 'fast', instanceIds: ['proxy-server'] } })
    await started
    expect(commands.runs).toHaveLength(1)
    expect(commands.runs[0]).toMatchObject({ commandId: 'fast', lines: ['Signal proxy-server  pid: 42  signal: 15'], exitCode: 0 })
  })

  it('lists a command started elsewhere (the tray) when it ends, without opening the drawer', () => {
    const { fake } = setup()
    const commands = useCommandsStore()
    commands.listen()
    fake.emit('commands:output', { commandId: 'tray-1', lines: ['Stopping…'] })
    fake.emit('commands:done', { commandId: 'tray-1', command: 'restart', targets: ['main'], exitCode: 1 })
    expect(commands.runs).toMatchObject([{ commandId: 'tray-1', command: 'restart', lines: ['Stopping…'], exitCode: 1 }])
    expect(commands.drawerOpen).toBe(false)
  })

  it('reports a refused command as an error notification, and forgets it', async () => {
    setup({ 'commands:run': () => fail('targets[0]: does not match') })
    const commands = useCommandsStore()
    expect(await commands.run('start', ['nope'])).toBeNull()
    expect(commands.runs).toEqual([])
    expect(useNotificationsStore().all[0]).toMatchObject({
      level: 'error',
      title: 'Could not run swift-init nope start',
      body: 'targets[0]: does not match',
    })
  })

  it('keeps a bounded tail of a long output', () => {
    const { fake } = setup()
    const commands = useCommandsStore()
    commands.listen()
    fake.emit('commands:done', { commandId: 'x', command: 'status', targets: ['all'], exitCode: 0 })
    const run = commands.runs[0]!
    run.exitCode = null
    for (let k = 0; k < 30; k++)
      fake.emit('commands:output', { commandId: 'x', lines: Array.from({ length: 100 }, (_, n) => `l${k * 100 + n}`) })
    expect(run.lines).toHaveLength(2000)
    expect(run.dropped).toBe(1000)
    expect(run.lines.at(-1)).toBe('l2999')
  })

  it('asks before destructive commands on groups or several targets only', () => {
    setup()
    const commands = useCommandsStore()
    expect(commands.needsConfirmation('stop', ['main'])).toBe(true)
    expect(commands.needsConfirmation('reload', ['all'])).toBe(true)
    expect(commands.needsConfirmation('stop', ['proxy-server', 'object-server.1'])).toBe(true)
    expect(commands.needsConfirmation('start', ['all'])).toBe(false)
    expect(commands.needsConfirmation('stop', ['object-server'])).toBe(false)
    expect(commands.needsConfirmation('stop', ['proxy-server'])).toBe(false)
  })

  it('marks the instances a command targets busy until it is done; an attached run does not', async () => {
    const { fake } = setup()
    useServicesStore().accept(snapshot(SAIO()))
    const commands = useCommandsStore()
    commands.listen()
    const id = await commands.run('stop', ['object-server'])
    await commands.attach('proxy-server')
    expect([...commands.busy]).toEqual([
      ['object-server.1', 'stop'],
      ['object-server.2', 'stop'],
    ])
    fake.emit('commands:done', { commandId: id!, command: 'stop', targets: ['object-server'], exitCode: 0 })
    expect(commands.busy.size).toBe(0)
  })
})

describe('commands store, acting per instance', () => {
  it('sends the down instances of a partly running server in commands of at most MAX_COMMAND_TARGETS (the contract’s limit)', async () => {
    const { fake } = setup()
    const down = MAX_COMMAND_TARGETS + 11
    const many = Array.from({ length: 2 * down }, (_, k) => inst(`object-server.${k + 1}`, k % 2 ? 'running' : 'stopped'))
    useServicesStore().accept(snapshot(many))
    const commands = useCommandsStore()
    await commands.request('start', ['object-server'])
    const sent = fake.sent('commands:run')
    expect(sent.map((r) => r.targets.length)).toEqual([MAX_COMMAND_TARGETS, 11])
    expect(sent.flatMap((r) => r.targets)).toEqual(many.filter((i) => i.state === 'stopped').map((i) => i.id))
    expect(commands.runs.map((r) => r.title)).toEqual(['Start object-server', 'Start object-server'])
    expect(commands.runs[0]?.note).toBe(`${down} already running`)
  })

  it('runs a list of commands the user agreed to elsewhere, in order, without asking again', async () => {
    const { fake } = setup()
    useServicesStore().accept(snapshot(SAIO()))
    const commands = useCommandsStore()
    await commands.runEach([
      { command: 'reload', targets: ['proxy-server', 'object-server.1'] },
      { command: 'restart', targets: ['object-replicator.1'] },
    ])
    expect(commands.confirmation).toBeNull()
    expect(fake.sent('commands:run')).toEqual([
      { command: 'reload', targets: ['proxy-server', 'object-server.1'] },
      { command: 'restart', targets: ['object-replicator.1'] },
    ])
    expect(commands.runs.map((r) => [r.title, r.actedOn])).toEqual([
      ['Restart object-replicator.1', ['object-replicator.1']],
      ['Reload 2 instances', ['proxy-server', 'object-server.1']],
    ])
  })
})

describe('copy button', () => {
  it('says it copied, on the button and for screen readers, for a moment', async () => {
    vi.useFakeTimers()
    setup()
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const w = mount(CopyButton, { props: { text: '/etc/swift/proxy-server.conf', label: 'Copy conf file path of proxy-server' } })
    await w.get('button').trigger('click')
    await nextTick()
    expect(writeText).toHaveBeenCalledWith('/etc/swift/proxy-server.conf')
    expect(w.get('button').text()).toBe('Copied')
    expect(w.get('button').attributes('aria-label')).toBe('Copy conf file path of proxy-server')
    expect(w.get('[role="status"]').text()).toBe('Copied')
    await vi.advanceTimersByTimeAsync(2000)
    expect(w.get('button').text()).toBe('')
    vi.useRealTimers()
  })
})

describe('command drawer', () => {
  it('shows each run as the swift-init command line, its output and its exit code', async () => {
    const { fake } = setup()
    const commands = useCommandsStore()
    commands.listen()
    const w = mount(CommandDrawer)
    const id = await commands.run('stop', ['main'])
    fake.emit('commands:output', { commandId: id!, lines: ['No proxy-server running'] })
    await nextTick()
    const region = w.get('section[aria-label="Command output"]')
    expect(region.text()).toContain('$ swift-init main stop')
    expect(region.text()).toContain('running…')
    expect(region.text()).toContain('No proxy-server running')
    fake.emit('commands:done', { commandId: id!, command: 'stop', targets: ['main'], exitCode: 1 })
    await nextTick()
    expect(region.text()).toContain('exit 1')
    await w.get('button[aria-label="Close command output"]').trigger('click')
    expect(w.find('section').exists()).toBe(false)
  })
})
