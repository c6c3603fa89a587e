import { renameSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ReconCacheReader } from '../../electron/service/insight/recon-cache.js'
import { removeTempDirs, tempDir, writeAt } from './helpers.js'

afterAll(removeTempDirs)

/** Writes a cache file the way dump_recon_cache does: one JSON line, sorted keys, temp file renamed over it; mtime set. */
function dump(path: string, data: Record<string, unknown>, mtimeSec: number): void {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)))
  writeFileSync(`${path}.tmp`, JSON.stringify(sorted) + '\n')
  utimesSync(`${path}.tmp`, mtimeSec, mtimeSec)
  renameSync(`${path}.tmp`, path)
}

describe('recon caches', () => {
  const root = tempDir()
  const cache = join(root, 'cache')
  const conf = writeAt(
    root,
    'etc/object-server/1.conf',
    `[DEFAULT]\nrecon_cache_path = ${cache}\n[app:object-server]\n[object-replicator]\n[object-updater]\n[object-expirer]\n[object-auditor]\nrecon_cache_path = ${root}/elsewhere\n`,
  )
  const containerConf = writeAt(
    root,
    'etc/container-server/1.conf',
    `[DEFAULT]\nrecon_cache_path = ${cache}\n[container-replicator]\n[container-auditor]\n[container-sharder]\n`,
  )
  writeAt(cache, '.keep', '')

  it("reads the replicator's recorded last pass and duration (minutes for objects, seconds for databases)", () => {
    dump(
      join(cache, 'object.recon'),
      {
        object_replication_last: 1764400000.5,
        object_replication_time: 0.5,
        replication_last: 1764400000.5,
        replication_time: 0.5,
        replication_stats: { attempted: 12, success: 24, failure: 1, hashmatch: 20, failure_nodes: { '127.0.0.1': { sdb1: 1 } } },
      },
      1764400001,
    )
    dump(
      join(cache, 'container.recon'),
      { replication_last: 1764400100, replication_time: 2.25, replication_stats: { attempted: 3, success: 6, failure: 0 } },
      1764400101,
    )
    const reader = new ReconCacheReader()
    expect(reader.read('object-replicator', conf)).toEqual({
      ok: true,
      pass: {
        daemon: 'object-replicator',
        cacheFile: join(cache, 'object.recon'),
        found: true,
        lastPassAt: 1764400000500,
        lastPassAtSource: 'recorded',
        durationSec: 30,
        counts: { attempted: 12, success: 24, failure: 1, hashmatch: 20 },
      },
    })
    expect(reader.read('container-replicator', containerConf)).toMatchObject({
      ok: true,
      pass: { lastPassAt: 1764400100000, durationSec: 2.25, counts: { attempted: 3, success: 6, failure: 0 } },
    })
  })

  it('observes when a daemon that records only a duration finished a pass: the mtime of the write that changed it', () => {
    const reader = new ReconCacheReader()
    const path = join(cache, 'object.recon')
    dump(path, { object_updater_sweep: 1.5, object_expiration_pass: 0.2, expired_last_pass: 3 }, 1764400200)
    // first look: the figures are there, but when they were written is not known
    expect(reader.read('object-updater', conf)).toMatchObject({
      ok: true,
      pass: { found: true, lastPassAt: null, lastPassAtSource: null, durationSec: 1.5 },
    })
    expect(reader.read('object-expirer', conf)).toMatchObject({ ok: true, pass: { lastPassAt: null, counts: { expired: 3 } } })
    // another daemon writes the shared file: the updater's figures did not change, so nothing is observed
    dump(path, { object_updater_sweep: 1.5, object_expiration_pass: 0.4, expired_last_pass: 5 }, 1764400300)
    expect(reader.read('object-updater', conf)).toMatchObject({ ok: true, pass: { lastPassAt: null } })
    expect(reader.read('object-expirer', conf)).toMatchObject({
      ok: true,
      pass: { lastPassAt: 1764400300000, lastPassAtSource: 'observed', durationSec: 0.4, counts: { expired: 5 } },
    })
    dump(path, { object_updater_sweep: 2.5, object_expiration_pass: 0.4, expired_last_pass: 5 }, 1764400400)
    expect(reader.read('object-updater', conf)).toMatchObject({
      ok: true,
      pass: { lastPassAt: 1764400400000, lastPassAtSource: 'observed', durationSec: 2.5 },
    })
    // unchanged file: the observed time stays
    expect(reader.read('object-expirer', conf)).toMatchObject({ ok: true, pass: { lastPassAt: 1764400300000 } })
  })

  it('re-reads a cache file only when it changed', () => {
    const reader = new ReconCacheReader()
    const path = join(cache, 'container.recon')
    dump(path, { container_auditor_pass_completed: 4.5, container_audits_passed: 7, container_audits_failed: 0 }, 1764400500)
    expect(reader.read('container-auditor', containerConf)).toMatchObject({
      ok: true,
      pass: { durationSec: 4.5, counts: { passed: 7, failed: 0 } },
    })
    // same size, same mtime, same inode: the reader keeps what it parsed
    writeFileSync(
      path,
      JSON.stringify({ container_auditor_pass_completed: 9.5, container_audits_passed: 8, container_audits_failed: 0 }) + '\n',
    )
    utimesSync(path, 1764400500, 1764400500)
    expect(reader.read('container-auditor', containerConf)).toMatchObject({ ok: true, pass: { durationSec: 4.5 } })
    utimesSync(path, 1764400501, 1764400501)
    expect(reader.read('container-auditor', containerConf)).toMatchObject({ ok: true, pass: { durationSec: 9.5, counts: { passed: 8 } } })
  })

  it("sums the object auditor's stats, flat or per device set; follows the daemon's own recon_cache_path", () => {
    const elsewhere = join(root, 'elsewhere')
    writeAt(elsewhere, '.keep', '')
    dump(
      join(elsewhere, 'object.recon'),
      {
        object_auditor_stats_ALL: {
          sdb1sdb2: { passes: 10, errors: 1, quarantined: 2, bytes_processed: 100, start_time: 1, audit_time: 2 },
        },
        object_auditor_stats_ZBF: { passes: 5, errors: 0, quarantined: 1, bytes_processed: 0, start_time: 1, audit_time: 1 },
      },
      1764400600,
    )
    expect(new ReconCacheReader().read('object-auditor', conf)).toMatchObject({
      ok: true,
      pass: { cacheFile: join(elsewhere, 'object.recon'), counts: { passes: 15, errors: 1, quarantined: 3, bytes_processed: 100 } },
    })
  })

  it('says plainly what is missing or broken, and nothing for daemons that keep no recon cache', () => {
    const reader = new ReconCacheReader()
    expect(reader.read('container-sharder', containerConf)).toMatchObject({ ok: true, pass: { found: false, lastPassAt: null } })
    const empty = writeAt(root, 'etc/account-server/1.conf', `[DEFAULT]\nrecon_cache_path = ${root}/none\n[account-replicator]\n`)
    expect(reader.read('account-replicator', empty)).toMatchObject({
      ok: true,
      pass: { found: false, cacheFile: `${root}/none/account.recon` },
    })
    writeAt(root, 'bad/account.recon', '{"replication_last": ')
    const bad = writeAt(root, 'etc/account-server/2.conf', `[DEFAULT]\nrecon_cache_path = ${root}/bad\n[account-replicator]\n`)
    expect(reader.read('account-replicator', bad)).toMatchObject({
      ok: false,
      error: expect.stringContaining(`cannot read ${root}/bad/account.recon`) as unknown,
    })
    expect(reader.read('account-auditor', empty)).toMatchObject({
      ok: false,
      error: expect.stringContaining('no [account-auditor] section') as unknown,
    })
    expect(reader.read('account-reaper', empty)).toBeNull()
    expect(reader.read('object-replicator', join(root, 'missing.conf'))).toMatchObject({ ok: false })
  })
})
