// One conformance scenario: the same commands run by the reference swift-init and by ours, each on its own
// twin fixture, and what they did compared: exit codes, normalized output, pid files left, daemons alive.
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import {
  cleanup,
  livePids,
  makeTwin,
  normalize,
  pidFiles,
  runOurs,
  runReference,
  waitFor,
  withoutOurOptions,
  type Fixture,
  type FixtureSpec,
  type RunOptions,
} from '../helpers/fixture.js'

export const MAIN = ['proxy-server', 'account-server', 'container-server', 'object-server']
export const REST = [
  'object-replicator',
  'object-updater',
  'object-auditor',
  'object-expirer',
  'container-replicator',
  'container-updater',
  'container-reconciler',
  'account-replicator',
]
/** A small SAIO: every main server, object-server with two configs, and some rest servers on PATH. */
export const SAIO: Required<FixtureSpec> = {
  binaries: [...MAIN, ...REST],
  confs: {
    'proxy-server.conf': '[DEFAULT]\n',
    'account-server.conf': '[DEFAULT]\n',
    'container-server.conf': '[DEFAULT]\n',
    'object-server/1.conf': '[DEFAULT]\n',
    'object-server/2.conf': '[DEFAULT]\n',
  },
}

/** A pid no process can have: above the kernel's pid_max. */
export const DEAD_PID = String(Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1)

export interface Scenario {
  spec?: FixtureSpec
  /** Called on each twin before anything runs. */
  prepare?: (f: Fixture) => void | Promise<void>
  /** Commands run first, by the same implementation, and compared too. */
  setup?: string[][]
  /** Called on each twin after the setup commands, before the command under test. */
  afterSetup?: (f: Fixture) => void | Promise<void>
  args: string[]
  run?: (f: Fixture) => RunOptions
  /** Compare output lines in order; otherwise sorted, since the reference walks servers in Python set order. */
  ordered?: boolean
  /** What of stdout to compare, e.g. not the help text of options only one implementation has. */
  view?: (lines: string[]) => string[]
  /**
   * Where ours differs on purpose (a row of the README's "Differences from swift-init"): asserts our documented
   * outcome against the reference's, instead of equality.
   */
  differs?: (ours: Outcome, reference: Outcome) => void
  /** Something more to compare, read from each twin once the command has run (e.g. a daemon's limits). */
  probe?: (f: Fixture) => unknown
}

export interface Step {
  args: string
  code: number
  stdout: string[]
  stderr: string[]
}

export interface Outcome {
  steps: Step[]
  pidFiles: Record<string, string>
  liveDaemons: number
  probed?: unknown
}

type Runner = typeof runOurs
// Ours runs as users run it: the built file as a program. CONFORMANCE_SELF_CHECK=1 plays the reference
// against itself instead: a check that normalization is stable.
const runCandidate: Runner = process.env.CONFORMANCE_SELF_CHECK
  ? runReference
  : (f, args, opts) => runOurs(f, args, { ...opts, viaBin: true })

async function play(s: Scenario, f: Fixture, runner: Runner): Promise<Outcome> {
  await s.prepare?.(f)
  const steps: Step[] = []
  for (const args of [...(s.setup ?? []), s.args]) {
    const last = steps.length === (s.setup?.length ?? 0)
    if (last) await s.afterSetup?.(f)
    const r = await runner(f, args, last ? s.run?.(f) : {})
    const lines = (text: string): string[] => {
      const all = normalize(text, f).split('\n')
      return s.ordered ? all : all.sort()
    }
    const stdout = lines(r.stdout)
    steps.push({ args: args.join(' '), code: r.code, stdout: last && s.view ? s.view(stdout) : stdout, stderr: lines(r.stderr) })
  }
  const probed = s.probe?.(f)
  return {
    steps,
    pidFiles: normalizedPidFiles(f),
    liveDaemons: await settledCount(() => livePids(f).length),
    ...(s.probe ? { probed } : {}),
  }
}

function normalizedPidFiles(f: Fixture): Record<string, string> {
  return Object.fromEntries(Object.entries(pidFiles(f)).map(([path, text]) => [path, /^\d+$/.test(text) ? '<PID>' : text]))
}

/** A count once it holds still: a daemon killed just now may take a moment to be gone. */
async function settledCount(count: () => number): Promise<number> {
  let last = count()
  return waitFor(
    async () => {
      await new Promise((r) => setTimeout(r, 100))
      const now = count()
      const settled = now === last
      last = now
      return settled ? { now } : null
    },
    5_000,
    'a settled daemon count',
  ).then((v) => v?.now ?? 0)
}

export async function conforms(s: Scenario): Promise<void> {
  const { ours, ref } = makeTwin(s.spec ?? SAIO)
  try {
    const [expected, actual] = await Promise.all([play(s, ref, runReference), play(s, ours, runCandidate)])
    if (s.differs && !process.env.CONFORMANCE_SELF_CHECK) s.differs(actual, expected)
    else expect(actual).toEqual(expected)
  } finally {
    cleanup(ours)
    cleanup(ref)
  }
}

/** Signal when a pid file has been there a while, so swift-init is past writing it and waiting on the server. */
export function whenPidFile(f: Fixture, path: string, afterMs = 500): () => boolean {
  let seen: number | null = null
  return () => {
    seen ??= pidFiles(f)[path] ? Date.now() : null
    return seen !== null && Date.now() - seen >= afterMs
  }
}

export { withoutOurOptions }

/**
 * Equal, except for the documented difference a busy machine shows: a server that exited and is not reaped
 * yet (a zombie) is a stale pid file to ours and a "wrong pid" to swift-init (README, the zombie row).
 */
export function equalButZombiesAreStale(ours: Outcome, reference: Outcome): void {
  const asOurs = (line: string) => line.replace(/^Removing pid file (.*) with wrong pid <PID>$/, 'Removing stale pid file $1')
  const steps = reference.steps.map((s) => ({ ...s, stdout: s.stdout.map(asOurs) }))
  expect(ours).toEqual({ ...reference, steps })
}
