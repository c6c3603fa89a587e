import { describe, expect, it } from 'vitest'
import { plainText, searchPattern, segments } from '../../renderer/src/lib/log-text'
import { canRun } from '../../renderer/src/lib/actions'
import { exitCode, exitSentence, pathEnds } from '../../renderer/src/lib/format'
import { LogView, ALL_SOURCES, ALL_STREAMS, type LineFilter, type ViewLine } from '../../renderer/src/lib/log-view'
import { Ring } from '../../renderer/src/lib/ring'
import { compactTargets, instancesOf } from '../../renderer/src/lib/targets'
import type { LogLine } from '../../shared/types'
import { inst, lines } from './support'

const text = (segs: ReturnType<typeof segments>) => segs.map((s) => s.text).join('')

describe('ANSI', () => {
  it('turns SGR colours into styled segments, reset by 0 and by an empty SGR', () => {
    const s = segments('\x1b[31mERROR\x1b[0m ok \x1b[1;92mbold green\x1b[m plain')
    expect(s.map((x) => [x.text, x.fg, x.bold])).toEqual([
      ['ERROR', 'red', false],
      [' ok ', null, false],
      ['bold green', 'bright-green', true],
      [' plain', null, false],
    ])
  })

  it('knows backgrounds, 39/49/22, and the named part of 256 colours; skips truecolour arguments', () => {
    const s = segments('\x1b[44;33ma\x1b[39mb\x1b[49;1mc\x1b[22md\x1b[38;5;9me\x1b[38;5;200mf\x1b[38;2;31;32;33mg')
    expect(s.map((x) => [x.text, x.fg, x.bg, x.bold])).toEqual([
      ['a', 'yellow', 'blue', false],
      ['b', null, 'blue', false],
      ['c', null, null, true],
      ['d', null, null, false],
      ['e', 'bright-red', null, false],
      // 200 and truecolour have no class of ours: the default colour; the 31;32;33 of a truecolour are not read as red, green…
      ['f', null, null, false],
      ['g', null, null, false],
    ])
  })

  it('drops other escapes and control characters, keeping the text as text', () => {
    const raw = '\x1b[2K\rprogress\x1b]0;title\x07 <b>&amp;</b>\x1b[1A done\x08'
    expect(text(segments(raw))).toBe('progress <b>&amp;</b> done')
    expect(plainText(raw)).toBe('progress <b>&amp;</b> done')
    expect(plainText('no escapes\there')).toBe('no escapes\there')
  })

  it('marks search hits, case-insensitively, across colour changes, with regex characters taken literally', () => {
    const s = segments('say \x1b[31mHel\x1b[32mlo\x1b[0m (x) hello', searchPattern('hello'))
    expect(s.filter((x) => x.hit).map((x) => [x.text, x.fg])).toEqual([
      ['Hel', 'red'],
      ['lo', 'green'],
      ['hello', null],
    ])
    expect(text(s)).toBe('say Hello (x) hello')
    expect(
      segments('a (x) b', searchPattern('(x)'))
        .filter((x) => x.hit)
        .map((x) => x.text),
    ).toEqual(['(x)'])
    expect(searchPattern('')).toBeNull()
  })
})

describe('Ring', () => {
  it('keeps the newest items, indexed oldest first, and names each by an absolute index', () => {
    const r = new Ring<number>(3)
    for (let i = 0; i < 5; i++) r.push(i)
    expect([r.at(0), r.at(1), r.at(2), r.at(3)]).toEqual([2, 3, 4, undefined])
    expect([r.first, r.total, r.length]).toEqual([2, 5, 3])
    expect([r.get(1), r.get(2), r.get(4), r.get(5)]).toEqual([undefined, 2, 4, undefined])
    r.resize(2)
    expect([r.at(0), r.at(1), r.first]).toEqual([3, 4, 3])
    r.resize(4)
    r.push(5)
    r.push(6)
    expect([r.at(0), r.last(), r.length]).toEqual([3, 6, 4])
    r.clear()
    expect([r.length, r.first, r.last()]).toEqual([0, 7, undefined])
  })
})

