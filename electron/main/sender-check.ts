// Which senders may call the IPC handlers: only our own page (its frame's URL is the renderer's), never a
// page it navigated to or a frame of another origin.

/** Whether a frame at `frameUrl` is the page loaded from `rendererUrl` (same scheme, host and path). */
export function senderAllowed(frameUrl: string | undefined, rendererUrl: string): boolean {
  if (!frameUrl) return false
  try {
    const a = new URL(frameUrl)
    const b = new URL(rendererUrl)
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname
  } catch {
    return false
  }
}
