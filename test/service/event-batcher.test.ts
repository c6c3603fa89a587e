import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EVENTS_PER_SECOND, type EventChannel } from '../../shared/contract.js'
import { applyDelta, type ServicesDelta } from '../../shared/services-delta.js'
import type { InstanceInfo, Snapshot } from '../../shared/types.js'
import { EventBatcher } from '../../electron/service/event-batcher.js'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

const instance = (seq: number) => ({ id: `i${seq % 7}`, pid: seq }) as InstanceInfo
const delta = (seq: number): ServicesDelta => ({ base: seq - 1, seq, takenAt: seq, changed: [instance(seq)], removed: [] })
const line = (seq: number) => ({ seq, ts: seq, source: 'attached' as const, stream: 'stdout' as const, text: `line ${seq}` })

function record() {
  const sent: { channel: EventChannel; payload: unknown; at: number }[] = []
  const batcher = new EventBatcher((channel, payload) => sent.push({ channel, payload, at: Date.now() }))
  return { sent, batcher }
}

describe('EventBatcher', () => {
  it(`sends at most ${EVENTS_PER_SECOND} messages a second per channel, snapshot deltas composed into one each time`, () => {
    const { sent, batcher } = record()
    for (let i = 1; i <= 1000; i++) {
      batcher.push('services:changed', delta(i))
      vi.advanceTimersByTime(1)
    }
    vi.advanceTimersByTime(100)
    expect(sent.length).toBeLessThanOrEqual(EVENTS_PER_SECOND + 1)
    // applied in order from the start, they lead exactly where the 1000 deltas lead
    let snap: Snapshot | null = { seq: 0, takenAt: 0, swiftDir: '/etc/swift', runDir: '/run', instances: [], problems: [] }
    for (const s of sent) snap = snap && applyDelta(snap, s.payload as ServicesDelta)
    expect(snap?.seq).toBe(1000)
    expect(snap?.instances.map((i) => [i.id, i.pid]).sort()).toEqual(
      Array.from({ length: 7 }, (_, k) => 994 + k)
        .map((seq) => [`i${seq % 7}`, seq])
        .sort(),
    )
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / EVENTS_PER_SECOND)
  })

  it('concatenates log lines per instance, in order', () => {
    const { sent, batcher } = record()
    for (let i = 1; i <= 300; i++) batcher.push('logs:lines', { batches: [{ instanceId: i % 2 ? 'a' : 'b', lines: [line(i)] }] })
    vi.advanceTimersByTime(100)
    expect(sent).toHaveLength(1)
    const { batches } = sent[0]!.payload as { batches: { instanceId: string; lines: { seq: number }[] }[] }
    expect(batches.map((b) => [b.instanceId, b.lines.length])).toEqual([
      ['a', 150],
      ['b', 150],
    ])
    expect(batches[0]!.lines.map((l) => l.seq)).toEqual(Array.from({ length: 150 }, (_, i) => 2 * i + 1))
  })

  it("delivers a command's output before its done, one output message per command", () => {
    const { sent, batcher } = record()
    batcher.push('commands:done', { commandId: 'x', command: 'start', targets: ['main'], exitCode: 0 })
    batcher.push('commands:output', { commandId: 'x', lines: ['Starting proxy-server'] })
    batcher.push('commands:output', { commandId: 'y', lines: ['one'] })
    batcher.push('commands:output', { commandId: 'x', lines: ['done'] })
    vi.advanceTimersByTime(100)
    expect(sent.map((s) => [s.channel, (s.payload as { commandId: string }).commandId])).toEqual([
      ['commands:output', 'x'],
      ['commands:output', 'y'],
      ['commands:done', 'x'],
    ])
    expect((sent[0]!.payload as { lines: string[] }).lines).toEqual(['Starting proxy-server', 'done'])
  })

  it('keeps no timer while nothing is pending, and none after dispose', () => {
    const { batcher } = record()
    expect(vi.getTimerCount()).toBe(0)
    batcher.push('notify', { id: '1', ts: 0, level: 'info', title: 't', body: 'b' })
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(100)
    expect(vi.getTimerCount()).toBe(0)
    batcher.push('notify', { id: '2', ts: 0, level: 'info', title: 't', body: 'b' })
    batcher.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})
