// Real-process fixtures: a throwaway Swift tree (etc/ = swift dir, run/ = run dir, bin/ = stand-in daemons
// named swift-<server>, tools/ = the few system tools they need) with a PATH of bin/ and tools/ only, so the
// real /usr/bin/swift-* stay out; runners for our CLI and for the reference (Debian's swift.common.manager
// driven as upstream's bin/swift-init); and the browser host on a fixture. Nothing is mocked.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Settings } from '../../shared/types.js'

/** The checkout: the nearest folder up with a package.json (this file also runs compiled, from out/node). */
function findRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}
const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))
const DAEMONS = join(ROOT, 'test/daemons')
export const STANDIN = join(DAEMONS, 'standin.py')
/**
 * The CLI as built for users (npm run build:node): one file, runnable by `node` or as a program.
 * SWIFT_PANEL_CLI names another build instead, e.g. one of an older commit, to see a scenario fail before a fix.
 */
export const CLI = process.env.SWIFT_PANEL_CLI ?? join(ROOT, 'out/cli/swift-init.cjs')
const REFERENCE = join(DAEMONS, 'reference-swift-init.py')
const REAPER = join(DAEMONS, 'reaper.py')
const ZOMBIE = join(DAEMONS, 'zombie.py')
const PYTHON = '/usr/bin/python3'
/** What children may need on PATH besides the stand-ins; python3 is linked as PYTHON, node as this Node. */
const TOOLS = ['sh', 'env', 'sleep', 'cat', 'ps', 'prlimit']
const SYSTEM_BIN = ['/usr/bin', '/bin', '/usr/sbin', '/sbin']

export interface FixtureSpec {
  /** Servers to put on PATH as `swift-<server>` stand-ins, e.g. 'proxy-server'. */
  binaries?: string[]
  /** Files to write under etc/, by relative path, e.g. 'object-server/1.conf.d/a.conf'. */
  confs?: Record<string, string>
}

export interface Fixture {
  root: string
  /** The swift dir (--swift-dir). */
  etc: string
  /** The run dir (--run-dir), where pid files go; not created until something starts. */
  run: string
  bin: string
  tools: string
  /** PATH=bin:tools only, so the real /usr/bin/swift-* servers are never found. */
  env: NodeJS.ProcessEnv
}

/** Every fixture made and not yet cleaned up, for cleanupAll. */
const live = new Set<Fixture>()

export function makeFixture(spec: FixtureSpec = {}): Fixture {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'swift-panel-')))
  chmodSync(root, 0o755) // readable by the unprivileged user some tests run as
  const f: Fixture = {
    root,
    etc: join(root, 'etc'),
    run: join(root, 'run'),
    bin: join(root, 'bin'),
    tools: join(root, 'tools'),
    env: { PATH: `${join(root, 'bin')}:${join(root, 'tools')}`, HOME: homedir(), LANG: 'C.UTF-8' },
  }
  for (const dir of [f.etc, f.bin, f.tools]) mkdirSync(dir)
  for (const server of spec.binaries ?? []) symlinkSync(STANDIN, join(f.bin, `swift-${server}`))
  symlinkSync(PYTHON, join(f.tools, 'python3'))
  symlinkSync(process.execPath, join(f.tools, 'node'))
  for (const tool of TOOLS) {
    const found = SYSTEM_BIN.map((d) => join(d, tool)).find((p) => existsSync(p))
    if (found) symlinkSync(found, join(f.tools, tool))
  }
  for (const [path, text] of Object.entries(spec.confs ?? {})) writeUnder(f.etc, path, text)
  live.add(f)
  return f
}

/** Two identical trees, so that ours and the reference play the same scenario side by side. */
export function makeTwin(spec: FixtureSpec = {}): { ours: Fixture; ref: Fixture } {
  return { ours: makeFixture(spec), ref: makeFixture(spec) }
}

/** Writes a file under run/ (a pid file, or anything), creating directories. */
export function putRunFile(f: Fixture, path: string, text: string): void {
  writeUnder(f.run, path, text)
}

function writeUnder(base: string, path: string, text: string): void {
  const full = join(base, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, text)
}

