// The panel's window, locked down: context isolation, sandbox, no Node in the page, no navigation, no
// new windows, no webviews; its size and place restored from window.json only as validated numbers that
// fit a display now attached (window-state.ts), never spread into the options.

import { BrowserWindow, screen, type WebContents } from 'electron'
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState } from './window-state.js'

export interface WindowOptions {
  /** window.json: where its size and place are kept. */
  stateFile: string
  preload: string
  url: string
}

export function createWindow({ stateFile, preload, url }: WindowOptions): BrowserWindow {
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Swift Panel',
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false },
  })
  if (state.maximized) win.maximize()
  lockDown(win.webContents)
  win.on('close', () => saveWindowState(stateFile, win.getNormalBounds(), win.isMaximized()))
  void win.loadURL(url)
  return win
}

/** No navigation away, no new windows, no webviews: for every web contents the app makes. */
export function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}
