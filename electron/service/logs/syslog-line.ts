// One syslog message as it appears in a log file rsyslog writes, or as a datagram on the wire:
//   Jan  5 12:34:56 host object-server: msg                   (RSYSLOG_TraditionalFileFormat)
//   2024-01-05T12:34:56.123456+01:00 host object-server: msg  (RSYSLOG_FileFormat, Debian's default)
//   <134>object-server: msg\0                                  (what swift's SysLogHandler sends)
// The tag before `:` (minus any `[pid]`) is rsyslog's programname, which for swift is the log_name.

import { facilityName, severityName, type Facility, type Severity } from './syslog-codes.js'

export interface SyslogLine {
  /** Epoch ms: from the line's timestamp, else `now` (datagrams from swift carry none). */
  ts: number
  facility?: Facility
  severity?: Severity
  host?: string
  /** rsyslog's programname: swift's log_name. Absent when the message has no `tag:`. */
  tag?: string
  pid?: number
  text: string
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const PRI = /^<(\d{1,3})>/
const TRADITIONAL = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S+) /
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (\S+) /
// A tag is a run without blanks, brackets or colons; rsyslog caps it, so do we.
const TAG = /^([^\s[\]:]{1,128})(?:\[(\d+)\])?:(?: |$)/
const DAY_MS = 86_400_000

export function parseSyslogLine(raw: string, now = Date.now()): SyslogLine {
  // Python's SysLogHandler ends each datagram with NUL; files and sockets may leave a CR or LF.
  let rest = raw.replace(/[\0\r\n]+$/, '')
  const out: SyslogLine = { ts: now, text: '' }

  const pri = PRI.exec(rest)
  if (pri && Number(pri[1]) < 192) {
    const code = Number(pri[1])
    out.facility = facilityName(code >> 3)!
    out.severity = severityName(code & 7)!
    rest = rest.slice(pri[0].length)
  }

  const trad = TRADITIONAL.exec(rest)
  if (trad) {
    out.ts = traditionalTime(trad, now)
    out.host = trad[6]!
    rest = rest.slice(trad[0].length)
  } else {
    const iso = RFC3339.exec(rest)
    if (iso) {
      out.ts = Date.parse(iso[1]!)
      out.host = iso[2]!
      rest = rest.slice(iso[0].length)
    }
  }

  const tag = TAG.exec(rest)
  if (tag) {
    out.tag = tag[1]!
    if (tag[2] !== undefined) out.pid = Number(tag[2])
    rest = rest.slice(tag[0].length)
  }
  out.text = rest
  return out
}

/** The traditional format has no year or zone: local time, this year, or last year if that would be in the future. */
function traditionalTime(m: RegExpExecArray, now: number): number {
  const month = MONTHS.indexOf(m[1]!)
  const at = (year: number) => new Date(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime()
  const year = new Date(now).getFullYear()
  const ts = at(year)
  return ts > now + DAY_MS ? at(year - 1) : ts
}
