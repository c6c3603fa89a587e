// Where rsyslog writes a message, given a config rsyslog-conf.ts read: the default ruleset followed in
// order, legacy selectors, property filters and RainerScript expressions, `stop` discarding.

import { facilityCode, severityCode, type Facility, type Severity } from './syslog-codes.js'
import type { Expr, Filter, Operand, RsyslogConfig, Statement } from './rsyslog-conf.js'

export interface MessageMeta {
  facility: Facility
  severity: Severity
  /** rsyslog's $programname: the tag without `[pid]` and `:`; swift's log_name. */
  programname: string
}

export interface Route {
  /** Files written, in order, without repeats. */
  files: string[]
  /** A `stop`/`~` ended processing. */
  stopped: boolean
}

/** Which files rsyslog writes a message to, following the default ruleset in order. */
export function routeMessage(config: RsyslogConfig, meta: MessageMeta): Route {
  const files: string[] = []
  const props = messageProperties(meta)
  const run = (statements: Statement[]): boolean => {
    for (const s of statements) {
      if (s.kind === 'action') {
        if (s.action.kind === 'stop') return true
        if (s.action.kind === 'file' && !files.includes(s.action.path)) files.push(s.action.path)
      } else if (run(filterMatches(s.filter, meta, props) ? s.then : s.else)) return true
    }
    return false
  }
  const stopped = run(config.statements)
  return { files, stopped }
}

function messageProperties(meta: MessageMeta): Map<string, string> {
  const fac = facilityCode(meta.facility)
  const sev = severityCode(meta.severity)
  return new Map([
    ['programname', meta.programname],
    ['syslogtag', meta.programname + ':'],
    ['app-name', meta.programname],
    ['syslogfacility', String(fac)],
    ['syslogfacility-text', meta.facility],
    ['syslogseverity', String(sev)],
    ['syslogseverity-text', meta.severity],
    ['syslogpriority', String(sev)],
    ['syslogpriority-text', meta.severity],
    ['pri', String(fac * 8 + sev)],
  ])
}

function filterMatches(filter: Filter, meta: MessageMeta, props: Map<string, string>): boolean {
  if (filter.kind === 'pri') return (((filter.masks[facilityCode(meta.facility)] ?? 0) >> severityCode(meta.severity)) & 1) === 1
  if (filter.kind === 'expr') return evaluate(filter.expr, props)
  const value = props.get(filter.property) ?? ''
  let hit: boolean
  switch (filter.op) {
    case 'contains':
      hit = value.includes(filter.value)
      break
    case 'isequal':
      hit = value === filter.value
      break
    case 'startswith':
      hit = value.startsWith(filter.value)
      break
    case 'isempty':
      hit = value === ''
      break
    case 'ereregex':
      try {
        hit = new RegExp(filter.value).test(value)
      } catch {
        hit = false
      }
      break
    default:
      // POSIX basic regexes and unknown operators: not evaluated.
      hit = false
  }
  return hit !== filter.negate
}

function evaluate(expr: Expr, props: Map<string, string>): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, props) && evaluate(expr.right, props)
    case 'or':
      return evaluate(expr.left, props) || evaluate(expr.right, props)
    case 'not':
      return !evaluate(expr.expr, props)
    case 'unknown':
      return false
    case 'truthy': {
      const v = operandValue(expr.operand, props)
      return typeof v === 'string' ? v !== '' && v !== '0' : v.length > 0
    }
    case 'cmp': {
      const left = operandValue(expr.left, props)
      const right = operandValue(expr.right, props)
      const l = typeof left === 'string' ? left : (left[0] ?? '')
      // `$x == ['a', 'b']` is true when $x equals any element.
      const rights = typeof right === 'string' ? [right] : right
      return rights.some((r) => compare(expr.op, l, r))
    }
  }
}

function operandValue(op: Operand, props: Map<string, string>): string | string[] {
  if (op.kind === 'str') return op.value
  if (op.kind === 'array') return op.values
  return props.get(op.name) ?? ''
}

function compare(op: string, l: string, r: string): boolean {
  const numeric = /^-?\d+$/.test(l) && /^-?\d+$/.test(r)
  const order = numeric ? Number(l) - Number(r) : l < r ? -1 : l > r ? 1 : 0
  switch (op) {
    case '==':
      return order === 0
    case '!=':
    case '<>':
      return order !== 0
    case '<':
      return order < 0
    case '<=':
      return order <= 0
    case '>':
      return order > 0
    case '>=':
      return order >= 0
    case 'contains':
      return l.includes(r)
    case 'contains_i':
      return l.toLowerCase().includes(r.toLowerCase())
    case 'startswith':
      return l.startsWith(r)
    case 'startswith_i':
      return l.toLowerCase().startsWith(r.toLowerCase())
    default:
      return false
  }
}
