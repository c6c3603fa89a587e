// Whether a path lies inside a profile's swift dir: the line no insight action ever crosses.

import { realpathSync } from 'node:fs'
import { normalize } from 'node:path'

/** The swift dir and, if it differs, its real path, each ending in `/`. */
function dirPrefixes(swiftDir: string): string[] {
  const plain = normalize(swiftDir).replace(/\/+$/, '') + '/'
  try {
    const real = realpathSync(swiftDir).replace(/\/+$/, '') + '/'
    return real === plain ? [plain] : [plain, real]
  } catch {
    return [plain]
  }
}

/** True when confFile (absolute) is inside swiftDir, by its path or the dir's real path. */
export function confInside(confFile: string, swiftDir: string): boolean {
  const conf = normalize(confFile)
  return dirPrefixes(swiftDir).some((prefix) => conf.startsWith(prefix))
}
