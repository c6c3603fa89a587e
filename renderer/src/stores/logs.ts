import { defineStore } from 'pinia'
import { ref, shallowRef, triggerRef } from 'vue'
import type { LogLine, LogSourceInfo } from '../../../shared/types'
import { bridge } from '../bridge'

export type ViewLine = LogLine & { instanceId: string }

/** Per-instance line arrays, capped (up to 10% over between trims); appended in place (shallowRef + trigger) rather than copied per batch. */
export const useLogsStore = defineStore('logs', () => {
  const byInstance = shallowRef(new Map<string, ViewLine[]>())
  const cap = ref(10_000)
  const sources = ref<LogSourceInfo[]>([])
  const version = ref(0)

  function append(instanceId: string, lines: LogLine[]): void {
    let list = byInstance.value.get(instanceId)
    if (!list) byInstance.value.set(instanceId, (list = []))
    for (const l of lines) list.push({ ...l, instanceId })
    // trim in chunks: shifting a 200,000-line array on every batch would cost more than the lines
    if (list.length > cap.value * 1.1) list.splice(0, list.length - cap.value)
  }

  function listen(): () => void {
    return bridge().on('logs:lines', ({ batches }) => {
      for (const b of batches) append(b.instanceId, b.lines)
      version.value++
      triggerRef(byInstance)
    })
  }

  async function load(instanceIds: string[]): Promise<void> {
    const r = await bridge().invoke('logs:get', { instanceIds })
    if (!r.ok) return
    for (const id of instanceIds) byInstance.value.set(id, [])
    for (const l of r.value.lines) byInstance.value.get(l.instanceId)!.push(l)
    version.value++
    triggerRef(byInstance)
    const s = await bridge().invoke('logs:sources', { instanceIds })
    if (s.ok) sources.value = s.value
  }

  /** One instance's lines, or several merged by time. */
  function lines(instanceIds: string[]): ViewLine[] {
    if (instanceIds.length === 1) return byInstance.value.get(instanceIds[0]!) ?? []
    return instanceIds.flatMap((id) => byInstance.value.get(id) ?? []).sort((a, b) => a.ts - b.ts)
  }

  async function clear(instanceIds: string[]): Promise<void> {
    await bridge().invoke('logs:clear', { instanceIds })
    for (const id of instanceIds) byInstance.value.set(id, [])
    version.value++
    triggerRef(byInstance)
  }

  return { byInstance, cap, sources, version, append, listen, load, lines, clear }
})
