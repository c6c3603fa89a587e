// The renderer's one way to the services: the preload's bridge in Electron, else the browser host's
// WebSocket. Chosen once at start; the stores use it and nothing else. `connection` follows the link:
// the stores re-read what they hold when `opened` grows (a reconnection, or the Electron service back).

import { reactive } from 'vue'
import type { Bridge, LinkState, LinkStatus, Result } from '../../../shared/contract'
import { wsBridge } from './ws-bridge'

/** How long a request over the Electron preload may wait for its answer (the WebSocket has its own). */
const PRELOAD_TIMEOUT_MS = 30_000

export interface Connection {
  /** Which transport: the wording of what is lost differs. */
  transport: 'electron' | 'browser'
  state: LinkState
  /** Counts the times the link opened: the stores re-read the state when it grows past 1. */
  opened: number
  /** While closed: why, for the user. */
  reason: string
  /** While closed: when the next attempt is due (ms since the epoch), 0 if none is planned. */
  retryAt: number
  /** What this page was not sent while it lagged behind (see WireDropped), since it was last shown. */
  dropped: { logLines: number; outputLines: number }
  /** Bumped with each `dropped` marker: the instances and the logs are read again from the service. */
  droppedMarkers: number
}

/** The link as it stands before anything is reported: open once. */
function initialConnection(): Connection {
  return {
    transport: 'browser',
    state: 'open',
    opened: 1,
    reason: '',
    retryAt: 0,
    dropped: { logLines: 0, outputLines: 0 },
    droppedMarkers: 0,
  }
}

export const connection = reactive<Connection>(initialConnection())

/** Back to the state before anything was reported (each test of the renderer starts from it). */
export function resetConnection(): void {
  Object.assign(connection, initialConnection())
}

/** Follows a bridge's link status into `connection`. */
export function follow(status: LinkStatus): void {
  if (status.dropped) {
    connection.dropped.logLines += status.dropped.logLines
    connection.dropped.outputLines += status.dropped.outputLines
    connection.droppedMarkers++
    return
  }
  const was = connection.state
  connection.state = status.state
  connection.reason = status.reason ?? ''
  connection.retryAt = status.retryAt ?? 0
  if (status.state === 'open' && was !== 'open') connection.opened++
}

let current: Bridge | null = null

export function pickBridge(): Bridge {
  if (window.swiftPanel) {
    connection.transport = 'electron'
    const preload = guarded(window.swiftPanel)
    preload.onLink?.(follow)
    return preload
  }
  // the page is at /<token>/: its relative `ws` carries the token, as its assets' URLs do
  const page = new URL(window.location.href)
  const ws = new URL('ws', page)
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:'
  ws.search = ''
  ws.hash = ''
  connection.transport = 'browser'
  connection.opened = 0
  const bridge = wsBridge(ws.toString())
  bridge.onLink(follow)
  return bridge
}

/**
 * The Electron preload's bridge, made to fail at once while main says its service is gone, and to time
 * out rather than wait for ever on a service that does not answer.
 */
export function guarded(bridge: Bridge, timeoutMs = PRELOAD_TIMEOUT_MS): Bridge {
  return {
    ...bridge,
    invoke: ((channel: Parameters<Bridge['invoke']>[0], payload: never) => {
      if (connection.state === 'closed')
        return Promise.resolve<Result<never>>({
          ok: false,
          error: { code: 'disconnected', message: `Not sent: the panel's service is not running. ${connection.reason}`.trim() },
        })
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<Result<never>>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              ok: false,
              error: { code: 'timeout', message: `No answer from the panel's service in ${timeoutMs / 1000} s (${channel}).` },
            }),
          timeoutMs,
        )
      })
      return Promise.race([bridge.invoke(channel, payload), late]).finally(() => clearTimeout(timer))
    }) as Bridge['invoke'],
  }
}

export function setBridge(bridge: Bridge): void {
  current = bridge
}

export function bridge(): Bridge {
  if (!current) throw new Error('bridge not set')
  return current
}
