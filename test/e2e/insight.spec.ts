// Swift-aware insight in Debian's Chromium, against the browser host running the real service: the proxy and
// two object servers are test/insight/fake-wsgi.py (a Swift WSGI server's process model: workers share the
// listen socket and outlive a parent killed with -9), started by hand with their pid files written as
// swift-init would; the object replicators are stand-ins with a recon cache. Health words and ports in the
// rows, SIGSTOP → unhealthy while running, orphans and Stop orphans, a trace opened from a transaction id in
// the logs (syslog datagrams sent to the panel's receiver), axe in both themes, and screenshots at 1024×700
// and 1400×900 (written to build/screenshots when UPDATE_SCREENSHOTS=1).
import AxeBuilder from '@axe-core/playwright'
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { cleanup, makeFixture, serveFixture, type Fixture } from '../helpers/fixture.js'
import { failOnPageErrors, overallHealth, row } from './support.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(HERE, '../../build/screenshots') : join(HERE, '../../test-results/screenshots')
const FAKE_WSGI = join(HERE, '../insight/fake-wsgi.py')
const LAPTOP = { width: 1024, height: 700 }
const DESKTOP = { width: 1400, height: 900 }
const REFRESH_MS = 500
/** The WSGI servers, by instance id: their conf and pid file, relative to the swift dir and the run dir. */
const WSGI = {
  'proxy-server': { conf: 'proxy-server.conf', pid: 'proxy-server.pid', bin: 'swift-proxy-server' },
  'object-server.1': { conf: 'object-server/1.conf', pid: 'object-server/1.pid', bin: 'swift-object-server' },
  'object-server.2': { conf: 'object-server/2.conf', pid: 'object-server/2.pid', bin: 'swift-object-server' },
} as const
type WsgiId = keyof typeof WSGI
/** A transaction's id (see sendTransaction), and another's. */
const TXN = 'tx9f2c1d0e8b7a6f5e4d3c2-006b0be40e'
const OTHER_TXN = 'tx00000000000000000000a-006b0be40f'

let f: Fixture
let host: Awaited<ReturnType<typeof serveFixture>>
let receiverPort = 0
const ports: Partial<Record<WsgiId, number>> = {}

test.skip(!existsSync('/usr/bin/chromium'), 'Debian Chromium is not installed (apt-get install chromium)')
test.skip(
  !existsSync(join(HERE, '../../out/renderer/index.html')) || !existsSync(join(HERE, '../../out/node/electron/host/serve.js')),
  'not built: npm run build',
)

async function freeTcpPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const address = s.address()
  await new Promise((r) => s.close(r))
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4')
  await new Promise<void>((done) => s.bind(0, '127.0.0.1', done))
  const { port } = s.address()
  s.close()
  return port
}

/** One syslog datagram to the panel's receiver, as Swift's SysLogHandler sends it (local0.info, no timestamp). */
async function sendLog(line: string): Promise<void> {
  const socket = createSocket('udp4')
  await new Promise<void>((r) => socket.send(`<134>${line}\0`, receiverPort, '127.0.0.1', () => r()))
  socket.close()
  // the receiver stamps each datagram as it comes: lines sent apart keep their order
  await new Promise((r) => setTimeout(r, 20))
}

/** Starts a WSGI server by hand, as a terminal would, and writes its pid file as swift-init would; its pid. */
async function startWsgi(id: WsgiId): Promise<number> {
  const w = WSGI[id]
  const child = spawn(join(f.bin, w.bin), [join(f.etc, w.conf)], { env: f.env, stdio: 'ignore' })
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new Error(`${id} did not start`)
  const pidFile = join(f.run, w.pid)
  mkdirSync(dirname(pidFile), { recursive: true })
  writeFileSync(pidFile, String(pid))
  // listening: it answers a connection
  await expect.poll(() => answers(ports[id] ?? 0), { timeout: 10_000 }).toBe(true)
  return pid
}

