import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Group } from '../../../shared/swift'
import { applyDelta, type ServicesDelta } from '../../../shared/services-delta'
import type { InstanceInfo, Snapshot } from '../../../shared/types'
import { bridge } from '../bridge'

export interface ServerGroup {
  server: string
  instances: InstanceInfo[]
}

export interface InstanceGroup {
  name: Group
  servers: ServerGroup[]
}

function matchesFilter(i: InstanceInfo, q: string): boolean {
  return [i.id, i.state, i.confFile ?? '', i.pidFile ?? ''].some((s) => s.toLowerCase().includes(q))
}

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
  const snapshot = ref<Snapshot | null>(null)
  const error = ref<string | null>(null)
  const filter = ref('')
  const selected = ref<ReadonlySet<string>>(new Set())

  const instances = computed(() => snapshot.value?.instances ?? [])
  const configured = computed(() => instances.value.filter((i) => i.state !== 'unconfigured'))
  const runningCount = computed(() => configured.value.filter((i) => i.state === 'running').length)
  const health = computed(() => `${runningCount.value} of ${configured.value.length} running`)
  /** As the tray shows it: a crash, some down, or all up. */
  const healthLevel = computed(() =>
    configured.value.some((i) => i.state === 'crashed') ? 'bad' : runningCount.value < configured.value.length ? 'partial' : 'good',
  )
  /** Instances passing the filter (by id, state or path), in the service's order: main first, then the rest. */
  const visible = computed(() => {
    const q = filter.value.trim().toLowerCase()
    return q ? instances.value.filter((i) => matchesFilter(i, q)) : instances.value
  })
  const groups = computed<InstanceGroup[]>(() =>
    (['main', 'rest'] as const)
      .map((name) => ({ name, servers: byServer(visible.value.filter((i) => i.group === name)) }))
      .filter((g) => g.servers.length > 0),
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
    // a selected instance that is gone (profile switched, conf removed) is no longer selected
    const ids = new Set(next.map((i) => i.id))
    if ([...selected.value].some((id) => !ids.has(id))) selected.value = new Set([...selected.value].filter((id) => ids.has(id)))
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

  function toggle(id: string): void {
    const next = new Set(selected.value)
    if (!next.delete(id)) next.add(id)
    selected.value = next
  }

  function selectOnly(ids: string[]): void {
    selected.value = new Set(ids)
  }

  return {
    snapshot,
    error,
    filter,
    selected,
    instances,
    configured,
    runningCount,
    health,
    healthLevel,
    visible,
    groups,
    selection,
    accept,
    load,
    listen,
    toggle,
    selectOnly,
  }
})
