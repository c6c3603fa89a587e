// The thin Electron shell: lifecycle, session policy, and the window, IPC, tray and notifications, each
// in a file of its own. All behaviour lives in the Electron-free service (electron/service), kept running
// by service-keeper.ts.

import {
  app,
  dialog,
  Menu,
  nativeTheme,
  Notification,
  session,
  Tray,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PanelNotification } from '../../shared/types.js'
import { CSP } from '../service/csp.js'
import { SupervisorService } from '../service/service.js'
import { wireIpc } from './ipc.js'
import { desktopNotification } from './notifications.js'
import { registerAppScheme, rendererUrl, serveRenderer } from './renderer-protocol.js'
import { senderAllowed } from './sender-check.js'
import { ServiceKeeper } from './service-keeper.js'
import { trayIcon } from './tray-icon.js'
import { trayLook, trayMenu, type MenuItem } from './tray-model.js'
import { createWindow, lockDown } from './window.js'

const HERE = dirname(fileURLToPath(import.meta.url))

// before the app is ready, as Electron requires
registerAppScheme()

if (app.requestSingleInstanceLock()) run()
// else another panel runs: it shows its window (second-instance) and this one leaves
else app.exit(0)

function run(): void {
  let win: ReturnType<typeof createWindow> | null = null
  let tray: Tray | null = null
  let trayKey = ''
  let quitting = false
  const page = rendererUrl(app.isPackaged)
  if (page.warning) console.warn(page.warning)
  const allow = (event: IpcMainInvokeEvent | undefined) => senderAllowed(event?.senderFrame?.url, page.url)
  const keeper = new ServiceKeeper<SupervisorService, IpcMainInvokeEvent>({
    create: () =>
      new SupervisorService({
        settingsPath: join(app.getPath('userData'), 'settings.json'),
        version: app.getVersion(),
        transport: 'electron',
      }),
    allow,
    log: (line) => console.error(line),
  })
  // an error thrown in the main process is the service's (the shell is thin): the window says so, and the
  // keeper starts a new service, rather than Electron's dialog over a panel that no longer works
  process.on('uncaughtException', (e) => keeper.fail(e))
  process.on('unhandledRejection', (e) => keeper.fail(e))

  const showWindow = () => {
    if (!win) {
      win = createWindow({
        stateFile: join(app.getPath('userData'), 'window.json'),
        preload: join(HERE, '../preload/index.cjs'),
        url: page.url,
      })
      win.on('closed', () => (win = null))
      return
    }
    win.show()
    win.focus()
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
          return {
            label: item.label,
            enabled: keeper.current !== null,
            click: () => keeper.current?.runCommand({ command: item.command, targets: item.targets }),
          }
      }
    })
  }

  function updateTray(): void {
    const service = keeper.current
    if (!tray) return
    const instances = service?.current().instances ?? []
    // no service: the same red as a crash, and no commands to offer
    const { level, tip } = service
      ? trayLook(instances)
      : { level: 'crash' as const, tip: 'Swift Panel: its service stopped; restarting it' }
    const items = trayMenu(instances)
    // snapshots also come for CPU and memory alone: rebuild (and close an open menu) only on a visible change
    const key = JSON.stringify([level, tip, items, service !== null])
    if (key === trayKey) return
    trayKey = key
    tray.setImage(trayIcon(level))
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
    await keeper.dispose()
    app.exit(0)
  }

  app.on('web-contents-created', (_e, contents) => lockDown(contents))

  void app.whenReady().then(async () => {
    const s = session.defaultSession
    // the dev server's pages get the CSP as a header too (app:// answers carry it themselves)
    s.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
    )
    // the panel needs no camera, notifications permission, geolocation, HID, USB or serial: deny them all
    s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    s.setPermissionCheckHandler(() => false)
    s.setDevicePermissionHandler(() => false)
    serveRenderer(join(HERE, '../renderer'))
    wireIpc(keeper, allow, () => win)
    keeper.subscribe((channel, payload) => {
      if (channel === 'services:changed') updateTray()
      if (channel === 'notify') notify(payload as PanelNotification)
    })
    keeper.onLink(() => updateTray())
    // the icons come in the desktop theme's shade of each colour
    nativeTheme.on('updated', () => {
      trayKey = ''
      updateTray()
    })
    await keeper.start()
    tray = new Tray(trayIcon('idle'))
    tray.on('click', showWindow)
    updateTray()
    showWindow()
  })

  app.on('second-instance', showWindow)
  app.on('window-all-closed', () => {
    // the tray keeps the panel alive
  })
  app.on('before-quit', (e) => {
    if (quitting) return
    e.preventDefault()
    if (keeper.current?.hasAttached()) {
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
