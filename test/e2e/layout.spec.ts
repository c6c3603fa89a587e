// The panel's layout and looks in Debian's Chromium, on a clean SAIO-like fixture (every configured server has
// its binary: no problem banner): a laptop-sized window, the row menu and details, the logs pane, axe-core in
// both themes, and screenshots of the whole table to look at (test-results/screenshots; the README's come from
// insight.spec.ts, whose WSGI servers answer their health probes: these stand-ins listen on no port).
import AxeBuilder from '@axe-core/playwright'
import { createSocket } from 'node:dgram'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { ALL_SERVERS } from '../../shared/swift.js'
import { cleanup, makeFixture, SAIO_CONFS, serveFixture, type Fixture } from '../helpers/fixture.js'
import { failOnPageErrors, overallHealth, row } from './support.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const SHOTS = join(HERE, '../../test-results/screenshots')
/** SAIO_CONFS configures every server but these two (the expirer needs its own section, the reconciler its own conf). */
const UNCONFIGURED = ['container-reconciler', 'object-expirer']
const LAPTOP = { width: 1024, height: 700 }
const DESKTOP = { width: 1400, height: 900 }
/** The fixture's 31 instances: one proxy, two of every other server (each reads the two confs of its kind). */
const INSTANCES = [
  'proxy-server',
  ...ALL_SERVERS.filter((s) => s !== 'proxy-server' && !UNCONFIGURED.includes(s)).flatMap((s) => [`${s}.1`, `${s}.2`]),
]
/** What the proxy's stand-in prints as it starts: its first log line. */
const STARTED = 'proxy-server: listening on 127.0.0.1:8080'
/** The primary actions every instance row shows; the rest are in its menu. */
const PRIMARY = ['Start', 'Stop', 'Restart', 'Logs for']

let f: Fixture
let host: Awaited<ReturnType<typeof serveFixture>>

test.skip(!existsSync('/usr/bin/chromium'), 'Debian Chromium is not installed (apt-get install chromium)')
test.skip(
  !existsSync(join(HERE, '../../out/renderer/index.html')) || !existsSync(join(HERE, '../../out/node/electron/host/serve.js')),
  'not built: npm run build',
)

/** A UDP port nobody uses now, for the panel's syslog receiver. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4')
  await new Promise<void>((done) => s.bind(0, '127.0.0.1', done))
  const { port } = s.address()
  s.close()
  return port
}

test.beforeAll(async () => {
  // every conf sends its logs to the panel's receiver: nothing for the panel to warn about
  const port = await freeUdpPort()
  const confs = Object.fromEntries(
    Object.entries(SAIO_CONFS).map(([path, text]) => [
      path,
      text.replace('[DEFAULT]\n', `[DEFAULT]\nlog_udp_host = 127.0.0.1\nlog_udp_port = ${port}\n`),
    ]),
  )
  f = makeFixture({
    binaries: ALL_SERVERS.filter((s) => !UNCONFIGURED.includes(s)),
    confs: { ...confs, 'proxy-server.conf': `${confs['proxy-server.conf']}[standin]\nstartup_output = ${STARTED}\nlog_every = 0.3\n` },
  })
  host = await serveFixture(f, { refreshIntervalMs: 500, syslogReceiverPort: port })
  mkdirSync(SHOTS, { recursive: true })
})

test.afterAll(async () => {
  await host?.stop()
  if (f) cleanup(f)
})

failOnPageErrors()

const viewport = (page: Page) => page.locator('.table-viewport')

async function open(page: Page, size = LAPTOP, theme: 'light' | 'dark' = 'light') {
  await page.setViewportSize(size)
  await page.emulateMedia({ colorScheme: theme })
  await page.goto(host.url)
  await expect(row(page, 'proxy-server')).toBeVisible()
  // a clean fixture: no problem to report
  await expect(page.getByRole('region', { name: 'Problems' })).toHaveCount(0)
}

/** Widths of the table's header cells, in order. */
const columnWidths = (page: Page) =>
  page.locator('table[aria-label="Service instances"] thead th').evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().width))

