import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OrphanInfo, OrphanStopResult } from '../../../shared/types'
import { bridge } from '../bridge'
import { leftRunning, type ReconRead } from '../lib/insight'
import { useNotificationsStore } from './notifications'
import { useServicesStore } from './services'

/** A storage server's recon answers are read on demand, at most this often per instance (the service caches as long). */
export const RECON_EVERY_MS = 10_000

/** "Stop orphans of <id>": asked first (it kills processes), then what became of each. */
export interface OrphanStop {
  instanceId: string
  /** The orphans the user was shown when asked. */
  orphans: OrphanInfo[]
  phase: 'ask' | 'stopping' | 'done'
  results: OrphanStopResult[]
  error: string | null
}

/** What the service knows beyond the process table, on demand: recon answers, and stopping orphans. */
export const useInsightStore = defineStore('insight', () => {
  const services = useServicesStore()
  const notifications = useNotificationsStore()
  const recon = ref<ReadonlyMap<string, ReconRead>>(new Map())
  const orphanStop = ref<OrphanStop | null>(null)

  function setRecon(id: string, read: ReconRead): void {
    recon.value = new Map(recon.value).set(id, read)
  }

  /** When a new recon read of this instance may be asked for (epoch ms); 0: now. */
  function reconReadyAt(id: string): number {
    const r = recon.value.get(id)
    return r ? r.at + RECON_EVERY_MS : 0
  }

  /** Reads an instance's recon answers, unless one was asked for less than RECON_EVERY_MS ago (or is on its way). */
  async function readRecon(id: string, now = Date.now()): Promise<void> {
    const before = recon.value.get(id)
    if (before?.loading || now < reconReadyAt(id)) return
    setRecon(id, { at: now, loading: true, details: before?.details ?? null, error: null })
    const r = await bridge().invoke('instances:recon', { instanceId: id })
    setRecon(id, { at: now, loading: false, details: r.ok ? r.value : null, error: r.ok ? null : r.error.message })
  }

  /** Asks before stopping the orphans of an instance, showing which processes they are. */
  function askStopOrphans(id: string): void {
    const orphans = services.instances.find((i) => i.id === id)?.orphans ?? []
    if (orphans.length === 0) return notifications.report('info', `${id} has no orphans now`)
    orphanStop.value = { instanceId: id, orphans, phase: 'ask', results: [], error: null }
  }

  /** After the user agreed: SIGTERM, then SIGKILL after the kill wait (the service's identity check before each); says what became of each. */
  async function stopOrphans(): Promise<void> {
    const stop = orphanStop.value
    if (!stop || stop.phase !== 'ask') return
    stop.phase = 'stopping'
    const id = stop.instanceId
    const r = await bridge().invoke('instances:stop-orphans', { instanceId: id })
    stop.phase = 'done'
    if (!r.ok) {
      stop.error = r.error.message
      return notifications.report('error', `Could not stop the orphans of ${id}`, r.error.message)
    }
    stop.results = r.value
    const left = r.value.filter((o) => leftRunning(o.outcome))
    notifications.report(
      left.length ? 'warning' : 'info',
      left.length ? `${left.length} of the orphans of ${id} still run` : `Orphans of ${id} stopped`,
      r.value.map((o) => `${o.pid}: ${o.outcome}${o.reason ? ` (${o.reason})` : ''}`).join('\n'),
    )
  }

  /** Closes the dialog; stopping goes on if it had begun, and its outcome still comes as a notification. */
  function closeOrphanStop(): void {
    orphanStop.value = null
  }

  return { recon, orphanStop, reconReadyAt, readRecon, askStopOrphans, stopOrphans, closeOrphanStop }
})
