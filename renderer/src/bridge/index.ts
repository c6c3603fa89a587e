// The renderer's one way to the main-process services: the preload bridge in Electron, else the
// browser host's WebSocket. Set once at start; stores use it and nothing else.

import type { Bridge } from '../../../shared/contract'
import { wsBridge } from './ws-bridge'

declare global {
  interface Window {
    /** Exposed by electron/preload through contextBridge. */
    swiftPanel?: Bridge
  }
}

let current: Bridge | null = null

export function pickBridge(): Bridge {
  if (window.swiftPanel) return window.swiftPanel
  const url = new URL(window.location.href)
  const token = url.searchParams.get('token')
  if (token) {
    // the host keeps the token in a cookie now: drop it from the address bar and history
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  const ws = new URL('/ws', window.location.href)
  ws.protocol = 'ws:'
  if (token) ws.searchParams.set('token', token)
  return wsBridge(ws.toString())
}

export function setBridge(bridge: Bridge): void {
  current = bridge
}

export function bridge(): Bridge {
  if (!current) throw new Error('bridge not set')
  return current
}
