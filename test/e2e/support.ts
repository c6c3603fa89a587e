// What the panel's end-to-end specs share: the rule that a page logs no errors (CSP violations included), and
// the locators every spec reads the panel by, by their accessible names.
import { expect, test, type Page } from '@playwright/test'

/** Fails each test of the file whose page logged an error or threw: the panel must run under its CSP without any. */
export function failOnPageErrors(): void {
  let errors: string[] = []
  test.beforeEach(({ page }) => {
    errors = []
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
    page.on('pageerror', (e) => errors.push(e.message))
  })
  test.afterEach(() => expect(errors).toEqual([]))
}

/** An instance's row, by its accessible name (its id, then its state in words). */
export const row = (page: Page, id: string) => page.getByRole('row', { name: new RegExp(`^${id.replace('.', '\\.')} `) })

/** The overall health badge. */
export const overallHealth = (page: Page) => page.getByRole('status', { name: 'Overall health' })
