// The panel end to end in Debian's Chromium, against the browser host running the real service over a
// fixture of stand-in daemons.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { cleanup, livePids, makeFixture, MAIN, SAIO_CONFS, serveFixture, type Fixture } from '../helpers/fixture.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const SHOTS = join(HERE, '../../test-results/screenshots')
const REFRESH_MS = 500

let f: Fixture
let host: Awaited<ReturnType<typeof serveFixture>>
let url = ''

test.skip(!existsSync('/usr/bin/chromium'), 'Debian Chromium is not installed (apt-get install chromium)')

test.beforeAll(async () => {
  f = makeFixture({ binaries: [...MAIN, 'object-replicator'], confs: { ...SAIO_CONFS, 'object-server/2.conf': '[standin]\nlog_every = 0.1\n' } })
  host = await serveFixture(f, { refreshIntervalMs: REFRESH_MS })
  url = host.url
  mkdirSync(SHOTS, { recursive: true })
})

test.afterAll(async () => {
  await host?.stop()
  cleanup(f)
})

const row = (page: Page, id: string) => page.getByRole('row', { name: new RegExp(`^${id.replace('.', '\\.')} `) })

test('lists every instance, starts main, stops one, notices a crash', async ({ page }) => {
  await page.goto(url)
  for (const id of ['proxy-server', 'account-server.1', 'account-server.2', 'container-server.1', 'container-server.2', 'object-server.1', 'object-server.2', 'object-replicator.1']) {
    await expect(row(page, id)).toContainText('stopped')
  }
  await expect(page.getByRole('status', { name: 'Overall health' })).toHaveText('0 of 9 running')

  await page.getByRole('button', { name: 'Start main', exact: true }).click()
  for (const id of ['proxy-server', 'account-server.1', 'container-server.2', 'object-server.1']) await expect(row(page, id)).toContainText('running')
  await expect(page.getByRole('region', { name: 'Command output' })).toContainText('exit 0')
  await page.screenshot({ path: join(SHOTS, 'services.png') })

  await page.getByRole('button', { name: 'Stop account-server.2', exact: true }).click()
  await expect(row(page, 'account-server.2')).toContainText('stopped')
  expect(existsSync(join(f.run, 'account-server/2.pid'))).toBe(false)

  const pid = Number(readFileSync(join(f.run, 'proxy-server.pid'), 'utf8'))
  const killedAt = Date.now()
  process.kill(pid, 'SIGKILL')
  await expect(row(page, 'proxy-server')).toContainText('crashed', { timeout: 2 * REFRESH_MS + 1000 })
  expect(Date.now() - killedAt).toBeLessThan(2 * REFRESH_MS + 1000)
})

test('filter, attached logs streaming live, and log search', async ({ page }) => {
  await page.goto(url)
  await expect(row(page, 'proxy-server')).toBeVisible()
  await page.keyboard.press('/')
  await page.keyboard.type('container')
  await expect(page.getByRole('row', { name: /^container-server\.1 / })).toBeVisible()
  await expect(page.getByRole('row', { name: /^proxy-server / })).toHaveCount(0)
  await page.getByRole('searchbox', { name: 'Filter instances' }).fill('')

  await page.getByRole('button', { name: 'Stop object-server.2', exact: true }).click()
  await expect(row(page, 'object-server.2')).toContainText('stopped')
  await page.getByRole('button', { name: 'Run object-server.2 attached' }).click()
  await expect(row(page, 'object-server.2')).toContainText('attached')
  await page.getByRole('button', { name: 'Logs for object-server.2' }).click()
  const log = page.getByRole('log', { name: 'Log lines of object-server.2' })
  await expect(log).toContainText('swift-object-server: log line 5')
  await expect(log).toContainText('log line 12')

  await page.getByRole('searchbox', { name: 'Search logs' }).fill('log line 7')
  await expect(log.locator('mark').first()).toHaveText('log line 7')
  await page.screenshot({ path: join(SHOTS, 'logs.png') })

  await page.getByRole('button', { name: 'Open settings' }).click()
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
  await page.getByRole('textbox', { name: 'Swift dir' }).fill('/nonexistent/swift')
  await expect(page.getByRole('dialog', { name: 'Settings' })).toContainText('No such directory.')
  await page.screenshot({ path: join(SHOTS, 'settings.png') })
  await page.getByRole('button', { name: 'Cancel' }).click()

  await page.getByRole('button', { name: 'Stop object-server.2', exact: true }).click()
  await expect(row(page, 'object-server.2')).toContainText('stopped')
  await page.getByRole('button', { name: 'Stop main', exact: true }).click()
  await page.getByRole('button', { name: 'Confirm' }).click()
  await expect(page.getByRole('status', { name: 'Overall health' })).toHaveText('0 of 9 running')
  // every daemon gone; only the host itself is left from this fixture
  await expect.poll(() => livePids(f).filter((p) => p !== host.child.pid)).toEqual([])
})
