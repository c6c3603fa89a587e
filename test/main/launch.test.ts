// The first run: `npm start` on a machine without the Electron binary says so before building the app, with
// the full command that gives the same panel in a browser; `npm run serve` before a build says to build,
// not a MODULE_NOT_FOUND stack.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NO_ELECTRON } from '../../electron/main/electron-binary.js'

const ROOT = join(import.meta.dirname, '../..')
const LAUNCH = join(ROOT, 'out/node/electron/launch.js')
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

describe('npm start without the Electron binary', () => {
  it('says so in one line, with the full command for the browser instead', () => {
    expect(existsSync(LAUNCH), 'built: npx tsc -p tsconfig.node.json').toBe(true)
    const r = spawnSync(process.execPath, [LAUNCH, '--check'], { encoding: 'utf8' })
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', `${NO_ELECTRON}\n`])
    expect(NO_ELECTRON).toContain('`npm run serve -- --swift-dir D --run-dir R`')
    expect(NO_ELECTRON).not.toContain('\n')
  })

  it('checks before building the app, not after', () => {
    const steps = (scripts.start ?? '').split(' && ')
    const check = steps.indexOf('node out/node/electron/launch.js --check')
    expect(check).toBeGreaterThan(-1)
    expect(check).toBeLessThan(steps.indexOf('npm run build:app'))
    expect(steps.at(-1)).toBe('node out/node/electron/launch.js')
  })
})

describe('npm run serve before a build', () => {
  it('says to run `npm run build` first, without a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-panel-unbuilt-'))
    try {
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
      const r = spawnSync('npm', ['run', '--silent', 'serve', '--', '--port', '0'], { cwd: dir, encoding: 'utf8' })
      expect(r.status).not.toBe(0)
      expect(r.stderr).toContain('serve: swift-panel is not built: run `npm run build` first')
      expect(r.stderr).not.toContain('MODULE_NOT_FOUND')
      expect(r.stderr).not.toMatch(/^\s+at /m)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
