// The desktop app itself, through Playwright's Electron driver. Needs the Electron binary, which cannot be
// downloaded on every machine: without it the spec skips and says why.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, expect, test } from '@playwright/test'
import { electronBinary, NO_ELECTRON } from '../../electron/main/electron-binary.js'
import { cleanup, makeFixture, MAIN, SAIO_CONFS } from '../helpers/fixture.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const binary = electronBinary(ROOT)
if (!binary) console.log(`SKIP Electron e2e: ${NO_ELECTRON}`)

test.skip(!binary, NO_ELECTRON)

test('launches, shows the instances, restarts one from the window and from the tray menu', async () => {
  const f = makeFixture({ binaries: [...MAIN], confs: SAIO_CONFS })
  // a fresh config home: no saved settings, so the profile comes from SWIFT_DIR / SWIFT_RUN_DIR
  const env = { ...process.env, PATH: f.env.PATH!, SWIFT_DIR: f.etc, SWIFT_RUN_DIR: f.run, XDG_CONFIG_HOME: `${f.root}/config` }
  const app = await electron.launch({ executablePath: binary!, args: [ROOT], env })
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
