// `npm run serve -- [--port N] [--swift-dir D] [--run-dir R] [--host ADDR] [--new-token]`: the panel in a
// browser, for a dev box reached over SSH or a machine without a desktop. Builds nothing: serves
// out/renderer. The URL's token is kept beside the settings (token.ts), so the URL stays the same.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SupervisorService } from '../service/service.js'
import { startHost, type Host } from './host.js'
import { loadToken, TokenFileError } from './token.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..')
const RENDERER = join(ROOT, 'out/renderer')

function fail(message: string, code = 1): never {
  console.error(`serve: ${message}`)
  process.exit(code)
}

let values
try {
  ;({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'swift-dir': { type: 'string' },
      'run-dir': { type: 'string' },
      settings: { type: 'string', default: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'swift-panel/settings.json') },
      /** Default: `browser-token` beside the settings. */
      'token-file': { type: 'string' },
      'new-token': { type: 'boolean', default: false },
    },
  }))
} catch (e) {
  fail(e instanceof Error ? e.message : String(e), 2)
}

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, not ${values.port}`, 2)
if (!existsSync(join(RENDERER, 'index.html'))) fail('the panel is not built (no out/renderer/index.html): run `npm run build` first')
if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
  console.warn(`WARNING: listening on ${values.host}, not loopback: anyone who can reach it and has the token can stop your cluster.`)
}

const tokenFile = resolve(values['token-file'] ?? join(dirname(values.settings), 'browser-token'))
let token: string
try {
  const loaded = loadToken(tokenFile, values['new-token'])
  if (loaded.warning) console.warn(`WARNING: ${loaded.warning}`)
  token = loaded.token
} catch (e) {
  fail(e instanceof TokenFileError ? e.message : `cannot use the token file ${tokenFile}: ${e instanceof Error ? e.message : String(e)}`)
}

const service = new SupervisorService({
  settingsPath: values.settings,
  swiftDir: values['swift-dir'] && resolve(values['swift-dir']),
  runDir: values['run-dir'] && resolve(values['run-dir']),
  version: process.env.npm_package_version ?? '0.1.0',
  transport: 'browser',
})
await service.start()
let host: Host
try {
  host = await startHost(service, { port, host: values.host, rendererDir: RENDERER, token, log: (line) => console.warn(`serve: ${line}`) })
} catch (e) {
  await service.dispose()
  fail(`cannot listen on ${values.host} port ${port}: ${e instanceof Error ? e.message : String(e)}`)
}
console.log(`swift-panel is serving the panel at (the same URL each run; --new-token changes it):`)
console.log(host.url)

let stopping = false
async function stop(h: Host): Promise<void> {
  if (stopping) return
  stopping = true
  // attached children stop with us; daemonised servers keep running
  await service.dispose()
  await h.close()
  process.exit(0)
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(host))
