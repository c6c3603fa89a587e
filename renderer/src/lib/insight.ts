// What the service's insight says about an instance, in the panel's words: the tone of a health word, a last
// pass and worker generations in a sentence, and how tall an instance's details row is (the table computes
// its rows' heights, never measures them, so the details row says what it holds by the same rule).

import type { Tone } from '../../../shared/cluster-summary'
import type { HealthWord, InstanceInfo, LastPass, OrphanInfo, ReconDetails, WorkerInfo } from '../../../shared/types'
import { seconds, stamp } from './format'

/** healthy reads green; a running server that does not answer, amber (as the badge and the tray); disabled by file, grey. */
export const HEALTH_TONE: Readonly<Record<HealthWord, Tone>> = {
  healthy: 'ok',
  unhealthy: 'warn',
  'not listening': 'warn',
  disabled: 'idle',
}

/** The servers that answer recon (with the recon filter in their pipeline): storage servers. */
export const offersRecon = (i: InstanceInfo): boolean => i.recon

/** A daemon's last pass in a sentence, for a title: when, how long it took, its figures, whose time it is. */
export function lastPassSentence(p: LastPass): string {
  if (p.error) return `Its recon cache cannot be read: ${p.error}`
  if (p.at === null) return 'No pass has finished yet (nothing in its recon cache).'
  const when = `The last pass ended ${stamp(p.at)}`
  const took = p.durationSec === null ? '' : `, took ${seconds(p.durationSec)}`
  const whose = p.source === 'observed' ? '; the time is when the panel saw its figures change' : ''
  const counts = Object.entries(p.counts).map(([k, v]) => `${k} ${v}`)
  return `${when}${took}${whose}.${counts.length ? ` ${counts.join(', ')}.` : ''}`
}

/** Worker pids with their uptime, the old generation (finishing its requests after a reload) marked. */
export function workersSentence(workers: readonly WorkerInfo[], now: number, uptime: (startedAt: number, now: number) => string): string {
  const one = (w: WorkerInfo) => `${w.pid} up ${uptime(w.startedAt, now)}${w.generation === 'old' ? ' (old)' : ''}`
  const current = workers.filter((w) => w.generation === 'current')
  const old = workers.filter((w) => w.generation === 'old')
  return old.length
    ? `new: ${current.map(one).join(', ') || 'none yet'}; old, finishing after a reload: ${old.map(one).join(', ')}`
    : current.map(one).join(', ')
}

/** The workers cell: their count, `2+2` while an old generation finishes (new + old). */
export function workersCount(workers: readonly WorkerInfo[]): string {
  const old = workers.filter((w) => w.generation === 'old').length
  return workers.length === 0 ? '—' : old ? `${workers.length - old}+${old}` : String(workers.length)
}

/** What an orphan is, in a few words: `worker, still serving`. */
export const orphanWords = (o: OrphanInfo): string =>
  `${o.role}${o.listening === true ? ', still serving' : o.listening === false ? ', not serving' : ''}`
/** Outcomes of "Stop orphans" that leave the process running. */
export const leftRunning = (outcome: string): boolean => outcome === 'survived' || outcome === 'no permission'

/** An orphan with its pid: `4243 worker, still serving`. */
export const orphanText = (o: OrphanInfo): string => `${o.pid} ${orphanWords(o)}`

/** An instance's recon read, as the insight store keeps it. */
export interface ReconRead {
  /** When it was asked (epoch ms): another read waits RECON_EVERY_MS from then. */
  at: number
  loading: boolean
  details: ReconDetails | null
  error: string | null
}

/** Disk usage lines shown per instance; more devices are summed up in one line. */
export const DEVICES_SHOWN = 6

/** Row height of a details line, and the details row's padding: each line is one line, never wrapped. */
export const DETAILS_LINE = 22
const DETAILS_PAD = 14

/** The lines each side of an instance's details row holds, and those of its recon answers. */
export function detailsLines(i: InstanceInfo, recon: ReconRead | undefined): { left: number; right: number; recon: number } {
  const left = 4 + (i.workers.length ? 1 : 0)
  const wsgi = i.group === 'main'
  const right = (wsgi ? 2 : 1) + (i.orphans.length ? 1 : 0) + (offersRecon(i) ? 1 : 0)
  const d = recon?.details
  const devices = d?.diskUsage.ok ? d.diskUsage.value.length : 0
  const reconLines = d ? 3 + Math.max(1, Math.min(devices, DEVICES_SHOWN)) + (devices > DEVICES_SHOWN ? 1 : 0) : 0
  return { left, right, recon: reconLines }
}

/** The details row's height in px, from what it holds. */
export function detailsHeight(i: InstanceInfo, recon: ReconRead | undefined): number {
  const n = detailsLines(i, recon)
  return DETAILS_PAD + (Math.max(n.left, n.right) + n.recon) * DETAILS_LINE
}