async function answers(port: number): Promise<boolean> {
  const { connect } = await import('node:net')
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy()
      done(true)
    })
    s.on('error', () => done(false))
  })
}

/** The lines of one PUT as a SAIO logs them: the backend answers first, the proxy logs an error, then the client's request; a warning of another request between. */
async function sendTransaction(): Promise<void> {
  await sendLog(
    `object-server-1: 127.0.0.1 - - [29/Nov/2026:08:06:38 +0000] "PUT /sdb1/57/AUTH_test/c/o" 201 - "PUT http://127.0.0.1:8080/v1/AUTH_test/c/o" "${TXN}" "proxy-server 14101" 0.0119 "-" 14103 0`,
  )
  await sendLog(`proxy-server: ERROR with Object server 127.0.0.1:6010/sdb1 re: Trying to PUT /v1/AUTH_test/c/o: Timeout (txn: ${TXN})`)
  await sendLog(`proxy-server: WARNING: a request of another client is slow (txn: ${OTHER_TXN})`)
  await sendLog(
    `proxy-server: 127.0.0.1 127.0.0.1 29/Nov/2026/08/06/38 PUT /v1/AUTH_test/c/o HTTP/1.0 201 - curl AUTH_tk - - - ${TXN} - 0.0240 - - 1795939598.791546583 1795939598.815581322 0`,
  )
}

const pidOf = (id: WsgiId) => Number(readFileSync(join(f.run, WSGI[id].pid), 'utf8'))

test.beforeAll(async () => {
  receiverPort = await freeUdpPort()
  for (const id of Object.keys(WSGI) as WsgiId[]) ports[id] = await freeTcpPort()
  const logging = `log_udp_host = 127.0.0.1\nlog_udp_port = ${receiverPort}\n`
  const recon = (root: string) => join(root, 'recon')
  // every daemon the object servers' confs configure has its binary: no problem to report but ours
  f = makeFixture({ binaries: ['object-replicator', 'object-auditor', 'object-reconstructor', 'object-updater'] })
  const objectConf = (n: 1 | 2, port: number) =>
    `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${port}\nworkers = 1\n${logging}recon_cache_path = ${recon(f.root)}\n` +
    `[pipeline:main]\npipeline = healthcheck recon object-server\n[filter:healthcheck]\nuse = egg:swift#healthcheck\n` +
    `[filter:recon]\nuse = egg:swift#recon\n[app:object-server]\nuse = egg:swift#object\nlog_name = object-server-${n}\n` +
    `[object-replicator]\n[object-auditor]\n[object-reconstructor]\n[object-updater]\n`
  const confs: Record<string, string> = {
    'proxy-server.conf':
      `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${ports['proxy-server']}\nworkers = 2\n${logging}` +
      `[pipeline:main]\npipeline = healthcheck proxy-server\n[filter:healthcheck]\nuse = egg:swift#healthcheck\n` +
      `[app:proxy-server]\nuse = egg:swift#proxy\n`,
    'object-server/1.conf': objectConf(1, ports['object-server.1'] ?? 0),
    'object-server/2.conf': objectConf(2, ports['object-server.2'] ?? 0),
  }
  for (const [path, text] of Object.entries(confs)) {
    mkdirSync(dirname(join(f.etc, path)), { recursive: true })
    writeFileSync(join(f.etc, path), text)
  }
  for (const bin of ['swift-proxy-server', 'swift-object-server']) symlinkSync(FAKE_WSGI, join(f.bin, bin))
  // the object replicators' last pass, as Swift's replicator records it (epoch seconds; minutes)
  mkdirSync(recon(f.root))
  writeFileSync(
    join(recon(f.root), 'object.recon'),
    JSON.stringify({
      object_replication_last: Date.now() / 1000 - 150,
      object_replication_time: 0.21,
      replication_stats: { success: 12, failure: 0, attempted: 6 },
    }),
  )
  host = await serveFixture(f, { refreshIntervalMs: REFRESH_MS, probeTimeoutMs: 500, syslogReceiverPort: receiverPort, killWait: 2 })
  for (const id of Object.keys(WSGI) as WsgiId[]) await startWsgi(id)
  await sendTransaction()
  mkdirSync(SHOTS, { recursive: true })
})

