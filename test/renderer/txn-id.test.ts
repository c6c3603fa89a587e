import { describe, expect, it } from 'vitest'
import { requests } from '../../shared/contract'
import { findTxnIds, TXN_ID_MAX, TXN_ID_PATTERN, txnKey } from '../../shared/txn-id'

// An id from a real SAIO (test/insight/data/saio-swift.log): an object PUT sent with `X-Trans-Id-Extra: my
// extra/id`; its suffix is URL-quoted with `/` left as is, and the proxy's access line quotes it once more.
const PUT_TXN = 'tx989061cefe5c403393081-006b0be496-my%20extra/id'

describe('transaction ids, one rule for the service, the contract and the links', () => {
  it('finds each id in a line with its offsets, both spellings giving one key', () => {
    const line = `PUT /v1/AUTH_test/c1/o1 HTTP/1.0 201 - curl tx989061cefe5c403393081-006b0be496-my%2520extra/id 0.0205 (txn: ${PUT_TXN})`
    const ids = findTxnIds(line)
    expect(ids.map((m) => [line.slice(m.start, m.end), m.key])).toEqual([
      ['tx989061cefe5c403393081-006b0be496-my%2520extra/id', PUT_TXN],
      [PUT_TXN, PUT_TXN],
    ])
    expect(txnKey('tx989061cefe5c403393081-006b0be496-50%2525')).toBe('tx989061cefe5c403393081-006b0be496-50%')
  })

  it('lets a trace ask for any id a line holds, a suffix with a slash included (refused before: no link could trace it)', () => {
    const trace = requests['logs:trace'].validate
    expect(trace({ txnId: PUT_TXN })).toEqual({ txnId: PUT_TXN })
    expect(trace({ txnId: 'tx8be3c574e486474f85375-006b0be496' })).toEqual({ txnId: 'tx8be3c574e486474f85375-006b0be496' })
    for (const bad of ['tx12', 'tx8be3c574e486474f85375-006b0be496 ', 'x'.repeat(TXN_ID_MAX + 1), `${PUT_TXN}"`])
      expect(() => trace({ txnId: bad }), bad).toThrow(/txnId/)
    // the longest id the pattern takes is within the length the contract allows
    const longest = `tx${'a'.repeat(21)}-${'0'.repeat(10)}${'x'.repeat(160)}`
    expect([TXN_ID_PATTERN.test(longest), longest.length]).toEqual([true, TXN_ID_MAX])
    expect(trace({ txnId: longest }).txnId).toBe(longest)
  })
})
