import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { NotificationLevel, PanelNotification } from '../../../shared/types'
import { bridge } from '../bridge'

const KEPT = 200
const TOASTS = 4
/** Errors stay up longer: they usually need reading. */
const TOAST_MS: Record<NotificationLevel, number> = { info: 5000, warning: 8000, error: 15000 }

/** The service's `notify` events and the panel's own errors: toasts for a while, and a list to look back at. */
export const useNotificationsStore = defineStore('notifications', () => {
  const all = ref<PanelNotification[]>([])
  const toastIds = ref<string[]>([])
  /** Notifications that arrived since the list was last opened. */
  const unread = ref(0)
  const toasts = computed(() => toastIds.value.map((id) => all.value.find((n) => n.id === id)).filter((n) => n !== undefined))
  let localId = 0

  function push(n: PanelNotification): void {
    all.value = [n, ...all.value].slice(0, KEPT)
    toastIds.value = [...toastIds.value, n.id].slice(-TOASTS)
    unread.value++
    setTimeout(() => dismiss(n.id), TOAST_MS[n.level])
  }

  /** A notification of the panel's own (a request that failed, a copy that worked). */
  function report(level: NotificationLevel, title: string, body = ''): void {
    push({ id: `local-${++localId}`, ts: Date.now(), level, title, body })
  }

  function dismiss(id: string): void {
    toastIds.value = toastIds.value.filter((t) => t !== id)
  }

  function markRead(): void {
    unread.value = 0
  }

  function clear(): void {
    all.value = []
    toastIds.value = []
    unread.value = 0
  }

  function listen(): () => void {
    return bridge().on('notify', push)
  }

  return { all, toasts, unread, push, report, dismiss, markRead, clear, listen }
})
