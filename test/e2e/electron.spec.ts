// The desktop app itself, through Playwright's Electron driver. Needs the Electron binary, which cannot be
// downloaded on every machine: without it the spec skips and says why.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, expect, test } from '@playwright/test'
import { cleanup, makeFixture, MAIN, SAIO_CONFS } from '../helpers/fixture.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const pathFile = join(ROOT, 'node_modules/electron/path.txt')
const binary = existsSync(pathFile) ? join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim()) : null
const missing = !binary || !existsSync(binary)
if (missing) console.log('SKIP Electron e2e: the Electron binary is not installed (node_modules/electron has no dist/; it downloads from GitHub)')

test.skip(missing, 'the Electron binary is not installed')

test('launches, shows the instances, restarts one from the window and from the tray menu', async () => {
  const f = makeFixture({ binaries: [...MAIN], confs: SAIO_CONFS })
  const app = await electron.launch({ executablePath: binary!, args: [ROOT, `--user-data-dir=${f.root}/user-data`], env: { ...process.env, PATH: f.env.PATH!, SWIFT_DIR: f.etc, SWIFT_RUN_DIR: f.run } })
  try {
    const page = await app.firstWindow()
    await expect(page.getByRole('row', { name: /^proxy-server / })).toBeVisible()
    await page.getByRole('button', { name: 'Start proxy-server', exact: true }).click()
    await expect(page.getByRole('row', { name: /^proxy-server / })).toContainText('running')
    await page.getByRole('button', { name: 'Restart proxy-server', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Command output' })).toContainText('exit 0')
    // the tray menu's "Restart main" item, clicked in the main process
    const labels = await app.evaluate(() => {
      const menu = (globalThis as unknown as { swiftPanelTrayMenu: { items: { label: string; click: () => void }[] } }).swiftPanelTrayMenu
      menu.items.find((i) => i.label === 'Restart main')!.click()
      return menu.items.map((i) => i.label)
    })
    expect(labels).toEqual(expect.arrayContaining(['Show panel', 'Start main', 'Stop main', 'Restart main', 'Restart all', 'Quit']))
    await expect(page.getByRole('row', { name: /^object-server\.2 / })).toContainText('running')
  } finally {
    await app.close()
    cleanup(f)
  }
})
