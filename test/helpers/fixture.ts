// A throwaway Swift tree for tests: etc/ (swift dir), run/ (run dir), bin/ (stand-in daemons named
// swift-<server>) and a PATH holding only bin/ and a few tools, so the real /usr/bin/swift-* stay out.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type { Settings } from '../../shared/types.js'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checkout: the nearest folder up with a package.json (this file also runs compiled, from out/node). */
function findRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}
const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))
export const STANDIN = join(ROOT, 'test/daemons/standin.py')
export const CLI = join(ROOT, 'out/node/electron/cli/swift-init.js')
export const REFERENCE = join(ROOT, 'test/daemons/reference-swift-init.py')
const TOOLS = ['python3', 'sh', 'env', 'sleep', 'cat', 'ps', 'prlimit']

export interface FixtureSpec {
  /** Servers whose stand-in binary is on PATH: `proxy-server`, `object-replicator`… */
  binaries: string[]
  /** Files under etc/, by relative path. */
  confs: Record<string, string>
}

export interface Fixture {
  root: string
  etc: string
  run: string
  bin: string
  env: NodeJS.ProcessEnv
}

export function makeFixture(spec: FixtureSpec): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'swift-panel-'))
  chmodSync(root, 0o755) // readable by the unprivileged user some tests run as
  const f: Fixture = { root, etc: join(root, 'etc'), run: join(root, 'run'), bin: join(root, 'bin'), env: {} }
  const tools = join(root, 'tools')
  for (const d of [f.etc, f.bin, tools]) mkdirSync(d, { recursive: true })
  for (const server of spec.binaries) symlinkSync(STANDIN, join(f.bin, `swift-${server}`))
  for (const tool of TOOLS) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' } }).stdout.trim()
    if (found) symlinkSync(found, join(tools, tool))
  }
  for (const [path, text] of Object.entries(spec.confs)) {
    mkdirSync(dirname(join(f.etc, path)), { recursive: true })
    writeFileSync(join(f.etc, path), text)
  }
  f.env = { PATH: `${f.bin}:${tools}`, HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' }
  return f
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

export interface RunOptions {
  timeoutMs?: number
  /** Send this signal to the command after `signalAfterMs`. */
  signal?: NodeJS.Signals
  signalAfterMs?: number
  /** Resolve once stdout contains this, sending `signal` then. */
  signalWhen?: string
  /** Run as this uid/gid (needs root), through setpriv. */
  asUser?: number
}

function run(f: Fixture, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const full = opts.asUser !== undefined ? ['/usr/bin/setpriv', `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', ...argv] : argv
  const t0 = performance.now()
  const child = spawn(full[0]!, full.slice(1), { env: f.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let signalled = false
  const maybeSignal = () => {
    if (!signalled && opts.signal) {
      signalled = true
      child.kill(opts.signal)
    }
  }
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
    if (opts.signalWhen && stdout.includes(opts.signalWhen)) maybeSignal()
  })
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  if (opts.signalAfterMs !== undefined) setTimeout(maybeSignal, opts.signalAfterMs)
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
  return new Promise((resolvePromise) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr, ms: performance.now() - t0 })
    }),
  )
}

export function runOurs(f: Fixture, args: string[], opts?: RunOptions): Promise<RunResult> {
  return run(f, [process.execPath, CLI, '--swift-dir', f.etc, '--run-dir', f.run, ...args], opts)
}

export function runReference(f: Fixture, args: string[], opts?: RunOptions): Promise<RunResult> {
  return run(f, ['/usr/bin/python3', REFERENCE, '--swift-dir', f.etc, '--run-dir', f.run, ...args], opts)
}

/** Why the reference cannot run here, or null. */
export function referenceUnavailable(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import swift.common.manager'], { encoding: 'utf8' })
  return r.status === 0 ? null : 'python3-swift is not installed (apt-get install python3-swift)'
}

/** Everything under run/ that is not ours (dotfiles: locks, temp files), by relative path. */
export function pidFiles(f: Fixture): Record<string, string> {
  const out: Record<string, string> = {}
  let names: string[] = []
  try {
    names = readdirSync(f.run, { recursive: true, encoding: 'utf8' })
  } catch {
    return out
  }
  for (const name of names.sort()) {
    if (name.split('/').some((part) => part.startsWith('.'))) continue
    const path = join(f.run, name)
    if (statSync(path).isFile()) out[relative(f.run, path)] = readFileSync(path, 'utf8')
  }
  return out
}

/** Pids of live processes started from this fixture (stand-ins and their workers). */
export function livePids(f: Fixture): number[] {
  const out: number[] = []
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue
    try {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'latin1')
      const state = readFileSync(`/proc/${p}/stat`, 'latin1').split(') ')[1]?.[0]
      if (cmdline.includes(f.root) && state !== 'Z') out.push(Number(p))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

export function cleanup(f: Fixture): void {
  for (const pid of livePids(f)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone meanwhile
    }
  }
  rmSync(f.root, { recursive: true, force: true })
}

export async function waitFor(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Normalises output for comparison: the fixture root → <ROOT>, pids → <PID>. */
export function normalize(text: string, f: Fixture): string[] {
  return text
    .split(f.root)
    .join('<ROOT>')
    .replace(/( \(|pid: |PID |wrong pid )\d+/g, '$1<PID>')
    .split('\n')
}

/** The standard SAIO-like tree: proxy, two of each storage server, their rest daemons reading the same confs. */
export const SAIO_CONFS: Record<string, string> = {
  'proxy-server.conf': '[DEFAULT]\n[pipeline:main]\npipeline = proxy-server\n[app:proxy-server]\nuse = egg:swift#proxy\n',
  'account-server/1.conf': '[DEFAULT]\n[app:account-server]\n[account-replicator]\n',
  'account-server/2.conf': '[DEFAULT]\n[app:account-server]\n[account-replicator]\n',
  'container-server/1.conf': '[DEFAULT]\n[app:container-server]\n[container-replicator]\n',
  'container-server/2.conf': '[DEFAULT]\n[app:container-server]\n[container-replicator]\n',
  'object-server/1.conf': '[DEFAULT]\n[app:object-server]\n[object-replicator]\n',
  'object-server/2.conf': '[DEFAULT]\n[app:object-server]\n[object-replicator]\n',
}
export const MAIN = ['proxy-server', 'account-server', 'container-server', 'object-server']

/** Writes a pid file (or anything) under run/, creating directories. */
export function putRunFile(f: Fixture, path: string, content: string): void {
  mkdirSync(dirname(join(f.run, path)), { recursive: true })
  writeFileSync(join(f.run, path), content)
}

/** Runs the browser host (`serve.js`) on this fixture with these settings; resolves once it printed its URL. */
export async function serveFixture(f: Fixture, settings: Partial<Settings> = {}): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const path = join(f.root, 'settings.json')
  mkdirSync(f.run, { recursive: true })
  const full: Settings = {
    profiles: [{ name: 'default', swiftDir: f.etc, runDir: f.run, extraPath: [], logFiles: {} }],
    activeProfile: 'default',
    killWait: 5,
    strict: null,
    refreshIntervalMs: 1000,
    logBufferLines: 10_000,
    syslogReceiverPort: 0,
    theme: 'system',
    ...settings,
  }
  writeFileSync(path, JSON.stringify(full))
  const child = spawn(process.execPath, [join(ROOT, 'out/node/electron/host/serve.js'), '--port', '0', '--settings', path], { env: f.env, stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /^(http:\/\/\S+\/\?token=\S+)$/m.exec(out)
      if (m) resolveUrl(m[1]!)
    })
    child.once('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)))
  })
  const stop = async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
  return { url, child, stop }
}
