import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PathCheck, Settings } from '../../../shared/types'
import { bridge } from '../bridge'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    const r = await bridge().invoke('settings:get', undefined)
    if (r.ok) settings.value = r.value
    else error.value = r.error.message
  }

  async function save(next: Settings): Promise<boolean> {
    const r = await bridge().invoke('settings:set', next)
    if (r.ok) {
      settings.value = r.value
      error.value = null
    } else error.value = r.error.message
    return r.ok
  }

  async function checkPath(path: string, kind: 'swift-dir' | 'run-dir' | 'log-file'): Promise<PathCheck> {
    const r = await bridge().invoke('settings:check-path', { path, kind })
    return r.ok ? r.value : { ok: false, message: r.error.message }
  }

  return { settings, error, load, save, checkPath }
})
