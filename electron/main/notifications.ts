// Which panel notifications also go to the desktop: a crash or a failed command (errors) and warnings,
// while the panel is not in front; in front, the panel shows them itself.

import type { PanelNotification } from '../../shared/types.js'

export interface DesktopNotification {
  title: string
  body: string
  urgency: 'normal' | 'critical'
}

export function desktopNotification(n: PanelNotification, panelFocused: boolean): DesktopNotification | null {
  if (n.level === 'info' || panelFocused) return null
  return { title: n.title, body: n.body, urgency: n.level === 'error' ? 'critical' : 'normal' }
}
