import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CommandName, CommandOptions } from '../../../shared/types'
import { bridge } from '../bridge'

export interface CommandRun {
  commandId: string
  command: CommandName
  targets: string[]
  lines: string[]
  exitCode: number | null
  startedAt: number
}

/** Commands that act on a whole group ask first. */
export const DESTRUCTIVE: ReadonlySet<CommandName> = new Set(['stop', 'kill', 'shutdown', 'restart', 'reload', 'force-reload'])

export const useCommandsStore = defineStore('commands', () => {
  const runs = ref<CommandRun[]>([])
  const drawerOpen = ref(false)
  const error = ref<string | null>(null)
  const active = computed(() => runs.value.filter((r) => r.exitCode === null))

  async function run(command: CommandName, targets: string[], options?: CommandOptions): Promise<string | null> {
    const r = await bridge().invoke('commands:run', { command, targets, ...(options ? { options } : {}) })
    if (!r.ok) {
      error.value = r.error.message
      return null
    }
    runs.value = [{ commandId: r.value.commandId, command, targets, lines: [], exitCode: null, startedAt: Date.now() }, ...runs.value].slice(0, 50)
    drawerOpen.value = true
    return r.value.commandId
  }

  async function attach(instanceId: string): Promise<void> {
    const r = await bridge().invoke('instances:attach', { instanceId })
    if (!r.ok) error.value = r.error.message
    else runs.value = [{ commandId: r.value.commandId, command: 'no-daemon' as const, targets: [instanceId], lines: [], exitCode: null, startedAt: Date.now() }, ...runs.value]
  }

  function listen(): () => void {
    const offOut = bridge().on('commands:output', ({ commandId, lines }) => {
      runs.value.find((r) => r.commandId === commandId)?.lines.push(...lines.filter((l, i) => l !== '' || i < lines.length - 1))
    })
    const offDone = bridge().on('commands:done', ({ commandId, exitCode }) => {
      const run = runs.value.find((r) => r.commandId === commandId)
      if (run) run.exitCode = exitCode
    })
    return () => {
      offOut()
      offDone()
    }
  }

  return { runs, drawerOpen, error, active, run, attach, listen }
})
