// Where the Electron binary is, found without require('electron'): that module downloads the binary
// on the spot when it is missing, which here means a hang or a network error instead of an answer.

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const NO_ELECTRON =
  'The Electron binary is not installed here (node_modules/electron has no dist/; it downloads from GitHub). ' +
  'The same panel runs in a browser: `npm run build`, then `npm run serve -- --swift-dir D --run-dir R` ' +
  '(D: your swift dir, e.g. /etc/swift; R: its run dir, e.g. /var/run/swift), and open the URL it prints.'

/** The binary under `root`'s node_modules (or ELECTRON_OVERRIDE_DIST_PATH, as electron's own lookup honours), or null. */
export function electronBinary(root: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const pkg = join(root, 'node_modules/electron')
  let name = 'electron'
  try {
    name = readFileSync(join(pkg, 'path.txt'), 'utf8').trim() || name
  } catch {
    if (!env.ELECTRON_OVERRIDE_DIST_PATH) return null
  }
  const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), name)
  return existsSync(binary) ? binary : null
}
