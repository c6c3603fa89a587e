import {
  appendFileSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tailFile, type FileTailer } from '../../electron/service/logs/file-tailer.js'
import { sleep, tempDirs, waitFor } from './helpers.js'

const tmp = tempDirs('tailer')
const tailers: FileTailer[] = []
afterEach(async () => {
  await Promise.all(tailers.splice(0).map((t) => t.close()))
  tmp.cleanup()
})

async function tail(path: string, options: { fromStart?: boolean; pollMs?: number; maxLineBytes?: number } = {}) {
  const lines: string[] = []
  const errors: Error[] = []
  const tailer = await tailFile(path, { ...options, onLine: (l) => lines.push(l), onError: (e) => errors.push(e) })
  tailers.push(tailer)
  return { lines, errors, tailer }
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i} ${'x'.repeat((from + i) % 37)}`)

/** Every expected line exactly once, and each writer's lines in the order written. */
function expectExactlyOnce(got: string[], ...runs: string[][]) {
  expect([...got].sort()).toEqual(runs.flat().sort())
  for (const run of runs) expect(got.filter((l) => run.includes(l))).toEqual(run)
}

describe('file tailer', () => {
  it('starts at the end, but gives a line being written when it started whole', async () => {
    const path = join(tmp.make(), 'proxy.log')
    writeFileSync(path, 'old 1\nold 2\nhalf of a ')
    const { lines } = await tail(path)
    appendFileSync(path, 'line\r\nnew 1\n')
    await waitFor('new lines', () => lines.length === 2)
    expect(lines).toEqual(['half of a line', 'new 1'])
  })

  it('reads from the start when asked', async () => {
    const path = join(tmp.make(), 'proxy.log')
    writeFileSync(path, 'old 1\nold 2\n')
    const { lines } = await tail(path, { fromStart: true })
    await waitFor('old lines', () => lines.length === 2)
    expect(lines).toEqual(['old 1', 'old 2'])
  })

  it('follows a rename rotation mid-stream while the writer still holds the old file', async () => {
    const dir = tmp.make()
    const path = join(dir, 'storage1.log')
    // Like rsyslog: an append fd that keeps writing to the renamed file until it reopens.
    const oldFd = openSync(path, 'a')
    const { lines } = await tail(path)
    const before = numbered(0, 300)
    const afterRename = numbered(300, 350)
    const newFile = numbered(350, 600)
    const late = numbered(600, 620)
    for (let i = 0; i < before.length; i++) {
      writeSync(oldFd, before[i] + '\n')
      if (i % 25 === 0) await sleep(1)
    }
    renameSync(path, path + '.1')
    for (const l of afterRename) writeSync(oldFd, l + '\n')
    await sleep(5)
    const newFd = openSync(path, 'a')
    for (let i = 0; i < newFile.length; i++) {
      writeSync(newFd, newFile[i] + '\n')
      // The old writer is not quite done when the new file appears.
      if (i < late.length) writeSync(oldFd, late[i] + '\n')
      if (i % 25 === 0) await sleep(1)
    }
    closeSync(oldFd)
    closeSync(newFd)
    await waitFor('all lines', () => lines.length >= 620)
    await sleep(50)
    expectExactlyOnce(lines, [...before, ...afterRename, ...late], newFile)
  })

  it('starts over when the file is truncated (copytruncate), mid-stream', async () => {
    const path = join(tmp.make(), 'storage2.log')
    writeFileSync(path, '')
    const { lines } = await tail(path)
    const fd = openSync(path, 'a')
    const before = numbered(0, 2000)
    for (let i = 0; i < before.length; i++) {
      writeSync(fd, before[i] + '\n')
      if (i % 200 === 0) await sleep(1)
    }
    // logrotate copies, then truncates while the writer goes on appending.
    await waitFor('lines before rotation', () => lines.length === before.length)
    copyFileSync(path, path + '.1')
    truncateSync(path, 0)
    const after = numbered(2000, 2300)
    for (let i = 0; i < after.length; i++) {
      writeSync(fd, after[i] + '\n')
      if (i % 25 === 0) await sleep(1)
    }
    closeSync(fd)
    await waitFor('lines after rotation', () => lines.length >= 2300)
    await sleep(50)
    expectExactlyOnce(lines, before, after)
  })

  it('waits for a file that does not exist yet, then reads all of it', async () => {
    const path = join(tmp.make(), 'expirer.log')
    const { lines } = await tail(path)
    await sleep(20)
    writeFileSync(path, 'first\nsecond\n')
    await waitFor('lines of the new file', () => lines.length === 2)
    expect(lines).toEqual(['first', 'second'])
  })

  it('falls back to polling when the directory itself appears later', async () => {
    const dir = join(tmp.make(), 'swift')
    const path = join(dir, 'proxy.log')
    const { lines, errors } = await tail(path, { pollMs: 50 })
    mkdirSync(dir)
    writeFileSync(path, 'hello\n')
    await waitFor('the line', () => lines.length === 1)
    appendFileSync(path, 'again\n')
    await waitFor('the next line', () => lines.length === 2)
    expect(lines).toEqual(['hello', 'again'])
    expect(errors).toEqual([])
  })

  it('caps a very long line without splitting a character', async () => {
    const path = join(tmp.make(), 'long.log')
    writeFileSync(path, '')
    const { lines } = await tail(path, { maxLineBytes: 1024 })
    const long = '€'.repeat(1000)
    appendFileSync(path, long + '\nafter\n')
    await waitFor('the pieces', () => lines.at(-1) === 'after')
    const pieces = lines.slice(0, -1)
    expect(pieces.length).toBe(3)
    expect(pieces.join('')).toBe(long)
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(1024)
  })

  it('releases its file descriptors and stops on close', async () => {
    const dir = tmp.make()
    const path = join(dir, 'proxy.log')
    writeFileSync(path, '')
    const fds = () => readdirSync('/proc/self/fd').length
    const before = fds()
    const { lines, tailer } = await tail(path)
    appendFileSync(path, 'one\n')
    await waitFor('a line', () => lines.length === 1)
    renameSync(path, path + '.1')
    writeFileSync(path, 'two\n')
    await waitFor('the rotated file', () => lines.length === 2)
    await tailer.close()
    expect(fds()).toBe(before)
    appendFileSync(path, 'three\n')
    await sleep(50)
    expect(lines).toEqual(['one', 'two'])
  })
})
