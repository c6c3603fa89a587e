import { describe, expect, it } from 'vitest'
import { parseSyslogLine } from '../../electron/service/logs/syslog-line.js'
import { TagRouter } from '../../electron/service/logs/tag-routes.js'

const NOW = new Date(2024, 0, 10, 12, 0, 0).getTime()

describe('syslog lines', () => {
  it('reads the traditional file format, in local time, guessing the year', () => {
    expect(parseSyslogLine('Jan  5 12:34:56 saio object-server: 127.0.0.1 - - "GET /sdb1/1/a" 200', NOW)).toEqual({
      ts: new Date(2024, 0, 5, 12, 34, 56).getTime(),
      host: 'saio',
      tag: 'object-server',
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
