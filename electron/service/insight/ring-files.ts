// Swift's ring files, read the way Swift reads them: their md5 (what `/recon/ringmd5` and `swift-recon --md5`
// compare) and their devices (what an object server with servers_per_port binds to).
//
// Follows swift/common/ring/ring.py (RingData.load, deserialize_v1: gzip; b'R1NG', a big-endian uint16 format
// version 1, a big-endian uint32 length, that many bytes of JSON with `devs`), swift/common/utils.py
// (md5_hash_for_file: md5 of the file's bytes, gzip and all) and swift/common/storage_policy.py (BindPortsCache).

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'

export interface RingDevice {
  id: number
  ip: string
  port: number
  device: string
}

interface Cached<T> {
  key: string
  value: T
}
const md5s = new Map<string, Cached<string>>()
const devices = new Map<string, Cached<RingDevice[]>>()

/** Identity of a file's current content, cheap to get: a rewritten ring gets a new inode, mtime or size. */
function fileKey(path: string): string {
  const st = statSync(path)
  return `${st.ino}:${st.size}:${st.mtimeMs}`
}

function cached<T>(cache: Map<string, Cached<T>>, path: string, read: () => T): T {
  const key = fileKey(path)
  const hit = cache.get(path)
  if (hit?.key === key) return hit.value
  const value = read()
  cache.set(path, { key, value })
  return value
}

/** Hex md5 of a ring file's bytes; null when it does not exist. Re-read only when the file changed. Throws on other errors. */
export function ringMd5(path: string): string | null {
  try {
    return cached(md5s, path, () => createHash('md5').update(readFileSync(path)).digest('hex'))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

/**
 * The devices of a v1 ring file (`devs`, holes left out). Throws on a missing file, a pickled pre-2.0 ring
 * (Swift falls back to pickle; we do not unpickle) or a malformed one. Re-read only when the file changed.
 */
export function ringDevices(path: string): RingDevice[] {
  return cached(devices, path, () => parseRing(readFileSync(path), path))
}

function parseRing(gz: Buffer, path: string): RingDevice[] {
  const raw = gunzipSync(gz)
  if (raw.toString('latin1', 0, 4) !== 'R1NG') throw new Error(`${path} is not a v1 ring (a pickled ring is not read)`)
  const version = raw.readUInt16BE(4)
  if (version !== 1) throw new Error(`Unknown ring format version ${version} in ${path}`)
  const length = raw.readUInt32BE(6)
  const header = JSON.parse(raw.toString('utf8', 10, 10 + length)) as { devs?: unknown }
  if (!Array.isArray(header.devs)) throw new Error(`${path} has no devices`)
  return header.devs.filter(isDevice)
}

function isDevice(d: unknown): d is RingDevice {
  if (typeof d !== 'object' || d === null) return false
  const dev = d as Record<string, unknown>
  return typeof dev['ip'] === 'string' && typeof dev['port'] === 'number'
}

/** The object rings in a swift dir (`object.ring.gz`, `object-1.ring.gz`, …), as swift-recon lists them. */
export function objectRingFiles(swiftDir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(swiftDir)
  } catch {
    return []
  }
  return names
    .filter((n) => n.startsWith('object') && n.endsWith('.ring.gz'))
    .sort()
    .map((n) => join(swiftDir, n))
}
