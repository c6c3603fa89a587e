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

/** A path shown relative to the folder it is expected in; the full path stays available to copy. */
export const under = (path: string, dir: string | undefined): string =>
  dir && path.startsWith(`${dir.replace(/\/$/, '')}/`) ? path.slice(dir.replace(/\/$/, '').length + 1) : path
