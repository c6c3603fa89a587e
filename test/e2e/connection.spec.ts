// The browser tab when `npm run serve` goes away and comes back: it says so plainly (a banner, role alert),
// greys out its actions, fails a click at once with a clear error, and when serve is back on the same port
// with the same token file, reconnects by itself (the same tab, no reload) and shows the current state.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { cleanup, makeFixture, runOurs, SAIO_CONFS, serveFixture, type Fixture } from '../helpers/fixture.js'
import { row } from './support.js'

const HERE = dirname(fileURLToPath(import.meta.url))

let f: Fixture
let host: Awaited<ReturnType<typeof serveFixture>>

test.skip(!existsSync('/usr/bin/chromium'), 'Debian Chromium is not installed (apt-get install chromium)')
test.skip(
  !existsSync(join(HERE, '../../out/renderer/index.html')) || !existsSync(join(HERE, '../../out/node/electron/host/serve.js')),
  'not built: npm run build',
)

test.beforeAll(async () => {
  f = makeFixture({ binaries: ['proxy-server'], confs: { 'proxy-server.conf': SAIO_CONFS['proxy-server.conf'] ?? '' } })
  host = await serveFixture(f, { refreshIntervalMs: 500 })
})

test.afterAll(async () => {
  await host?.stop()
  if (f) cleanup(f)
})

const banner = (page: Page) => page.getByRole('alert').filter({ hasText: /disconnected/i })

test('serve killed: the tab says so, greys out, fails a click at once; serve back: the same tab reconnects and shows the state', async ({
  page,
}) => {
  await page.goto(host.url)
  await expect(row(page, 'proxy-server')).toContainText('stopped')
  await expect(banner(page)).toHaveCount(0)
  // a mark in this very page: a reload would lose it
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true))
  const port = Number(new URL(host.url).port)

  const killedAt = Date.now()
  host.child.kill('SIGKILL')
  await expect(banner(page)).toBeVisible({ timeout: 10_000 })
  const shownMs = Date.now() - killedAt
  console.log(`disconnected banner shown ${shownMs} ms after serve was killed (goal: within 2000 ms)`)
  await expect(banner(page)).toContainText('Disconnected from the panel host')
  // greyed out, yet a click answers: not sent, and why
  const start = page.getByRole('button', { name: 'Start proxy-server', exact: true })
  expect(Number(await start.evaluate((b) => getComputedStyle(b).opacity))).toBeLessThan(1)
  await start.click()
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('Not sent: disconnected from the panel host')

  // the world moves on while the tab is cut off
  expect((await runOurs(f, ['proxy', 'start'])).code).toBe(0)

  host = await serveFixture(f, { refreshIntervalMs: 500 }, port)
  await expect(banner(page)).toHaveCount(0, { timeout: 20_000 })
  await expect(row(page, 'proxy-server')).toContainText('running')
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true)

  // and acts again
  await page.getByRole('button', { name: 'Stop proxy-server', exact: true }).click()
  await expect(row(page, 'proxy-server')).toContainText('stopped', { timeout: 10_000 })
})
