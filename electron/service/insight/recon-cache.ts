// A background daemon's last pass, from the recon cache file Swift's daemons write (one JSON line per file,
// rewritten through a temp file and a rename by swift.common.utils.dump_recon_cache).
//
// Where: `recon_cache_path` of the daemon's own conf section (`[object-replicator]`, with [DEFAULT] under it:
// readconf, as run_daemon reads it), default /var/cache/swift (swift/common/recon.py), and the file for its
// type: object.recon, container.recon, account.recon. The keys each daemon writes, from Swift 2.30's sources:
//   object-replicator     object_replication_last (epoch s), object_replication_time (minutes), replication_stats
//                         (swift/obj/replicator.py update_recon)
//   object-reconstructor  object_reconstruction_last (epoch s), object_reconstruction_time (minutes) (obj/reconstructor.py)
//   object-auditor        object_auditor_stats_ALL / _ZBF: passes, errors, quarantined, bytes_processed, flat or
//                         one level per device set, written every log_time while it audits (obj/auditor.py)
//   object-updater        object_updater_sweep (seconds) (obj/updater.py)
//   object-expirer        object_expiration_pass (seconds), expired_last_pass (objects) (obj/expirer.py)
//   {account,container}-replicator  replication_last (epoch s), replication_time (seconds), replication_stats
//                         (common/db_replicator.py _report_stats)
//   {account,container}-auditor     <type>_auditor_pass_completed (seconds), <type>_audits_passed / _failed
//                         (common/db_auditor.py)
//   container-updater     container_updater_sweep (seconds) (container/updater.py)
//   container-sharder     sharding_last (epoch s), sharding_time (seconds), sharding_stats (container/sharder.py)
// account-reaper, container-sync and container-reconciler write none.
// Daemons that record only a duration get "observed" times: the cache file's mtime at the first read where
// their figures changed (the write time of a new pass), so keep one reader and call it every refresh.

import { statSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { confParts, readConf } from '../../supervisor/ini.js'
import { serverConf } from '../logs/conf-logging.js'
import { DEFAULT_RECON_CACHE_PATH } from './wsgi-ports.js'

export interface DaemonPass {
  daemon: string
  cacheFile: string
  /** Whether the cache holds any of this daemon's keys (false: no pass finished yet, or no cache file). */
  found: boolean
  /** When the last pass ended (or, for the object auditor, last reported), epoch ms; null when not known. */
  lastPassAt: number | null
  /** `recorded`: the daemon's own timestamp; `observed`: the cache file's mtime when its figures were seen to change. */
  lastPassAtSource: 'recorded' | 'observed' | null
  /** How long the last pass took, in seconds, when the daemon records it. */
  durationSec: number | null
  /** The pass's other figures by name: successes, failures, objects expired, quarantined… */
  counts: Record<string, number>
}

export type DaemonPassRead = { ok: true; pass: DaemonPass } | { ok: false; daemon: string; error: string }

type Json = Record<string, unknown>
interface Figures {
  lastSec: number | null
  durationSec: number | null
  counts: Record<string, number>
  /** Which keys matter, for telling whether a pass was written since the last read. */
  keys: string[]
}
type Spec = { file: 'object.recon' | 'container.recon' | 'account.recon'; figures: (data: Json) => Figures }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
/** The numeric entries of an object (a stats dict), nested ones left out. */
function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) if (num(x) !== null) out[k] = x as number
  return out
}

function replicator(type: 'account' | 'container'): Spec {
  return {
    file: `${type}.recon`,
    figures: (d) => ({
      lastSec: num(d['replication_last']),
      durationSec: num(d['replication_time']),
      counts: numbers(d['replication_stats']),
      keys: ['replication_last', 'replication_time'],
    }),
  }
}

function dbAuditor(type: 'account' | 'container'): Spec {
  const k = (s: string) => `${type}_${s}`
  return {
    file: `${type}.recon`,
    figures: (d) => ({
      lastSec: null,
      durationSec: num(d[k('auditor_pass_completed')]),
      counts: Object.fromEntries(
        [['passed', k('audits_passed')] as const, ['failed', k('audits_failed')] as const].flatMap(([name, key]) => {
          const v = num(d[key])
          return v === null ? [] : [[name, v]]
        }),
      ),
      keys: [k('auditor_pass_completed'), k('audits_passed'), k('audits_failed'), k('audits_since')],
    }),
  }
}

/** Both object auditor kinds, flat or per device set, summed. */
function objectAuditorCounts(d: Json): Record<string, number> {
  const sum: Record<string, number> = {}
  const add = (stats: Record<string, number>) => {
    for (const name of ['passes', 'errors', 'quarantined', 'bytes_processed'])
      if (stats[name] !== undefined) sum[name] = (sum[name] ?? 0) + stats[name]
  }
  for (const key of ['object_auditor_stats_ALL', 'object_auditor_stats_ZBF']) {
    const entry = d[key]
    if (typeof entry !== 'object' || entry === null) continue
    const flat = numbers(entry)
    if (Object.keys(flat).length > 0) add(flat)
    else for (const perDevices of Object.values(entry)) add(numbers(perDevices))
  }
  return sum
}

