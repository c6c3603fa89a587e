// What the tray shows, as plain data: its colour from the instances' states, and its menu. The Electron
// shell turns this into a Tray and a Menu; tests check it without Electron.

import type { CommandName } from '../../shared/swift.js'
import type { InstanceInfo } from '../../shared/types.js'

export type TrayState = 'up' | 'partial' | 'crash' | 'idle'

export function trayState(instances: InstanceInfo[]): TrayState {
  const configured = instances.filter((i) => i.state !== 'unconfigured')
  if (configured.some((i) => i.state === 'crashed')) return 'crash'
  const running = configured.filter((i) => i.state === 'running').length
  if (running === 0) return 'idle'
  return running === configured.length ? 'up' : 'partial'
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
        label: c[0]!.toUpperCase() + c.slice(1),
        command: c,
        targets: [s],
      })),
    })),
    { kind: 'separator' },
    { kind: 'quit', label: 'Quit' },
  ]
}

/** Only our own page may call the IPC handlers. */
export function senderAllowed(frameUrl: string | undefined, rendererUrl: string): boolean {
  if (!frameUrl) return false
  try {
    const a = new URL(frameUrl)
    const b = new URL(rendererUrl)
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname
  } catch {
    return false
  }
}
