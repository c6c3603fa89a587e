// The panel in Debian's Chromium against the browser host: first full table with 500 instances, and
// frame times in the logs view holding 200,000 lines while 1,000 lines a second arrive.

import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { chromium, type Page } from '@playwright/test'
import { cleanup, makeFixture, serveFixture } from '../test/helpers/fixture.js'

/** The logs view's "N lines" counter, read in the page. */
const LINES_SHOWN = `Number(/(\\d+) lines/.exec(document.querySelector('.logs header')?.textContent ?? '')?.[1] ?? 0)`

const browser = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })

/** Runs the proxy attached: a rarer action, in its row's menu. */
async function attach(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'More actions for proxy-server', exact: true }).click()
  await page.getByRole('menuitem', { name: 'Run proxy-server attached' }).click()
}

export async function benchPanel(): Promise<
  string | { tableMs: number; frames: { count: number; maxMs: number; p99Ms: number; linesShown: number } }
> {
  if (!existsSync('/usr/bin/chromium')) return 'Debian Chromium is not installed'
  const confs = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`object-server/${i + 1}.conf`, '']))
  confs['proxy-server.conf'] = '[standin]\nlog_every = 0.005\nlog_burst = 1000\n'
  const f = makeFixture({ binaries: ['object-server', 'proxy-server'], confs })
  const host = await serveFixture(f, { logBufferLines: 250_000 })
  const b = await browser()
  try {
    // the bench reads the page with string expressions, which the panel's CSP (rightly) forbids
    const page = await b.newPage({ viewport: { width: 1400, height: 900 }, bypassCSP: true })
    const t0 = performance.now()
    await page.goto(host.url)
    // (browser-side code is passed as strings: this file compiles without the DOM library)
    // full: every instance counted, and the table's rows fill its viewport (it renders only what is in view)
    await page.waitForFunction(
      `document.querySelector('[aria-label="Overall health"]')?.title.includes('of 501 main') && document.querySelectorAll('tr.row').length >= 15`,
    )
    const tableMs = performance.now() - t0

    // fill the proxy's buffer past 200,000 lines fast, then slow it to 1,000 lines a second
    await attach(page)
    await page.getByRole('button', { name: 'Logs for proxy-server' }).click()
    await page.waitForFunction(`${LINES_SHOWN} >= 200000`, null, { timeout: 60_000 })
    await page.getByRole('button', { name: 'Stop proxy-server', exact: true }).click()
    await page.waitForFunction(`!document.querySelector('tr[aria-label^="proxy-server "]')?.textContent?.includes('attached')`)
    writeFileSync(join(f.etc, 'proxy-server.conf'), '[standin]\nlog_every = 0.01\nlog_burst = 10\n')
    await attach(page)
    await sleep(1000)

    const frames = await page.evaluate<{ count: number; maxMs: number; p99Ms: number; linesShown: number }>(`(async () => {
      const viewport = document.querySelector('.viewport')
      const deltas = []
      let last = performance.now()
      const end = last + 8000
      await new Promise((resolve) => {
        const step = (now) => {
          deltas.push(now - last)
          last = now
          // scroll up and down through the lines while new ones arrive
          viewport.scrollTop = (Math.sin(now / 700) * 0.5 + 0.5) * viewport.scrollHeight
          if (now < end) requestAnimationFrame(step)
          else resolve()
        }
        requestAnimationFrame(step)
      })
      deltas.sort((a, b) => a - b)
      return { count: deltas.length, maxMs: deltas.at(-1), p99Ms: deltas[Math.floor(deltas.length * 0.99)], linesShown: ${LINES_SHOWN} }
    })()`)
    await page.getByRole('button', { name: 'Stop proxy-server', exact: true }).click()
    await sleep(500)
    return { tableMs, frames }
  } finally {
    await b.close()
    await host.stop()
    await sleep(500)
    cleanup(f)
  }
}
