// The window's page comes over a custom protocol, app://panel/, not file://: a file:// page may read any
// file the user can (and gets extra privileges from Electron), an app:// page only the built renderer.
// electron-vite's dev server (ELECTRON_RENDERER_URL) is used only in development, and only on loopback.

import { protocol } from 'electron'
import { readFile } from 'node:fs/promises'
import { mimeType, rendererFile } from '../host/renderer-files.js'
import { CSP } from '../service/csp.js'

export const APP_SCHEME = 'app'
export const APP_HOST = 'panel'
export const APP_PAGE = `${APP_SCHEME}://${APP_HOST}/index.html`

/** Before the app is ready: app:// behaves as a standard, secure origin (relative URLs, fetch, CSP 'self'). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

/** Once ready: app://panel/<path> answers with the built renderer's files, nothing else. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request.url))
}

/** The answer to a request for `url` under app://panel/: the file with its type and the CSP, or a 404. */
export async function rendererResponse(rendererDir: string, url: string): Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return notFound()
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return notFound()
  const file = rendererFile(rendererDir, u.pathname)
  if (!file) return notFound()
  try {
    const body = await readFile(file)
    return new Response(body, {
      headers: { 'content-type': mimeType(file), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' },
    })
  } catch {
    return notFound()
  }
}

/**
 * The page the window loads: app://panel/index.html, or in development (`isPackaged` false) electron-vite's
 * dev server from ELECTRON_RENDERER_URL when it is an http URL on loopback. `warning` says why a URL given
 * was not used.
 */
export function rendererUrl(isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): { url: string; warning?: string } {
  const dev = env.ELECTRON_RENDERER_URL
  if (!dev) return { url: APP_PAGE }
  if (isPackaged) return { url: APP_PAGE, warning: 'ELECTRON_RENDERER_URL is ignored: it is for development, and this app is packaged' }
  try {
    const u = new URL(dev)
    if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return { url: u.toString() }
  } catch {
    // not a URL: said below
  }
  return { url: APP_PAGE, warning: `ELECTRON_RENDERER_URL is ignored: ${dev} is not an http URL on loopback` }
}
