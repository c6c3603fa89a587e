// The commands the panel offers, how their buttons are named, and when an instance (or a group of them)
// can take them. Names are stable: `<Verb> <target>`, for automation and screen readers alike.

import { Play, Power, RefreshCw, RotateCw, Square, Zap } from 'lucide-vue-next'
import type { Component } from 'vue'
import type { CommandName } from '../../../shared/swift'
import type { InstanceInfo, InstanceState } from '../../../shared/types'

export interface Action {
  command: CommandName
  /** A Lucide icon component. */
  icon: Component
  /** Short text, for a tooltip, a menu item or a text button. */
  text: string
  /** The accessible name: what it does to what. */
  label: (target: string) => string
}

/** An item of a row's or a group's menu. */
export interface MenuEntry {
  /** The accessible name, as the action's button would have it. */
  label: string
  /** The visible text. */
  text: string
  icon: Component
  disabled?: boolean
  run: () => void
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

/** On every row and group, always in the same place. */
export const PRIMARY_ACTIONS = [START, STOP, RESTART] as const
/** Rarer: in a row's or a group's menu. */
export const MORE_ACTIONS = [RELOAD, SHUTDOWN] as const
export const MORE_GROUP_ACTIONS = [RELOAD, SHUTDOWN, KILL] as const
export const SELECTION_ACTIONS = [START, STOP, RESTART, RELOAD, SHUTDOWN] as const

/** The name of a command acting on `what`, as its button says it (`Shut down main gracefully`). */
export function titleOf(command: CommandName, what: string): string {
  return [START, STOP, RESTART, RELOAD, SHUTDOWN, KILL].find((a) => a.command === command)?.label(what) ?? `${command} ${what}`
}

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
