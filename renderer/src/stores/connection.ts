import { defineStore } from 'pinia'
import { computed, watch } from 'vue'
import { bridge, connection } from '../bridge'
import { now } from '../lib/clock'
import { useLogsStore } from './logs'
import { useServicesStore } from './services'

/**
 * The link to the services as the page shows it: lost (the browser host gone, or Electron's service
 * stopped), with why and when the next try is; and what this page missed while it lagged behind. The
 * bridge keeps the state (bridge/index.ts `connection`); this store reads it for components and acts on it.
 */
export const useConnectionStore = defineStore('connection', () => {
  const logs = useLogsStore()
  const services = useServicesStore()

  const electron = computed(() => connection.transport === 'electron')
  const state = computed(() => connection.state)
  /** Counts the times the link opened: stores re-read what they hold when it grows. */
  const opened = computed(() => connection.opened)
  /** Lost after having been up (or never reached): actions are greyed out and fail at once. */
  const lost = computed(() => connection.state === 'closed')
  const reason = computed(() => connection.reason)
  /** Whole seconds until the next attempt, or null when none is planned. */
  const retryIn = computed(() =>
    // the shared clock ticks once a second; it may lag the moment the retry was planned
    connection.retryAt ? Math.max(0, Math.ceil((connection.retryAt - Math.max(now.value, Date.now())) / 1000)) : null,
  )
  const dropped = computed(() => connection.dropped)

  // events were skipped while the page lagged: read the instances, and the logs on view, again
  watch(
    () => connection.droppedMarkers,
    () => {
      void services.load()
      void logs.reload()
    },
  )

  function retryNow(): void {
    bridge().reconnect?.()
  }

  function dismissDropped(): void {
    connection.dropped = { logLines: 0, outputLines: 0 }
  }

  return { electron, state, opened, lost, reason, retryIn, dropped, retryNow, dismissDropped }
})
