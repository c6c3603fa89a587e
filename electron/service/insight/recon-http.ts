// A storage server's recon answers, asked over HTTP on demand and at most every 10 s per instance.
//
// Follows swift/common/middleware/recon.py (ReconMiddleware.GET, Swift 2.30):
//   /recon/async        {"async_pending": N, "async_pending_last": epoch s}  (object.recon, written by swift-recon-cron;
//                       both null until it ran)
//   /recon/quarantined  {"objects": N, "containers": N, "accounts": N, "policies": {"<index>": {"objects": N}}}
//   /recon/diskusage    [{"device", "mounted": true | false | "<error>", "size", "used", "avail"}] (sizes in bytes,
//                       "" when not mounted)
//   /recon/ringmd5      {"<swift_dir>/<name>.ring.gz": md5 | null} for the account, container and every policy's object ring
// and swift/cli/recon.py get_ringmd5 (`swift-recon --md5`): each ring the server reports is compared by file name
// with the md5 of the same ring in the local swift dir (md5 of the file's bytes); a ring missing locally disagrees.

import { basename, join } from 'node:path'
import { httpGet } from './http-get.js'
import { ringMd5 } from './ring-files.js'

export const RECON_MIN_INTERVAL_MS = 10_000

export type ReconPart<T> = { ok: true; value: T } | { ok: false; error: string }

export interface AsyncPendings {
  asyncPending: number | null
  /** When swift-recon-cron last counted them, epoch ms. */
  asyncPendingLastAt: number | null
}

export interface QuarantineCounts {
  objects: number
  containers: number
  accounts: number
  /** Quarantined objects per storage policy index. */
  policies: Record<string, number>
}

export interface DiskUsage {
  device: string
  /** true, false (not a mount point, with mount_check's rules), or the error Swift met checking it. */
  mounted: boolean | string
  /** Bytes; null when the device is not mounted. */
  size: number | null
  used: number | null
  avail: number | null
}

export interface RingAgreement {
  /** The ring file's name, e.g. `object-1.ring.gz`. */
  ring: string
  /** The path the server reports (in its own swift_dir). */
  serverPath: string
  serverMd5: string | null
  /** md5 of the ring of that name in the profile's swift dir; null when there is none. */
  localMd5: string | null
  agrees: boolean
}

export interface ReconReport {
  id: string
  /** When the answers were asked for, epoch ms. */
  fetchedAt: number
  async: ReconPart<AsyncPendings>
  quarantined: ReconPart<QuarantineCounts>
  diskUsage: ReconPart<DiskUsage[]>
  rings: ReconPart<RingAgreement[]>
}

export interface ReconTarget {
  /** The instance id, e.g. `object-server.1`. */
  id: string
  host: string
  port: number
}

export interface ReconClientOptions {
  /** The profile's swift dir, whose rings the servers' must match. */
  swiftDir: string
  /** Per request, in ms (default 1000). */
  timeoutMs?: number
  /** Answers younger than this are served from the cache (default 10 s). */
  minIntervalMs?: number
  now?: () => number
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export class ReconClient {
  private cache = new Map<string, { at: number; report: Promise<ReconReport> }>()
  private readonly timeoutMs: number
  private readonly minIntervalMs: number
  private readonly now: () => number

  constructor(private readonly options: ReconClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000
    this.minIntervalMs = options.minIntervalMs ?? RECON_MIN_INTERVAL_MS
    this.now = options.now ?? Date.now
  }

  /** The instance's recon answers: fresh when the last ask is minIntervalMs old or more, else that ask's. Never rejects. */
  get(target: ReconTarget): Promise<ReconReport> {
    const key = `${target.id}\0${target.host}\0${target.port}`
    const hit = this.cache.get(key)
    const now = this.now()
    if (hit && now - hit.at < this.minIntervalMs) return hit.report
    const report = this.fetch(target, now)
    this.cache.set(key, { at: now, report })
    return report
  }

  /** Forgets instances that are gone (so the cache does not grow with renamed confs). */
  retain(ids: ReadonlySet<string>): void {
    for (const key of this.cache.keys()) if (!ids.has(key.slice(0, key.indexOf('\0')))) this.cache.delete(key)
  }

  private async fetch(target: ReconTarget, fetchedAt: number): Promise<ReconReport> {
    const ask = async <T>(what: string, read: (json: unknown) => T): Promise<ReconPart<T>> => {
      const outcome = await httpGet(target.host, target.port, `/recon/${what}`, { timeoutMs: this.timeoutMs, maxBodyBytes: 1 << 20 })
      if (outcome.kind === 'refused') return { ok: false, error: 'not listening' }
      if (outcome.kind === 'timeout') return { ok: false, error: `no answer within ${this.timeoutMs} ms` }
      if (outcome.kind === 'error') return { ok: false, error: outcome.message }
      if (outcome.status !== 200)
        return { ok: false, error: `HTTP ${outcome.status} from /recon/${what} (is the recon filter in the pipeline?)` }
      try {
        return { ok: true, value: read(JSON.parse(outcome.body)) }
      } catch (e) {
        return { ok: false, error: `/recon/${what}: ${(e as Error).message}` }
      }
    }
    const [async, quarantined, diskUsage, rings] = await Promise.all([
      ask('async', readAsync),
      ask('quarantined', readQuarantined),
      ask('diskusage', readDiskUsage),
      ask('ringmd5', (json) => compareRings(json, this.options.swiftDir)),
    ])
    return { id: target.id, fetchedAt, async, quarantined, diskUsage, rings }
  }
}

function readAsync(json: unknown): AsyncPendings {
  if (!isObject(json)) throw new Error('not an object')
  const last = num(json['async_pending_last'])
  return { asyncPending: num(json['async_pending']), asyncPendingLastAt: last === null ? null : Math.round(last * 1000) }
}

function readQuarantined(json: unknown): QuarantineCounts {
  if (!isObject(json)) throw new Error('not an object')
  const policies: Record<string, number> = {}
  if (isObject(json['policies'])) {
    for (const [index, p] of Object.entries(json['policies'])) if (isObject(p)) policies[index] = num(p['objects']) ?? 0
  }
  return { objects: num(json['objects']) ?? 0, containers: num(json['containers']) ?? 0, accounts: num(json['accounts']) ?? 0, policies }
}

function readDiskUsage(json: unknown): DiskUsage[] {
  if (!Array.isArray(json)) throw new Error('not a list')
  return json.filter(isObject).map((d) => ({
    device: String(d['device']),
    mounted: typeof d['mounted'] === 'string' ? d['mounted'] : d['mounted'] === true,
    size: num(d['size']),
    used: num(d['used']),
    avail: num(d['avail']),
  }))
}

/** swift-recon --md5: each ring the server reports against the local ring of the same name. */
export function compareRings(json: unknown, swiftDir: string): RingAgreement[] {
  if (!isObject(json)) throw new Error('not an object')
  return Object.entries(json)
    .map(([serverPath, md5]) => {
      const ring = basename(serverPath)
      let localMd5: string | null
      try {
        localMd5 = ringMd5(join(swiftDir, ring))
      } catch {
        localMd5 = null
      }
      const serverMd5 = typeof md5 === 'string' ? md5 : null
      return { ring, serverPath, serverMd5, localMd5, agrees: serverMd5 !== null && serverMd5 === localMd5 }
    })
    .sort((a, b) => a.ring.localeCompare(b.ring))
}
