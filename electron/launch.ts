// `npm start`: run the desktop app, or say in one line why not and what to use instead. `--check` only
// looks for the Electron binary: `npm start` runs it before building the app, so a machine without the
// binary hears so at once, not after the build.

import { spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronBinary, NO_ELECTRON } from './main/electron-binary.js'

// out/node/electron/launch.js → the checkout
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const binary = electronBinary(ROOT)
if (!binary) {
  console.error(NO_ELECTRON)
  process.exit(1)
}
const args = process.argv.slice(2)
if (args[0] === '--check') process.exit(0)
const child = spawn(binary, [ROOT, ...args], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
