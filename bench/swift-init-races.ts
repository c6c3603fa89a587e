// Double starts under races (issue 13): rounds of 10 starts and 10 stops of one server at once, from CLI
// processes and from an in-process Manager (as the panel runs them), while a watcher samples /proc every few
// milliseconds for two live copies of the server. `node out/node/bench/swift-init-races.js [rounds]` prints the
// figure (default 200 rounds); test/supervisor/races.test.ts runs a few rounds of the same in npm test.

import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { Manager } from '../electron/supervisor/manager.js'
import { scanServerProcesses } from '../electron/supervisor/process-table.js'
import { cleanup, makeFixture, pidFiles, runOurs, type Fixture } from '../test/helpers/fixture.js'

export interface RaceResult {
  rounds: number
  /** Moments when two copies of the server were alive at once. */
  doubleStarts: number
  /** Rounds that ended with a live server no pid file names, or a pid file naming none. */
  untracked: number
  commands: number
  failedCommands: number
}

/** The live copies of the server (not their workers, not zombies). */
function copies(f: Fixture): number[] {
  const procs = scanServerProcesses(f.etc).filter((p) => p.state !== 'Z')
  const pids = new Set(procs.map((p) => p.pid))
  return procs.filter((p) => !pids.has(p.ppid)).map((p) => p.pid)
}

/** A fixture whose proxy-server takes a moment to stop, with a worker. */
export function raceFixture(): Fixture {
  return makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '[standin]\nworkers = 1\nterm_delay = 0.05\n' } })
}

/** Runs `rounds` rounds of `starts` starts and `stops` stops at once on f, two of each through an in-process Manager. */
export async function race(f: Fixture, rounds: number, starts = 10, stops = 10): Promise<RaceResult> {
  const result: RaceResult = { rounds, doubleStarts: 0, untracked: 0, commands: 0, failedCommands: 0 }
  const manager = () =>
    new Manager(['proxy'], { swiftDir: f.etc, runDir: f.run, path: f.env.PATH ?? '', childEnv: f.env, console: { print: () => {} } })
  let watching = true
  let overlapping = false
  const watcher = (async () => {
    while (watching) {
      const live = copies(f).length
      if (live > 1 && !overlapping) result.doubleStarts++
      overlapping = live > 1
      await sleep(3)
    }
  })()
  try {
    for (let round = 0; round < rounds; round++) {
      const commands: Promise<number>[] = []
      for (let i = 0; i < starts + stops; i++) {
        const command = i < starts ? 'start' : 'stop'
        const inProcess = i % 10 === 9 || i % 10 === 4 // two of each ten: the panel's way
        commands.push(
          inProcess
            ? manager().runCommand(command, { killWait: 15 })
            : runOurs(f, [command, 'proxy'], { timeoutMs: 60_000 }).then((r) => r.code),
        )
      }
      const codes = await Promise.allSettled(commands)
      result.commands += codes.length
      result.failedCommands += codes.filter((c) => c.status === 'rejected').length
      const live = copies(f)
      const named = Object.values(pidFiles(f)).map(Number)
      if (live.some((pid) => !named.includes(pid)) || named.some((pid) => !live.includes(pid))) {
        result.untracked++
        if (process.env.RACE_DEBUG) console.log('untracked', { live, named, procs: scanServerProcesses(f.etc) })
      }
    }
  } finally {
    watching = false
    await watcher
  }
  return result
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 200)
  const f = raceFixture()
  try {
    const t0 = performance.now()
    const r = await race(f, rounds)
    const s = ((performance.now() - t0) / 1000).toFixed(0)
    console.log(
      `${r.rounds} rounds of 10 starts and 10 stops racing (2 of each in-process, as the panel), ${r.commands} commands in ${s} s: ` +
        `${r.doubleStarts} double starts, ${r.untracked} rounds ending with an untracked server or a stale pid file, ${r.failedCommands} commands that did not finish`,
    )
  } finally {
    cleanup(f)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
