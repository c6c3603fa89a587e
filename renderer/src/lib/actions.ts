// The commands the panel offers, how their buttons are named, and when an instance can take them.

import { Play, Power, RefreshCw, RotateCw, Square, Zap } from 'lucide-vue-next'
import type { Component } from 'vue'
import type { CommandName } from '../../../shared/swift'
import type { InstanceInfo, InstanceState } from '../../../shared/types'

export interface Action {
  command: CommandName
  /** A Lucide icon component. */
  icon: Component
  /** Short text, for a tooltip or a text button. */
  text: string
  /** The accessible name: what it does to what. */
  label: (target: string) => string
}

const action = (command: CommandName, icon: Component, text: string, label: (t: string) => string = (t) => `${text} ${t}`): Action => ({
  command,
  icon,
  text,
  label,
})

const START = action('start', Play, 'Start')
const STOP = action('stop', Square, 'Stop')
const RESTART = action('restart', RotateCw, 'Restart')
const RELOAD = action('reload', RefreshCw, 'Reload')
const SHUTDOWN = action('shutdown', Power, 'Shut down', (t) => `Shut down ${t} gracefully`)
const KILL = action('kill', Zap, 'Kill')

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