describe('targets', () => {
  it('resolve aliases, servers and instance ids as the panel sends them', () => {
    const all = [inst('proxy-server'), inst('object-server.1'), inst('object-server.2'), inst('object-replicator.1')]
    const ids = (t: string[]) => instancesOf(t, all).map((i) => i.id)
    expect(ids(['main'])).toEqual(['proxy-server', 'object-server.1', 'object-server.2'])
    expect(ids(['rest'])).toEqual(['object-replicator.1'])
    expect(ids(['all'])).toHaveLength(4)
    expect(ids(['object-server'])).toEqual(['object-server.1', 'object-server.2'])
    expect(ids(['object-server.2', 'proxy-server'])).toEqual(['proxy-server', 'object-server.2'])
  })

  it('name a set of instances as exactly as they can: a whole server by its name, else each by its id', () => {
    const all = [
      inst('proxy-server'),
      inst('object-server.1'),
      inst('object-server.2'),
      inst('object-replicator.1'),
      inst('object-replicator.2'),
    ]
    const named = (ids: string[]) =>
      compactTargets(
        all.filter((i) => ids.includes(i.id)),
        all,
      )
    expect(named(['object-server.2'])).toEqual(['object-server.2'])
    expect(named(['object-server.1', 'object-server.2', 'object-replicator.2', 'proxy-server'])).toEqual([
      'proxy-server',
      'object-server',
      'object-replicator.2',
    ])
    // a whole group is its servers, never the alias
    expect(named(all.map((i) => i.id))).toEqual(['proxy-server', 'object-server', 'object-replicator'])
    expect(named([])).toEqual([])
  })
})

describe('actions', () => {
  it('offer what makes sense in a state', () => {
    expect(canRun('start', inst('a', 'running'))).toBe(false)
    expect(canRun('start', inst('a', 'crashed'))).toBe(true)
    expect(canRun('stop', inst('a', 'stopped'))).toBe(false)
    // stop cleans up the pid file a dead process left
    expect(canRun('stop', inst('a', 'dead'))).toBe(true)
    expect(canRun('reload', inst('a', 'stopped'))).toBe(false)
    expect(canRun('restart', inst('a', 'unconfigured'))).toBe(false)
    // an attached run is stopped, not started again or attached twice
    expect(canRun('stop', inst('a', 'running', { attached: true }))).toBe(true)
    expect(canRun('no-daemon', inst('a', 'stopped', { attached: true }))).toBe(false)
  })
})

