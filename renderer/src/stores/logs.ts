import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import type { ConfEdit, LogLine, LogSourceInfo } from '../../../shared/types'
import { bridge } from '../bridge'
import type { ViewLine } from '../lib/log-view'
import { Ring } from '../lib/ring'
import { useNotificationsStore } from './notifications'
import { useSettingsStore } from './settings'

/** Until the settings are in: the service's default. */
const DEFAULT_CAP = 10_000

/**
 * Log lines of every instance, fed by `logs:lines` events (the service sends all of them), one ring per
 * instance capped at the settings' buffer size. The rings are plain objects, not reactive: a batch is
 * appended in place, then `version` is bumped once. Views (lib/log-view) read the rings themselves.
 */
export const useLogsStore = defineStore('logs', () => {
  const settings = useSettingsStore()
  const notifications = useNotificationsStore()
  const cap = computed(() => settings.settings?.logBufferLines ?? DEFAULT_CAP)

  const rings = new Map<string, Ring<ViewLine>>()
  /** Lines discarded per instance: by the service before we loaded, and by our own cap since. */
  const discarded = new Map<string, number>()
  /** Instances whose earlier lines (from before this page started listening) have been fetched. */
  const loaded = new Set<string>()
  /** Bumped when lines were appended or evicted. */
  const version = ref(0)
  /** Bumped when a ring was replaced or emptied: views start over rather than take what is new. */
  const generation = ref(0)
  const sources = shallowRef<ReadonlyMap<string, LogSourceInfo>>(new Map())
  /** What the logs pane shows: one instance, or several merged (a server, a group, a selection). */
  const viewing = ref<{ ids: string[]; title: string } | null>(null)

  watch(cap, (c) => {
    for (const [id, r] of rings) {
      discarded.set(id, (discarded.get(id) ?? 0) + Math.max(0, r.length - c))
      r.resize(c)
    }
    version.value++
  })

  function ringOf(id: string): Ring<ViewLine> {
    let r = rings.get(id)
    if (!r) rings.set(id, (r = new Ring(cap.value)))
    return r
  }

  function push(r: Ring<ViewLine>, instanceId: string, l: LogLine): void {
    if (r.length === cap.value) discarded.set(instanceId, (discarded.get(instanceId) ?? 0) + 1)
    r.push({ ...l, instanceId, n: r.total })
  }

  function append(instanceId: string, lines: readonly LogLine[]): void {
    const r = ringOf(instanceId)
    for (const l of lines) {
      const last = r.last()
      if (last && l.seq <= last.seq) {
        // seq only grows, except from 1 again when the service restarted or its buffer was cleared
        if (l.seq !== 1) continue
        r.clear()
        generation.value++
      }
      push(r, instanceId, l)
    }
  }

  function listen(): () => void {
    return bridge().on('logs:lines', ({ batches }) => {
      for (const b of batches) append(b.instanceId, b.lines)
      version.value++
    })
  }

  /** Fetches what the service holds for one instance; lines that came as events meanwhile are kept. */
  async function loadOne(instanceId: string): Promise<void> {
    const r = await bridge().invoke('logs:get', { instanceIds: [instanceId] })
    if (!r.ok) {
      notifications.report('error', `Could not read the logs of ${instanceId}`, r.error.message)
      return
    }
    const old = rings.get(instanceId)
    const fresh = new Ring<ViewLine>(cap.value)
    rings.set(instanceId, fresh)
    discarded.set(instanceId, r.value.dropped)
    for (const l of r.value.lines) push(fresh, instanceId, l)
    const lastSeq = fresh.last()?.seq ?? 0
    for (let i = 0; old && i < old.length; i++) {
      const l = old.at(i)
      if (l && l.seq > lastSeq) push(fresh, instanceId, l)
    }
    loaded.add(instanceId)
    generation.value++
  }

  /** Makes sure these instances' earlier lines are here, and refreshes where each logs. */
  async function load(instanceIds: readonly string[]): Promise<void> {
    await Promise.all([...instanceIds.filter((id) => !loaded.has(id)).map(loadOne), loadSources(instanceIds)])
  }

  async function loadSources(instanceIds: readonly string[]): Promise<void> {
    const r = await bridge().invoke('logs:sources', { instanceIds: [...instanceIds] })
    if (!r.ok) return notifications.report('warning', 'Could not tell where the instances log', r.error.message)
    const next = new Map(sources.value)
    for (const s of r.value) next.set(s.instanceId, s)
    sources.value = next
  }

  /** After a reconnection: lines may have been missed, so everything is fetched again when next shown. */
  async function reload(): Promise<void> {
    loaded.clear()
    if (viewing.value) await load(viewing.value.ids)
  }

  async function clear(instanceIds: readonly string[]): Promise<void> {
    const r = await bridge().invoke('logs:clear', { instanceIds: [...instanceIds] })
    if (!r.ok) return notifications.report('error', 'Could not clear the logs', r.error.message)
    for (const id of instanceIds) {
      rings.get(id)?.clear()
      discarded.delete(id)
    }
    generation.value++
  }

  function discardedOf(instanceIds: readonly string[]): number {
    return instanceIds.reduce((sum, id) => sum + (discarded.get(id) ?? 0), 0)
  }

  function show(ids: string[], title: string): void {
    viewing.value = { ids, title }
  }

  function hide(): void {
    viewing.value = null
  }

  /** The diff that would send an instance's logs to the built-in receiver; nothing is written yet. */
  async function proposeConfEdit(instanceId: string): Promise<ConfEdit | null> {
    const r = await bridge().invoke('logs:conf-edit', { instanceId })
    if (r.ok) return r.value
    notifications.report('error', `Cannot change where ${instanceId} logs`, r.error.message)
    return null
  }

  async function applyConfEdit(instanceId: string, edit: ConfEdit): Promise<boolean> {
    const r = await bridge().invoke('logs:conf-apply', { instanceId, originalHash: edit.originalHash })
    if (!r.ok) {
      notifications.report('error', `${edit.file} was not changed`, r.error.message)
      return false
    }
    notifications.report('info', `${r.value.file} changed`, `${instanceId} logs to the panel after its next restart.`)
    await loadSources([instanceId])
    return true
  }

  return {
    cap,
    version,
    generation,
    sources,
    viewing,
    // raw: neither deep reactivity over every line nor an action wrapper around every lookup
    rings: markRaw<ReadonlyMap<string, Ring<ViewLine>>>(rings),
    listen,
    load,
    reload,
    clear,
    discardedOf,
    show,
    hide,
    proposeConfEdit,
    applyConfEdit,
  }
})
