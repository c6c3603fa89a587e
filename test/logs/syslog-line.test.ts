import { describe, expect, it } from 'vitest'
import { describeLogSample, lineSeverity, parseSyslogLine } from '../../electron/service/logs/syslog-line.js'
import { TagRouter } from '../../electron/service/logs/tag-routes.js'

const NOW = new Date(2024, 0, 10, 12, 0, 0).getTime()

describe('syslog lines', () => {
  it('reads the traditional file format, in local time, guessing the year', () => {
    expect(parseSyslogLine('Jan  5 12:34:56 saio object-server: 127.0.0.1 - - "GET /sdb1/1/a" 200', NOW)).toEqual({
      ts: new Date(2024, 0, 5, 12, 34, 56).getTime(),
      host: 'saio',
      tag: 'object-server',
      format: 'traditional',
      text: '127.0.0.1 - - "GET /sdb1/1/a" 200',
    })
    // December seen in January is last year's.
    expect(parseSyslogLine('Dec 31 23:59:59 saio proxy-server: x', NOW).ts).toBe(new Date(2023, 11, 31, 23, 59, 59).getTime())
  })

  it('reads RFC 3339 timestamps and a [pid] after the tag', () => {
    expect(parseSyslogLine('2024-01-05T12:34:56.123456+01:00 saio object-replicator[4242]: Starting 12 replication jobs', NOW)).toEqual({
      ts: Date.UTC(2024, 0, 5, 11, 34, 56, 123),
      host: 'saio',
      tag: 'object-replicator',
      pid: 4242,
      format: 'rfc3339',
      text: 'Starting 12 replication jobs',
    })
  })

  it("reads swift's UDP datagrams: <PRI>tag: message and a trailing NUL", () => {
    expect(parseSyslogLine('<150>object-server-1: STDERR: boom #012Traceback\0', NOW)).toEqual({
      ts: NOW,
      facility: 'local2',
      severity: 'info',
      tag: 'object-server-1',
      text: 'STDERR: boom #012Traceback',
    })
    expect(parseSyslogLine('<11>Jan  5 12:00:00 host cron[1]: x', NOW)).toMatchObject({
      facility: 'user',
      severity: 'err',
      tag: 'cron',
      pid: 1,
    })
  })

  it('keeps a line without a tag whole', () => {
    expect(parseSyslogLine('-- MARK --', NOW)).toEqual({ ts: NOW, text: '-- MARK --' })
    expect(parseSyslogLine('<999>not a pri: really', NOW)).toEqual({ ts: NOW, text: '<999>not a pri: really' })
    expect(parseSyslogLine('Jan  5 12:00:00 host 12:30 is not a tag', NOW)).toMatchObject({ host: 'host', text: '12:30 is not a tag' })
  })

  it('reads RFC 5424 (RSYSLOG_SyslogProtocol23Format): nil fields, structured data, a BOM', () => {
    expect(parseSyslogLine('<134>1 2024-01-05T12:34:56.123Z saio object-server 4242 - - \uFEFFPUT /sdb1/1/a 201', NOW)).toEqual({
      ts: Date.UTC(2024, 0, 5, 12, 34, 56, 123),
      facility: 'local0',
      severity: 'info',
      host: 'saio',
      tag: 'object-server',
      pid: 4242,
      format: 'rfc5424',
      text: 'PUT /sdb1/1/a 201',
    })
    // rsyslog's %msg% keeps the blank after the legacy `tag:`; structured data may hold `]` escaped and blanks
    expect(parseSyslogLine('<11>1 2024-01-05T12:34:56+01:00 - proxy-server - ID47 [ex@1 a="x \\] y"][b@2 c="d"]  boom', NOW)).toMatchObject(
      { ts: Date.UTC(2024, 0, 5, 11, 34, 56), severity: 'err', tag: 'proxy-server', format: 'rfc5424', text: 'boom' },
    )
    expect(parseSyslogLine('<14>1 - - - - - -', NOW)).toEqual({ ts: NOW, facility: 'user', severity: 'info', format: 'rfc5424', text: '' })
  })

  it('reads the plain "timestamp level name: message" form, in local time, with its level as the severity', () => {
    // what ../shared/saio's collector writes: '%Y-%m-%d %H:%M:%S.mmm %-7s <message>'
    expect(parseSyslogLine('2026-11-29 06:14:40.115 info    object-server-1: 127.0.0.1 - - "HEAD /sdb1" 507', NOW)).toEqual({
      ts: new Date(2026, 10, 29, 6, 14, 40, 115).getTime(),
      severity: 'info',
      tag: 'object-server-1',
      format: 'plain',
      text: '127.0.0.1 - - "HEAD /sdb1" 507',
    })
    expect(parseSyslogLine('2026-11-29 06:14:40.115 err     proxy-server: ERROR with Object server', NOW).severity).toBe('err')
    expect(parseSyslogLine('2026-11-29 06:14:40,5 WARNING object-updater: x', NOW)).toMatchObject({
      severity: 'warning',
      tag: 'object-updater',
    })
    expect(parseSyslogLine('2026-11-29 06:14:40 CRITICAL proxy-server: x', NOW).severity).toBe('crit')
    // no severity known: '-' (a datagram without PRI) leaves it unset
    const dash = parseSyslogLine('2026-11-29 06:14:40.000 -       object-server-2: x', NOW)
    expect(dash.tag).toBe('object-server-2')
    expect(dash.severity).toBeUndefined()
  })

  it("colours by the line's own severity, else by swift's wording (and says it guessed)", () => {
    expect(lineSeverity(parseSyslogLine('<131>proxy-server: anything', NOW))).toEqual({ severity: 'err', guessed: false })
    expect(lineSeverity({ text: 'ERROR __call__ error with PUT /sdb1/1/a : #012Traceback (most recent call last):' })).toEqual({
      severity: 'err',
      guessed: true,
    })
    expect(lineSeverity({ text: 'STDERR: boom' })).toEqual({ severity: 'err', guessed: true })
    expect(lineSeverity({ text: 'WARNING: Unable to modify file descriptor limit' })).toEqual({ severity: 'warning', guessed: true })
    expect(lineSeverity({ text: 'CRITICAL Unable to bind to port 6010' })).toEqual({ severity: 'crit', guessed: true })
    expect(lineSeverity({ text: 'Object replication complete. (0.01 minutes)' })).toBeNull()
    expect(lineSeverity({ text: 'Errors are fine in the middle: ERROR' })).toBeNull()
  })

  it('says when a file is in a format it does not read, instead of showing 0 lines', () => {
    const saio = ['2026-11-29 06:14:40.115 info    object-server-1: a', '2026-11-29 06:14:41.000 err     proxy-server: b', '']
    expect(describeLogSample(saio, NOW)).toEqual({ readable: true, format: 'plain', total: 2, tagged: 2, problem: null })
    expect(describeLogSample([], NOW)).toMatchObject({ readable: true, total: 0, problem: null })
    const json = ['{"ts": "2026-11-29T06:14:40", "name": "object-server", "msg": "a"}', '{"ts": "x", "msg": "b"}']
    const verdict = describeLogSample(json, NOW)
    expect(verdict).toMatchObject({ readable: false, format: null, total: 2, tagged: 0 })
    expect(verdict.problem).toContain('2 of 2 lines are not in a format the panel reads')
    expect(verdict.problem).toContain('{"ts": "2026-11-29T06:14:40"')
    // a timestamp the parser does not know (no date), with a tag-looking word after it: still not routable
    expect(describeLogSample(['06:14:40 object-server: x', '06:14:41 object-server: y'], NOW).readable).toBe(false)
  })

  it('routes by tag, using the facility only to tell apart instances that share a tag', () => {
    const router = new TagRouter([
      { instanceId: 'object-server.1', logName: 'object-server', facility: 'local2' },
      { instanceId: 'object-server.2', logName: 'object-server', facility: 'local3' },
      { instanceId: 'proxy-server', logName: 'proxy-server', facility: 'local1' },
    ])
    expect(router.lookup('object-server', 'local3')).toEqual(['object-server.2'])
    expect(router.lookup('object-server')).toEqual(['object-server.1', 'object-server.2'])
    expect(router.lookup('object-server', 'local7')).toEqual(['object-server.1', 'object-server.2'])
    expect(router.lookup('proxy-server', 'local0')).toEqual(['proxy-server'])
    expect(router.lookup('object-auditor')).toEqual([])
  })
})
