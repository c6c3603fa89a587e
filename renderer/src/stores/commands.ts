import { defineStore } from 'pinia'
import { MAX_COMMAND_TARGETS } from '../../../shared/contract'
import { computed, reactive, ref } from 'vue'
import { commandSpec, isAlias, type CommandName } from '../../../shared/swift'
import type { CommandOptions, CommandStarted, InstanceInfo } from '../../../shared/types'
import { bridge } from '../bridge'
import { canRun, titleOf } from '../lib/actions'
import { compactTargets, instancesOf, targetsName } from '../lib/targets'
import { useNotificationsStore } from './notifications'
import { useServicesStore } from './services'

export interface CommandRun {
  /** Ours, for lists: stable from the moment the command is sent. */
  key: number
  /** Empty until the service has answered the request. */
  commandId: string
  command: CommandName
  targets: string[]
  /** What the user asked for, as the button said it: `Start main`. */
  title: string
  /** The instances the command acts on, by id: the panel's reckoning until the service says. */
  actedOn: string[]
  /** Instances the user's target named that were left alone, and why (`6 already running`), or null. */
  note: string | null
  lines: string[]
  /** Lines dropped from the front of a long output. */
  dropped: number
  exitCode: number | null
  startedAt: number
}

export interface Confirmation {
  command: CommandName
  targets: string[]
  /** The instances it acts on, by id. */
  instanceIds: string[]
  /** What the button that asked says: `Stop main`. */
  title: string
}

/** Commands that wait for processes to exit: kill-wait and kill-after-timeout matter to them. */
const waitsForExit = (command: CommandName): boolean => commandSpec(command).stops
/** Commands whose signal `graceful` changes (shutdown and reload are graceful anyway). */
const gracefulMatters = (command: CommandName): boolean => commandSpec(command).stops && commandSpec(command).signal === 'SIGTERM'
const RUNS_KEPT = 50
const LINES_KEPT = 2000
const ORPHANS_KEPT = 20

export const describeCommand = (command: CommandName, targets: readonly string[]) => `swift-init ${targets.join(' ')} ${command}`

