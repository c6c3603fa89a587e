import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { isAlive, LivenessChecker } from '../../electron/service/liveness.js'
import { waitFor } from '../helpers/fixture.js'

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

function sleeper(): ChildProcess {
  const c = spawn('sleep', ['60'], { stdio: 'ignore' })
  children.push(c)
  return c
}

/** A zombie: `sleep 0.1` whose parent (exec'd into `sleep 60`) never reaps it. */
async function zombie(): Promise<number> {
  const parent = spawn('/bin/sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] })
  children.push(parent)
  const pid = await new Promise<number>((resolve) => parent.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))))
  await waitFor(() => !isAlive(pid), 5000, 'the zombie')
  return pid
}

const openFds = () => readdirSync('/proc/self/fd').length

describe('LivenessChecker', () => {
  it('says alive for a running process, dead for a zombie and for a reaped one, as isAlive does', async () => {
    const checker = new LivenessChecker()
    const live = sleeper()
    const z = await zombie()
    expect(checker.isAlive(live.pid ?? 0)).toBe(true)
    expect(checker.isAlive(live.pid ?? 0)).toBe(true)
    expect(checker.isAlive(z)).toBe(false)
    expect(isAlive(z)).toBe(false)
    const exited = new Promise((r) => live.once('exit', r))
    live.kill('SIGKILL')
    await exited // node reaps it
    expect(checker.isAlive(live.pid ?? 0)).toBe(false)
    checker.close()
  })

  it('keeps one descriptor per pid between checks, drops those not retained, and reads past its cap the plain way', () => {
    const before = openFds()
    const checker = new LivenessChecker(2)
    const pids = [sleeper(), sleeper(), sleeper()].map((c) => c.pid ?? 0)
    for (const pid of pids) expect(checker.isAlive(pid)).toBe(true)
    expect(openFds() - before).toBe(2)
    checker.retain(new Set([pids[0] ?? 0]))
    expect(openFds() - before).toBe(1)
    checker.close()
    expect(openFds()).toBe(before)
  })
})
