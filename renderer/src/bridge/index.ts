// The renderer's one way to the services: the preload's bridge in Electron, else the browser host's
// WebSocket. Chosen once at start; the stores use it and nothing else.

import { reactive } from 'vue'
import type { Bridge } from '../../../shared/contract'
import { wsBridge, type ConnectionState } from './ws-bridge'

/** The link to the services; `opened` counts (re)connections, so stores refetch what they missed. */
export const connection = reactive({ state: 'open' as ConnectionState, opened: 1 })

let current: Bridge | null = null

export function pickBridge(): Bridge {
  if (window.swiftPanel) return window.swiftPanel
  // the page is at /<token>/: its relative `ws` carries the token, as its assets' URLs do
  const page = new URL(window.location.href)
  const ws = new URL('ws', page)
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:'
  ws.search = ''
  ws.hash = ''
  connection.opened = 0
  return wsBridge(ws.toString(), (state) => {
    connection.state = state
    if (state === 'open') connection.opened++
  })
}

export function setBridge(bridge: Bridge): void {
  current = bridge
}

export function bridge(): Bridge {
  if (!current) throw new Error('bridge not set')
  return current
}
