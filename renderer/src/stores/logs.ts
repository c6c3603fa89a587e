import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import type { ConfApplyAll, ConfEdit, ConfEditAll, LogLine, LogSourceInfo } from '../../../shared/types'
import { bridge } from '../bridge'
import type { ViewLine } from '../lib/log-view'
import { Ring } from '../lib/ring'
import { useNotificationsStore } from './notifications'
import { useSettingsStore } from './settings'

/** Until the settings are in: the service's default. */
const DEFAULT_CAP = 10_000
/** The share of the window's main area the logs pane takes, kept in this browser across reloads. */
const PANE_KEY = 'swift-panel.logs-pane'
const PANE_SHARE = 0.45
/** Whether long lines wrap, kept the same way. */
const WRAP_KEY = 'swift-panel.logs-wrap'

function saved(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function savedShare(): number {
  const v = Number(saved(PANE_KEY))
  return v > 0 && v < 1 ? v : PANE_SHARE
}

function keep(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // storage refused: the preference lasts this session
  }
}

/** One conf file's edit that sends logs to the built-in receiver, and the instances that read that conf. */
export interface ConfChange {
  file: string
  instanceIds: string[]
  edit: ConfEdit
}

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
  const paneShare = ref(savedShare())
  watch(paneShare, (v) => keep(PANE_KEY, String(v)))
  /** Long lines wrap (their views measure each line) rather than scroll sideways. */
  const wrap = ref(saved(WRAP_KEY) === 'true')
  watch(wrap, (v) => keep(WRAP_KEY, String(v)))

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

  /**
   * The edits that would send these instances' logs to the built-in receiver, one per conf file (instances
   * that read the same conf share its edit); nothing is written yet. Instances it cannot do are reported.
   */
  async function proposeConfEdits(instanceIds: readonly string[]): Promise<ConfChange[]> {
    const answers = await Promise.all(
      instanceIds.map(async (instanceId) => ({ instanceId, r: await bridge().invoke('logs:conf-edit', { instanceId }) })),
    )
    const byFile = new Map<string, ConfChange>()
    for (const { instanceId, r } of answers) {
      if (!r.ok) notifications.report('error', `Cannot change where ${instanceId} logs`, r.error.message)
      else {
        const c = byFile.get(r.value.file)
        if (c) c.instanceIds.push(instanceId)
        else byFile.set(r.value.file, { file: r.value.file, instanceIds: [instanceId], edit: r.value })
      }
    }
    return [...byFile.values()]
  }

  /** Writes those edits, after the user saw the diffs; says what changed and what did not. True when all did. */
  async function applyConfEdits(changes: readonly ConfChange[]): Promise<boolean> {
    const changed: ConfChange[] = []
    for (const c of changes) {
      const [instanceId] = c.instanceIds
      if (instanceId === undefined) continue
      const r = await bridge().invoke('logs:conf-apply', { instanceId, originalHash: c.edit.originalHash })
      if (r.ok) changed.push(c)
      else notifications.report('error', `${c.file} was not changed`, r.error.message)
    }
    const ids = changed.flatMap((c) => c.instanceIds)
    const [only] = changed
    if (only && changed.length === 1)
      notifications.report(
        'info',
        `${only.file} changed`,
        `${ids.join(', ')} ${ids.length === 1 ? 'logs' : 'log'} to the panel after the next restart.`,
      )
    else if (changed.length > 1)
      notifications.report('info', `${changed.length} confs changed`, `${ids.join(', ')} log to the panel after their next restart.`)
    if (ids.length) await loadSources(ids)
    return changed.length === changes.length
  }

  /** "Send all logs here": the edits for every conf of the profile that does not send there yet; nothing is written. */
  async function proposeAll(): Promise<ConfEditAll | null> {
    const r = await bridge().invoke('logs:conf-edit-all', undefined)
    if (r.ok) return r.value
    notifications.report('error', 'Cannot send the logs here', r.error.message)
    return null
  }

  /** Writes them, after the user saw the diffs; says what failed. The answer names the servers to restart. */
  async function applyAll(edits: ConfEditAll['edits']): Promise<ConfApplyAll | null> {
    const r = await bridge().invoke('logs:conf-apply-all', { edits: edits.map(({ file, originalHash }) => ({ file, originalHash })) })
    if (!r.ok) {
      notifications.report('error', 'No conf was changed', r.error.message)
      return null
    }
    for (const f of r.value.failed) notifications.report('error', `${f.file} was not changed`, f.error)
    if (r.value.applied.length) {
      notifications.report(
        'info',
        `${r.value.applied.length} ${r.value.applied.length === 1 ? 'conf' : 'confs'} changed`,
        'The originals are kept beside them.',
      )
      await loadSources(edits.flatMap((e) => e.instanceIds))
    }
    return r.value
  }

  return {
    cap,
    version,
    generation,
    sources,
    viewing,
    paneShare,
    wrap,
    // raw: neither deep reactivity over every line nor an action wrapper around every lookup
    rings: markRaw<ReadonlyMap<string, Ring<ViewLine>>>(rings),
    listen,
    load,
    reload,
    clear,
    discardedOf,
    show,
    hide,
    proposeConfEdits,
    applyConfEdits,
    proposeAll,
    applyAll,
  }
})
