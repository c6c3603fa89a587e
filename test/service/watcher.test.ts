import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Watcher } from '../../electron/service/watcher.js'
import { waitFor } from '../helpers/fixture.js'

let root = ''
let watcher: Watcher | null = null
afterEach(() => {
  watcher?.dispose()
  watcher = null
  rmSync(root, { recursive: true, force: true })
})

function setup(intervalMs: number, makeRun = true) {
  root = mkdtempSync(join(tmpdir(), 'swift-panel-watch-'))
  const swiftDir = join(root, 'etc')
  const runDir = join(root, 'run')
  mkdirSync(swiftDir)
  if (makeRun) mkdirSync(runDir)
  const seen = { ticks: 0, confs: 0 }
  watcher = new Watcher({ swiftDir, runDir, intervalMs, onTick: () => seen.ticks++, onConfsChanged: () => seen.confs++ })
  watcher.start()
  return { swiftDir, runDir, seen, watcher }
}

describe('Watcher', () => {
  it('looks again soon after a pid file changes, even in a server subdirectory made after it started', async () => {
    const { runDir, seen, watcher } = setup(3_600_000)
    mkdirSync(join(runDir, 'object-server'))
    await waitFor(() => seen.ticks > 0 && watcher.watched().includes(join(runDir, 'object-server')), 5000, 'the new subdirectory watched')
    const before = seen.ticks
    writeFileSync(join(runDir, 'object-server/1.pid'), '123\n')
    await waitFor(() => seen.ticks > before, 5000, 'a tick after the pid file was written')
    expect(seen.confs).toBe(0)
  })

  it('says when confs change', async () => {
    const { swiftDir, seen } = setup(3_600_000)
    mkdirSync(join(swiftDir, 'object-server'))
    await waitFor(() => seen.confs > 0, 5000, 'confs changed')
    const before = seen.confs
    writeFileSync(join(swiftDir, 'object-server/1.conf'), '[DEFAULT]\n')
    await waitFor(() => seen.confs > before, 5000, 'confs changed in a subdirectory')
  })

  it('ticks every interval, watches a run dir once it appears, and stops on dispose', async () => {
    const { runDir, seen, watcher } = setup(50, false)
    expect(watcher.watched()).toEqual([join(root, 'etc')])
    await waitFor(() => seen.ticks >= 3, 5000, 'three ticks')
    mkdirSync(runDir)
    await waitFor(() => watcher.watched().includes(runDir), 5000, 'the run dir watched')
    watcher.dispose()
    const ticks = seen.ticks
    await new Promise((r) => setTimeout(r, 200))
    expect(seen.ticks).toBe(ticks)
    expect(watcher.watched()).toEqual([])
  })
})
