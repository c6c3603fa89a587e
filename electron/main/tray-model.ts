// What the tray shows, as plain data: its colour and tooltip from the instances, and its menu. tray-icon.ts
// and index.ts turn this into a Tray and a Menu; tests check it without Electron.

import { summarize, type HealthLevel } from '../../shared/cluster-summary.js'
import type { CommandName } from '../../shared/swift.js'
import type { InstanceInfo } from '../../shared/types.js'

/** The tray's colour (its icon's level) and tooltip: the panel's overall health badge, by the same rule. */
export function trayLook(instances: readonly InstanceInfo[]): { level: HealthLevel; tip: string } {
  const summary = summarize(instances)
  return { level: summary.level, tip: `Swift Panel: ${summary.text}` }
}

export type MenuItem =
  | { kind: 'action'; label: string; command: CommandName; targets: string[] }
  | { kind: 'show'; label: string }
  | { kind: 'quit'; label: string }
  | { kind: 'separator' }
  | { kind: 'submenu'; label: string; items: MenuItem[] }

export function trayMenu(instances: InstanceInfo[]): MenuItem[] {
  const servers = [...new Set(instances.filter((i) => i.state !== 'unconfigured').map((i) => i.server))]
  const running = (s: string) => instances.filter((i) => i.server === s && i.state === 'running').length
  const total = (s: string) => instances.filter((i) => i.server === s).length
  return [
    { kind: 'show', label: 'Show panel' },
    { kind: 'separator' },
    { kind: 'action', label: 'Start main', command: 'start', targets: ['main'] },
    { kind: 'action', label: 'Stop main', command: 'stop', targets: ['main'] },
    { kind: 'action', label: 'Restart main', command: 'restart', targets: ['main'] },
    { kind: 'action', label: 'Restart all', command: 'restart', targets: ['all'] },
    { kind: 'separator' },
    ...servers.map((s): MenuItem => ({
      kind: 'submenu',
      label: `${s} (${running(s)}/${total(s)})`,
      items: (['start', 'stop', 'restart', 'reload'] as const).map((c) => ({
        kind: 'action',
        label: c.charAt(0).toUpperCase() + c.slice(1),
        command: c,
        targets: [s],
      })),
    })),
    { kind: 'separator' },
    { kind: 'quit', label: 'Quit' },
  ]
}
