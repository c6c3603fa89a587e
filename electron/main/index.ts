// The thin Electron shell: window, IPC wiring, tray, notifications, lifecycle. All behaviour lives in
// the Electron-free service (electron/service) and shell models (electron/shell).

import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  screen,
  session,
  Tray,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { REQUEST_CHANNELS } from '../../shared/contract.js'
import type { PanelNotification, Snapshot } from '../../shared/types.js'
import { CSP } from '../service/csp.js'
import { createDispatcher } from '../service/dispatcher.js'
import { SupervisorService } from '../service/service.js'
import { desktopNotification } from '../shell/notifications.js'
import { dotPng, TRAY_COLOURS } from '../shell/png.js'
import { senderAllowed, trayMenu, trayState, type MenuItem } from '../shell/tray-model.js'
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState } from '../shell/window-state.js'

const HERE = dirname(fileURLToPath(import.meta.url))
// electron-vite's dev server in development, else the built page next to this bundle
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(HERE, '../renderer/index.html')).toString()

if (app.requestSingleInstanceLock()) run()
// else another panel runs: it shows its window (second-instance) and this one leaves
else app.exit(0)

function run(): void {
  let win: BrowserWindow | null = null
  let tray: Tray | null = null
  let trayKey = ''
  let quitting = false
  const service = new SupervisorService({
    settingsPath: join(app.getPath('userData'), 'settings.json'),
    version: app.getVersion(),
    transport: 'electron',
  })
  const windowFile = join(app.getPath('userData'), 'window.json')

  const showWindow = () => {
    if (!win) return createWindow()
    win.show()
    win.focus()
  }

  function createWindow(): void {
    const state = loadWindowState(
      windowFile,
      screen.getAllDisplays().map((d) => d.workArea),
    )
    const w = new BrowserWindow({
      width: state.width,
      height: state.height,
      x: state.x,
      y: state.y,
      minWidth: MIN_WIDTH,
      minHeight: MIN_HEIGHT,
      title: 'Swift Panel',
      webPreferences: { preload: join(HERE, '../preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
    })
    win = w
    if (state.maximized) w.maximize()
    w.webContents.on('will-navigate', (e) => e.preventDefault())
    w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
    w.on('close', () => saveWindowState(windowFile, w.getNormalBounds(), w.isMaximized()))
    w.on('closed', () => (win = null))
    void w.loadURL(rendererUrl)
  }

  function toMenu(items: MenuItem[]): MenuItemConstructorOptions[] {
    return items.map((item): MenuItemConstructorOptions => {
      switch (item.kind) {
        case 'separator':
          return { type: 'separator' }
        case 'show':
          return { label: item.label, click: showWindow }
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
    const tip = `Swift Panel: ${snap.instances.filter((i) => i.state === 'running').length} running`
    const items = trayMenu(snap.instances)
    // snapshots also come for CPU and memory alone: rebuild (and close an open menu) only on a visible change
    const key = JSON.stringify([state, tip, items])
    if (key === trayKey) return
    trayKey = key
    tray.setImage(nativeImage.createFromBuffer(dotPng(16, TRAY_COLOURS[state])))
    tray.setToolTip(tip)
    const menu = Menu.buildFromTemplate(toMenu(items))
    tray.setContextMenu(menu)
    // Electron cannot read a tray's menu back: keep it where an end-to-end test can click it
    ;(globalThis as { swiftPanelTrayMenu?: Menu }).swiftPanelTrayMenu = menu
  }

  function notify(n: PanelNotification): void {
    const d = desktopNotification(n, win?.isFocused() ?? false)
    if (d && Notification.isSupported()) new Notification(d).show()
  }

  async function shutdown(): Promise<void> {
    if (quitting) return
    quitting = true
    // attached children stop with us; daemonised servers keep running and are found again next start
    await service.dispose()
    app.exit(0)
  }

  void app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
    )
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    const dispatch = createDispatcher<IpcMainInvokeEvent>(service.handlers, (event) => senderAllowed(event?.senderFrame?.url, rendererUrl))
    for (const channel of REQUEST_CHANNELS) ipcMain.handle(channel, (event, payload) => dispatch(channel, payload, event))
    service.subscribe((channel, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
      if (channel === 'services:changed') updateTray(service.current())
      if (channel === 'notify') notify(payload as PanelNotification)
    })
    await service.start()
    tray = new Tray(nativeImage.createFromBuffer(dotPng(16, TRAY_COLOURS.idle)))
    tray.on('click', showWindow)
    updateTray(service.refresh())
    createWindow()
  })

  app.on('second-instance', showWindow)
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
        defaultId: 1,
        cancelId: 1,
        message: 'Attached instances are running; quitting stops them. Daemonised servers keep running.',
      })
      if (answer !== 0) return
    }
    void shutdown()
  })
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown())
}
