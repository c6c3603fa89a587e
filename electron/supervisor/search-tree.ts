// Port of swift.common.utils.search_tree: glob in root, walk matching directories for files ending in
// one of `exts`, and treat directories ending in `dirExt` (`.conf.d`) as single matches.

import { readdirSync, statSync, type Dirent } from 'node:fs'
import { join } from 'node:path'

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

/** glob.glob(join(root, pattern)) for a single-level pattern: hidden names only match a pattern that starts with a dot. */
function glob(root: string, pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) {
    try {
      statSync(join(root, pattern))
      return [join(root, pattern)]
    } catch {
      return []
    }
  }
  let names: string[]
  try {
    names = readdirSync(root)
  } catch {
    return []
  }
  const re = globToRegExp(pattern)
  return names.filter((n) => re.test(n) && (!n.startsWith('.') || pattern.startsWith('.'))).map((n) => join(root, n))
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * os.walk(top) top-down, not following symlinked dirs; unreadable dirs are skipped like os.walk does.
 * Entries in sorted order, where os.walk takes the directory's own order (which differs between file
 * systems, even between two copies of one tree): search_tree stops at the first level holding a
 * `.conf.d`, so that order decides which nested confs it finds; sorted, ours always finds the same.
 */
function* walk(top: string): Generator<[root: string, dirs: string[], files: string[]]> {
  let entries: Dirent[]
  try {
    entries = readdirSync(top, { withFileTypes: true }).sort((a, b) => compareCodePoints(a.name, b.name))
  } catch {
    return
  }
  const dirs: string[] = []
  const files: string[] = []
  const linkedDirs = new Set<string>()
  for (const e of entries) {
    // os.walk classifies a symlink to a directory as a dir, but does not descend into it.
    if (e.isSymbolicLink() && isDir(join(top, e.name))) linkedDirs.add(e.name)
    ;(e.isDirectory() || linkedDirs.has(e.name) ? dirs : files).push(e.name)
  }
  yield [top, dirs, files]
  for (const d of dirs) if (!linkedDirs.has(d)) yield* walk(join(top, d))
}

export function searchTree(root: string, globMatch: string, ext = '', exts?: string[], dirExt?: string): string[] {
  const wanted = exts ?? [ext]
  const anyExt = wanted.some((e) => e !== '')
  const found: string[] = []
  for (const path of glob(root, globMatch)) {
    if (isDir(path)) {
      for (const [dir, dirs, files] of walk(path)) {
        if (dirExt && dir.endsWith(dirExt)) {
          found.push(dir)
          break // the root is a config dir: descend no further
        }
        for (const f of files) {
          if (anyExt && !wanted.some((e) => f.endsWith(e))) continue
          found.push(join(dir, f))
        }
        let foundDir = false
        for (const d of dirs) {
          if (dirExt && d.endsWith(dirExt)) {
            foundDir = true
            found.push(join(dir, d))
          }
        }
        if (foundDir) break // upstream stops the whole walk here, not just this level
      }
    } else {
      // upstream checks `ext`, not `exts`, for a non-directory match
      if (ext && !path.endsWith(ext)) continue
      found.push(path)
    }
  }
  return found.sort(compareCodePoints)
}

/** Python's sorted() on str: by code point. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
