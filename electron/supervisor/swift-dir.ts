// Whether a path lies inside a profile's swift dir: the line no scan, orphan search or insight action crosses.

import { realpathSync } from 'node:fs'
import { normalize } from 'node:path'

/** The swift dir and, if it differs, its real path, each ending in `/`: a path is inside when it starts with one. */
export function dirPrefixes(swiftDir: string): string[] {
  const plain = normalize(swiftDir).replace(/\/+$/, '') + '/'
  try {
    const real = realpathSync(swiftDir).replace(/\/+$/, '') + '/'
    return real === plain ? [plain] : [plain, real]
  } catch {
    return [plain]
  }
}

/**
 * True when `path` (absolute and normalized, as the process table's confs are) is inside the dir whose
 * dirPrefixes are `prefixes`. A plain loop: a scan asks once for every server process.
 */
export function isInside(path: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (path.startsWith(prefix)) return true
  return false
}
