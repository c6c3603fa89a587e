// Exposes the contract's verbs to the sandboxed renderer: invoke on a known request channel, listen on a
// known event channel, follow the link to the service. Never ipcRenderer itself.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNELS, LINK_CHANNEL, REQUEST_CHANNELS, type Bridge, type LinkStatus } from '../../shared/contract.js'

const bridge: Bridge = {
  invoke: (channel, payload) =>
    (REQUEST_CHANNELS as string[]).includes(channel)
      ? ipcRenderer.invoke(channel, payload)
      : Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `unknown channel ${String(channel)}` } } as never),
  on(channel, listener) {
    if (!(EVENT_CHANNELS as string[]).includes(channel)) return () => {}
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => (listener as (p: unknown) => void)(payload)
    ipcRenderer.on(channel, wrapped)
    return () => void ipcRenderer.removeListener(channel, wrapped)
  },
  onLink(listener) {
    const wrapped = (_e: IpcRendererEvent, status: LinkStatus) => listener(status)
    ipcRenderer.on(LINK_CHANNEL, wrapped)
    // the state now: this page may have (re)loaded while the service was down
    void ipcRenderer.invoke(LINK_CHANNEL).then((status: LinkStatus | null) => status && listener(status))
    return () => void ipcRenderer.removeListener(LINK_CHANNEL, wrapped)
  },
}

contextBridge.exposeInMainWorld('swiftPanel', bridge)
