import { defineStore } from 'pinia'
import { ref } from 'vue'
import { requests } from '../../../shared/contract'
import type { PathCheck, Settings } from '../../../shared/types'
import { bridge } from '../bridge'
import { useNotificationsStore } from './notifications'

export type PathKind = 'swift-dir' | 'run-dir' | 'log-file'

export interface SettingsProblem {
  /** The offending field as the contract's validator names it: `killWait`, `profiles[1].runDir`. */
  field: string
  message: string
}

/** The first thing the service would refuse in these settings, in words, or null: the contract's own check. */
export function settingsProblem(s: Settings): SettingsProblem | null {
  const names = s.profiles.map((p) => p.name)
  const dup = names.findIndex((n, i) => names.indexOf(n) !== i)
  if (dup !== -1) return { field: `profiles[${dup}].name`, message: `another profile is named “${names[dup]}”` }
  try {
    requests['settings:set'].validate(s)
    return null
  } catch (e) {
    const [field = '', what = ''] = (e as Error).message.split(/: (.*)/s)
    // the validator names the pattern a string missed; say what the pattern means instead
    const message = what.startsWith('does not match')
      ? /name$/.test(field)
        ? 'must be 1 to 64 characters'
        : /^profiles\[\d+\]\.logFiles\.[^[]*$/.test(field)
          ? 'is not a server name'
          : 'must be an absolute path'
      : what
    return { field, message }
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const notifications = useNotificationsStore()
  const settings = ref<Settings | null>(null)
  /** Why the last save was refused, shown in the settings dialog. */
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    const r = await bridge().invoke('settings:get', undefined)
    if (r.ok) settings.value = r.value
    else notifications.report('error', 'Could not read the settings', r.error.message)
  }

  async function save(next: Settings): Promise<boolean> {
    const r = await bridge().invoke('settings:set', next)
    if (r.ok) {
      settings.value = r.value
      error.value = null
    } else error.value = r.error.message
    return r.ok
  }

  async function checkPath(path: string, kind: PathKind): Promise<PathCheck> {
    const r = await bridge().invoke('settings:check-path', { path, kind })
    return r.ok ? r.value : { ok: false, message: r.error.message }
  }

  return { settings, error, load, save, checkPath }
})
