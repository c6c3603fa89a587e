import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import LogsView from '../../renderer/src/components/LogsView.vue'
import TraceDialog from '../../renderer/src/components/TraceDialog.vue'
import { lineTone, pieces } from '../../renderer/src/lib/log-text'
import { summarizeTrace } from '../../renderer/src/lib/trace'
import { useLogsStore } from '../../renderer/src/stores/logs'
import { useTraceStore } from '../../renderer/src/stores/trace'
import type { TraceInfo } from '../../shared/types'
import { fail, type Answers } from './fake-bridge'
import { find, lines, settle, setup } from './support'

const TXN = 'tx9f2c1d0e8b7a6f5e4d3c2-0065f1a2b3'
/** The proxy's access line spells an id with a `%` once more quoted: `%2520` for `%20`. */
const EXTRA = 'tx989061cefe5c403393081-006b0be496-my%20extra/id'
const PROXY_ACCESS = `127.0.0.1 127.0.0.1 29/Nov/2026/08/06/38 PUT /v1/AUTH_test/c/o HTTP/1.0 201 - curl AUTH_tk - - - ${TXN} - 0.0240 - - 1795939598.791546583 1795939598.815581322 0`

const TRACE: TraceInfo = {
  txnId: TXN,
  stampedAt: 0x0065f1a2b3 * 1000,
  lines: [
    {
      instanceId: 'object-server.1',
      ts: 1000,
      text: `127.0.0.1 - - [29/Nov/2026:08:06:38 +0000] "PUT /sdb1/57/AUTH_test/c/o" 201 - "PUT http://127.0.0.1:8080/v1/AUTH_test/c/o" "${TXN}" "proxy-server 14101" 0.0119 "-" 14103 0`,
      access: { kind: 'storage', method: 'PUT', path: '/sdb1/57/AUTH_test/c/o', status: 201, requestTimeSec: 0.0119, source: null },
    },
    {
      instanceId: 'proxy-server',
      ts: 1010,
      text: `ERROR with Object server 127.0.0.1:6010/sdb1 re: Trying to PUT /v1/AUTH_test/c/o: Timeout (txn: ${TXN})`,
      access: null,
    },
    {
      instanceId: 'proxy-server',
      ts: 1020,
      text: `HEAD /v1/AUTH_test/c subrequest ${TXN}`,
      access: { kind: 'proxy', method: 'HEAD', path: '/v1/AUTH_test/c', status: 503, requestTimeSec: 0.002, source: 'VW' },
    },
    {
      instanceId: 'proxy-server',
      ts: 1041,
      text: PROXY_ACCESS,
      access: { kind: 'proxy', method: 'PUT', path: '/v1/AUTH_test/c/o', status: 201, requestTimeSec: 0.024, source: null },
    },
  ],
}

describe('a log line’s tone and links', () => {
  it('reads errors and warnings from Swift’s wording, after a console tag too; access lines and the rest are plain', () => {
    expect(lineTone('ERROR with Object server 127.0.0.1:6010/sdb1')).toBe('error')
    // the syslog severity a line carries says it where the wording does not
    expect(lineTone('Handoff requested (2)', 'warning')).toBe('warning')
    expect(lineTone('object-server: some message', 'err')).toBe('error')
    expect(lineTone('ERROR in the text of an info line', 'info')).toBe('error')
    expect(lineTone('STDERR: Traceback (most recent call last):')).toBe('error')
    expect(lineTone('CRITICAL: no devices')).toBe('error')
    expect(lineTone('object-server: ERROR __call__ error with PUT /sdb1/0/a/c/o')).toBe('error')
    expect(lineTone('\x1b[33mWARNING: slow request\x1b[0m')).toBe('warning')
    expect(lineTone(PROXY_ACCESS)).toBeNull()
    expect(lineTone('Object replication complete. (0.01 minutes)')).toBeNull()
    expect(lineTone('an ERROR in the middle is not Swift saying so')).toBeNull()
  })

  it('makes each transaction id one piece to trace, whatever colours or search hits it spans, both spellings one key', () => {
    const line = `a \x1b[31mtx9f2c1d0e8b7a6f5e4d3c2\x1b[0m-0065f1a2b3 b tx989061cefe5c403393081-006b0be496-my%2520extra/id`
    const got = pieces(line, /f5e4/gi)
    expect(got.map((p) => [p.txn?.key ?? null, p.segments.map((s) => `${s.fg ?? ''}${s.hit ? '*' : ''}:${s.text}`).join('|')])).toEqual([
      [null, ':a '],
      [TXN, 'red:tx9f2c1d0e8b7a6|red*:f5e4|red:d3c2|:-0065f1a2b3'],
      [null, ': b '],
      [EXTRA, ':tx989061cefe5c403393081-006b0be496-my%2520extra/id'],
    ])
    expect(pieces('no id here')).toEqual([{ txn: null, segments: [expect.objectContaining({ text: 'no id here' })] }])
  })
})

