// The commands the panel offers, how their buttons are named, and when an instance can take them.

import type { CommandName } from '../../../shared/swift'
import type { InstanceInfo, InstanceState } from '../../../shared/types'
import type { IconName } from './icons'

export interface Action {
  command: CommandName
  icon: IconName
  /** Short text, for a tooltip or a text button. */
  text: string
  /** The accessible name: what it does to what. */
  label: (target: string) => string
}

const action = (command: CommandName, icon: IconName, text: string, label: (t: string) => string = (t) => `${text} ${t}`): Action => ({
  command,
  icon,
  text,
  label,
})

const START = action('start', 'start', 'Start')
const STOP = action('stop', 'stop', 'Stop')
const RESTART = action('restart', 'restart', 'Restart')
const RELOAD = action('reload', 'reload', 'Reload')
const SHUTDOWN = action('shutdown', 'shutdown', 'Shut down', (t) => `Shut down ${t} gracefully`)
const KILL = action('kill', 'kill', 'Kill')

export const INSTANCE_ACTIONS = [START, STOP, RESTART, RELOAD, SHUTDOWN] as const
export const GROUP_ACTIONS = [START, STOP, RESTART, RELOAD, SHUTDOWN, KILL] as const

const HAS_PROCESS: ReadonlySet<InstanceState> = new Set(['running'])
/** A pid file to act on: a live process, or one left behind that stop cleans up. */
const HAS_PID_FILE: ReadonlySet<InstanceState> = new Set(['running', 'dead', 'crashed'])
const DOWN: ReadonlySet<InstanceState> = new Set(['stopped', 'dead', 'crashed'])

/** Whether a command makes sense for an instance in its current state. */
export function canRun(command: CommandName, i: InstanceInfo): boolean {
  switch (command) {
    case 'start':
    case 'no-daemon':
      return DOWN.has(i.state) && !i.attached
    case 'stop':
    case 'kill':
      return HAS_PID_FILE.has(i.state) || i.attached
    case 'restart':
      return i.state !== 'unconfigured' && !i.attached
    default:
      return HAS_PROCESS.has(i.state) && !i.attached
  }
}
