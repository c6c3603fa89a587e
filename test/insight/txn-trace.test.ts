import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAccessLine } from '../../electron/service/insight/access-line.js'
import { findTxnIds, traceTxn, txnKey, txnTime, type BufferedLine } from '../../electron/service/insight/txn-trace.js'
import { parseSyslogLine } from '../../electron/service/logs/syslog-line.js'

// Real lines from a SAIO (../shared/saio's DIR/log/swift.log): a container PUT, then an object PUT sent with
// `X-Trans-Id-Extra: my extra/id`, whose versioned_writes subrequest (HEAD, source VW) shares its id.
const SAIO_LOG = readFileSync(resolve(__dirname, 'data/saio-swift.log'), 'utf8').split('\n').filter(Boolean)
const PUT_TXN = 'tx989061cefe5c403393081-006b0be496-my%20extra/id'
const CONTAINER_TXN = 'tx8be3c574e486474f85375-006b0be496'

/** The buffers as the service holds them: per instance, the message after the tag, with its time. */
function buffered(raw: string[]): BufferedLine[] {
  return raw.map((r) => {
    const msg = parseSyslogLine(r)
    const instanceId = (msg.tag ?? '').replace(/^(\w+-server)-(\d+)$/, '$1.$2')
    return { instanceId, line: { ts: msg.ts, text: msg.text } }
  })
}

describe('transaction ids', () => {
  it('finds ids in both spellings (storage lines, the proxy access field quoted again, the logger suffix), with their offsets', () => {
    const proxy = buffered(SAIO_LOG).find(
      (l) => l.instanceId === 'proxy-server' && l.line.text.startsWith('127.0.0.1 127.0.0.1 29/Nov/2026/08/38/46 PUT /v1/AUTH_test/c1/o1'),
    )
    const text = proxy?.line.text ?? ''
    const ids = findTxnIds(text)
    expect(ids.map((m) => [m.id, m.key])).toEqual([
      ['tx989061cefe5c403393081-006b0be496-my%2520extra/id', PUT_TXN],
      [PUT_TXN, PUT_TXN],
    ])
    for (const m of ids) expect(text.slice(m.start, m.end)).toBe(m.id)
    expect(findTxnIds('"tx8be3c574e486474f85375-006b0be496" "proxy-server 26215"')).toMatchObject([{ id: CONTAINER_TXN, start: 1 }])
    expect(findTxnIds('tx12 is no id; nor is txZZZ061cefe5c403393081-006b0be496')).toEqual([])
    expect(txnKey('tx989061cefe5c403393081-006b0be496-50%2525')).toBe('tx989061cefe5c403393081-006b0be496-50%')
    expect(txnTime(PUT_TXN)).toBe(0x006b0be496 * 1000)
    expect(txnTime('nope')).toBeNull()
  })

  it("parses the proxy's access line and a storage server's", () => {
    const [put] = buffered(SAIO_LOG.slice(-1))
    expect(parseAccessLine(put?.line.text ?? '')).toEqual({
      kind: 'proxy',
      method: 'PUT',
      path: '/v1/AUTH_test/c1/o1',
      status: 201,
      clientIp: '127.0.0.1',
      userAgent: 'curl/7.88.1',
      bytesReceived: 5,
      bytesSent: null,
      txnId: 'tx989061cefe5c403393081-006b0be496-my%2520extra/id',
      requestTimeSec: 0.0205,
      source: null,
      startTime: 1795941526864,
      endTime: 1795941526885,
      policyIndex: 0,
    })
    const head = buffered(SAIO_LOG).find((l) => l.line.text.includes(' HEAD /v1/AUTH_test/c1%3F'))
    expect(parseAccessLine(head?.line.text ?? '')).toMatchObject({
      kind: 'proxy',
      path: '/v1/AUTH_test/c1?format=json&states=listing',
      source: 'VW',
      clientIp: null,
    })
    const object = buffered(SAIO_LOG).find((l) => l.instanceId === 'object-server.1')
    expect(parseAccessLine(object?.line.text ?? '')).toEqual({
      kind: 'storage',
      method: 'PUT',
      path: '/sdb1/27/AUTH_test/c1/o1',
      status: 201,
      remoteAddr: '127.0.0.1',
      contentLength: null,
      referer: 'PUT http://127.0.0.1:33100/v1/AUTH_test/c1/o1',
      txnId: PUT_TXN,
      userAgent: 'proxy-server 26215',
      requestTimeSec: 0.0116,
      time: Date.UTC(2026, 10, 29, 8, 38, 46),
      pid: 26213,
      policyIndex: 0,
    })
    expect(parseAccessLine('Object replication complete. (0.01 minutes)')).toBeNull()
    expect(parseAccessLine('a b c d e f g h i j k l m n o p q r s t u')).toBeNull()
  })

  it("traces a request through every instance's lines in time order, with the client's request found", () => {
    const error = {
      instanceId: 'proxy-server',
      line: {
        ts: new Date(2026, 10, 29, 8, 38, 46, 883).getTime(),
        text: `ERROR with Object server 127.0.0.1:33110/sdb1 re: Trying to get final status of PUT to /v1/AUTH_test/c1/o1: Timeout (10.0s) (txn: ${PUT_TXN})`,
      },
    }
    // buffers hand lines per instance, not in time order
    const lines = [...buffered(SAIO_LOG).reverse(), error]
    const trace = traceTxn('tx989061cefe5c403393081-006b0be496-my%2520extra/id', lines)
    expect(trace.txnId).toBe(PUT_TXN)
    expect(trace.stampedAt).toBe(0x006b0be496 * 1000)
    expect(trace.lines.map((l) => [l.instanceId, l.access ? `${l.access.kind} ${l.access.method} ${l.access.status}` : 'other'])).toEqual([
      ['container-server.1', 'storage HEAD 204'],
      ['proxy-server', 'proxy HEAD 204'],
      ['container-server.1', 'storage PUT 201'],
      ['object-server.1', 'storage PUT 201'],
      ['container-server.2', 'storage PUT 201'],
      ['proxy-server', 'other'], // equal times keep the order given
      ['object-server.2', 'storage PUT 201'],
      ['proxy-server', 'proxy PUT 201'],
    ])
    expect(trace.request).toMatchObject({
      instanceId: 'proxy-server',
      access: { method: 'PUT', path: '/v1/AUTH_test/c1/o1', status: 201, requestTimeSec: 0.0205 },
    })

    const container = traceTxn(CONTAINER_TXN, lines)
    // the account and container servers logged in pairs within the same millisecond: given order (reversed) kept
    expect(container.lines.map((l) => l.instanceId)).toEqual([
      'account-server.1',
      'account-server.1',
      'account-server.2',
      'container-server.1',
      'container-server.2',
      'proxy-server',
    ])
    expect(traceTxn('tx000000000000000000000-0000000000', lines)).toMatchObject({ lines: [], request: null })
  })
})