describe('a trace read as a request', () => {
  it('finds the client’s request, what it asked of others with their status codes and times, and who saw it', () => {
    const s = summarizeTrace(TRACE)
    expect(s.request).toMatchObject({ instanceId: 'proxy-server', method: 'PUT', status: 201, requestTimeSec: 0.024 })
    expect(s.backend.map((r) => [r.instanceId, r.method, r.status, r.source])).toEqual([
      ['object-server.1', 'PUT', 201, null],
      ['proxy-server', 'HEAD', 503, 'VW'],
    ])
    expect(s.instances).toEqual(['object-server.1', 'proxy-server'])
    expect(s.spanMs).toBe(41)
    expect(summarizeTrace({ txnId: TXN, stampedAt: null, lines: [] })).toEqual({ request: null, backend: [], instances: [], spanMs: null })
  })
})

function mountLogs(text: string[], answers: Answers = {}) {
  const { fake, pinia } = setup({ 'logs:trace': TRACE, ...answers })
  const logs = useLogsStore()
  logs.listen()
  const w = mount(LogsView, {
    props: { ids: ['proxy-server'], title: 'proxy-server' },
    global: { plugins: [pinia] },
    attachTo: document.body,
  })
  fake.emit('logs:lines', { batches: [{ instanceId: 'proxy-server', lines: text.map((t, k) => ({ ...lines(k + 1, 1)[0]!, text: t })) }] })
  return { w, fake, pinia, logs }
}

describe('transaction ids in the logs view', () => {
  it('colours errors and warnings, and makes every id a button named Trace <id> that opens the Trace box', async () => {
    const { w, fake } = mountLogs([TRACE.lines[1]!.text, `WARNING: slow (txn: ${EXTRA})`, PROXY_ACCESS, 'plain'])
    await nextTick()
    const rows = w.findAll('.line')
    expect(rows.map((r) => r.classes().find((c) => c.startsWith('tone-line-')) ?? null)).toEqual([
      'tone-line-error',
      'tone-line-warning',
      null,
      null,
    ])
    const buttons = w.findAll('.line button.txn')
    expect(buttons.map((b) => [b.attributes('aria-label'), b.text()])).toEqual([
      [`Trace ${TXN}`, TXN],
      [`Trace ${EXTRA}`, EXTRA],
      [`Trace ${TXN}`, TXN],
    ])
    // the text around a link is kept as it was
    expect(rows[0]!.get('.text').text()).toBe(TRACE.lines[1]!.text)
    await buttons[2]!.trigger('click')
    await flushPromises()
    expect(useTraceStore()).toMatchObject({ open: true, txnId: TXN, info: TRACE })
    expect(fake.sent('logs:trace')).toEqual([{ txnId: TXN }])
    // an id with a slash in its suffix is asked for as is (the contract takes it)
    await buttons[1]!.trigger('click')
    expect(fake.sent('logs:trace').at(-1)).toEqual({ txnId: EXTRA })
  })

  it('wraps long lines on demand, and remembers it', async () => {
    const { w, logs } = mountLogs(['x'.repeat(500)])
    await nextTick()
    const wrap = w.get('button[aria-label="Wrap long lines"]')
    expect(wrap.attributes('aria-pressed')).toBe('false')
    expect(w.get('.viewport').classes()).not.toContain('wrap')
    await wrap.trigger('click')
    expect(wrap.attributes('aria-pressed')).toBe('true')
    expect(w.get('.viewport').classes()).toContain('wrap')
    expect(logs.wrap).toBe(true)
    await nextTick()
    expect(localStorage.getItem('swift-panel.logs-wrap')).toBe('true')
  })
})