test.afterAll(async () => {
  await host?.stop()
  if (f) cleanup(f)
})

failOnPageErrors()

const health = (page: Page, id: string, word: string) => page.getByRole('button', { name: `Health of ${id}: ${word}`, exact: true })

async function open(page: Page, size = LAPTOP, theme: 'light' | 'dark' = 'light') {
  await page.setViewportSize(size)
  await page.emulateMedia({ colorScheme: theme })
  await page.goto(host.url)
  await expect(row(page, 'proxy-server')).toBeVisible()
}

/** Serious and critical axe-core findings (WCAG 2.1 A and AA, and best practices) on the page as it is. */
async function axeFindings(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

test('each WSGI server shows its port and health apart from its state; SIGSTOP makes it unhealthy while running, SIGCONT brings it back', async ({
  page,
}) => {
  await open(page)
  for (const id of Object.keys(WSGI) as WsgiId[]) {
    await expect(health(page, id, 'healthy')).toBeVisible({ timeout: 10_000 })
    await expect(health(page, id, 'healthy')).toHaveAttribute('title', 'GET /healthcheck: 200 OK')
    await expect(row(page, id)).toContainText(`:${ports[id]}`)
  }
  await expect(overallHealth(page)).toHaveText('Main up (3/3)')
  // a background daemon: its last pass, no health word
  await page.getByRole('searchbox', { name: 'Filter instances' }).fill('object-replicator.1')
  await expect(row(page, 'object-replicator.1')).toContainText(/2 min ago/)
  await expect(row(page, 'object-replicator.1').getByRole('button', { name: /^Health of/ })).toHaveCount(0)
  await expect(row(page, 'object-replicator.1').locator('td.health-cell span[title]')).toHaveAttribute('title', /took 12\.6 s.*success 12/)
  await page.getByRole('searchbox', { name: 'Filter instances' }).fill('')

  const pid = pidOf('object-server.1')
  process.kill(-pid, 'SIGSTOP')
  try {
    await expect(health(page, 'object-server.1', 'unhealthy')).toBeVisible({ timeout: 10_000 })
    // still running: the process state is apart from its health
    await expect(row(page, 'object-server.1')).toHaveAttribute('aria-label', 'object-server.1 running')
    await expect(health(page, 'object-server.1', 'unhealthy')).toHaveAttribute(
      'title',
      `no answer in 0.5 s on port ${ports['object-server.1']}`,
    )
    // the badge warns, by the tray's rule
    await expect(overallHealth(page)).toHaveText('Main up (3/3) · 1 not answering')
    await expect(overallHealth(page)).toHaveClass(/tone-warn/)
    await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('object-server.1 stopped answering')
    // its details say why
    await health(page, 'object-server.1', 'unhealthy').click()
    const details = page.getByRole('region', { name: 'Details of object-server.1' })
    await expect(details).toContainText(`no answer in 0.5 s on port ${ports['object-server.1']}`)
    await expect(details).toContainText(String(ports['object-server.1']))
  } finally {
    process.kill(-pid, 'SIGCONT')
  }
  await expect(health(page, 'object-server.1', 'healthy')).toBeVisible({ timeout: 10_000 })
  await expect(overallHealth(page)).toHaveText('Main up (3/3)')
})

test('every transaction id in a line traces it: the Trace box lists its lines from every instance, in time order, with the request read', async ({
  page,
}) => {
  await open(page)
  await page.getByRole('button', { name: 'Logs for proxy-server', exact: true }).click()
  const log = page.getByRole('log', { name: 'Log lines of proxy-server' })
  await expect(log).toContainText('HTTP/1.0 201')
  // errors and warnings stand out
  await expect(log.locator('.line', { hasText: 'ERROR with Object server' })).toHaveClass(/tone-line-error/)
  await expect(log.locator('.line', { hasText: 'WARNING: a request' })).toHaveClass(/tone-line-warning/)
  await expect(log.getByRole('button', { name: `Trace ${TXN}`, exact: true })).toHaveCount(2)

  await log
    .getByRole('button', { name: `Trace ${TXN}`, exact: true })
    .first()
    .click()
  const box = page.getByRole('dialog', { name: `Trace ${TXN}` })
  await expect(box).toContainText('PUT /v1/AUTH_test/c/o → 201 in 24 ms at proxy-server')
  const requests = box.getByRole('table', { name: 'Requests it made' })
  await expect(requests.getByRole('row')).toHaveCount(2)
  await expect(requests.getByRole('row').nth(1)).toHaveText(/object-server\.1\s*PUT \/sdb1\/57\/AUTH_test\/c\/o\s*201\s*12 ms/)
  const lines = box.getByRole('list', { name: `Lines of ${TXN}` }).getByRole('listitem')
  await expect(lines).toHaveCount(3)
  await expect(lines.nth(0)).toContainText('object-server.1')
  await expect(lines.nth(1)).toContainText('proxy-server')
  await expect(lines.nth(1)).toHaveClass(/tone-line-error/)
  await expect(lines.nth(2)).toContainText('HTTP/1.0 201')
  expect(await axeFindings(page), 'trace box').toEqual([])
  await page.screenshot({ path: join(HERE, '../../test-results/screenshots/trace-open.png') })

  // another id pasted into the box, a whole line holding it will do
  const field = page.getByRole('dialog').getByRole('searchbox', { name: 'Transaction id to trace' })
  await field.fill(`Nov 29 08:06:39 saio proxy-server: WARNING: a request of another client is slow (txn: ${OTHER_TXN})`)
  await field.press('Enter')
  await expect(page.getByRole('dialog', { name: `Trace ${OTHER_TXN}` })).toContainText('not among the lines held')
  await expect(page.getByRole('dialog', { name: `Trace ${OTHER_TXN}` }).getByRole('listitem')).toHaveCount(1)
  // what is not an id is said so, and nothing is asked
  await field.fill('tx12')
  await field.press('Enter')
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('No transaction id in “tx12”')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(log.getByRole('button', { name: `Trace ${TXN}`, exact: true }).first()).toBeFocused()

  // long lines wrap on demand
  const wrap = page.getByRole('button', { name: 'Wrap long lines' })
  const line = log.locator('.line', { hasText: 'HTTP/1.0 201' })
  const oneLine = (await line.boundingBox())?.height ?? 0
  await wrap.click()
  await expect(wrap).toHaveAttribute('aria-pressed', 'true')
  await expect.poll(async () => (await line.boundingBox())?.height ?? 0).toBeGreaterThan(oneLine * 1.5)
  await wrap.click()
  await expect.poll(async () => (await line.boundingBox())?.height ?? 0).toBe(oneLine)
})

test('axe-core finds nothing serious with health words, details and the Trace box, in both themes', async ({ page }) => {
  for (const theme of ['light', 'dark'] as const) {
    await open(page, DESKTOP, theme)
    await expect(health(page, 'proxy-server', 'healthy')).toBeVisible({ timeout: 10_000 })
    await page.getByRole('button', { name: 'Details for proxy-server', exact: true }).click()
    await page.getByRole('button', { name: 'Details for object-server.1', exact: true }).click()
    await page.getByRole('button', { name: 'Logs for proxy-server', exact: true }).click()
    await expect(page.getByRole('log', { name: 'Log lines of proxy-server' })).toContainText('ERROR with Object server')
    expect(await axeFindings(page), `table, details and logs, ${theme}`).toEqual([])
    await page.getByRole('button', { name: 'Trace a transaction' }).click()
    await expect(page.getByRole('dialog', { name: 'Trace a transaction' })).toBeVisible()
    expect(await axeFindings(page), `empty Trace box, ${theme}`).toEqual([])
    await page.keyboard.press('Escape')
  }
})

test('screenshots of the table with health and of the Trace box, at 1024×700 and 1400×900, light and dark', async ({ page }) => {
  test.setTimeout(120_000)
  // one server SIGSTOPped: running, and unhealthy
  const stopped = pidOf('object-server.2')
  process.kill(-stopped, 'SIGSTOP')
  try {
    for (const theme of ['light', 'dark'] as const)
      for (const size of [LAPTOP, DESKTOP]) {
        await open(page, size, theme)
        await expect(health(page, 'object-server.2', 'unhealthy')).toBeVisible({ timeout: 10_000 })
        await expect(row(page, 'object-server.1')).toContainText('%', { timeout: 10_000 })
        await page.getByRole('button', { name: 'Details for object-server.1', exact: true }).click()
        await page.getByRole('button', { name: 'Logs for proxy-server', exact: true }).click()
        await expect(page.getByRole('log', { name: 'Log lines of proxy-server' })).toContainText('HTTP/1.0 201')
        // the notification that it stopped answering came in the first page; the screenshots show the panel, not it
        for (const dismiss of await page.getByRole('button', { name: /^Dismiss:/ }).all()) await dismiss.click()
        await page.screenshot({ path: join(SHOTS, `health-${size.width}-${theme}.png`) })
        await page
          .getByRole('log', { name: 'Log lines of proxy-server' })
          .getByRole('button', { name: `Trace ${TXN}` })
          .first()
          .click()
        await expect(page.getByRole('dialog', { name: `Trace ${TXN}` })).toContainText('→ 201')
        await page.screenshot({ path: join(SHOTS, `trace-${size.width}-${theme}.png`) })
        await page.keyboard.press('Escape')
      }
  } finally {
    process.kill(-stopped, 'SIGCONT')
  }
  await expect(health(page, 'object-server.2', 'healthy')).toBeVisible({ timeout: 10_000 })
})

// last: it leaves the proxy's parent dead
test('the workers of a parent killed with -9 show as orphans, with their pids; Stop orphans asks, then says what became of each', async ({
  page,
}) => {
  await open(page)
  await expect(health(page, 'proxy-server', 'healthy')).toBeVisible({ timeout: 10_000 })
  process.kill(pidOf('proxy-server'), 'SIGKILL')
  const orphans = page.getByRole('button', { name: 'Orphans of proxy-server: 2, still serving', exact: true })
  await expect(orphans).toBeVisible({ timeout: 20_000 })
  const problems = page.getByRole('region', { name: 'Problems' })
  await expect(problems).toContainText(
    /proxy-server: \d+ \(worker, still serving\), \d+ \(worker, still serving\), still answering on its port/,
  )
  await orphans.click()
  const details = page.getByRole('region', { name: 'Details of proxy-server' })
  await expect(details).toContainText(/Orphans.*\d+ worker, still serving, up/)
  expect(await axeFindings(page), 'orphans in the problems and the details').toEqual([])

  // the same action, under the same name, in the row's menu
  await page.getByRole('button', { name: 'More actions for proxy-server', exact: true }).click()
  await page.getByRole('menuitem', { name: 'Stop orphans of proxy-server', exact: true }).click()
  const ask = page.getByRole('alertdialog', { name: 'Stop orphans of proxy-server?' })
  await expect(ask.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await expect(ask.getByRole('listitem')).toHaveCount(2)
  expect(await axeFindings(page), 'the confirmation').toEqual([])
  await ask.getByRole('button', { name: 'Stop orphans of proxy-server' }).click()
  const results = ask.getByRole('table', { name: 'What became of each orphan' })
  await expect(results.getByRole('row')).toHaveCount(3, { timeout: 20_000 })
  await expect(results).toContainText(/\d+\s*terminated\s*SIGTERM/)
  await expect(ask.getByRole('button', { name: 'Close' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(orphans).toHaveCount(0, { timeout: 20_000 })
  await expect(problems).toHaveCount(0)
  expect(await answers(ports['proxy-server'] ?? 0)).toBe(false)
})
