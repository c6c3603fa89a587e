import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { summarize } from '../../../shared/cluster-summary'
import { applyDelta, type ServicesDelta } from '../../../shared/services-delta'
import type { Group } from '../../../shared/swift'
import type { InstanceInfo, Snapshot } from '../../../shared/types'
import { bridge } from '../bridge'
import { useNotificationsStore } from './notifications'

export interface ServerGroup {
  server: string
  instances: InstanceInfo[]
}

export interface InstanceGroup {
  name: Group
  /** The servers and instances shown (filtered, background daemons that are off possibly hidden). */
  servers: ServerGroup[]
  /** Stopped background daemons left out because the user hides them. */
  hidden: number
}

/** How the user likes the table, kept in this browser across reloads. */
interface ViewPrefs {
  collapsed: Group[]
  hideStoppedDaemons: boolean
}
const PREFS_KEY = 'swift-panel.services-view'
/** services:watch: after the rows in view settle, and again well before the service's 10 s. */
const WATCH_DEBOUNCE_MS = 250
const WATCH_AGAIN_MS = 5000

function loadPrefs(): ViewPrefs {
  const prefs: ViewPrefs = { collapsed: [], hideStoppedDaemons: false }
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}')
    if (saved && typeof saved === 'object') {
      const { collapsed, hideStoppedDaemons } = saved as Partial<Record<keyof ViewPrefs, unknown>>
      if (Array.isArray(collapsed)) prefs.collapsed = collapsed.filter((g): g is Group => g === 'main' || g === 'rest')
      if (typeof hideStoppedDaemons === 'boolean') prefs.hideStoppedDaemons = hideStoppedDaemons
    }
  } catch {
    // unreadable or unavailable storage: the defaults
  }
  return prefs
}

function matchesFilter(i: InstanceInfo, q: string): boolean {
  return [i.id, i.state, i.confFile ?? '', i.pidFile ?? ''].some((s) => s.toLowerCase().includes(q))
}

/** A background daemon that is simply off (not crashed, not dead, not busy): what "hide stopped daemons" hides. */
const idleDaemon = (i: InstanceInfo) => i.group === 'rest' && (i.state === 'stopped' || i.state === 'unconfigured') && !i.busy

function byServer(instances: InstanceInfo[]): ServerGroup[] {
  const out: ServerGroup[] = []
  for (const i of instances) {
    const last = out.at(-1)
    if (last?.server === i.server) last.instances.push(i)
    else out.push({ server: i.server, instances: [i] })
  }
  return out
}