describe('the Trace box', () => {
  function mountBox(answers: Answers = {}) {
    const { fake, pinia } = setup({ 'logs:trace': TRACE, ...answers })
    const trace = useTraceStore()
    const w = mount(TraceDialog, { global: { plugins: [pinia] }, attachTo: document.body })
    return { w, fake, trace }
  }

  it('lists every line in time order, tagged with its instance, under the request, its status codes and timings', async () => {
    const { trace } = mountBox()
    trace.show(TXN)
    await settle()
    const box = find('[role="dialog"]')
    expect(box.getAttribute('aria-label')).toBe(`Trace ${TXN}`)
    expect(box.textContent).toContain('PUT /v1/AUTH_test/c/o → 201 in 24 ms at proxy-server.')
    expect(box.textContent).toContain('4 lines from object-server.1, proxy-server, over 41 ms.')
    const requests = [...find('table[aria-label="Requests it made"]').querySelectorAll('tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((c) => c.textContent?.trim()),
    )
    expect(requests).toEqual([
      ['object-server.1', 'PUT /sdb1/57/AUTH_test/c/o', '201', '12 ms', '—'],
      ['proxy-server', 'HEAD /v1/AUTH_test/c', '503', '2 ms', 'VW'],
    ])
    expect(find('table[aria-label="Requests it made"] td.bad').textContent).toBe('503')
    const items = [...find(`ol[aria-label="Lines of ${TXN}"]`).querySelectorAll('li')]
    expect(items.map((li) => li.querySelector('.who')?.textContent)).toEqual([
      'object-server.1',
      'proxy-server',
      'proxy-server',
      'proxy-server',
    ])
    expect(items[1]?.className).toBe('tone-line-error')
  })

  it('takes an id, or a pasted line holding one, from its field; says what is not one and asks nothing', async () => {
    const { fake, trace } = mountBox()
    trace.show()
    await settle()
    const field = find<HTMLInputElement>('input[aria-label="Transaction id to trace"]')
    // empty, the field has the focus
    expect(document.activeElement).toBe(field)
    field.value = `Nov 29 08:06:39 saio proxy-server: ERROR oops (txn: ${TXN})`
    field.dispatchEvent(new Event('input'))
    find('form[role="search"]').dispatchEvent(new Event('submit'))
    await settle()
    expect(fake.sent('logs:trace')).toEqual([{ txnId: TXN }])
    await trace.trace('tx12 is not one')
    await settle()
    expect(fake.sent('logs:trace')).toHaveLength(1)
    expect(find('[role="dialog"] [role="alert"]').textContent).toContain('No transaction id in “tx12 is not one”')
  })

  it('says when nothing holds the id, and when the service cannot answer; an older answer never overwrites a newer', async () => {
    let answerFirst!: () => void
    const { fake, trace } = mountBox({
      'logs:trace': ({ txnId }) =>
        txnId === TXN
          ? new Promise((r) => (answerFirst = () => r({ ok: true, value: TRACE })))
          : { ok: true, value: { txnId, stampedAt: null, lines: [] } },
    })
    trace.show(TXN)
    await trace.trace(EXTRA)
    answerFirst()
    await settle()
    expect(trace.info?.txnId).toBe(EXTRA)
    expect(find('[role="dialog"]').textContent).toContain('No line the panel holds has this id')
    fake.answer('logs:trace', () => fail('the service is gone'))
    await trace.trace(TXN)
    await settle()
    expect(find('[role="dialog"] [role="alert"]').textContent).toBe('the service is gone')
  })
})
