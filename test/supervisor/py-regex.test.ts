// swift-init's globs are Python regular expressions: py-regex.ts against Python 3.11's answers, on the servers
// swift-init knows (its ALL_SERVERS order; matches are indexes into it, null where re.compile raises).
import { describe, expect, it } from 'vitest'
import { compilePattern, PatternError, UnsupportedPatternError } from '../../electron/supervisor/py-regex.js'
import { ALL_SERVERS } from '../../shared/swift.js'

const CASES: [glob: string, matches: number[] | null][] = [
  ['object-*', [3, 13, 14, 15, 16, 17]],
  ['*-server', [0, 1, 2, 3]],
  ['o*', [3, 13, 14, 15, 16, 17]],
  ['(?i)PROXY*', [0]],
  ['obj[*', null],
  ['*(up|rep)*', [6, 9, 12, 16, 17]],
  ['a*+*', [1, 4, 5, 6]],
  ['\\*', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]],
  ['[a-c]*-re*', [5, 6, 8, 9]],
  ['(?=o)*', [3, 13, 14, 15, 16, 17]],
  ['(?<=t)*', []],
  ['(?>obj|object)*-s', [3]],
  ['o*(?!.*r$)', [3, 13, 14, 15, 16, 17]],
  ['con(ta)?*', [2, 7, 8, 9, 10, 11, 12]],
  ['c*{2}', null],
  ['*\\b', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]],
  ['x**', []],
  ['(?x) p r o x y *', [0]],
  ['+*', null],
  ['*?r$', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17]],
  ['(a|)*', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]],
  ['acc{1,2}*', [1, 4, 5, 6]],
  ['[^a-o]*', [0]],
  ['o*+r', []],
  ['(?>o*)r', []],
  ['o{2,1}*', null],
  ['*\\q', null],
  ['((.+)+)+*rec', [8, 15]],
]

describe('re.match(glob.replace("*", ".*"), server), as Python 3.11 answers', () => {
  it.each(CASES)('%j', (glob, matches) => {
    const pattern = glob.replace(/\*/g, '.*')
    if (matches === null) {
      expect(() => compilePattern(pattern)).toThrow(PatternError)
      return
    }
    const re = compilePattern(pattern)
    expect(ALL_SERVERS.filter((s) => re.match(s))).toEqual(matches.map((i) => ALL_SERVERS[i]))
  })

  it('refuses back-references, which need the captured text (a glob needs none)', () => {
    expect(() => compilePattern('(?P<n>o)(?P=n).*')).toThrow(UnsupportedPatternError)
    expect(() => compilePattern('(o)\\1.*')).toThrow(UnsupportedPatternError)
  })
})
