// A log line's severity from Swift's own wording, for lines that carry none (a datagram's PRI and a plain
// log's level word are the service's parser's): the service's lineSeverity falls back on it, the renderer
// colours the lines it shows by it. Plain data, no I/O.

/** The severities the wording tells (syslog's names). */
export type TextSeverity = 'crit' | 'err' | 'warning'

// Swift's wording: `logger.error('ERROR …')`, `logger.exception(…)` (the traceback folded into the line as
// #012 by rsyslog), `STDERR:` (capture_stdio logs stderr at error), and warnings spelled `WARNING` / `Warning`.
const ERROR_TEXT = /^(?:ERROR\b|Error\b|STDERR: |Traceback \(most recent call last\))|#012Traceback \(most recent call last\)/
const CRITICAL_TEXT = /^CRITICAL\b/
const WARNING_TEXT = /^(?:WARNING\b|Warning\b|WARN\b)/

/** A severity from swift's wording of a message (`ERROR …`, `STDERR: …`, `WARNING: …`), or null. */
export function textSeverity(text: string): TextSeverity | null {
  if (CRITICAL_TEXT.test(text)) return 'crit'
  if (ERROR_TEXT.test(text)) return 'err'
  if (WARNING_TEXT.test(text)) return 'warning'
  return null
}