/** Every instance row rendered and wholly inside the table's viewport, by id. */
const rowsInView = (page: Page) =>
  viewport(page).evaluate((vp) => {
    const box = vp.getBoundingClientRect()
    return [...vp.querySelectorAll('tr.row')]
      .filter((tr) => {
        const r = tr.getBoundingClientRect()
        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1
      })
      .map((tr) => tr.id.replace(/^row-/, ''))
  })

test('at 1024×700 every row shows its primary actions on screen, nothing scrolls sideways, columns keep their widths', async ({ page }) => {
  await open(page)
  const noSidewaysScroll = () =>
    page.evaluate(() => {
      const vp = document.querySelector('.table-viewport')
      const doc = document.scrollingElement
      return !!vp && !!doc && vp.scrollWidth <= vp.clientWidth && doc.scrollWidth <= doc.clientWidth
    })
  expect(await noSidewaysScroll()).toBe(true)
  const widths = await columnWidths(page)

  // every instance, scrolled into view in turn: its primary actions lie inside the window
  const seen = new Set<string>()
  for (let top = 0; ; top += 200) {
    const atEnd = await viewport(page).evaluate((vp, y) => {
      vp.scrollTo({ top: y })
      return vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 1
    }, top)
    await page.waitForTimeout(50)
    for (const id of await rowsInView(page)) {
      if (seen.has(id)) continue
      seen.add(id)
      for (const verb of PRIMARY) {
        const box = await page.getByRole('button', { name: `${verb} ${id}`, exact: true }).boundingBox()
        expect(box, `${verb} ${id}`).not.toBeNull()
        if (box) {
          expect(box.x, `${verb} ${id}`).toBeGreaterThanOrEqual(0)
          expect(box.x + box.width, `${verb} ${id}`).toBeLessThanOrEqual(LAPTOP.width)
        }
      }
    }
    // the same column widths wherever the table is scrolled
    expect(await columnWidths(page)).toEqual(widths)
    if (atEnd) break
  }
  expect([...seen].sort()).toEqual(INSTANCES.toSorted())

  // a badge that widens ("running, restart…") moves no column
  await viewport(page).evaluate((vp) => vp.scrollTo({ top: 0 }))
  await page.getByRole('button', { name: 'Start object-server.1', exact: true }).click()
  await expect(row(page, 'object-server.1')).toContainText('running')
  await page.getByRole('button', { name: 'Restart object-server.1', exact: true }).click()
  await expect(row(page, 'object-server.1')).toHaveAttribute('aria-label', /restart/)
  expect(await columnWidths(page)).toEqual(widths)
  await expect(row(page, 'object-server.1')).toHaveAttribute('aria-label', 'object-server.1 running')
  expect(await columnWidths(page)).toEqual(widths)
  expect(await noSidewaysScroll()).toBe(true)
  await page.getByRole('button', { name: 'Stop object-server.1', exact: true }).click()
  await expect(row(page, 'object-server.1')).toContainText('stopped')
})

