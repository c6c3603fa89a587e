import { spawn } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { findOrphans, listeningFromProc } from '../../electron/service/insight/orphans.js'
import { scanServerProcesses } from '../../electron/supervisor/process-table.js'
import { instanceWorkers } from '../../electron/service/insight/workers.js'
import { childPids, processStat } from '../../electron/supervisor/proc.js'
import { cleanup, waitFor, type Fixture } from '../helpers/fixture.js'
import { fakeConf, fakeTree, freePort, startFake } from './fake-servers.js'

const trees: Fixture[] = []
afterAll(() => trees.forEach(cleanup))
function tree(): Fixture {
  const f = fakeTree()
  trees.push(f)
  return f
}
/** waitFor, typed for a value that is null until it is there. */
async function found<T>(fn: () => T | null | undefined, what: string): Promise<T> {
  const value = await waitFor(fn, 15_000, what)
  if (value === null || value === undefined) throw new Error(what)
  return value
}
const pids = (ws: { pid: number }[] | undefined) => (ws ?? []).map((w) => w.pid)

describe('workers and generations', () => {
  it("lists a server's workers with their uptime, all of the current generation, and the port they share", async () => {
    const f = tree()
    const port = await freePort()
    const parent = await startFake(f, fakeConf(f, 'object-server/1.conf', port, 3), 3)
    const g = instanceWorkers(parent)
    expect(g).toMatchObject({ parentPid: parent, ports: [port], old: [] })
    expect(pids(g?.current)).toEqual(childPids(parent).sort((a, b) => a - b))
    for (const w of g?.current ?? []) {
      expect(w.listening).toBe(true)
      expect(w.startTimeMs).toBe(processStat(w.pid)?.startTimeMs)
      expect(w.uptimeMs).toBeGreaterThanOrEqual(0)
    }
    expect(instanceWorkers(999_999_999)).toBeNull()
  })

  it("reload-seamless: old and new workers are children of the same re-exec'd pid until the old ones exit", async () => {
    const f = tree()
    const parent = await startFake(f, fakeConf(f, 'object-server/1.conf', await freePort(), 2, '[fake]\ndrain = 3\n'))
    const before = pids(instanceWorkers(parent)?.current)
    process.kill(parent, 'SIGUSR1')
    // the new parent forks its workers before it tells the old socket's holder to shut it down (as Swift
    // does): for a moment both generations listen; then the old one drains for 3 s, no longer listening
    const during = await found(() => {
      const g = instanceWorkers(parent)
      const draining = g?.old.length === before.length && g.old.every((w) => w.listening === false)
      return g && g.current.length === 2 && !before.includes(g.current[0]?.pid ?? 0) && draining ? g : null
    }, 'the new generation, the old one draining')
    expect(pids(during.old)).toEqual(before)
    expect(during.old.every((w) => w.listening === false)).toBe(true)
    expect(during.current.every((w) => w.listening === true)).toBe(true)
    const after = await found(() => {
      const g = instanceWorkers(parent)
      return g?.old.length === 0 ? g : null
    }, 'the old generation to exit')
    expect(pids(after.current)).toEqual(pids(during.current))
  })

  it('reload (graceful, then a new parent): the old workers, no longer children of anyone tracked, are the old generation', async () => {
    const f = tree()
    const conf = fakeConf(f, 'object-server/1.conf', await freePort(), 2, '[fake]\ndrain = 3\n')
    const first = await startFake(f, conf)
    const oldWorkers = childPids(first).sort((a, b) => a - b)
    process.kill(first, 'SIGHUP')
    await waitFor(() => (processStat(first)?.state ?? 'Z') === 'Z', 10_000, 'the old parent to exit')
    const second = await startFake(f, conf)
    // what the service does each refresh: scan, orphans of the instance, the non-listening ones are the old generation
    const strays = findOrphans(scanServerProcesses(f.etc), [second], f.etc, listeningFromProc()).filter((o) => o.listening === false)
    expect(strays.map((s) => s.pid)).toEqual(oldWorkers)
    const g = instanceWorkers(second, { strays })
    expect(pids(g?.old)).toEqual(oldWorkers)
    expect(g?.current).toHaveLength(2)
    await waitFor(() => instanceWorkers(second, { strays })?.old.length === 0, 15_000, 'the old generation to exit')
  })

  it("a daemon's workers listen on nothing: all current, listening unknown", async () => {
    const f = tree()
    const conf = fakeConf(f, 'object-server/5.conf', await freePort(), 1, '[standin]\nworkers = 2\n')
    const child = spawn(`${f.bin}/swift-object-replicator`, [conf], { stdio: 'ignore', env: f.env })
    const pid = child.pid ?? 0
    await waitFor(() => childPids(pid).length === 2, 15_000, 'the stand-in daemon workers')
    expect(instanceWorkers(pid)).toMatchObject({
      ports: [],
      old: [],
      current: [
        { listening: null, pid: expect.any(Number) as unknown },
        { listening: null, pid: expect.any(Number) as unknown },
      ],
    })
  })
})
