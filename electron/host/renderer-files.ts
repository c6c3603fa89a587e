// The built renderer's files by page path, for the browser host and for the Electron shell's app://
// protocol alike: which file a path names (never one outside the renderer's folder) and its MIME type.

import { extname, resolve, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/**
 * The file under `root` that the page path `pathname` names (percent-encoded, as in a URL; `/` and ``
 * name index.html), or null when it cannot be decoded or would leave `root` (`..`, an encoded slash, NUL).
 */
export function rendererFile(root: string, pathname: string): string | null {
  let path: string
  try {
    path = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  const base = resolve(root)
  const file = resolve(base, `.${path.startsWith('/') ? '' : '/'}${path}`)
  if (file === base) return resolve(base, 'index.html')
  return file.startsWith(base + sep) ? file : null
}

/** The Content-Type to serve `file` with. */
export function mimeType(file: string): string {
  return MIME[extname(file)] ?? 'application/octet-stream'
}
