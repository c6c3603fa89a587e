// One syslog message as it appears in a log file, or as a datagram on the wire. The forms read:
//   Jan  5 12:34:56 host object-server: msg                     traditional (RSYSLOG_TraditionalFileFormat)
//   2024-01-05T12:34:56.123456+01:00 host object-server: msg    rfc3339 (RSYSLOG_FileFormat, Debian's default)
//   <134>1 2024-01-05T12:34:56Z host object-server 42 - - msg   rfc5424 (RSYSLOG_SyslogProtocol23Format, RFC 5424 §6)
//   2026-11-29 06:14:40.115 info object-server-1: msg           plain: local time, a level word, then the message
//   <134>object-server: msg\0                                    what swift's SysLogHandler sends (no timestamp)
// The tag before `:` (minus any `[pid]`) is rsyslog's programname, which for swift is the log_name (RFC 5424's
// APP-NAME is the same thing). A line in none of these forms has no tag, which the routers cannot place:
// `describeLogSample` says so for a whole file instead of it showing nothing.

import { textSeverity } from '../../../shared/log-severity.js'
import { facilityName, severityCode, severityName, type Facility, type Severity } from './syslog-codes.js'

/** Which timestamp header a line carried (absent: none, as in a datagram or a bare `tag: msg`). */
export type SyslogFormat = 'traditional' | 'rfc3339' | 'rfc5424' | 'plain'

export interface SyslogLine {
  /** Epoch ms: from the line's timestamp, else `now` (datagrams from swift carry none). */
  ts: number
  facility?: Facility
  /** Known from the line itself: its PRI, or the plain form's level word. */
  severity?: Severity
  host?: string
  /** rsyslog's programname: swift's log_name. Absent when the message has no `tag:`. */
  tag?: string
  pid?: number
  format?: SyslogFormat
  text: string
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const PRI = /^<(\d{1,3})>/
const TRADITIONAL = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S+) /
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (\S+) /
// RFC 5424 §6: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]; `-` is nil.
// An SD-ELEMENT is `[id param="value"…]`, where a value may hold `\"`, `\\` and `\]`.
const RFC5424 = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+)(?: |$)/
// The plain form (e.g. a collector writing `%Y-%m-%d %H:%M:%S.mmm level message`): local time, then a level word.
const PLAIN = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))? +([A-Za-z]+|-) +/
// A tag is a program name (letters, digits, `_.-/@+`: `object-server-1`, `postfix/smtpd`); rsyslog caps it, so do we.
const TAG = /^([\w.\-/@+]{1,128})(?:\[(\d+)\])?:(?: |$)/
const DAY_MS = 86_400_000

// Level words of the plain form beyond syslog's own names and rsyslog's aliases: Python logging's.
const LEVEL_WORDS: Record<string, Severity> = { critical: 'crit', fatal: 'crit' }

export function parseSyslogLine(raw: string, now = Date.now()): SyslogLine {
  // Python's SysLogHandler ends each datagram with NUL; files and sockets may leave a CR or LF.
  let rest = raw.replace(/[\0\r\n]+$/, '')
  const out: SyslogLine = { ts: now, text: '' }

  const pri = PRI.exec(rest)
  if (pri) {
    const code = Number(pri[1])
    const facility = facilityName(code >> 3)
    const severity = severityName(code & 7)
    if (facility && severity) {
      out.facility = facility
      out.severity = severity
      rest = rest.slice(pri[0].length)
    }
  }

  if (readRfc5424(rest, out) !== null) return out
  rest = readTimestamp(rest, out, now)

  const tag = TAG.exec(rest)
  if (tag?.[1] !== undefined) {
    out.tag = tag[1]
    if (tag[2] !== undefined) out.pid = Number(tag[2])
    rest = rest.slice(tag[0].length)
  }
  out.text = rest
  return out
}

/** The traditional, RFC 3339 or plain timestamp header, if any: fills `out`, returns what follows it. */
function readTimestamp(rest: string, out: SyslogLine, now: number): string {
  const trad = TRADITIONAL.exec(rest)
  if (trad) {
    out.ts = traditionalTime(trad, now)
    out.host = trad[6]
    out.format = 'traditional'
    return rest.slice(trad[0].length)
  }
  const iso = RFC3339.exec(rest)
  if (iso?.[1] !== undefined) {
    out.ts = Date.parse(iso[1])
    out.host = iso[2]
    out.format = 'rfc3339'
    return rest.slice(iso[0].length)
  }
  const plain = PLAIN.exec(rest)
  if (plain) {
    const [, y, mo, d, h, mi, s, frac = '0', level = '-'] = plain
    const ms = Math.floor(Number(`0.${frac}`) * 1000)
    out.ts = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms).getTime()
    const severity = levelSeverity(level)
    if (severity) out.severity = severity
    out.format = 'plain'
    return rest.slice(plain[0].length)
  }
  return rest
}

