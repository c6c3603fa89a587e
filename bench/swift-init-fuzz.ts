// A differential fuzzer for the swift-init port (issue 9): random cases played by the reference (Debian's
// swift.common.manager driven as bin/swift-init) and by ours on twin trees, compared as the conformance suite
// compares them. Prints the share of identical cases and of documented differences (rows of the README's
// "Differences from swift-init", each recognised by its own signature below), and groups the rest by kind.
//
//   npm run build:node && node out/node/bench/swift-init-fuzz.js [cases=400] [seed=20261129] [jobs=2]
//
// A case: a random conf tree (top-level confs, numbered ones, `.conf.d` dirs, nested dirs, object-expirer
// sections, configparser corner cases), random stand-ins on PATH (missing, not executable; printing,
// daemonising or not, failing late, ignoring SIGTERM, forking workers), random pid files (a live server from a
// setup start, stale, garbage, a zombie, a stranger), random names (servers, short names, aliases, globs,
// `server.N`), a command and options (some bad). Not in npm test: it takes minutes.

import { chmodSync, copyFileSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  cleanup,
  livePids,
  makeTwin,
  makeZombie,
  normalize,
  pidFiles,
  putRunFile,
  runOurs,
  runReference,
  STANDIN,
  type Fixture,
  withoutOurOptions,
  type RunResult,
} from '../test/helpers/fixture.js'

/** mulberry32: a small seeded PRNG, so that a seed names a run. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MAIN = ['proxy-server', 'account-server', 'container-server', 'object-server']
const REST = ['object-replicator', 'object-updater', 'object-expirer', 'container-replicator', 'container-reconciler', 'account-reaper']

interface Case {
  id: number
  binaries: string[]
  notExecutable: string[]
  confs: Record<string, string>
  /** run by each implementation on its own twin before the command */
  setup: string[][]
  /** pid files written after the setup: path → 'zombie' | 'stranger' | text */
  pidFiles: Record<string, string>
  args: string[]
  env: Record<string, string>
}

class Gen {
  constructor(private readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n)
  }
  chance(p: number): boolean {
    return this.r() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T
  }
  some<T>(xs: readonly T[], p: number): T[] {
    return xs.filter(() => this.chance(p))
  }
}

function standinSection(g: Gen): string {
  const lines: string[] = []
  if (g.chance(0.3)) lines.push(`startup_output = ${g.pick(['hello', 'WARNING: odd', 'bound to 127.0.0.1:8080', 'a\\nb'])}`)
  if (g.chance(0.1)) lines.push('stderr_output = careful')
  if (g.chance(0.05)) lines.push('interleaved = one|two|three')
  if (g.chance(0.05)) lines.push('startup_hex = 41e9420a')
  if (g.chance(0.15)) {
    lines.push(`exit_code = ${g.pick(['1', '2', '0', '-1'])}`)
    if (g.chance(0.5)) lines.push(`exit_delay = ${g.pick(['0.2', '1', '4.5'])}`)
    if (g.chance(0.5)) lines.push('exit_detached = true')
  }
  if (g.chance(0.15)) lines.push('ignore_term = true')
  if (g.chance(0.2)) lines.push(`workers = ${1 + g.int(2)}`)
  if (g.chance(0.1)) lines.push(`term_delay = ${g.pick(['0.3', '1.5'])}`)
  if (g.chance(0.05)) lines.push('hup_delay = 0.5')
  if (g.chance(0.1)) lines.push('once_output = pass done')
  return lines.length ? `[standin]\n${lines.join('\n')}\n` : ''
}

/** A conf text: usually fine, sometimes with the configparser corners swift's readconf has. */
function confText(g: Gen, server: string): string {
  const parts = [g.chance(0.7) ? '[DEFAULT]\n' : '']
  if (server === 'object-server' && g.chance(0.4))
    parts.push(
      g.pick([
        '[object-expirer]\n',
        '  [object-expirer]\n',
        '[object-expirer]\ninterval = %(nope)s\n',
        '[object-expirer]\n[object-expirer]\n',
      ]),
    )
  if (g.chance(0.1)) parts.push(g.pick(['# comment\n', 'x = 1\n  continued\n', 'bad line\n', 'k = v\nk = w\n']))
  parts.push(standinSection(g))
  return parts.join('')
}

