import { describe, expect, it } from 'vitest'
import { LogBuffers, MAX_LINE_CHARS } from '../../electron/service/log-buffer.js'

const append = (logs: LogBuffers, id: string, text: string, ts = 0) => logs.append(id, { ts, source: 'attached', stream: 'stdout', text })

describe('LogBuffers', () => {
  it('keeps at most the capacity per instance, counting what it dropped', () => {
    const logs = new LogBuffers(100)
    for (let i = 0; i < 10_000; i++) append(logs, 'a', `line ${i}`, i)
    const page = logs.get(['a'])
    expect(page.lines).toHaveLength(100)
    expect(page.lines[0]!.text).toBe('line 9900')
    expect(page.dropped).toBe(9900)
    expect(logs.get(['a'], 9_995).lines.map((l) => l.seq)).toEqual([9996, 9997, 9998, 9999, 10000])
    logs.setCapacity(10)
    expect(logs.get(['a']).lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${9990 + i}`))
    expect(logs.get(['a']).dropped).toBe(9990)
  })

  it('keeps every line in order while a ring grows from a few slots to its capacity, and after it wraps', () => {
    const logs = new LogBuffers(1000)
    for (let i = 0; i < 37; i++) append(logs, 'a', `line ${i}`, i)
    expect(logs.get(['a']).lines.map((l) => l.text)).toEqual(Array.from({ length: 37 }, (_, i) => `line ${i}`))
    for (let i = 37; i < 2500; i++) append(logs, 'a', `line ${i}`, i)
    expect(logs.get(['a']).lines.map((l) => l.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${1500 + i}`))
  })

  it('bounds characters too: huge lines are cut, and fewer of them are kept', () => {
    const logs = new LogBuffers(100)
    const huge = 'x'.repeat(1_000_000)
    for (let i = 0; i < 100; i++) append(logs, 'a', huge)
    const { lines } = logs.get(['a'])
    expect(lines[0]!.text.startsWith('x'.repeat(MAX_LINE_CHARS))).toBe(true)
    expect(lines[0]!.text).toContain(`${1_000_000 - MAX_LINE_CHARS} more characters`)
    const chars = lines.reduce((n, l) => n + l.text.length, 0)
    expect(chars).toBeLessThanOrEqual(100 * 256)
    expect(lines.length).toBeGreaterThan(0)
    // normal lines push the big ones out again
    for (let i = 0; i < 100; i++) append(logs, 'a', `line ${i}`)
    expect(logs.get(['a']).lines).toHaveLength(100)
  })

  it('merges instances by time, newest `limit` kept; clear forgets an instance', () => {
    const logs = new LogBuffers(100)
    append(logs, 'a', 'a1', 1)
    append(logs, 'b', 'b2', 2)
    append(logs, 'a', 'a3', 3)
    expect(logs.get(['a', 'b']).lines.map((l) => [l.instanceId, l.text])).toEqual([
      ['a', 'a1'],
      ['b', 'b2'],
      ['a', 'a3'],
    ])
    expect(logs.get(['a', 'b'], 0, 2).lines.map((l) => l.text)).toEqual(['b2', 'a3'])
    logs.clear(['a'])
    expect(logs.get(['a', 'b']).lines.map((l) => l.text)).toEqual(['b2'])
  })
})