export const useCommandsStore = defineStore('commands', () => {
  const services = useServicesStore()
  const notifications = useNotificationsStore()

  const runs = ref<CommandRun[]>([])
  const drawerOpen = ref(false)
  const confirmation = ref<Confirmation | null>(null)
  /** The options the toolbar sets for the commands run from the panel; null kill-wait: the settings' one. */
  const options = reactive({ killWait: null as number | null, killAfterTimeout: false, graceful: false })
  /** Events that arrived before the request's answer, or of a command started elsewhere (the tray). */
  const orphans = new Map<string, { lines: string[]; exitCode: number | null }>()
  let nextKey = 0

  const active = computed(() => runs.value.filter((r) => r.exitCode === null))
  /** The command of ours acting on each instance, from the moment it is sent (an attached run is not: it must stay stoppable). */
  const busy = computed<ReadonlyMap<string, CommandName>>(() => {
    const m = new Map<string, CommandName>()
    for (const r of active.value)
      if (r.command !== 'no-daemon') for (const i of instancesOf(r.targets, services.instances)) m.set(i.id, r.command)
    return m
  })

  /** The command acting on an instance: ours from the moment it is sent, else the service's (the tray's). */
  const busyOf = (i: InstanceInfo): CommandName | null => busy.value.get(i.id) ?? i.busy
  /** Whether a button for this command on this instance does something now. */
  const can = (command: CommandName, i: InstanceInfo): boolean => !busyOf(i) && canRun(command, i)
  /** Whether it does for at least one of these instances (a group's or a selection's button). */
  const canAny = (command: CommandName, instances: readonly InstanceInfo[]): boolean => instances.some((i) => can(command, i))

  function optionsFor(command: CommandName): CommandOptions | undefined {
    const o: CommandOptions = {}
    if (waitsForExit(command)) {
      if (options.killWait !== null) o.killWait = options.killWait
      if (options.killAfterTimeout) o.killAfterTimeout = true
    }
    if (gracefulMatters(command) && options.graceful) o.graceful = true
    return Object.keys(o).length ? o : undefined
  }

  /** Group actions (main, rest, all) and actions on several instances that take them down ask first. */
  function needsConfirmation(command: CommandName, targets: readonly string[]): boolean {
    return commandSpec(command).confirm && (targets.length > 1 || targets.some(isAlias))
  }

  function addLines(run: CommandRun, lines: readonly string[]): void {
    // the supervisor prints text that ends with a newline: no empty line for that
    const text = lines.at(-1) === '' ? lines.slice(0, -1) : lines
    run.lines.push(...text)
    if (run.lines.length > LINES_KEPT) run.dropped += run.lines.splice(0, run.lines.length - LINES_KEPT).length
  }

  function track(command: CommandName, targets: string[], about: Partial<Pick<CommandRun, 'title' | 'actedOn' | 'note'>> = {}): CommandRun {
    runs.value.unshift({
      key: nextKey++,
      commandId: '',
      command,
      targets,
      title: about.title ?? describeCommand(command, targets),
      actedOn: about.actedOn ?? instancesOf(targets, services.configured).map((i) => i.id),
      note: about.note ?? null,
      lines: [],
      dropped: 0,
      exitCode: null,
      startedAt: Date.now(),
    })
    if (runs.value.length > RUNS_KEPT) runs.value.splice(RUNS_KEPT)
    // the reactive proxy (not the object given to unshift), so later changes re-render
    const [run] = runs.value
    if (!run) throw new Error('a command run was listed and is gone')
    return run
  }

  async function started(
    run: CommandRun,
    request: Promise<{ ok: true; value: CommandStarted } | { ok: false; error: { message: string } }>,
  ): Promise<string | null> {
    const r = await request
    if (!r.ok) {
      runs.value = runs.value.filter((x) => x !== run)
      notifications.report('error', `Could not run ${describeCommand(run.command, run.targets)}`, r.error.message)
      return null
    }
    run.commandId = r.value.commandId
    // the service's word on what it acts on (exact instance ids) over the panel's own reckoning
    run.actedOn = r.value.instanceIds
    const early = orphans.get(run.commandId)
    orphans.delete(run.commandId)
    if (early) {
      addLines(run, early.lines)
      run.exitCode = early.exitCode
    }
    return run.commandId
  }

  /**
   * Runs a command on exactly these targets now (at most MAX_COMMAND_TARGETS); resolves to its id, or null when the
   * service refused it (reported as an error).
   */
  async function run(command: CommandName, targets: string[], about: Partial<Pick<CommandRun, 'title' | 'actedOn' | 'note'>> = {}) {
    const o = optionsFor(command)
    const r = track(command, targets, about)
    drawerOpen.value = true
    return started(r, bridge().invoke('commands:run', { command, targets, ...(o ? { options: o } : {}) }))
  }

  /** Runs it in as many commands as the contract's target limit needs (each queued per server by the service). */
  async function runAll(command: CommandName, targets: string[], about: Pick<CommandRun, 'title' | 'actedOn' | 'note'>): Promise<void> {
    for (let at = 0; at < targets.length; at += MAX_COMMAND_TARGETS) await run(command, targets.slice(at, at + MAX_COMMAND_TARGETS), about)
  }

  /**
   * What a button does, meaning what the user means. Start acts per instance: it starts the instances of its
   * targets that are down (`object-server.2 start`), where swift-init, told `main`, would start nothing
   * because a sibling runs (its rule, which the CLI keeps). Commands that take a group or several instances
   * down ask first.
   */
  async function request(command: CommandName, targets: string[]): Promise<void> {
    const named = instancesOf(targets, services.configured)
    const title = titleOf(command, targetsName(targets))
    if (command === 'start') {
      const down = named.filter((i) => can('start', i))
      const running = named.filter((i) => i.state === 'running').length
      const others = named.length - down.length - running
      const note = [...(running ? [`${running} already running`] : []), ...(others ? [`${others} busy`] : [])].join(', ') || null
      if (down.length === 0) return notifications.report('info', `Nothing to start in ${targetsName(targets)}`, note ?? '')
      return runAll('start', compactTargets(down, services.configured), { title, actedOn: down.map((i) => i.id), note })
    }
    const instanceIds = named.map((i) => i.id)
    if (needsConfirmation(command, targets)) confirmation.value = { command, targets, instanceIds, title }
    else await runAll(command, targets, { title, actedOn: instanceIds, note: null })
  }

  /** Runs commands the user has already agreed to elsewhere (the restarts after "Send all logs here"), one after another. */
  async function runEach(list: readonly { command: CommandName; targets: string[] }[]): Promise<void> {
    for (const { command, targets } of list)
      await runAll(command, targets, {
        title: titleOf(command, targetsName(targets)),
        actedOn: instancesOf(targets, services.configured).map((i) => i.id),
        note: null,
      })
  }

  async function confirm(yes: boolean): Promise<void> {
    const c = confirmation.value
    confirmation.value = null
    if (yes && c) await runAll(c.command, c.targets, { title: c.title, actedOn: c.instanceIds, note: null })
  }

  /** Runs one instance attached (no-daemon): its console goes to its logs. */
  async function attach(instanceId: string): Promise<string | null> {
    const r = track('no-daemon', [instanceId], { title: `Run ${instanceId} attached`, actedOn: [instanceId] })
    return started(r, bridge().invoke('instances:attach', { instanceId }))
  }

  function orphan(commandId: string): { lines: string[]; exitCode: number | null } {
    let o = orphans.get(commandId)
    if (!o) {
      orphans.set(commandId, (o = { lines: [], exitCode: null }))
      const [oldest] = orphans.keys()
      if (orphans.size > ORPHANS_KEPT && oldest !== undefined) orphans.delete(oldest)
    }
    return o
  }

  function listen(): () => void {
    const offOutput = bridge().on('commands:output', ({ commandId, lines }) => {
      const r = runs.value.find((x) => x.commandId === commandId)
      if (r) addLines(r, lines)
      else orphan(commandId).lines.push(...lines)
    })
    const offDone = bridge().on('commands:done', ({ commandId, command, targets, exitCode }) => {
      const r = runs.value.find((x) => x.commandId === commandId)
      if (r) {
        r.exitCode = exitCode
        return
      }
      const o = orphan(commandId)
      o.exitCode = exitCode
      // ours, done before its request was answered: the answer claims it
      if (runs.value.some((x) => x.commandId === '' && x.command === command && x.targets.join(' ') === targets.join(' '))) return
      // started elsewhere: listed, without opening the drawer over what the user is doing
      orphans.delete(commandId)
      const shown = track(command, targets)
      shown.commandId = commandId
      addLines(shown, o.lines)
      shown.exitCode = exitCode
    })
    return () => {
      offOutput()
      offDone()
    }
  }

  function clearFinished(): void {
    runs.value = runs.value.filter((r) => r.exitCode === null)
  }

  return {
    runs,
    drawerOpen,
    confirmation,
    options,
    active,
    busy,
    busyOf,
    can,
    canAny,
    needsConfirmation,
    run,
    request,
    runEach,
    confirm,
    attach,
    listen,
    clearFinished,
  }
})