describe('format', () => {
  it('cuts a path before its last two parts, which stay whole on screen', () => {
    expect(pathEnds('/etc/swift/object-server/1.conf')).toEqual({ head: '/etc/swift/', tail: 'object-server/1.conf' })
    expect(pathEnds('/etc/swift/proxy-server.conf')).toEqual({ head: '/etc/', tail: 'swift/proxy-server.conf' })
    expect(pathEnds('/proxy-server.conf')).toEqual({ head: '', tail: '/proxy-server.conf' })
    expect(pathEnds('relative.conf')).toEqual({ head: '', tail: 'relative.conf' })
  })

  it('says an exit status in a few characters, and whose it is in a sentence', () => {
    expect([exitCode(0), exitCode(1), exitCode(-9), exitCode(-10)]).toEqual(['0', '1', 'SIGKILL', 'signal 10'])
    expect(exitSentence({ code: -15, source: 'process', at: 0 })).toMatch(/^It was killed by SIGTERM \(its own status/)
    expect(exitSentence({ code: 1, source: 'command', at: 0 })).toMatch(/^The last command on it exited 1 \(the command's status/)
  })
})

describe('LogView', () => {
  const everything: LineFilter = { sources: new Set(ALL_SOURCES), streams: new Set(ALL_STREAMS), pattern: null }
  function rings(cap: number) {
    const map = new Map<string, Ring<ViewLine>>()
    const push = (id: string, ls: LogLine[]) => {
      const r = map.get(id) ?? new Ring<ViewLine>(cap)
      map.set(id, r)
      for (const l of ls) r.push({ ...l, instanceId: id, n: r.total })
    }
    return { push, ring: (id: string) => map.get(id) }
  }
  const texts = (v: LogView) => Array.from({ length: v.length }, (_, i) => v.at(i)!.text)

  it('merges instances by time, also when a late line lands before the newest shown', () => {
    const r = rings(100)
    r.push(
      'a',
      lines(1, 3, { ts: 10 }).map((l, k) => ({ ...l, ts: 10 + k * 10, text: `a${k}` })),
    )
    r.push('b', [{ ...lines(1, 1)[0]!, ts: 15, text: 'b0' }])
    const v = new LogView(['a', 'b'], everything, r.ring)
    expect(texts(v)).toEqual(['a0', 'b0', 'a1', 'a2'])
    r.push('b', [{ ...lines(2, 1)[0]!, ts: 25, text: 'b1' }])
    r.push('a', [{ ...lines(4, 1)[0]!, ts: 40, text: 'a3' }])
    expect(v.update()).toEqual({ added: 2, removedBefore: 0 })
    expect(texts(v)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3'])
  })

  it('filters by source, stream and search, on what is there and on what comes', () => {
    const r = rings(100)
    r.push('a', [
      ...lines(1, 2, { source: 'startup' }),
      ...lines(3, 2, { source: 'file', stream: 'log' }),
      { ...lines(5, 1)[0]!, text: '\x1b[31mline\x1b[0m 5' },
    ])
    const v = new LogView(
      ['a'],
      { sources: new Set(['file', 'attached']), streams: new Set(ALL_STREAMS), pattern: searchPattern('LINE 5') },
      r.ring,
    )
    expect(texts(v)).toEqual(['\x1b[31mline\x1b[0m 5'])
    const w = new LogView(['a'], { sources: new Set(ALL_SOURCES), streams: new Set(['log']), pattern: null }, r.ring)
    expect(texts(w)).toEqual(['line 3', 'line 4'])
    r.push('a', lines(6, 1, { stream: 'log' }))
    w.update()
    expect(texts(w)).toEqual(['line 3', 'line 4', 'line 6'])
  })

  it('drops evicted lines, telling how many went from above a reader', () => {
    const r = rings(10)
    r.push('a', lines(1, 10))
    const v = new LogView(['a'], everything, r.ring)
    r.push('a', lines(11, 4))
    expect(v.update(6)).toEqual({ added: 4, removedBefore: 4 })
    expect(texts(v)).toEqual(lines(5, 10).map((l) => l.text))
    // a batch bigger than the ring: only what is still held is taken
    r.push('a', lines(15, 25))
    expect(v.update(0)).toEqual({ added: 10, removedBefore: 0 })
    expect(texts(v)).toEqual(lines(30, 10).map((l) => l.text))
  })

  it('drops evicted lines spread through a merged view once they are worth a pass', () => {
    const r = rings(100)
    // a is chatty, b slow: a's evicted lines sit between b's
    r.push(
      'b',
      lines(1, 100).map((l) => ({ ...l, ts: l.seq * 100, text: `b${l.seq}` })),
    )
    r.push(
      'a',
      lines(1, 100).map((l) => ({ ...l, ts: l.seq * 100 + 50, text: `a${l.seq}` })),
    )
    const v = new LogView(['a', 'b'], everything, r.ring)
    r.push(
      'a',
      lines(101, 100).map((l) => ({ ...l, ts: 100_000 + l.seq, text: `a${l.seq}` })),
    )
    v.update()
    expect(v.length).toBe(200)
    expect(texts(v).filter((t) => t.startsWith('a'))).toEqual(lines(101, 100).map((l) => `a${l.seq}`))
  })
})