export interface RunOptions {
  timeoutMs?: number
  input?: string
  /** Send `signal` (default SIGINT) to swift-init this long after it starts... */
  signalAfterMs?: number
  /** ...or once its stdout holds this text, or once this holds (polled), e.g. once a pid file is written. */
  signalWhen?: string | (() => boolean)
  signal?: NodeJS.Signals
  /** Run as this uid and gid (needs root), through setpriv. */
  asUser?: number
  /** Our CLI: run the built file as a program (its sh preamble, then node from PATH) rather than with `node`. */
  viaBin?: boolean
  /** Give the command a process group of its own and send `signal` to all of it, as Ctrl-C at a terminal does. */
  signalGroup?: boolean
  /** Start the command with SIGINT ignored, as a non-interactive shell starts a background job. */
  sigintIgnored?: boolean
  /** Extra environment for the command (e.g. COLUMNS). */
  env?: NodeJS.ProcessEnv
  /** Files the command must not find, made /dev/null in a mount namespace of its own (needs root: see canHide). */
  hide?: string[]
}

export interface RunResult {
  /** Exit code; -N if swift-init was killed by signal N. */
  code: number
  stdout: string
  stderr: string
  ms: number
}

export function runOurs(f: Fixture, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  if (!existsSync(CLI)) return Promise.reject(new Error(`${CLI} does not exist: build it with npm run build:node`))
  return run(f, [...(opts.viaBin ? [] : [process.execPath]), CLI, '--swift-dir', f.etc, '--run-dir', f.run, ...args], opts)
}

export function runReference(f: Fixture, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(f, [PYTHON, REFERENCE, '--swift-dir', f.etc, '--run-dir', f.run, ...args], opts)
}

/** How long to keep reading after exit: a child started with -n may hold the output open. */
const DRAIN_MS = 300

