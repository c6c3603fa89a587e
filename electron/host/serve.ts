// `npm run serve -- [options]` (USAGE below; `--help` prints it): the panel in a browser, for a dev box
// reached over SSH or a machine without a desktop. Builds nothing: serves out/renderer. The URL's token is
// kept beside the settings (token.ts), so the URL's path stays the same from run to run; its port is a free
// one chosen anew each run unless `--port` names one.

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

const USAGE = `usage: npm run serve -- [options]

Serves the panel to a browser and prints its URL, http://HOST:PORT/<token>/. The token, and so the
URL's path, stays the same from run to run; the port does too only when --port names one.

options:
  --port N          the port to listen on (default 0: a free port, a different one each run)
  --host ADDR       the address to listen on (default 127.0.0.1; any other is warned about)
  --swift-dir DIR   Swift's conf dir, for this run only (default: the settings' active profile)
  --run-dir DIR     the pid files' dir, for this run only (default: the settings' active profile)
  --settings F      the settings file (default ~/.config/swift-panel/settings.json, or under $XDG_CONFIG_HOME)
  --token-file F    where the URL's token is kept (default: browser-token beside the settings)
  --new-token       replace the token: every URL printed before stops working
  -h, --help        print this and exit
`

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
      help: { type: 'boolean', short: 'h', default: false },
    },
  }))
} catch (e) {
  fail(e instanceof Error ? e.message : String(e), 2)
}
if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
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
console.log(
  port === 0
    ? 'swift-panel is serving the panel at (its path stays the same from run to run until --new-token; its port does not: pass --port N to keep it):'
    : `swift-panel is serving the panel at (the same URL each run with --port ${port}; --new-token changes its path):`,
)
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
