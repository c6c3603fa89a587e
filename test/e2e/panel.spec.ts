// The panel end to end in Debian's Chromium, against the browser host running the real service over a
// fixture of stand-in daemons.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import { cleanup, livePids, makeFixture, MAIN, SAIO_CONFS, serveFixture, type Fixture } from '../helpers/fixture.js'
import { failOnPageErrors, overallHealth, row } from './support.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const SHOTS = join(HERE, '../../test-results/screenshots')
const REFRESH_MS = 500
/** The fixture's instances: one proxy, two of each storage server, and the object-replicator of each object conf. */
const INSTANCES = [
  'proxy-server',
  'account-server.1',
  'account-server.2',
  'container-server.1',
  'container-server.2',
  'object-server.1',
  'object-server.2',
  'object-replicator.1',
  'object-replicator.2',
]
const MAIN_INSTANCES = INSTANCES.filter((id) => !id.startsWith('object-replicator'))

let f: Fixture
let host: Awaited<ReturnType<typeof serveFixture>>

test.skip(!existsSync('/usr/bin/chromium'), 'Debian Chromium is not installed (apt-get install chromium)')
test.skip(
  !existsSync(join(HERE, '../../out/renderer/index.html')) || !existsSync(join(HERE, '../../out/node/electron/host/serve.js')),
  'not built: npm run build',
)

test.beforeAll(async () => {
  f = makeFixture({
    binaries: [...MAIN, 'object-replicator'],
    confs: { ...SAIO_CONFS, 'object-server/2.conf': '[standin]\nlog_every = 0.1\n' },
  })
  host = await serveFixture(f, { refreshIntervalMs: REFRESH_MS })
  mkdirSync(SHOTS, { recursive: true })
})

test.afterAll(async () => {
  await host?.stop()
  if (f) cleanup(f)
})

failOnPageErrors()

/** The pid file of an instance, relative to the run dir. */
const pidFile = (id: string) => (id.includes('.') ? `${id.replace('.', '/')}.pid` : `${id}.pid`)
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))

test('lists every instance, starts main, stops one, notices a crash', async ({ page }) => {
  await page.goto(host.url)
  // the token is the URL's path, the same on every run
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/)
  for (const id of INSTANCES) await expect(row(page, id)).toContainText('stopped')
  await expect(overallHealth(page)).toHaveText('Main stopped')

  await page.getByRole('button', { name: 'Start main', exact: true }).click()
  for (const id of MAIN_INSTANCES) await expect(row(page, id)).toContainText('running')
  // what matters: every main instance up (the background daemons are off on purpose)
  await expect(overallHealth(page)).toHaveText(`Main up (${MAIN_INSTANCES.length}/${MAIN_INSTANCES.length})`)
  await expect(page.getByRole('region', { name: 'Command output' })).toContainText('exit 0')
  await page.screenshot({ path: join(SHOTS, 'services.png') })

  const pid = Number(readFileSync(join(f.run, 'account-server/2.pid'), 'utf8'))
  expect(alive(pid)).toBe(true)
  await page.getByRole('button', { name: 'Stop account-server.2', exact: true }).click()
  await expect(row(page, 'account-server.2')).toContainText('stopped')
  expect(existsSync(join(f.run, 'account-server/2.pid'))).toBe(false)
  await expect.poll(() => alive(pid)).toBe(false)

  const proxyPid = Number(readFileSync(join(f.run, 'proxy-server.pid'), 'utf8'))
  const killedAt = Date.now()
  process.kill(proxyPid, 'SIGKILL')
  // within two refresh intervals, plus the event batching and a render
  await expect(row(page, 'proxy-server')).toContainText('crashed', { timeout: 2 * REFRESH_MS + 250 })
  console.log(`crash shown ${Date.now() - killedAt} ms after the kill (refresh ${REFRESH_MS} ms)`)
})

