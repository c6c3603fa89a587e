// The tray's icon for each level of the cluster's health: small PNGs drawn once in the panel's tone colours
// (shared/cluster-summary.ts TONE_COLOURS, the light or the dark one as the desktop's theme asks) and
// shipped in build/tray: `<level>-<theme>.png`, and the `@2x` Electron picks on a high-density screen.

import { app, nativeImage, nativeTheme, type NativeImage } from 'electron'
import { join } from 'node:path'
import type { HealthLevel } from '../../shared/cluster-summary.js'

export const TRAY_LEVELS: readonly HealthLevel[] = ['up', 'partial', 'crash', 'idle']
export type TrayTheme = 'light' | 'dark'

/** The icon file of `level` in `theme` under the app's folder (the checkout, or the packaged app.asar). */
export function trayIconPath(appPath: string, level: HealthLevel, theme: TrayTheme): string {
  return join(appPath, 'build/tray', `${level}-${theme}.png`)
}

const loaded = new Map<string, NativeImage>()

export function trayIcon(level: HealthLevel): NativeImage {
  const theme: TrayTheme = nativeTheme.shouldUseDarkColors ? 'dark' : 'light'
  const key = `${level}-${theme}`
  let image = loaded.get(key)
  if (!image) loaded.set(key, (image = nativeImage.createFromPath(trayIconPath(app.getAppPath(), level, theme))))
  return image
}
