import type { LastExit } from '../../../shared/types'

export function uptime(startedAt: number | null, now: number): string {
  if (!startedAt) return '—'
  let s = Math.max(0, Math.floor((now - startedAt) / 1000))
  const d = Math.floor(s / 86400)
  s %= 86400
  const h = Math.floor(s / 3600)
  s %= 3600
  const m = Math.floor(s / 60)
  s %= 60
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`
}

export function bytes(n: number | null): string {
  if (n === null) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`
}

export const percent = (p: number | null): string => (p === null ? '—' : `${p.toFixed(1)}%`)

/** Local wall-clock time with milliseconds: log lines are read against each other, not against dates. */
export const clock = (ts: number): string => {
  const d = new Date(ts)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** Local date and time to the second, for when something started or ended: `2026-11-29 08:41:07`. */
export const stamp = (ts: number): string => {
  const d = new Date(ts)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock(ts).slice(0, 8)}`
}

/**
 * A path cut where it may be shortened: `tail` is its last two parts (`object-server/2.conf`), what tells one
 * instance's file from another's, and stays whole on screen; `head` is the rest, ellipsised first.
 */
export function pathEnds(path: string): { head: string; tail: string } {
  const cut = path.lastIndexOf('/', path.lastIndexOf('/') - 1)
  return cut <= 0 ? { head: '', tail: path } : { head: path.slice(0, cut + 1), tail: path.slice(cut + 1) }
}

/** Signal names for the exit statuses a killed daemon shows (-N: killed by signal N, as Popen.returncode says). */
const SIGNALS: Readonly<Record<number, string>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
}

/** An exit status in a few characters: `0`, `1`, `SIGKILL`, `signal 10`. */
export const exitCode = (code: number): string => (code >= 0 ? String(code) : (SIGNALS[-code] ?? `signal ${-code}`))

/** How an instance last ended, in a sentence that says whose status it is. */
export function exitSentence(e: LastExit): string {
  const how = e.code >= 0 ? `exited ${e.code}` : `was killed by ${exitCode(e.code)}`
  return e.source === 'process'
    ? `It ${how} (its own status: the panel started it and saw it end), at ${stamp(e.at)}.`
    : `The last command on it ${how} (the command's status: the panel did not see the process itself end), at ${stamp(e.at)}.`
}

/** How long ago, in a few characters: `just now`, `12 s ago`, `2 min ago`, `3 h ago`, `2 d ago`. */
export function ago(ts: number, now: number): string {
  const s = Math.floor((now - ts) / 1000)
  if (s < 2) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} d ago`
}

/** A duration given in seconds, to a reader's precision: `24 ms`, `1.20 s`, `12.3 s`, `2 min 5 s`, `1 h 4 min`. */
export function seconds(sec: number): string {
  if (sec < 1) return `${Math.round(sec * 1000)} ms`
  if (sec < 10) return `${sec.toFixed(2)} s`
  if (sec < 60) return `${sec.toFixed(1)} s`
  const m = Math.floor(sec / 60)
  return m < 60 ? `${m} min ${Math.round(sec % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

/** A WSGI server's ports as its row shows them: the first, and `+N` for the others (`:6010 +1`); '' for none. */
export function portsText(ports: readonly number[]): string {
  const [first] = ports
  if (first === undefined) return ''
  return ports.length > 1 ? `:${first} +${ports.length - 1}` : `:${first}`
}
