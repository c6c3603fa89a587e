// Exposes the contract's verbs to the sandboxed renderer: invoke on a known request channel, listen on a
// known event channel. Never ipcRenderer itself.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNELS, REQUEST_CHANNELS, type Bridge, type EventChannel, type RequestChannel } from '../../shared/contract.js'

const bridge: Bridge = {
  invoke: (channel, payload) =>
    REQUEST_CHANNELS.includes(channel as RequestChannel)
      ? ipcRenderer.invoke(channel, payload)
      : Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `unknown channel ${String(channel)}` } } as never),
  on(channel, listener) {
    if (!EVENT_CHANNELS.includes(channel as EventChannel)) return () => {}
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => (listener as (p: unknown) => void)(payload)
    ipcRenderer.on(channel, wrapped)
    return () => void ipcRenderer.removeListener(channel, wrapped)
  },
}

contextBridge.exposeInMainWorld('swiftPanel', bridge)
