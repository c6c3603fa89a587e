// The thin Electron shell: window, IPC wiring, tray, notifications, lifecycle. All behaviour lives in
// the Electron-free service (electron/service) and shell models (electron/shell).

import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, Tray, type MenuItemConstructorOptions } from 'electron'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { REQUEST_CHANNELS } from '../../shared/contract.js'
import type { Snapshot } from '../../shared/types.js'
import { createDispatcher } from '../service/ipc-registry.js'
import { SupervisorService } from '../service/service.js'
import { dotPng, TRAY_COLOURS } from '../shell/png.js'
import { senderAllowed, trayMenu, trayState, type MenuItem } from '../shell/tray-model.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(HERE, '../renderer/index.html')).toString()

if (!app.requestSingleInstanceLock()) app.exit(0)

let win: BrowserWindow | null = null
let tray: Tray | null = null
let quitting = false
const service = new SupervisorService({
  settingsPath: join(app.getPath('userData'), 'settings.json'),
  version: app.getVersion(),
  transport: 'electron',
})
const boundsFile = join(app.getPath('userData'), 'window.json')

function createWindow(): void {
  let bounds = { width: 1280, height: 800 }
  try {
    bounds = { ...bounds, ...JSON.parse(readFileSync(boundsFile, 'utf8')) }
  } catch {
    // first run
  }
  win = new BrowserWindow({
    ...bounds,
    title: 'Swift Panel',
    webPreferences: { preload: join(HERE, '../preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.on('close', () => win && writeFileSync(boundsFile, JSON.stringify(win.getBounds())))
  win.on('closed', () => (win = null))
  void win.loadURL(rendererUrl)
}

function toMenu(items: MenuItem[]): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' }
      case 'show':
        return { label: item.label, click: () => (win ? win.show() : createWindow()) }
      case 'quit':
        return { label: item.label, click: () => app.quit() }
      case 'submenu':
        return { label: item.label, submenu: toMenu(item.items) }
      case 'action':
        return { label: item.label, click: () => service.runCommand({ command: item.command, targets: item.targets }) }
    }
  })
}

function updateTray(snap: Snapshot): void {
  if (!tray) return
  const state = trayState(snap.instances)
  tray.setImage(nativeImage.createFromBuffer(dotPng(16, TRAY_COLOURS[state])))
  tray.setToolTip(`Swift Panel: ${snap.instances.filter((i) => i.state === 'running').length} running`)
  const menu = Menu.buildFromTemplate(toMenu(trayMenu(snap.instances)))
  tray.setContextMenu(menu)
  // Electron cannot read a tray's menu back: keep it where an end-to-end test can click it
  ;(globalThis as { swiftPanelTrayMenu?: Menu }).swiftPanelTrayMenu = menu
}

async function shutdown(): Promise<void> {
  quitting = true
  await service.dispose()
  app.exit(0)
}

void app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  )
  const dispatch = createDispatcher(service.handlers)
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, (event, payload) =>
      senderAllowed(event.senderFrame?.url, rendererUrl) ? dispatch(channel, payload) : { ok: false, error: { code: 'forbidden', message: 'not our window' } },
    )
  }
  service.subscribe((channel, payload) => {
    win?.webContents.send(channel, payload)
    if (channel === 'services:changed') updateTray(payload as Snapshot)
    if (channel === 'notify' && Notification.isSupported()) {
      const n = payload as { title: string; body: string; level: string }
      if (n.level !== 'info') new Notification({ title: n.title, body: n.body }).show()
    }
  })
  await service.start()
  tray = new Tray(nativeImage.createFromBuffer(dotPng(16, TRAY_COLOURS.idle)))
  updateTray(service.refresh())
  createWindow()
})

app.on('second-instance', () => win?.show())
app.on('window-all-closed', () => {
  // the tray keeps the panel alive
})
app.on('before-quit', (e) => {
  if (quitting) return
  e.preventDefault()
  if (service.hasAttached()) {
    const answer = dialog.showMessageBoxSync({
      type: 'question',
      buttons: ['Stop them and quit', 'Cancel'],
      message: 'Attached instances are running; quitting stops them. Daemonised servers keep running.',
    })
    if (answer !== 0) return
  }
  void shutdown()
})
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown())
