import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { trayLook } from '../../electron/main/tray-model'
import { STATE_TONE, summarize, TONE_COLOURS, type Tone } from '../../shared/cluster-summary'
import type { HealthWord, InstanceInfo } from '../../shared/types'
import { inst } from './support'

/** A SAIO as a developer keeps it: every main instance up, the background daemons off on purpose. */
const saio = (changes: Record<string, Parameters<typeof inst>[1]> = {}) =>
  [
    'proxy-server',
    'account-server.1',
    'account-server.2',
    'container-server.1',
    'container-server.2',
    'object-server.1',
    'object-server.2',
    'object-replicator.1',
    'object-replicator.2',
    'object-auditor.1',
  ].map((id) => inst(id, changes[id] ?? (id.includes('-server') ? 'running' : 'stopped')))

describe('cluster summary', () => {
  it('is up when every main instance runs, whatever the background daemons left off', () => {
    const s = summarize([...saio(), inst('container-sync', 'unconfigured')])
    expect(s).toMatchObject({ level: 'up', tone: 'ok', text: 'Main up (7/7)', main: { up: 7, total: 7 }, rest: { running: 0, total: 3 } })
    expect(s.detail).toBe('7 of 7 main instances up; 0 of 3 background daemons running.')
  })

  it('says how many main instances are up when some are not', () => {
    expect(summarize(saio({ 'object-server.2': 'stopped' }))).toMatchObject({ level: 'partial', tone: 'warn', text: 'Main 6/7 up' })
    expect(summarize(saio({ 'object-server.2': 'starting' })).text).toBe('Main 6/7 up · 1 starting')
  })

  it('puts a crash first, main or background, naming it', () => {
    const s = summarize(saio({ 'object-replicator.1': 'crashed' }))
    expect(s).toMatchObject({ level: 'crash', tone: 'bad', text: 'Main up (7/7) · 1 crashed', crashed: ['object-replicator.1'] })
    expect(s.detail).toContain('Crashed: object-replicator.1.')
  })

  it('warns of a daemon that died leaving its pid file', () => {
    const s = summarize(saio({ 'object-auditor.1': 'dead' }))
    expect(s).toMatchObject({ level: 'partial', text: 'Main up (7/7) · 1 died', died: ['object-auditor.1'] })
  })

  it('warns of a running main server that does not answer, in the badge and the tray alike', () => {
    const health = (word: HealthWord): Partial<InstanceInfo> => ({ health: { word, detail: `${word}, in detail`, checkedAt: 1 } })
    const answering = saio().map((i) => (i.group === 'main' ? { ...i, ...health('healthy') } : i))
    expect(summarize(answering)).toMatchObject({ level: 'up', text: 'Main up (7/7)', unanswering: [] })
    const withHealth = (changes: Record<string, HealthWord>) =>
      answering.map((i) => (changes[i.id] ? { ...i, ...health(changes[i.id]!) } : i))

    // a SIGSTOPped server still runs, and does not answer
    const stopped = withHealth({ 'object-server.1': 'unhealthy', 'proxy-server': 'not listening' })
    const s = summarize(stopped)
    expect(s).toMatchObject({ level: 'partial', tone: 'warn', text: 'Main up (7/7) · 2 not answering' })
    expect(s.unanswering).toEqual(['proxy-server', 'object-server.1'])
    expect(s.detail).toContain('Running but not answering: proxy-server (not listening), object-server.1 (unhealthy).')
    expect(trayLook(stopped)).toEqual({ level: 'partial', tip: 'Swift Panel: Main up (7/7) · 2 not answering' })

    // disabled by file is on purpose; a stopped server's last word does not count; a crash still comes first
    expect(summarize(withHealth({ 'object-server.1': 'disabled' })).level).toBe('up')
    const down = stopped.map((i) => (i.id === 'proxy-server' ? { ...i, state: 'stopped' as const } : i))
    expect(summarize(down)).toMatchObject({ text: 'Main 6/7 up · 1 not answering', unanswering: ['object-server.1'] })
    expect(summarize([...stopped, inst('object-auditor.2', 'crashed')]).level).toBe('crash')
  })

  it('is idle when nothing runs', () => {
    const all = saio(Object.fromEntries(saio().map((i) => [i.id, 'stopped' as const])))
    expect(summarize(all)).toMatchObject({ level: 'idle', tone: 'idle', text: 'Main stopped' })
    expect(summarize([])).toMatchObject({ level: 'idle', text: 'Nothing running' })
  })

  it('gives each state a tone, and the stylesheet the same colours the tray uses', () => {
    expect(STATE_TONE).toMatchObject({ running: 'ok', crashed: 'bad', dead: 'warn', stopped: 'idle', starting: 'busy' })
    const css = readFileSync(join(process.cwd(), 'renderer/src/style.css'), 'utf8')
    for (const [tone, { light, dark }] of Object.entries(TONE_COLOURS) as [Tone, { light: string; dark: string }][])
      expect(css).toContain(`--${tone}: light-dark(${light}, ${dark});`)
  })
})