test('filter, keyboard, attached logs streaming live, log search, settings', async ({ page }) => {
  await page.goto(host.url)
  await expect(row(page, 'proxy-server')).toBeVisible()
  await page.keyboard.press('/')
  await page.keyboard.type('container')
  await expect(row(page, 'container-server.1')).toBeVisible()
  await expect(row(page, 'container-server.2')).toBeVisible()
  await expect(row(page, 'proxy-server')).toHaveCount(0)
  await page.getByRole('searchbox', { name: 'Filter instances' }).fill('')

  // keyboard: x on a focused row stops it
  await row(page, 'object-server.1').focus()
  await page.keyboard.press('ArrowDown')
  await expect(row(page, 'object-server.2')).toBeFocused()
  await page.keyboard.press('x')
  await expect(row(page, 'object-server.2')).toContainText('stopped')

  // a rarer action: in the row's menu, under the same name
  await page.getByRole('button', { name: 'More actions for object-server.2' }).click()
  await page.getByRole('menuitem', { name: 'Run object-server.2 attached' }).click()
  await expect(row(page, 'object-server.2')).toContainText('attached')
  await page.getByRole('button', { name: 'Logs for object-server.2' }).click()
  const log = page.getByRole('log', { name: 'Log lines of object-server.2' })
  await expect(log).toContainText('swift-object-server: log line 5')
  // still arriving: live
  await expect(log).toContainText('log line 12')
  await expect(log).toContainText('attached')

  await page.getByRole('searchbox', { name: 'Search logs' }).fill('log line 7')
  await expect(log.locator('mark').first()).toHaveText('log line 7')
  await expect(log.locator('.line').first()).toContainText('log line 7')
  await page.screenshot({ path: join(SHOTS, 'logs.png') })
  await page.getByRole('searchbox', { name: 'Search logs' }).fill('')

  await page.getByRole('button', { name: 'Open settings' }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await expect(settings).toBeVisible()
  await settings.getByRole('textbox', { name: 'Swift dir' }).fill('/nonexistent/swift')
  await expect(settings).toContainText('No such directory.')
  await settings.getByRole('textbox', { name: 'Swift dir' }).fill('relative/path')
  await expect(settings).toContainText('must be an absolute path')
  await expect(settings.getByRole('button', { name: 'Save' })).toBeDisabled()
  await page.screenshot({ path: join(SHOTS, 'settings.png') })
  await page.keyboard.press('Escape')
  await expect(settings).toHaveCount(0)

  await page.getByRole('button', { name: 'Stop object-server.2', exact: true }).click()
  await expect(row(page, 'object-server.2')).toContainText('stopped')
  // a group stop asks first
  await page.getByRole('button', { name: 'Stop main', exact: true }).click()
  const confirm = page.getByRole('alertdialog', { name: 'Stop main?' })
  await expect(confirm).toContainText('proxy-server')
  await confirm.getByRole('button', { name: 'Stop main' }).click()
  await expect(overallHealth(page)).toHaveText('Main stopped')
  // every daemon gone; only the host itself is left from this fixture
  await expect.poll(() => livePids(f).filter((p) => p !== host.child.pid)).toEqual([])
})

test('Start main brings up a down instance while its siblings run, and says which instances it acted on', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Start main', exact: true }).click()
  for (const id of MAIN_INSTANCES) await expect(row(page, id)).toContainText('running')
  await page.getByRole('button', { name: 'Stop object-server.2', exact: true }).click()
  await expect(row(page, 'object-server.2')).toContainText('stopped')
  const pids = () => MAIN_INSTANCES.filter((id) => id !== 'object-server.2').map((id) => readFileSync(join(f.run, pidFile(id)), 'utf8'))
  const before = pids()

  // swift-init's rule would call main "already started" (a sibling runs); the panel starts what is down
  await page.getByRole('button', { name: 'Start main', exact: true }).click()
  await expect(row(page, 'object-server.2')).toContainText('running')
  expect(pids()).toEqual(before)
  const drawer = page.getByRole('region', { name: 'Command output' })
  const run = drawer.getByRole('group', { name: 'Start main' }).first()
  await expect(run).toContainText('$ swift-init object-server.2 start')
  await expect(run).toContainText('acted on object-server.2')
  await expect(run).toContainText('exit 0')

  await page.getByRole('button', { name: 'Stop main', exact: true }).click()
  await page.getByRole('alertdialog', { name: 'Stop main?' }).getByRole('button', { name: 'Stop main' }).click()
  for (const id of MAIN_INSTANCES) await expect(row(page, id)).toContainText('stopped')
})