function makeCase(id: number, g: Gen): Case {
  const servers = [...MAIN, ...REST]
  const binaries = g.some(servers, 0.6)
  const confs: Record<string, string> = {}
  for (const server of [...MAIN, 'container-reconciler']) {
    if (!g.chance(0.6)) continue
    const shape = g.int(5)
    if (shape === 0 || server === 'proxy-server' || server === 'container-reconciler') confs[`${server}.conf`] = confText(g, server)
    else if (shape <= 2) for (let n = 1; n <= 1 + g.int(3); n++) confs[`${server}/${n}.conf`] = confText(g, server)
    else if (shape === 3) {
      confs[`${server}/1.conf.d/a.conf`] = confText(g, server)
      confs[`${server}/1.conf.d/b.conf`] = g.chance(0.5) ? '[DEFAULT]\n' : ''
      if (g.chance(0.5)) confs[`${server}/2.conf`] = confText(g, server)
    } else {
      confs[`${server}/${g.pick(['a', 'b'])}/1.conf`] = confText(g, server)
      if (g.chance(0.5)) confs[`${server}/11.conf`] = confText(g, server)
    }
  }
  if (g.chance(0.15)) confs['object-expirer.conf'] = '[object-expirer]\n' + standinSection(g)
  const names = [
    ...servers,
    'proxy',
    'account',
    'container',
    'object',
    'object.1',
    'object.2',
    'object-server.11',
    'account.1',
    'nosuch',
    'OBJECT',
  ]
  const globs = ['object-*', '*-server', '*', 'o*', 'container-re*', 'obj[*', '*(up|rep)*', '(?i)PROXY*', '*x', 'a*+*', '\\*']
  const aliases = ['main', 'rest', 'all']
  const pickName = () => (g.chance(0.15) ? g.pick(aliases) : g.chance(0.15) ? g.pick(globs) : g.pick(names))
  const targets = Array.from({ length: 1 + (g.chance(0.25) ? 1 : 0) }, pickName)
  const command = g.pick([
    'status',
    'status',
    'start',
    'stop',
    'stop',
    'kill',
    'restart',
    'shutdown',
    'reload',
    'no-wait',
    'once',
    'reload-seamless',
    'frobnicate',
  ])
  const options: string[] = []
  if (g.chance(0.3)) options.push('-v')
  if (g.chance(0.15)) options.push('-c', g.pick(['1', '2', '3', '0', '0x1', '01', '08', 'x', '-1']))
  options.push('-k', g.pick(['1', '2']))
  if (g.chance(0.1)) options.push(g.pick(['--strict', '--non-strict']))
  if (g.chance(0.1)) options.push('--kill-after-timeout')
  if (g.chance(0.05)) options.push('-w')
  if (g.chance(0.05)) options.push('-g')
  if (g.chance(0.03)) options.push(g.pick(['--bogus', '--no', '-z', '--kill-wait']))
  const args = g.chance(0.5) ? [...targets, command, ...options] : [command, ...targets, ...options]
  const setup: string[][] = []
  if (command !== 'start' && g.chance(0.5)) setup.push([g.pick(['main', 'proxy', 'object', 'rest', 'object-replicator']), 'no-wait'])
  if (command === 'start' && g.chance(0.3)) setup.push([g.pick(['main', 'proxy', 'object']), 'no-wait'])
  const pidFiles: Record<string, string> = {}
  if (g.chance(0.25)) {
    const path = g.pick(['proxy-server.pid', 'object-server/1.pid', 'object-server/2.pid', 'account-server.pid', 'object-replicator/1.pid'])
    pidFiles[path] = g.pick(['zombie', 'stranger', '4194000', 'garbage', '', '0', '-5', '12 34'])
  }
  return {
    id,
    binaries,
    notExecutable: g.some(binaries, 0.05),
    confs,
    setup,
    pidFiles,
    args,
    env: g.chance(0.05) ? { COLUMNS: g.pick(['40', '120', 'x']) } : {},
  }
}

