// A Bridge straight onto a service, through the same dispatcher the transports use (contract and service
// tests). Payloads and events are cloned both ways, as IPC and JSON would, so no caller shares objects
// with the service.

import type { Bridge, EventChannel, EventOf } from '../../shared/contract.js'
import { createDispatcher } from '../../electron/service/dispatcher.js'
import type { SupervisorService } from '../../electron/service/service.js'

export function inMemoryBridge(service: Pick<SupervisorService, 'handlers' | 'subscribe'>): Bridge & { close(): void } {
  const dispatch = createDispatcher(service.handlers)
  const listeners = new Map<EventChannel, Set<(p: unknown) => void>>()
  const unsubscribe = service.subscribe((channel, payload) => listeners.get(channel)?.forEach((l) => l(structuredClone(payload))))
  return {
    invoke: async (channel, payload) => structuredClone(await dispatch(channel, structuredClone(payload))) as never,
    on<E extends EventChannel>(channel: E, listener: (payload: EventOf<E>) => void) {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener as (p: unknown) => void)
      return () => void set.delete(listener as (p: unknown) => void)
    },
    close: () => void unsubscribe(),
  }
}
