// `npm start` after the build: run the desktop app, or say in one line why not and what to use instead.

import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const electronDir = join(ROOT, 'node_modules/electron')
const pathFile = join(electronDir, 'path.txt')
// require('electron') would try to download the binary on the spot; look for it instead
const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null
if (!binary || !existsSync(binary)) {
  console.error('The Electron binary is not installed here (it downloads from GitHub); run `npm run serve` to get the same panel in a browser.')
  process.exit(1)
}
const child = spawn(binary, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
