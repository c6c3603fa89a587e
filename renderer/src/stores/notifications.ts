import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PanelNotification } from '../../../shared/types'
import { bridge } from '../bridge'

export const useNotificationsStore = defineStore('notifications', () => {
  const all = ref<PanelNotification[]>([])
  /** Shown as toasts until dismissed or timed out. */
  const toasts = ref<PanelNotification[]>([])

  function push(n: PanelNotification): void {
    all.value = [n, ...all.value].slice(0, 200)
    toasts.value = [...toasts.value, n].slice(-4)
    setTimeout(() => dismiss(n.id), 8000)
  }

  function dismiss(id: string): void {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  function listen(): () => void {
    return bridge().on('notify', push)
  }

  return { all, toasts, push, dismiss, listen }
})
