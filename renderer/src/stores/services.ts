import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { InstanceInfo, Snapshot } from '../../../shared/types'
import { bridge } from '../bridge'

export const useServicesStore = defineStore('services', () => {
  const snapshot = ref<Snapshot | null>(null)
  const error = ref<string | null>(null)
  const filter = ref('')
  const selected = ref<Set<string>>(new Set())

  const instances = computed(() => snapshot.value?.instances ?? [])
  const configured = computed(() => instances.value.filter((i) => i.state !== 'unconfigured'))
  const runningCount = computed(() => configured.value.filter((i) => i.state === 'running').length)
  const crashed = computed(() => configured.value.some((i) => i.state === 'crashed'))
  const visible = computed(() => {
    const q = filter.value.trim().toLowerCase()
    if (!q) return instances.value
    return instances.value.filter((i) => [i.id, i.state, i.confFile ?? '', i.pidFile ?? '', String(i.pid ?? '')].some((s) => s.toLowerCase().includes(q)))
  })
  const groups = computed(() => [
    { name: 'main' as const, instances: visible.value.filter((i) => i.group === 'main') },
    { name: 'rest' as const, instances: visible.value.filter((i) => i.group === 'rest') },
  ])

  function accept(s: Snapshot): void {
    // snapshots may cross on the wire: never go back in time
    if (snapshot.value && s.seq < snapshot.value.seq && s.takenAt <= snapshot.value.takenAt) return
    // keep the previous object of every instance that did not change, so only changed rows re-render
    const before = new Map((snapshot.value?.instances ?? []).map((i) => [i.id, i]))
    const instances = s.instances.map((i) => {
      const old = before.get(i.id)
      return old && JSON.stringify(old) === JSON.stringify(i) ? old : i
    })
    snapshot.value = { ...s, instances }
  }

  async function load(): Promise<void> {
    const r = await bridge().invoke('services:snapshot', undefined)
    if (r.ok) accept(r.value)
    else error.value = r.error.message
  }

  function listen(): () => void {
    return bridge().on('services:changed', accept)
  }

  function toggle(id: string): void {
    const next = new Set(selected.value)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    selected.value = next
  }

  const byId = (id: string): InstanceInfo | undefined => instances.value.find((i) => i.id === id)

  return { snapshot, error, filter, selected, instances, configured, runningCount, crashed, visible, groups, accept, load, listen, toggle, byId }
})
