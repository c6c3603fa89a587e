// `npm run serve -- [--port N] [--swift-dir D] [--run-dir R] [--host ADDR]`: the panel in a browser,
// for a dev box reached over SSH or a machine without a desktop. Builds nothing: serves out/renderer.

import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SupervisorService } from '../service/service.js'
import { startHost } from './host.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..')

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'swift-dir': { type: 'string' },
    'run-dir': { type: 'string' },
    settings: { type: 'string', default: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'swift-panel/settings.json') },
  },
})

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: --port must be 0..65535, not ${values.port}`)
  process.exit(2)
}
if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
  console.warn(`WARNING: listening on ${values.host}, not loopback: anyone who can reach it and has the token can stop your cluster.`)
}

const service = new SupervisorService({
  settingsPath: values.settings,
  swiftDir: values['swift-dir'] && resolve(values['swift-dir']),
  runDir: values['run-dir'] && resolve(values['run-dir']),
  version: process.env.npm_package_version ?? '0.1.0',
  transport: 'browser',
})
await service.start()
const host = await startHost(service, {
  port,
  host: values.host,
  rendererDir: join(ROOT, 'out/renderer'),
  log: (line) => console.warn(`serve: ${line}`),
})
console.log(`swift-panel is serving the panel at:`)
console.log(host.url)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  // attached children stop with us; daemonised servers keep running
  await service.dispose()
  await host.close()
  process.exit(0)
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop())
