// The Content-Security-Policy both transports send with the renderer's pages (Electron through session
// headers, the browser host on every response), matching the one in renderer/index.html: nothing inline,
// nothing remote, WebSocket only back to the host.

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