/** An RFC 5424 header after the PRI: fills `out` and returns it, or null when the line is not one. */
function readRfc5424(rest: string, out: SyslogLine): SyslogLine | null {
  const m = RFC5424.exec(rest)
  if (!m) return null
  const [, time = '-', host = '-', app = '-', procid = '-'] = m
  const ts = time === '-' ? out.ts : Date.parse(time)
  if (Number.isNaN(ts)) return null
  out.ts = ts
  if (host !== '-') out.host = host
  if (app !== '-') out.tag = app
  if (/^\d+$/.test(procid)) out.pid = Number(procid)
  out.format = 'rfc5424'
  // MSG may start with a BOM (§6.4); rsyslog's %msg% keeps the blank that followed the legacy `tag:`.
  out.text = rest
    .slice(m[0].length)
    .replace(/^\uFEFF/, '')
    .replace(/^ /, '')
  return out
}

function levelSeverity(word: string): Severity | null {
  const w = word.toLowerCase()
  if (Object.hasOwn(LEVEL_WORDS, w)) return LEVEL_WORDS[w] ?? null
  const code = severityCode(w)
  return code === null ? null : severityName(code)
}

/** The traditional format has no year or zone: local time, this year, or last year if that would be in the future. */
function traditionalTime(m: RegExpExecArray, now: number): number {
  const month = MONTHS.indexOf(m[1] ?? '')
  const at = (year: number) => new Date(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime()
  const year = new Date(now).getFullYear()
  const ts = at(year)
  return ts > now + DAY_MS ? at(year - 1) : ts
}

export interface LineSeverity {
  severity: Severity
  /** True when read from swift's wording rather than the line's PRI or level word. */
  guessed: boolean
}

/** The severity to colour a line by: the one the line carries, else one guessed from swift's wording; null: neither. */
export function lineSeverity(line: Pick<SyslogLine, 'severity' | 'text'>): LineSeverity | null {
  if (line.severity) return { severity: line.severity, guessed: false }
  const severity = textSeverity(line.text)
  return severity ? { severity, guessed: true } : null
}

export interface LogSampleVerdict {
  /** True when most lines carry a tag the routers can place (or there are no lines yet). */
  readable: boolean
  /** The header form most lines use; null when none is recognised. */
  format: SyslogFormat | null
  total: number
  tagged: number
  /** Why the file shows nothing, for the user; null when readable. */
  problem: string | null
}

const READ_FORMATS = 'rsyslog traditional or RFC 3339, RFC 5424, or "timestamp level name: message"'

/**
 * Looks at some lines of a log file (its first or last few dozen) and says whether the parser reads them:
 * a file whose lines have no `name:` tag would route nothing and show 0 lines, so say that instead.
 * Blank lines are ignored. Shape: `{ readable, format, total, tagged, problem }`.
 */
export function describeLogSample(lines: readonly string[], now = Date.now()): LogSampleVerdict {
  const counts = new Map<SyslogFormat, number>()
  let total = 0
  let tagged = 0
  let firstUnread: string | null = null
  for (const raw of lines) {
    if (raw.trim() === '') continue
    total++
    const msg = parseSyslogLine(raw, now)
    if (msg.format) counts.set(msg.format, (counts.get(msg.format) ?? 0) + 1)
    if (msg.tag !== undefined) tagged++
    else firstUnread ??= raw
  }
  let format: SyslogFormat | null = null
  for (const [f, n] of counts) if (format === null || n > (counts.get(format) ?? 0)) format = f
  const readable = total === 0 || tagged * 2 >= total
  const example = (firstUnread ?? '').slice(0, 120)
  return {
    readable,
    format,
    total,
    tagged,
    problem: readable
      ? null
      : `${total - tagged} of ${total} lines are not in a format the panel reads (${READ_FORMATS}), so it cannot tell which server wrote them; for example: ${example}`,
  }
}