interface Played {
  steps: { args: string; code: number | 'timeout'; stdout: string[]; stderr: string[] }[]
  pidFiles: Record<string, string>
  live: number
}

type Runner = (f: Fixture, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; viaBin?: boolean }) => Promise<RunResult>

function prepare(c: Case, f: Fixture): void {
  for (const server of c.notExecutable) {
    const path = join(f.bin, `swift-${server}`)
    rmSync(path)
    copyFileSync(STANDIN, path)
    chmodSync(path, 0o644)
  }
}

async function plantPidFiles(c: Case, f: Fixture, strangers: { kill(): void }[]): Promise<void> {
  for (const [path, what] of Object.entries(c.pidFiles)) {
    let text = what
    if (what === 'zombie') {
      const server = path.replace(/(\/.*)?\.pid$/, '')
      if (!c.binaries.includes(server) || c.notExecutable.includes(server)) continue
      text = String(await makeZombie(f, server))
    } else if (what === 'stranger') {
      const sleeper = spawn('sleep', ['120'], { stdio: 'ignore' })
      strangers.push(sleeper)
      text = String(sleeper.pid)
    }
    putRunFile(f, path, text)
  }
}

async function play(c: Case, f: Fixture, run: Runner): Promise<Played> {
  const strangers: { kill(): void }[] = []
  prepare(c, f)
  const steps: Played['steps'] = []
  try {
    for (const [i, args] of [...c.setup, c.args].entries()) {
      if (i === c.setup.length) {
        // stand-ins that exit on a timer must be done with it, or the faster implementation sees them alive
        if (c.setup.length) await settled(f)
        await plantPidFiles(c, f, strangers)
      }
      let r: RunResult | null = null
      const started = Date.now()
      try {
        r = await run(f, args, { timeoutMs: 12_000, env: c.env })
      } catch {
        // a command that never returns (once on a WSGI server, a FIFO): recorded as such
      }
      // a stand-in that exits on a timer must be done with it before anything is compared, or the faster
      // implementation sees it alive where the slower one does not
      const delay = Math.max(0, ...[...JSON.stringify(c.confs).matchAll(/exit_delay = ([\d.]+)/g)].map((m) => Number(m[1])))
      if (delay) await new Promise((done) => setTimeout(done, Math.max(0, started + delay * 1000 + 1500 - Date.now())))
      // our one extra option's help is no difference (the conformance suite's withoutOurOptions)
      const lines = (text: string) => withoutOurOptions(normalize(text, f).split('\n')).sort()
      steps.push({ args: args.join(' '), code: r ? r.code : 'timeout', stdout: r ? lines(r.stdout) : [], stderr: r ? lines(r.stderr) : [] })
    }
    await settled(f)
    const pids = Object.fromEntries(Object.entries(pidFiles(f)).map(([p, t]) => [p, /^\d+$/.test(t) ? '<PID>' : t]))
    return { steps, pidFiles: pids, live: livePids(f).length }
  } finally {
    strangers.forEach((s) => s.kill())
  }
}

