// The panel acts on exactly the instance shown: swift-init's name search takes object-server/11.conf for
// `object.1`, the panel's `object-server.1` does not; and a stop is never stuck behind a wedged command.
import { afterEach, describe, expect, it } from 'vitest'
import type { EventChannel, EventOf } from '../../shared/contract.js'
import { SupervisorService } from '../../electron/service/service.js'
import { cleanup, livePids, makeFixture, pidFiles, waitFor, type Fixture } from '../helpers/fixture.js'

let f: Fixture
let service: SupervisorService | null = null
const savedPath = process.env.PATH
afterEach(async () => {
  await service?.dispose()
  service = null
  process.env.PATH = savedPath
  cleanup(f)
})

async function setup(confs: Record<string, string>) {
  f = makeFixture({ binaries: ['object-server'], confs })
  process.env.PATH = f.env.PATH
  const s = new SupervisorService({ settingsPath: null, swiftDir: f.etc, runDir: f.run, version: 'test', transport: 'browser' })
  service = s
  await s.start()
  const events: { channel: EventChannel; payload: unknown }[] = []
  s.subscribe((channel, payload) => events.push({ channel, payload }))
  const finished = (commandId: string) =>
    waitFor(
      () =>
        events.find((e) => e.channel === 'commands:done' && (e.payload as EventOf<'commands:done'>).commandId === commandId)?.payload as
          EventOf<'commands:done'> | undefined,
      30_000,
      'the command to finish',
    )
  return { s, events, finished }
}

const objects = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`object-server/${i + 1}.conf`, '[DEFAULT]\n']))

describe('exact targets', () => {
  it('a start or stop of object-server.1 touches neither object-server.11 nor .12', async () => {
    const { s, finished } = await setup(objects(12))
    const all = s.runCommand({ command: 'start', targets: ['object'] })
    await finished(all.commandId)
    expect(Object.keys(pidFiles(f))).toHaveLength(12)
    const stopped = s.runCommand({ command: 'stop', targets: ['object-server.1'] })
    expect(stopped.instanceIds).toEqual(['object-server.1'])
    expect((await finished(stopped.commandId))!.exitCode).toBe(0)
    const others = Array.from({ length: 11 }, (_, i) => `object-server/${i + 2}.pid`).sort()
    expect(Object.keys(pidFiles(f)).sort()).toEqual(others)
    const started = s.runCommand({ command: 'start', targets: ['object-server.1'] })
    expect((await finished(started.commandId))!.exitCode).toBe(0)
    expect(Object.keys(pidFiles(f)).sort()).toEqual([...others, 'object-server/1.pid'].sort())
    expect(livePids(f)).toHaveLength(12)
  })

  it('a selection of instances of one server starts each of them, and only them', async () => {
    const { s, finished } = await setup(objects(12))
    const started = s.runCommand({ command: 'start', targets: ['object-server.2', 'object-server.11'] })
    expect(started.instanceIds).toEqual(['object-server.2', 'object-server.11'])
    expect((await finished(started.commandId))!.exitCode).toBe(0)
    expect(Object.keys(pidFiles(f)).sort()).toEqual(['object-server/11.pid', 'object-server/2.pid'])
    expect(livePids(f)).toHaveLength(2)
  })

  it('a stop pre-empts what is queued on its server: the queued start never runs', async () => {
    const { s, events, finished } = await setup({
      'object-server/1.conf': '[standin]\nstartup_output = slow start\nexit_delay = 1\nexit_code = 0\n',
    })
    const first = s.runCommand({ command: 'status', targets: ['object'] })
    const queued = s.runCommand({ command: 'start', targets: ['object'] })
    const stop = s.runCommand({ command: 'stop', targets: ['object'] })
    expect((await finished(first.commandId))!.exitCode).toBe(1)
    expect((await finished(queued.commandId))!.exitCode).toBe(1)
    await finished(stop.commandId)
    const lines = events
      .filter((e) => e.channel === 'commands:output' && (e.payload as EventOf<'commands:output'>).commandId === queued.commandId)
      .flatMap((e) => (e.payload as EventOf<'commands:output'>).lines)
    expect(lines).toEqual(['not run: stop object-server came first'])
    expect(livePids(f)).toEqual([])
  })

  it('a stop cuts short a start whose daemon never closes its output, and stops it', async () => {
    // not daemonised: it keeps swift-init's pipe open, so the start would wait for it forever
    const { s, events, finished } = await setup({ 'object-server/1.conf': '[standin]\ndaemonize = false\n' })
    const start = s.runCommand({ command: 'start', targets: ['object'] })
    await waitFor(() => livePids(f).length === 1, 15_000, 'the daemon')
    const stop = s.runCommand({ command: 'stop', targets: ['object'] })
    expect((await finished(start.commandId))!.exitCode).toBe(1)
    expect((await finished(stop.commandId))!.exitCode).toBe(0)
    const startLines = events
      .filter((e) => e.channel === 'commands:output' && (e.payload as EventOf<'commands:output'>).commandId === start.commandId)
      .flatMap((e) => (e.payload as EventOf<'commands:output'>).lines)
    expect(startLines).toContain('Stopped waiting for object-server: stop object-server')
    await waitFor(() => livePids(f).length === 0, 15_000, 'no daemon left')
  })
})