const SPECS: Record<string, Spec> = {
  'object-replicator': {
    file: 'object.recon',
    figures: (d) => {
      const minutes = num(d['object_replication_time'])
      return {
        lastSec: num(d['object_replication_last']) ?? num(d['replication_last']),
        durationSec: minutes === null ? null : minutes * 60,
        counts: numbers(d['replication_stats']),
        keys: ['object_replication_last', 'object_replication_time'],
      }
    },
  },
  'object-reconstructor': {
    file: 'object.recon',
    figures: (d) => {
      const minutes = num(d['object_reconstruction_time'])
      return {
        lastSec: num(d['object_reconstruction_last']),
        durationSec: minutes === null ? null : minutes * 60,
        counts: {},
        keys: ['object_reconstruction_last', 'object_reconstruction_time'],
      }
    },
  },
  'object-auditor': {
    file: 'object.recon',
    figures: (d) => ({
      lastSec: null,
      durationSec: null,
      counts: objectAuditorCounts(d),
      keys: ['object_auditor_stats_ALL', 'object_auditor_stats_ZBF'],
    }),
  },
  'object-updater': {
    file: 'object.recon',
    figures: (d) => ({ lastSec: null, durationSec: num(d['object_updater_sweep']), counts: {}, keys: ['object_updater_sweep'] }),
  },
  'object-expirer': {
    file: 'object.recon',
    figures: (d): Figures => {
      const expired = num(d['expired_last_pass'])
      return {
        lastSec: null,
        durationSec: num(d['object_expiration_pass']),
        counts: expired === null ? {} : { expired },
        keys: ['object_expiration_pass', 'expired_last_pass'],
      }
    },
  },
  'account-replicator': replicator('account'),
  'container-replicator': replicator('container'),
  'account-auditor': dbAuditor('account'),
  'container-auditor': dbAuditor('container'),
  'container-updater': {
    file: 'container.recon',
    figures: (d) => ({ lastSec: null, durationSec: num(d['container_updater_sweep']), counts: {}, keys: ['container_updater_sweep'] }),
  },
  'container-sharder': {
    file: 'container.recon',
    figures: (d) => ({
      lastSec: num(d['sharding_last']),
      durationSec: num(d['sharding_time']),
      counts: numbers(d['sharding_stats']),
      keys: ['sharding_last', 'sharding_time'],
    }),
  },
}

/** Whether `daemon` leaves its last pass in a recon cache file (the daemons SPECS lists). */
export function hasReconCache(daemon: string): boolean {
  return Object.hasOwn(SPECS, daemon)
}

/** Re-reads a cache file only when its inode, size or mtime changed; remembers figures to observe new passes. */
export class ReconCacheReader {
  private files = new Map<string, { key: string; mtimeMs: number; data: Json }>()
  private confs = new Map<string, { key: string; cachePath: string }>()
  private seen = new Map<string, { signature: string; observedAt: number | null }>()

  /** The last pass of `daemon` as configured by confFile; null for a daemon that writes no recon cache. Never throws. */
  read(daemon: string, confFile: string): DaemonPassRead | null {
    const spec = SPECS[daemon]
    if (!spec) return null
    let cacheFile: string
    try {
      cacheFile = join(this.cachePath(daemon, confFile), spec.file)
    } catch (e) {
      return { ok: false, daemon, error: (e as Error).message }
    }
    let file: { mtimeMs: number; data: Json } | null
    try {
      file = this.readFile(cacheFile)
    } catch (e) {
      return { ok: false, daemon, error: `cannot read ${cacheFile}: ${(e as Error).message}` }
    }
    const figures = file ? spec.figures(file.data) : { lastSec: null, durationSec: null, counts: {}, keys: [] }
    const found = file !== null && figures.keys.some((k) => k in (file?.data ?? {}))
    const observedAt = file && found ? this.observe(`${cacheFile}\0${daemon}`, figures, file) : null
    const lastPassAt = figures.lastSec !== null ? Math.round(figures.lastSec * 1000) : observedAt
    return {
      ok: true,
      pass: {
        daemon,
        cacheFile,
        found,
        lastPassAt,
        lastPassAtSource: figures.lastSec !== null ? 'recorded' : observedAt !== null ? 'observed' : null,
        durationSec: figures.durationSec,
        counts: figures.counts,
      },
    }
  }

  /** recon_cache_path of the daemon's section, cached until one of the conf's files changes. */
  private cachePath(daemon: string, confFile: string): string {
    const key = confParts(confFile)
      .map((p) => {
        const st = statSync(p)
        return `${p}:${st.ino}:${st.size}:${st.mtimeMs}`
      })
      .join('|')
    const hit = this.confs.get(`${daemon}\0${confFile}`)
    if (hit?.key === key) return hit.cachePath
    const { conf } = serverConf(daemon, readConf(confFile), confFile)
    const cachePath = conf['recon_cache_path'] ?? DEFAULT_RECON_CACHE_PATH
    this.confs.set(`${daemon}\0${confFile}`, { key, cachePath })
    return cachePath
  }

  /** The parsed cache file, or null when it does not exist yet. Throws when unreadable or not JSON. */
  private readFile(path: string): { mtimeMs: number; data: Json } | null {
    let st
    try {
      st = statSync(path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
    const key = `${st.ino}:${st.size}:${st.mtimeMs}`
    const hit = this.files.get(path)
    if (hit?.key === key) return hit
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
    const entry = { key, mtimeMs: st.mtimeMs, data: parsed as Json }
    this.files.set(path, entry)
    return entry
  }

  /** The mtime of the read that first showed these figures, when a change was seen; null before any change. */
  private observe(key: string, figures: Figures, file: { mtimeMs: number; data: Json }): number | null {
    const signature = JSON.stringify(figures.keys.map((k) => file.data[k] ?? null))
    const prev = this.seen.get(key)
    if (!prev) {
      this.seen.set(key, { signature, observedAt: null })
      return null
    }
    if (prev.signature !== signature) this.seen.set(key, { signature, observedAt: Math.round(file.mtimeMs) })
    return this.seen.get(key)?.observedAt ?? null
  }
}
