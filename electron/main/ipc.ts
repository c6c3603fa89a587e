// The IPC wiring: every request channel of the contract, and the link channel, answered through the
// keeper (its dispatcher checks the sender and validates the payload); the service's events and the
// link's changes sent to the window.

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { LINK_CHANNEL, REQUEST_CHANNELS } from '../../shared/contract.js'
import type { KeptService, ServiceKeeper } from './service-keeper.js'

export function wireIpc(
  keeper: ServiceKeeper<KeptService, IpcMainInvokeEvent>,
  allow: (event: IpcMainInvokeEvent) => boolean,
  window: () => BrowserWindow | null,
): void {
  for (const channel of REQUEST_CHANNELS) ipcMain.handle(channel, (event, payload) => keeper.dispatch(channel, payload, event))
  // the link's state now, for a page that (re)loads while the service is down
  ipcMain.handle(LINK_CHANNEL, (event) => (allow(event) ? keeper.link : null))
  const send = (channel: string, payload: unknown) => {
    const w = window()
    if (w && !w.isDestroyed()) w.webContents.send(channel, payload)
  }
  keeper.subscribe(send)
  keeper.onLink((status) => send(LINK_CHANNEL, status))
}
