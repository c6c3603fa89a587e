// The browser host's token file: created once (0600 in a 0700 dir), read back the same on every run,
// rotated on request; a file that is not a token, or not a regular file, is refused and left alone.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadToken, TOKEN_PATTERN, TokenFileError } from '../../electron/host/token.js'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const temp = () => (dir = mkdtempSync(join(tmpdir(), 'swift-panel-token-')))
const mode = (path: string) => statSync(path).mode & 0o777
const TOKEN_JS = join(import.meta.dirname, '../../out/node/electron/host/token.js')

describe('the token file', () => {
  it('is created on the first run, mode 0600 in a 0700 directory, and read back the same afterwards', () => {
    const path = join(temp(), 'config/swift-panel/browser-token')
    const first = loadToken(path)
    expect(first.written).toBe(true)
    expect(first.token).toMatch(TOKEN_PATTERN)
    expect(mode(path)).toBe(0o600)
    expect(mode(join(dir, 'config/swift-panel'))).toBe(0o700)
    expect(readFileSync(path, 'utf8')).toBe(`${first.token}\n`)
    expect(loadToken(path)).toEqual({ token: first.token, written: false })
    // no temp files left beside it
    expect(readdirSync(join(dir, 'config/swift-panel'))).toEqual(['browser-token'])
  })

  it('is replaced by a new token on request', () => {
    const path = join(temp(), 'browser-token')
    const first = loadToken(path).token
    const second = loadToken(path, true)
    expect(second.written).toBe(true)
    expect(second.token).not.toBe(first)
    expect(loadToken(path).token).toBe(second.token)
    expect(mode(path)).toBe(0o600)
  })

  it('made private when others could read it, and says so', () => {
    const path = join(temp(), 'browser-token')
    writeFileSync(path, `${'a'.repeat(40)}\n`)
    chmodSync(path, 0o644)
    const loaded = loadToken(path)
    expect(loaded.token).toBe('a'.repeat(40))
    expect(loaded.warning).toBe(`${path} was readable by others: its mode is now 0600`)
    expect(mode(path)).toBe(0o600)
  })

  it('refuses a file that holds no token, a directory and a FIFO, without blocking, and leaves them as they are', () => {
    const base = temp()
    const junk = join(base, 'junk')
    writeFileSync(junk, 'not a token\n', { mode: 0o600 })
    expect(() => loadToken(junk)).toThrow(TokenFileError)
    expect(() => loadToken(junk)).toThrow(/does not hold a token .*--new-token/)
    expect(readFileSync(junk, 'utf8')).toBe('not a token\n')
    const folder = join(base, 'folder')
    mkdirSync(folder)
    expect(() => loadToken(folder)).toThrow(/is not a regular file/)
    const fifo = join(base, 'fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    expect(() => loadToken(fifo)).toThrow(/is not a regular file/)
    expect(statSync(fifo).isFIFO()).toBe(true)
  })

  it('comes out the same for runs that start together', async () => {
    expect(existsSync(TOKEN_JS), 'built: npx tsc -p tsconfig.node.json').toBe(true)
    const path = join(temp(), 'browser-token')
    const script = `import(${JSON.stringify(TOKEN_JS)}).then((m) => console.log(m.loadToken(${JSON.stringify(path)}).token))`
    const runs = Array.from(
      { length: 8 },
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', script])
          let out = ''
          child.stdout.on('data', (c: Buffer) => (out += c.toString()))
          child.on('error', reject)
          child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`))))
        }),
    )
    const tokens = await Promise.all(runs)
    expect(new Set(tokens).size).toBe(1)
    expect(readFileSync(path, 'utf8').trim()).toBe(tokens[0])
  })
})