export const useServicesStore = defineStore('services', () => {
  const notifications = useNotificationsStore()
  const snapshot = ref<Snapshot | null>(null)
  const error = ref<string | null>(null)
  const filter = ref('')
  const selected = ref<ReadonlySet<string>>(new Set())
  /** Instances whose details row is open. */
  const expanded = ref<ReadonlySet<string>>(new Set())
  const prefs = loadPrefs()
  const collapsed = ref<ReadonlySet<Group>>(new Set(prefs.collapsed))
  const hideStoppedDaemons = ref(prefs.hideStoppedDaemons)
  watch([collapsed, hideStoppedDaemons], () => {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify({ collapsed: [...collapsed.value], hideStoppedDaemons: hideStoppedDaemons.value }))
    } catch {
      // storage full or refused: the preference lasts this session
    }
  })

  const instances = computed(() => snapshot.value?.instances ?? [])
  const configured = computed(() => instances.value.filter((i) => i.state !== 'unconfigured'))
  /** The overall health, by the rule the tray uses too (shared/cluster-summary). */
  const summary = computed(() => summarize(instances.value))
  /**
   * Instances passing the filter (by id, state or path), in the service's order: main first, then the rest.
   * Without a filter, stopped background daemons are left out if the user hides them; a filter finds them.
   */
  const visible = computed(() => {
    const q = filter.value.trim().toLowerCase()
    if (q) return instances.value.filter((i) => matchesFilter(i, q))
    return hideStoppedDaemons.value ? instances.value.filter((i) => !idleDaemon(i)) : instances.value
  })
  const groups = computed<InstanceGroup[]>(() =>
    (['main', 'rest'] as const)
      .map((name) => {
        const shown = visible.value.filter((i) => i.group === name)
        const hidden =
          filter.value.trim() || !hideStoppedDaemons.value ? 0 : instances.value.filter((i) => i.group === name && idleDaemon(i)).length
        return { name, servers: byServer(shown), hidden }
      })
      .filter((g) => g.servers.length > 0 || g.hidden > 0),
  )
  const selection = computed(() => instances.value.filter((i) => selected.value.has(i.id)))

  function accept(s: Snapshot): void {
    // snapshots may cross on the wire: never go back in time (a restarted service counts seq from 0 again)
    if (snapshot.value && s.seq < snapshot.value.seq && s.takenAt <= snapshot.value.takenAt) return
    // keep the object of every instance that did not change, so only changed rows re-render
    const before = new Map((snapshot.value?.instances ?? []).map((i) => [i.id, i]))
    const next = s.instances.map((i) => {
      const old = before.get(i.id)
      return old && (old === i || JSON.stringify(old) === JSON.stringify(i)) ? old : i
    })
    snapshot.value = { ...s, instances: next }
    // a selected (or opened) instance that is gone (profile switched, conf removed) is no longer so
    const ids = new Set(next.map((i) => i.id))
    const keep = (set: ReadonlySet<string>) => ([...set].some((id) => !ids.has(id)) ? new Set([...set].filter((id) => ids.has(id))) : set)
    selected.value = keep(selected.value)
    expanded.value = keep(expanded.value)
  }

  async function load(): Promise<void> {
    const r = await bridge().invoke('services:snapshot', undefined)
    if (r.ok) {
      accept(r.value)
      error.value = null
    } else error.value = r.error.message
  }

  /** A delta that does not apply (one was missed: a slow link, a reconnect) makes it read the whole snapshot. */
  function applyChange(delta: ServicesDelta): void {
    const next = snapshot.value && applyDelta(snapshot.value, delta)
    if (next) accept(next)
    else void load()
  }

  function listen(): () => void {
    return bridge().on('services:changed', applyChange)
  }

  // The rows on screen, told to the service (services:watch) when they change and again before it forgets
  // them: it re-reads CPU and memory for those only.
  let shownIds: string[] = []
  let watchTimer: ReturnType<typeof setTimeout> | undefined
  let watchFailed = false
  async function sendWatch(): Promise<void> {
    clearTimeout(watchTimer)
    if (shownIds.length === 0) return
    watchTimer = setTimeout(() => void sendWatch(), WATCH_AGAIN_MS)
    const r = await bridge().invoke('services:watch', { instanceIds: shownIds })
    // said once per run of failures: while the link is down every request fails, and the page says so
    if (!r.ok && !watchFailed) notifications.report('warning', 'CPU and memory may be out of date', r.error.message)
    watchFailed = !r.ok
  }
  function show(ids: string[]): void {
    if (ids.length === shownIds.length && ids.every((id, n) => id === shownIds[n])) return
    shownIds = ids
    clearTimeout(watchTimer)
    watchTimer = setTimeout(() => void sendWatch(), WATCH_DEBOUNCE_MS)
  }

  const flip = <T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> => {
    const next = new Set(set)
    if (!next.delete(value)) next.add(value)
    return next
  }

  function toggle(id: string): void {
    selected.value = flip(selected.value, id)
  }

  function selectOnly(ids: string[]): void {
    selected.value = new Set(ids)
  }

  function toggleDetails(id: string, open = !expanded.value.has(id)): void {
    if (open !== expanded.value.has(id)) expanded.value = flip(expanded.value, id)
  }

  function toggleGroup(group: Group): void {
    collapsed.value = flip(collapsed.value, group)
  }

  return {
    snapshot,
    error,
    filter,
    selected,
    expanded,
    collapsed,
    hideStoppedDaemons,
    instances,
    configured,
    summary,
    visible,
    groups,
    selection,
    accept,
    load,
    listen,
    show,
    toggle,
    selectOnly,
    toggleDetails,
    toggleGroup,
  }
})
