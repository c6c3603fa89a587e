// `npm run serve` as a user runs it: the same URL on every run (the token kept beside the settings),
// `--new-token` to change it, `--help`, and plain one-line errors for what can go wrong before it listens.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeFixture, serveFixture, type Fixture } from '../helpers/fixture.js'

const ROOT = join(import.meta.dirname, '../..')
const SERVE = join(ROOT, 'out/node/electron/host/serve.js')

let f: Fixture
beforeAll(() => {
  f = makeFixture()
})
afterAll(() => cleanup(f))

/** Runs serve.js with `args` until it exits or prints its URL; then stops it. */
function serve(args: string[], script = SERVE): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: f.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      if (/^http:\/\/\S+\/$/m.test(stdout)) child.kill('SIGTERM')
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const urlOf = (stdout: string) => /^(http:\/\/\S+\/)$/m.exec(stdout)?.[1] ?? ''

describe('npm run serve', () => {
  it('keeps its URL across runs, with the token in a 0600 file beside the settings; --new-token changes it', async () => {
    const first = await serveFixture(f)
    await first.stop()
    const second = await serveFixture(f, {}, Number(new URL(first.url).port))
    await second.stop()
    expect(second.url).toBe(first.url)
    expect(new URL(first.url).pathname).toMatch(/^\/[\w-]{32}\/$/)
    expect(statSync(join(f.root, 'browser-token')).mode & 0o777).toBe(0o600)

    const settings = join(f.root, 'settings.json')
    const rotated = await serve(['--port', '0', '--settings', settings, '--new-token'])
    expect(urlOf(rotated.stdout)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/)
    expect(new URL(urlOf(rotated.stdout)).pathname).not.toBe(new URL(first.url).pathname)
    const third = await serveFixture(f)
    await third.stop()
    expect(new URL(third.url).pathname).toBe(new URL(urlOf(rotated.stdout)).pathname)
  })

  it('says so in one line, without a stack, when it cannot start', async () => {
    const settings = join(f.root, 'settings.json')
    const badPort = await serve(['--port', 'x', '--settings', settings])
    expect([badPort.code, badPort.stderr]).toEqual([2, 'serve: --port must be 0..65535, not x\n'])
    const unknown = await serve(['--prot', '1', '--settings', settings])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^serve: Unknown option '--prot'.*\n$/)

    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const address = busy.address()
    const port = typeof address === 'object' && address ? address.port : 0
    try {
      const taken = await serve(['--port', String(port), '--settings', settings])
      expect(taken.code).toBe(1)
      expect(taken.stderr).toMatch(new RegExp(`^serve: cannot listen on 127\\.0\\.0\\.1 port ${port}: .*EADDRINUSE.*\\n$`))
    } finally {
      busy.close()
    }

    const junk = join(f.root, 'junk-token')
    mkdirSync(junk)
    const notToken = await serve(['--port', '0', '--settings', settings, '--token-file', junk])
    expect([notToken.code, notToken.stderr]).toEqual([1, `serve: ${junk} is not a regular file: remove it, or run with --new-token\n`])
  })

  it('--help and -h print every option and exit 0, before anything else', async () => {
    for (const flag of ['--help', '-h']) {
      // even with a bad port: help comes first and starts nothing
      const r = await serve([flag, '--port', 'x'])
      expect([r.code, r.stderr]).toEqual([0, ''])
      expect(r.stdout).toMatch(/^usage: npm run serve -- \[options\]\n/)
      for (const option of [
        '--port N',
        '--host ADDR',
        '--swift-dir DIR',
        '--run-dir DIR',
        '--settings F',
        '--token-file F',
        '--new-token',
        '-h, --help',
      ]) {
        expect(r.stdout).toContain(`\n  ${option} `)
      }
    }
  })

  it('before a build, says to run `npm run build` first', async () => {
    // a checkout whose node side is built but not the renderer
    const tree = mkdtempSync(join(tmpdir(), 'swift-panel-unbuilt-'))
    try {
      cpSync(join(ROOT, 'out/node'), join(tree, 'out/node'), { recursive: true })
      symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'))
      cpSync(join(ROOT, 'package.json'), join(tree, 'package.json'))
      const r = await serve(['--settings', join(f.root, 'settings.json')], join(tree, 'out/node/electron/host/serve.js'))
      expect([r.code, r.stderr]).toEqual([1, 'serve: the panel is not built (no out/renderer/index.html): run `npm run build` first\n'])
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  })
})
