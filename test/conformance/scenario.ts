// Runs one scenario with the reference swift-init and with ours on twin fixtures, and says how they differ.
import { expect } from 'vitest'
import { cleanup, makeFixture, normalize, pidFiles, runOurs, runReference, SAIO_CONFS, type Fixture, type RunOptions } from '../helpers/fixture.js'

export interface Scenario {
  binaries?: string[]
  confs?: Record<string, string>
  /** Called on each twin before anything runs. */
  prepare?: (f: Fixture) => void
  /** Commands each implementation runs first, on its own twin. */
  setup?: string[][]
  args: string[]
  /** Compare lines in order (one server) rather than as a sorted multiset (Python's set order is random). */
  ordered?: boolean
  /** Only compare the last line of output (the help text around an error is the driver's own). */
  lastLineOnly?: boolean
  run?: RunOptions
}

export const ALL_BINARIES = [
  'proxy-server', 'account-server', 'container-server', 'object-server', 'object-replicator', 'object-updater',
  'object-auditor', 'object-expirer', 'container-replicator', 'container-updater', 'container-reconciler', 'account-replicator',
]

interface Outcome {
  code: number | null
  lines: string[]
  pidFiles: Record<string, string>
}

async function play(s: Scenario, impl: typeof runOurs): Promise<Outcome> {
  const f = makeFixture({ binaries: s.binaries ?? ALL_BINARIES, confs: s.confs ?? SAIO_CONFS })
  try {
    s.prepare?.(f)
    for (const args of s.setup ?? []) await impl(f, args)
    const r = await impl(f, s.args, s.run)
    let lines = normalize(r.stdout + r.stderr, f).filter((l) => l !== '')
    if (s.lastLineOnly) lines = lines.slice(-1)
    const files = Object.fromEntries(Object.entries(pidFiles(f)).map(([k, v]) => [k, /^\d+$/.test(v) ? '<PID>' : v]))
    return { code: r.code, lines: s.ordered ? lines : [...lines].sort(), pidFiles: files }
  } finally {
    cleanup(f)
  }
}

export async function conforms(s: Scenario): Promise<void> {
  const [ref, ours] = await Promise.all([play(s, runReference), play(s, runOurs)])
  expect(ours).toEqual(ref)
}
