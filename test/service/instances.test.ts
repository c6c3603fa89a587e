// The instance model against fixture trees: ids, states without any command of ours, and the problems it reports.
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { InstanceModel, pidFilesMaxAgeMs } from '../../electron/service/instances.js'
import { cleanup, makeFixture, putRunFile, waitFor, type Fixture } from '../helpers/fixture.js'

let f: Fixture
afterEach(() => cleanup(f))

const model = (fx: Fixture, swiftDir = fx.etc) => new InstanceModel({ swiftDir, runDir: fx.run, path: fx.env.PATH! })

describe('InstanceModel', () => {
  it('names instances as swift-init targets them, with unconfigured servers whose binary is on PATH', () => {
    f = makeFixture({
      binaries: ['proxy-server', 'object-server', 'object-expirer'],
      confs: { 'proxy-server.conf': '', 'object-server/1.conf': '', 'object-server/2.conf': '' },
    })
    const snap = model(f).snapshot()
    expect(snap.instances.map((i) => [i.id, i.number, i.group, i.state])).toEqual([
      ['proxy-server', null, 'main', 'stopped'],
      ['object-server.1', 1, 'main', 'stopped'],
      ['object-server.2', 2, 'main', 'stopped'],
      ['object-expirer', null, 'rest', 'unconfigured'],
    ])
    expect(snap.instances[1]).toMatchObject({ confFile: join(f.etc, 'object-server/1.conf'), pidFile: join(f.run, 'object-server/1.pid') })
  })

  it('sees a server that execs after its pid file was written (a gated spawn) as running, without a new write', async () => {
    f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    // the shell holds the pid first, as spawn.ts's gate does, then becomes the server: same pid, same pid file
    const gate = spawn('sh', ['-c', `sleep 0.3; exec ${join(f.bin, 'swift-proxy-server')} ${join(f.etc, 'proxy-server.conf')}`], {
      env: f.env,
      stdio: 'ignore',
      detached: true,
    })
    putRunFile(f, 'proxy-server.pid', String(gate.pid))
    const m = model(f)
    expect(m.snapshot().instances[0]?.state).toBe('dead')
    await waitFor(() => m.snapshot().instances[0]?.state === 'running', 10_000, 'running once it exec’d')
  })

  it('reads pid files again when told something under the run dir changed, or once they are older than the scale allows', () => {
    f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    const m = model(f)
    expect(m.snapshot().instances[0]?.state).toBe('stopped')
    // no file event reported: the facts read a moment ago stand
    putRunFile(f, 'proxy-server.pid', '4194000\n')
    expect(m.snapshot().instances[0]?.state).toBe('stopped')
    m.pidFilesChanged()
    expect(m.snapshot().instances[0]?.state).toBe('dead')
    expect(pidFilesMaxAgeMs(1)).toBe(1000)
    expect(pidFilesMaxAgeMs(500)).toBe(5000)
  })

  it('calls a pid file whose process is gone dead, and one naming another program dead too', () => {
    f = makeFixture({ binaries: ['proxy-server', 'object-server'], confs: { 'proxy-server.conf': '', 'object-server.conf': '' } })
    putRunFile(f, 'proxy-server.pid', '4194000\n')
    // pid 1 is init, not an object server
    putRunFile(f, 'object-server.pid', '1\n')
    expect(
      model(f)
        .snapshot()
        .instances.map((i) => [i.id, i.state, i.pid]),
    ).toEqual([
      ['proxy-server', 'dead', null],
      ['object-server', 'dead', null],
    ])
  })

  it('reports a missing swift dir, and where it looked for configs', () => {
    f = makeFixture({ binaries: ['proxy-server'], confs: {} })
    const missing = model(f, join(f.root, 'nowhere')).snapshot()
    expect(missing.problems[0]).toMatchObject({ code: 'no-swift-dir', paths: [join(f.root, 'nowhere')] })
    const empty = model(f).snapshot()
    expect(empty.problems[0]!.code).toBe('no-configs')
    expect(empty.problems[0]!.message).toContain(f.etc)
    expect(empty.problems.map((p) => p.code)).toEqual(['no-configs', 'run-dir-missing'])
  })

  it('reports configured servers without a binary, keeping main servers as rows', () => {
    // object-server.conf configures the object server and its background daemons alike
    f = makeFixture({ binaries: [], confs: { 'proxy-server.conf': '', 'object-server.conf': '' } })
    const snap = model(f).snapshot()
    expect(snap.instances.map((i) => i.id)).toEqual(['proxy-server', 'object-server'])
    const message = snap.problems.find((p) => p.code === 'missing-binaries')!.message
    for (const name of ['swift-proxy-server', 'swift-object-server', 'swift-object-replicator']) expect(message).toContain(name)
  })

  it.skipIf(process.getuid?.() === 0)('reports a run dir it cannot write (skipped as root: root writes anywhere)', () => {
    f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    mkdirSync(f.run)
    chmodSync(f.run, 0o500)
    try {
      expect(
        model(f)
          .snapshot()
          .problems.map((p) => p.code),
      ).toEqual(['run-dir-permission'])
    } finally {
      chmodSync(f.run, 0o755)
    }
  })

  it('forgets everything it knew when pointed elsewhere', () => {
    f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': '' } })
    const m = model(f)
    m.setAttached('proxy-server', true)
    expect(m.snapshot().instances[0]!.attached).toBe(true)
    rmSync(join(f.etc, 'proxy-server.conf'))
    m.setEnv({ swiftDir: f.etc, runDir: f.run, path: f.env.PATH! })
    expect(m.snapshot().instances.map((i) => [i.id, i.state, i.attached])).toEqual([['proxy-server', 'unconfigured', false]])
  })
})
