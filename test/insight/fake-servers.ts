// Fixtures for the process tests: a tree whose swift-object-server is test/insight/fake-wsgi.py (Swift's WSGI
// process model: workers share the listen socket and outlive a parent killed with -9).

import { spawn } from 'node:child_process'
import { symlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { childPids } from '../../electron/supervisor/proc.js'
import { makeFixture, waitFor, type Fixture } from '../helpers/fixture.js'

const FAKE = resolve(__dirname, 'fake-wsgi.py')

export function fakeTree(): Fixture {
  const f = makeFixture({ binaries: ['object-replicator'] })
  symlinkSync(FAKE, join(f.bin, 'swift-object-server'))
  return f
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

/** Writes etc/<path> for the fake server. */
export function fakeConf(f: Fixture, path: string, port: number, workers = 2, extra = ''): string {
  const full = join(f.etc, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${port}\nworkers = ${workers}\n[app:object-server]\n${extra}`)
  return full
}

/** Starts the fake object server on a conf (as swift-init would, without the pid file); resolves once its workers run. */
export async function startFake(f: Fixture, conf: string, workers = 2): Promise<number> {
  const child = spawn(join(f.bin, 'swift-object-server'), [conf], { stdio: 'ignore', env: f.env })
  child.on('error', () => undefined)
  const pid = child.pid
  if (pid === undefined) throw new Error('fake server did not start')
  await waitFor(() => childPids(pid).length >= workers, 15_000, `${workers} workers of ${pid}`)
  return pid
}

/** Writes the pid file swift-init would: run/object-server/N.pid for etc/object-server/N.conf. */
export function writePid(f: Fixture, path: string, pid: number): void {
  const full = join(f.run, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, String(pid))
}