test('the row menu holds the rarer actions under the same names; details show the paths with their ends in view', async ({ page }) => {
  await open(page)
  const more = page.getByRole('button', { name: 'More actions for object-server.2', exact: true })
  await more.click()
  const menu = page.getByRole('menu', { name: 'Actions for object-server.2' })
  await expect(menu.getByRole('menuitem', { name: 'Reload object-server.2', exact: true })).toBeDisabled()
  await expect(menu.getByRole('menuitem', { name: 'Shut down object-server.2 gracefully', exact: true })).toBeDisabled()
  await expect(menu.getByRole('menuitem', { name: 'Run object-server.2 attached', exact: true })).toBeEnabled()
  // the menu is on screen, and keys move through it
  const box = await menu.boundingBox()
  expect(box && box.x >= 0 && box.x + box.width <= LAPTOP.width && box.y + box.height <= LAPTOP.height).toBe(true)
  await expect(menu.getByRole('menuitem', { name: 'Run object-server.2 attached' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  await expect(more).toBeFocused()

  // per-server logs are in the server row's menu
  await page.getByRole('button', { name: 'More actions for object-server', exact: true }).click()
  await page.getByRole('menuitem', { name: 'Logs for object-server', exact: true }).click()
  await expect(page.getByRole('region', { name: 'Logs of object-server' })).toBeVisible()
  await page.keyboard.press('Escape')

  await page.getByRole('button', { name: 'Details for object-server.2', exact: true }).click()
  const details = page.getByRole('region', { name: 'Details of object-server.2' })
  await expect(details).toContainText(join(f.etc, 'object-server/2.conf'))
  // shortened or not, the end of each path that tells instances apart is on screen
  for (const end of ['object-server/2.conf', 'object-server/2.pid']) {
    const tail = details.getByText(end, { exact: false }).last()
    const t = await tail.boundingBox()
    const d = await details.boundingBox()
    expect(t && d && t.x + t.width <= d.x + d.width + 1 && t.x + t.width <= LAPTOP.width).toBe(true)
  }
  await details.getByRole('button', { name: 'Copy conf file path of object-server.2' }).click()
  await expect(details.getByRole('button', { name: 'Copy conf file path of object-server.2' })).toContainText('Copied')
})

test('logs open in a pane in view at once, resizable, and Escape closes it', async ({ page }) => {
  await open(page)
  await page.getByRole('button', { name: 'Start proxy-server', exact: true }).click()
  await expect(row(page, 'proxy-server')).toContainText('running')
  // from far down the table: the pane still opens in view
  await viewport(page).evaluate((vp) => vp.scrollTo({ top: vp.scrollHeight }))
  await page.getByRole('button', { name: 'Logs for object-updater.2', exact: true }).click()
  const pane = page.getByRole('region', { name: 'Logs of object-updater.2' })
  await expect(pane).toBeInViewport({ ratio: 1 })
  await page.keyboard.press('Escape')
  await expect(pane).toHaveCount(0)

  await viewport(page).evaluate((vp) => vp.scrollTo({ top: 0 }))
  await page.getByRole('button', { name: 'Logs for proxy-server', exact: true }).click()
  const logs = page.getByRole('region', { name: 'Logs of proxy-server' })
  await expect(logs).toBeInViewport({ ratio: 1 })
  const lines = logs.getByRole('log', { name: 'Log lines of proxy-server' })
  await expect(lines).toContainText(STARTED)
  await expect(lines).toBeInViewport()
  // the table stays usable above it
  await expect(row(page, 'proxy-server')).toBeInViewport()

  const splitter = page.getByRole('separator', { name: 'Resize the logs pane' })
  const before = (await logs.boundingBox())?.height ?? 0
  const s = await splitter.boundingBox()
  if (!s) throw new Error('no splitter')
  await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2)
  await page.mouse.down()
  await page.mouse.move(s.x + s.width / 2, s.y - 100, { steps: 5 })
  await page.mouse.up()
  expect(Math.round((await logs.boundingBox())?.height ?? 0)).toBeGreaterThan(before + 80)
  await splitter.focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  expect(Math.round((await logs.boundingBox())?.height ?? 0)).toBeLessThan(before + 80)

  await lines.focus()
  await page.keyboard.press('Escape')
  await expect(logs).toHaveCount(0)
  // focus goes back where the logs were opened from
  await expect(page.getByRole('button', { name: 'Logs for proxy-server', exact: true })).toBeFocused()
  await page.getByRole('button', { name: 'Stop proxy-server', exact: true }).click()
  await expect(row(page, 'proxy-server')).toContainText('stopped')
})

test('a filter that matches nothing says so, with a way back', async ({ page }) => {
  await open(page)
  await page.getByRole('searchbox', { name: 'Filter instances' }).fill('no such thing')
  await expect(page.getByText('No instance matches “no such thing”')).toBeVisible()
  await page.getByRole('button', { name: 'Clear the filter' }).click()
  await expect(row(page, 'proxy-server')).toBeVisible()
})

test('the page has a favicon', async ({ page }) => {
  await open(page)
  const href = await page.locator('link[rel="icon"]').getAttribute('href')
  expect(href).toBeTruthy()
  const res = await page.request.get(new URL(href ?? '', page.url()).toString())
  expect(res.status()).toBe(200)
  expect(res.headers()['content-type']).toContain('image/svg+xml')
})

/** Serious and critical axe-core findings (WCAG 2.1 A and AA, and best practices) on the page as it is. */
async function axeFindings(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

for (const theme of ['light', 'dark'] as const) {
  test(`axe-core finds nothing serious in the main views, ${theme} theme`, async ({ page }) => {
    await open(page, DESKTOP, theme)
    await page.getByRole('button', { name: 'Start main', exact: true }).click()
    // once the start has settled (panel.spec checks what it did)
    await expect(overallHealth(page)).toHaveText(/^Main (?!stopped)(?!.*starting)/)
    expect(await axeFindings(page), 'services').toEqual([])

    await page.getByRole('button', { name: 'Details for proxy-server', exact: true }).click()
    await page.getByRole('button', { name: 'Logs for proxy-server', exact: true }).click()
    await expect(page.getByRole('log', { name: 'Log lines of proxy-server' })).toContainText(STARTED)
    expect(await axeFindings(page), 'details and logs').toEqual([])

    await page.getByRole('button', { name: 'More actions for proxy-server', exact: true }).click()
    expect(await axeFindings(page), 'row menu').toEqual([])
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Stop main', exact: true }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Stop main?' })
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused()
    expect(await axeFindings(page), 'confirmation').toEqual([])
    await confirm.getByRole('button', { name: 'Stop main' }).click()
    await expect(overallHealth(page)).toHaveText('Main stopped')

    await page.getByRole('button', { name: 'Open settings' }).click()
    await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
    expect(await axeFindings(page), 'settings').toEqual([])
    await page.keyboard.press('Escape')
  })
}

test('screenshots at 1024×700 and 1400×900, light and dark', async ({ page }) => {
  test.setTimeout(180_000)
  for (const theme of ['light', 'dark'] as const)
    for (const size of [LAPTOP, DESKTOP]) {
      await open(page, size, theme)
      const health = overallHealth(page)
      if ((await health.textContent()) !== 'Main up (7/7)') {
        // the proxy attached: its console streams into its logs
        await page.getByRole('button', { name: 'More actions for proxy-server', exact: true }).click()
        await page.getByRole('menuitem', { name: 'Run proxy-server attached', exact: true }).click()
        await expect(row(page, 'proxy-server')).toContainText('attached')
        await page.getByRole('button', { name: 'Start main', exact: true }).click()
        await expect(health).toHaveText('Main up (7/7)')
        // and one background daemon, found through the filter
        await page.getByRole('searchbox', { name: 'Filter instances' }).fill('object-replicator.1')
        await page.getByRole('button', { name: 'Start object-replicator.1', exact: true }).click()
        await expect(row(page, 'object-replicator.1')).toContainText('running')
        await page.getByRole('searchbox', { name: 'Filter instances' }).fill('')
      }
      await page
        .getByRole('button', { name: 'Close command output' })
        .click({ timeout: 1000 })
        .catch(() => {})
      // CPU figures in (the second sample), so the rows look as they do in use
      await expect(row(page, 'account-server.1')).toContainText('%', { timeout: 10_000 })
      await page.screenshot({ path: join(SHOTS, `services-${size.width}-${theme}.png`) })
      await page.getByRole('button', { name: 'Details for account-server.1', exact: true }).click()
      await page.getByRole('button', { name: 'Logs for proxy-server', exact: true }).click()
      await expect(page.getByRole('log', { name: 'Log lines of proxy-server' })).toContainText(/log line [1-9]\d/)
      await page.screenshot({ path: join(SHOTS, `logs-${size.width}-${theme}.png`) })
    }
  await page.getByRole('button', { name: 'Stop all', exact: true }).click()
  await page.getByRole('alertdialog', { name: 'Stop all?' }).getByRole('button', { name: 'Stop all' }).click()
  await expect(overallHealth(page)).toHaveText('Main stopped')
})
