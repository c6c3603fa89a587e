import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { searchTree } from '../../electron/supervisor/search-tree.js'

let root = ''
function tree(files: string[]): string {
  root = mkdtempSync(join(tmpdir(), 'swift-panel-tree-'))
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true })
    if (f.endsWith('/')) mkdirSync(join(root, f), { recursive: true })
    else writeFileSync(join(root, f), '')
  }
  return root
}
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('searchTree (swift.common.utils.search_tree)', () => {
  it('finds top-level and nested confs, sorted', () => {
    const r = tree(['proxy-server.conf', 'object-server/2.conf', 'object-server/1.conf', 'object-server/readme.txt', 'object.builder'])
    expect(searchTree(r, 'object-server*', '.conf', undefined, '.conf.d')).toEqual([
      join(r, 'object-server/1.conf'),
      join(r, 'object-server/2.conf'),
    ])
    expect(searchTree(r, 'proxy-server*', '.conf', undefined, '.conf.d')).toEqual([join(r, 'proxy-server.conf')])
  })

  it('returns a .conf.d directory as one config and does not descend into it', () => {
    const r = tree(['object-server/1.conf.d/a.conf', 'object-server/1.conf.d/b.conf', 'proxy-server.conf.d/x.conf'])
    expect(searchTree(r, 'object-server*', '.conf', undefined, '.conf.d')).toEqual([join(r, 'object-server/1.conf.d')])
    expect(searchTree(r, 'proxy-server*', '.conf', undefined, '.conf.d')).toEqual([join(r, 'proxy-server.conf.d')])
  })

  it('stops walking the whole tree at the first level holding a .conf.d dir, like upstream', () => {
    const r = tree(['object-server/1.conf', 'object-server/2.conf.d/a.conf', 'object-server/deeper/3.conf'])
    expect(searchTree(r, 'object-server*', '.conf', undefined, '.conf.d')).toEqual([
      join(r, 'object-server/1.conf'),
      join(r, 'object-server/2.conf.d'),
    ])
  })

  it('finds one numbered config by exact name', () => {
    const r = tree(['object-server/1.conf', 'object-server/2.conf'])
    expect(searchTree(r, 'object-server', '2.conf', undefined, '2.conf.d')).toEqual([join(r, 'object-server/2.conf')])
  })

  it('ignores hidden names at the top level but not inside walked dirs (os.walk lists them)', () => {
    const r = tree(['.proxy-server.conf', 'run/x/', 'object-server/.1.pid', 'object-server/1.pid'])
    expect(searchTree(r, '.proxy*')).toEqual([join(r, '.proxy-server.conf')])
    expect(searchTree(r, 'proxy*')).toEqual([])
    expect(searchTree(r, 'object-server*')).toEqual([join(r, 'object-server/.1.pid'), join(r, 'object-server/1.pid')])
  })

  it('lists but does not follow symlinked directories; a missing or unreadable root gives nothing', () => {
    const r = tree(['real/1.conf'])
    symlinkSync(join(r, 'real'), join(r, 'object-server'))
    mkdirSync(join(r, 'account-server'))
    symlinkSync(join(r, 'real'), join(r, 'account-server/link'))
    expect(searchTree(r, 'object-server*', '.conf')).toEqual([join(r, 'object-server/1.conf')])
    expect(searchTree(r, 'account-server*', '.conf')).toEqual([])
    expect(searchTree(join(r, 'nope'), '*')).toEqual([])
  })
})
