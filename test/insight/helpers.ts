// Shared bits of the insight tests: throwaway directories, confs and rings written the way Swift writes them.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'

const made: string[] = []

/** A fresh directory under the temp dir, removed by removeTempDirs(). */
export function tempDir(prefix = 'swift-panel-insight-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Writes text at base/path, creating directories; returns the full path. */
export function writeAt(base: string, path: string, text: string | Buffer): string {
  const full = join(base, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, text)
  return full
}

/** A v1 ring file as RingData.serialize_v1 writes it: gzip(b'R1NG', uint16 1, uint32 len, JSON, part2dev arrays). */
export function ringFile(devs: ({ id: number; ip: string; port: number; device: string } | null)[], partPower = 2): Buffer {
  const json = Buffer.from(JSON.stringify({ byteorder: 'little', devs, part_shift: 32 - partPower, replica_count: 1 }))
  const head = Buffer.alloc(10)
  head.write('R1NG', 0, 'latin1')
  head.writeUInt16BE(1, 4)
  head.writeUInt32BE(json.length, 6)
  return gzipSync(Buffer.concat([head, json, Buffer.alloc(2 << partPower)]))
}
