// Syslog facility and severity codes (RFC 5424 numbering), with the names rsyslog and Python's SysLogHandler use.

import type { SyslogSeverity } from '../../../shared/types.js'

/** Facility names indexed by code, as rsyslog spells them (13–15 differ between implementations). */
export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'clock',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const
export type Facility = (typeof FACILITIES)[number]

/** Severity names indexed by code: 0 is the most severe. */
export const SEVERITIES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
] as const satisfies readonly SyslogSeverity[]
export type Severity = (typeof SEVERITIES)[number]

// rsyslog accepts these older spellings in selectors and comparisons.
const FACILITY_ALIASES: Record<string, number> = { security: 4 }
const SEVERITY_ALIASES: Record<string, number> = { panic: 0, error: 3, warn: 4 }

/** A facility's code; any Facility has one, other names (aliases, typos) may not. */
export function facilityCode(name: Facility): number
export function facilityCode(name: string): number | null
export function facilityCode(name: string): number | null {
  const n = name.toLowerCase()
  const i = (FACILITIES as readonly string[]).indexOf(n)
  return i >= 0 ? i : (FACILITY_ALIASES[n] ?? null)
}

export function severityCode(name: Severity): number
export function severityCode(name: string): number | null
export function severityCode(name: string): number | null {
  const n = name.toLowerCase()
  const i = (SEVERITIES as readonly string[]).indexOf(n)
  return i >= 0 ? i : (SEVERITY_ALIASES[n] ?? null)
}

export function facilityName(code: number): Facility | null {
  return FACILITIES[code] ?? null
}

export function severityName(code: number): Severity | null {
  return SEVERITIES[code] ?? null
}