/** Waits until the fixture's live daemons have held still for a while (at most 8 s). */
async function settled(f: Fixture, quietMs = 700): Promise<void> {
  let last = livePids(f).length
  let since = Date.now()
  for (const deadline = Date.now() + 8000; Date.now() < deadline && Date.now() - since < quietMs;) {
    await new Promise((done) => setTimeout(done, 100))
    const now = livePids(f).length
    if (now !== last) [last, since] = [now, Date.now()]
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
const text = (p: Played) => p.steps.flatMap((s) => [...s.stdout, ...s.stderr]).join('\n')
/** What swift-init itself said on stderr (a daemon's own traceback comes out on stdout, as its start-up output). */
const stderr = (p: Played) => p.steps.flatMap((s) => s.stderr).join('\n')

/** Which server a name stands for, and its conf part (`object.1` → object-server, 1). */
function serverOf(name: string): [server: string, conf: string | null] {
  const dot = name.lastIndexOf('.')
  const base = dot === -1 ? name : name.slice(0, dot)
  return [base.includes('-') ? base : `${base}-server`, dot === -1 ? null : name.slice(dot + 1)]
}

/**
 * The documented differences (README, "Differences from swift-init"), each recognised by its own signature
 * in the two outcomes, most specific first. A case whose differences match none of them counts as "other".
 */
const DOCUMENTED: [row: string, test: (c: Case, ours: Played, ref: Played) => boolean][] = [
  [
    'a glob that is not a valid pattern: one line, no traceback',
    (_c, o, r) => /re\.error|OverflowError/.test(text(r)) && /not a valid pattern|cannot be matched/.test(text(o)),
  ],
  [
    'a binary without the execute bit: a message, no traceback',
    (_c, o, r) => /PermissionError: \[Errno 13\] Permission denied: 'swift-/.test(text(r)) && /Unable to run swift-/.test(text(o)),
  ],
  [
    'an unreadable or malformed object-server conf in the object-expirer lookup: no [object-expirer] section',
    (_c, o, r) => /configparser\.\w+Error|Interpolation\w*Error|OSError|IOError/.test(text(r)) && !/Traceback/.test(stderr(o)),
  ],
  [
    'once returns; a FIFO pid file does not block',
    (_c, o, r) => r.steps.some((s) => s.code === 'timeout') && !o.steps.some((s) => s.code === 'timeout'),
  ],
  [
    'a pid file naming another process: never signalled, said even without -v',
    (c, o, r) => Object.values(c.pidFiles).includes('stranger') && /with wrong pid/.test(text(o)) && /Signal /.test(text(r)),
  ],
  [
    'a zombie or exited server is a stale pid file, not a wrong pid',
    (_c, o, r) => /with wrong pid/.test(text(r)) && /stale pid file/.test(text(o)),
  ],
  ['servers running without a pid file count as running', (_c, o) => /without a pid file/.test(text(o))],
  [
    'two names for one server act on each (a bare name, an alias or a glob standing for all of its instances)',
    (c) => {
      const names = c.args.filter((a) => !a.startsWith('-'))
      const instances = names.filter((a) => /\.\d+$/.test(a)).map((a) => serverOf(a)[0])
      const wide = names
        .filter((a) => !/\.\d+$/.test(a))
        .flatMap((a) => (['main', 'rest', 'all'].includes(a) || a.includes('*') ? [...MAIN, ...REST] : [serverOf(a)[0]]))
      return instances.some((s, i) => instances.indexOf(s) !== i || wide.includes(s))
    },
  ],
  [
    'negative, zero, huge and garbage pid files are all an invalid pid',
    (c, o) => Object.values(c.pidFiles).some((t) => /^-\d+$|^\d{7,}$/.test(t)) && /with invalid pid/.test(text(o)),
  ],
  [
    'failed starts are counted, not summed',
    (c, o, r) => o.steps.at(-1)?.code === 1 && r.steps.at(-1)?.code === 0 && /exit_code = -1/.test(JSON.stringify(c.confs)),
  ],
  [
    '--kill-after-timeout kills what it finds and waits for it',
    (c, o, r) =>
      c.args.includes('--kill-after-timeout') &&
      /signal: 9/.test(text(o)) &&
      (o.live < r.live || /running \(/.test(text(r).split('killing').at(-1) ?? '')),
  ],
  [
    'nested conf dirs in name order',
    (c) => Object.keys(c.confs).some((k) => /\/[ab]\/1\.conf$/.test(k)) && Object.keys(c.confs).some((k) => /\.conf\.d\//.test(k)),
  ],
  ['our --json: its prefix and the ambiguities that list it', (_c, o) => /--json|ambiguous option/.test(text(o))],
]

function kindOf(ours: Played, ref: Played): string {
  const o = ours.steps.at(-1)
  const r = ref.steps.at(-1)
  if (!o || !r) return 'missing step'
  if (o.code !== r.code) return `exit code ${r.code} -> ${o.code}`
  const only = (a: string[], b: string[]) => a.filter((l) => !b.includes(l))
  const line = only(r.stdout, o.stdout)[0] ?? only(o.stdout, r.stdout)[0]
  if (line !== undefined) return `stdout: ${line.replace(/\d+/g, 'N').slice(0, 90)}`
  if (!same(r.stderr, o.stderr)) return `stderr: ${(only(r.stderr, o.stderr)[0] ?? only(o.stderr, r.stderr)[0] ?? '').slice(0, 90)}`
  if (!same(ours.pidFiles, ref.pidFiles)) return 'pid files'
  if (ours.live !== ref.live) return 'live daemons'
  return 'setup steps'
}

export async function fuzz(
  cases: number,
  seed: number,
  jobs: number,
  log = console.log,
): Promise<{ identical: number; documented: Map<string, number>; other: Map<string, { count: number; example: Case }> }> {
  const g = new Gen(rng(seed))
  const all = Array.from({ length: cases }, (_, i) => makeCase(i, g))
  let identical = 0
  const documented = new Map<string, number>()
  const other = new Map<string, { count: number; example: Case }>()
  const ours: Runner = (f, args, opts) => runOurs(f, args, { ...opts, viaBin: true })
  let next = 0
  // interrupted, the cases in flight are cleaned up too
  const active = new Set<Fixture>()
  const stop = () => {
    active.forEach(cleanup)
    process.exit(130)
  }
  process.once('SIGINT', stop).once('SIGTERM', stop)
  const worker = async () => {
    for (let c = all[next++]; c; c = all[next++]) {
      const { ours: fo, ref: fr } = makeTwin({ binaries: c.binaries, confs: c.confs })
      active.add(fo).add(fr)
      try {
        const [o, r] = await Promise.all([play(c, fo, ours), play(c, fr, runReference)])
        if (same(o, r)) identical++
        else {
          if (process.env.FUZZ_DUMP) log(JSON.stringify({ case: c, ours: o, ref: r }))
          const row = DOCUMENTED.find(([, test]) => test(c, o, r))?.[0]
          if (row) documented.set(row, (documented.get(row) ?? 0) + 1)
          else {
            const kind = kindOf(o, r)
            const entry = other.get(kind) ?? { count: 0, example: c }
            entry.count++
            other.set(kind, entry)
          }
        }
      } finally {
        cleanup(fo)
        cleanup(fr)
        active.delete(fo)
        active.delete(fr)
      }
      const done = identical + [...documented.values(), ...[...other.values()].map((e) => e.count)].reduce((a, b) => a + b, 0)
      if (done % 50 === 0) log(`  ${done}/${cases}`)
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker))
  return { identical, documented, other }
}

async function main(): Promise<void> {
  const [cases = 400, seed = 20261129, jobs = 2] = process.argv.slice(2).map(Number)
  const t0 = performance.now()
  const { identical, documented, other } = await fuzz(cases, seed, jobs)
  const pct = (n: number) => `${((100 * n) / cases).toFixed(1)}%`
  const nDoc = [...documented.values()].reduce((a, b) => a + b, 0)
  const nOther = [...other.values()].reduce((a, b) => a + b.count, 0)
  console.log(`swift-init differential fuzz, seed ${seed}: ${cases} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  console.log(
    `  identical ${identical} (${pct(identical)}), documented differences ${nDoc} (${pct(nDoc)}), other ${nOther} (${pct(nOther)})`,
  )
  console.log(`  identical or documented: ${pct(identical + nDoc)}`)
  for (const [row, n] of [...documented].sort((a, b) => b[1] - a[1])) console.log(`  documented ${String(n).padStart(4)}  ${row}`)
  for (const [kind, { count, example }] of [...other].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  other      ${String(count).padStart(4)}  ${kind}\n             e.g. case ${example.id}: ${JSON.stringify(example)}`)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
