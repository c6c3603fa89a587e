import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readPidFile, writePidFile } from '../../electron/supervisor/pid-files.js'

let dir = ''
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'swift-panel-pid-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('readPidFile', () => {
  const cases: [content: string, kind: string][] = [
    ['123', 'pid'],
    ['  456\n', 'pid'],
    ['', 'invalid'],
    ['garbage', 'invalid'],
    ['0', 'invalid'],
    ['-5', 'invalid'],
    ['12 34', 'invalid'],
    ['99999999999', 'invalid'],
    ['1'.repeat(10_000), 'invalid'],
    ['\0\0\0', 'invalid'],
  ]
  it.each(cases)('%j → %s', (content, kind) => {
    writeFileSync(join(dir, 'p.pid'), content)
    expect(readPidFile(join(dir, 'p.pid')).kind).toBe(kind)
  })

  it('reports a directory or a missing file as unreadable, never as a pid', () => {
    mkdirSync(join(dir, 'd.pid'))
    expect(readPidFile(join(dir, 'd.pid'))).toEqual({ kind: 'unreadable', reason: 'a directory' })
    expect(readPidFile(join(dir, 'missing.pid'))).toEqual({ kind: 'unreadable', reason: 'ENOENT' })
  })

  it('reads through a symlink like swift-init does', () => {
    writeFileSync(join(dir, 'real'), '77')
    symlinkSync(join(dir, 'real'), join(dir, 'link.pid'))
    expect(readPidFile(join(dir, 'link.pid'))).toEqual({ kind: 'pid', pid: 77, text: '77' })
  })
})

describe('writePidFile', () => {
  it('writes the bare pid, creating directories, and leaves no temp file behind', () => {
    writePidFile(dir, join(dir, 'object-server/1.pid'), 4242)
    expect(readFileSync(join(dir, 'object-server/1.pid'), 'utf8')).toBe('4242')
    expect(readdirSync(dir)).toEqual(['object-server'])
  })

  it('replaces a planted symlink instead of writing through it', () => {
    writeFileSync(join(dir, 'victim'), 'precious')
    symlinkSync(join(dir, 'victim'), join(dir, 'proxy-server.pid'))
    writePidFile(dir, join(dir, 'proxy-server.pid'), 99)
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious')
    expect(lstatSync(join(dir, 'proxy-server.pid')).isSymbolicLink()).toBe(false)
  })
})