// Runs the command under reaper.py (see there why), which reports the exit status on fd 3.
function run(f: Fixture, command: string[], opts: RunOptions): Promise<RunResult> {
  const argv =
    opts.asUser !== undefined
      ? ['/usr/bin/setpriv', `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', ...command]
      : command
  const started = Date.now()
  const env = {
    ...f.env,
    ...opts.env,
    ...(opts.signalGroup ? { REAPER_GROUP: '1' } : {}),
    ...(opts.sigintIgnored ? { REAPER_IGNORE_INT: '1' } : {}),
    ...(opts.hide ? { REAPER_HIDE: opts.hide.join(':') } : {}),
  }
  const child = spawn(PYTHON, [REAPER, ...argv], { cwd: f.root, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] })
  child.unref() // it stays to reap the daemons; cleanup() ends it
  child.stdin.end(opts.input ?? '')
  const text = (stream: Readable): { value: string; ended: Promise<void> } => {
    const out = { value: '', ended: new Promise<void>((done) => stream.on('close', done)) }
    stream.setEncoding('utf8').on('data', (chunk: string) => (out.value += chunk))
    return out
  }
  const stdout = text(child.stdout)
  const stderr = text(child.stderr)
  const status = text(child.stdio[3] as Readable)
  const timers: NodeJS.Timeout[] = []
  let signalled = false
  const signal = (): void => {
    if (signalled) return
    signalled = true
    timers.forEach(clearTimeout)
    child.kill(opts.signal ?? 'SIGINT')
  }
  if (opts.signalAfterMs !== undefined) timers.push(setTimeout(signal, opts.signalAfterMs))
  const when = opts.signalWhen
  if (typeof when === 'string') child.stdout.on('data', () => stdout.value.includes(when) && signal())
  else if (when) {
    const poll = (): void => void (when() ? signal() : timers.push(setTimeout(poll, 20)))
    poll()
  }
  const timeoutMs = opts.timeoutMs ?? 30_000
  return new Promise<RunResult>((resolve, reject) => {
    const timeout = setTimeout(() => {
      timers.forEach(clearTimeout)
      reject(new Error(`timed out after ${timeoutMs} ms: ${command.join(' ')}\n${stdout.value}${stderr.value}`))
    }, timeoutMs)
    void status.ended.then(async () => {
      const ms = Date.now() - started
      timers.forEach(clearTimeout)
      await Promise.race([Promise.all([stdout.ended, stderr.ended]), new Promise((r) => setTimeout(r, DRAIN_MS))])
      clearTimeout(timeout)
      child.stdout.destroy()
      child.stderr.destroy()
      if (!/^-?\d+$/.test(status.value)) reject(new Error(`no exit status from ${command.join(' ')}\n${stderr.value}`))
      else resolve({ code: Number(status.value), stdout: stdout.value, stderr: stderr.value, ms })
    })
  })
}

/** Whether RunOptions.hide can work here: it needs root (a mount namespace of its own). */
export const canHide = (): boolean => process.getuid?.() === 0

let referenceProblem: string | null | undefined
/** Why the reference swift-init cannot run here (warned once), or null. */
export function referenceUnavailable(): string | null {
  if (referenceProblem === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import swift.common.manager'], { encoding: 'utf8' })
    referenceProblem =
      r.status === 0
        ? null
        : `${PYTHON} cannot import swift.common.manager (apt-get install python3-swift): ${r.error?.message ?? r.stderr.trim()}`
    if (referenceProblem) console.warn(`skipping tests against the reference swift-init: ${referenceProblem}`)
  }
  return referenceProblem
}

/** Every file under run/ by relative path, with its content; our lock and temp files (dotfiles) left out. */
export function pidFiles(f: Fixture): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return // no run dir yet
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) files[relative(f.run, path)] = readFileSync(path, 'utf8')
    }
  }
  walk(f.run)
  return files
}

/** The places swift-init prints a pid. */
const PID_PATTERNS = [
  /( running \()\d+( - )/g,
  /(  pid: )\d+(  signal: )/g,
  /( \()\d+(\) appears to have stopped)/g,
  /(No permission to signal PID )\d+()/g,
  /( with wrong pid )\d+()/g,
]

/** Output with the fixture root as <ROOT> and pids as <PID>, so that runs on twin fixtures compare. */
export function normalize(output: string, f: Fixture): string {
  const text = output.replaceAll(f.root, '<ROOT>')
  return PID_PATTERNS.reduce((t, re) => t.replace(re, '$1<PID>$2'), text)
}

/** Output lines without the help of --json, the one option only our CLI has (its lines up to the next unindented one). */
export function withoutOurOptions(lines: string[]): string[] {
  const start = lines.findIndex((l) => l.startsWith('  --json'))
  if (start === -1) return lines
  let end = start + 1
  while (end < lines.length && lines[end]?.startsWith(' ')) end++
  return [...lines.slice(0, start), ...lines.slice(end)]
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return '' // gone
  }
}

function pidsWhere(test: (cmdline: string) => boolean): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid && test(cmdline(name)))
    .map(Number)
}

/** The live stand-in daemons of a fixture, workers included (zombies have no cmdline, so are left out). */
export function livePids(f: Fixture): number[] {
  return pidsWhere((c) => c.includes(`${f.bin}/swift-`))
}

/**
 * Leaves a zombie of `server` (a stand-in on the fixture's PATH) and returns its pid: the process has exited
 * and its parent never reaps it. It goes with cleanup().
 */
export async function makeZombie(f: Fixture, server: string): Promise<number> {
  const conf = join(f.root, `zombie-${server}.conf`)
  writeFileSync(conf, '[standin]\nexit_code = 0\n')
  const child = spawn(PYTHON, [ZOMBIE, join(f.bin, `swift-${server}`), conf], { env: f.env, stdio: ['ignore', 'pipe', 'inherit'] })
  child.unref()
  const pid = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c
      if (out.includes('\n')) resolve(Number(out.trim()))
    })
    child.once('exit', (code) => reject(new Error(`zombie.py exited ${code}`)))
  })
  child.stdout.destroy()
  return pid
}

/** Kills everything the fixture started (daemons, workers, swift-init runs, reapers), then removes it. */
export function cleanup(f: Fixture): void {
  live.delete(f)
  for (const pid of pidsWhere((c) => c.includes(f.root))) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  rmSync(f.root, { recursive: true, force: true })
}

/** cleanup() of every fixture still there: a benchmark interrupted (Ctrl-C, a timeout) leaves no daemons behind. */
export function cleanupAll(): void {
  for (const f of [...live]) cleanup(f)
}

/** Polls fn until it returns a truthy value, and returns that. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`)
    await new Promise((r) => setTimeout(r, 10))
  }
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

/**
 * Runs the browser host (`serve.js`) on this fixture with these settings, on `port` (0: any free one);
 * resolves once it printed its URL. Its token is kept beside the settings, so a second run has the same URL.
 */
export async function serveFixture(
  f: Fixture,
  settings: Partial<Settings> = {},
  port = 0,
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
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
    probeTimeoutMs: 1000,
    theme: 'system',
    ...settings,
  }
  writeFileSync(path, JSON.stringify(full))
  const child = spawn(process.execPath, [join(ROOT, 'out/node/electron/host/serve.js'), '--port', String(port), '--settings', path], {
    env: f.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /^(http:\/\/\S+\/[\w-]{32,}\/)$/m.exec(out)
      if (m?.[1]) resolveUrl(m[1])
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
