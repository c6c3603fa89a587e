// The window's size and position across runs: saved on close, restored only where it still fits one of
// the displays now attached (a monitor unplugged since must not leave the window off-screen).

import { readJson, writeJsonAtomic } from '../service/json-file.js'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  width: number
  height: number
  /** Absent: let the window manager place it. */
  x?: number
  y?: number
  maximized: boolean
}

export const DEFAULT_WINDOW: WindowState = { width: 1280, height: 800, maximized: false }
export const MIN_WIDTH = 640
export const MIN_HEIGHT = 400
/** How much of the window's top edge must lie on a display for its saved position to be kept: enough to grab it. */
const GRAB = { width: 120, height: 32 }

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** A saved state made safe for the displays' work areas now; anything unusable gives the default. */
export function restoreWindowState(saved: unknown, workAreas: Rect[]): WindowState {
  if (typeof saved !== 'object' || saved === null) return { ...DEFAULT_WINDOW }
  const s = saved as Record<string, unknown>
  if (!finite(s.width) || !finite(s.height)) return { ...DEFAULT_WINDOW }
  // no display known (yet): no upper bound
  const largest = workAreas.length
    ? workAreas.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a))
    : { width: Infinity, height: Infinity }
  const width = Math.round(Math.min(Math.max(s.width, MIN_WIDTH), largest.width))
  const height = Math.round(Math.min(Math.max(s.height, MIN_HEIGHT), largest.height))
  const state: WindowState = { width, height, maximized: s.maximized === true }
  if (finite(s.x) && finite(s.y)) {
    const top: Rect = { x: s.x, y: s.y, width: Math.min(width, GRAB.width), height: GRAB.height }
    if (workAreas.some((area) => contains(area, top))) Object.assign(state, { x: Math.round(s.x), y: Math.round(s.y) })
  }
  return state
}

function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  )
}

export function loadWindowState(path: string, workAreas: Rect[]): WindowState {
  try {
    return restoreWindowState(readJson(path), workAreas)
  } catch {
    return { ...DEFAULT_WINDOW }
  }
}

/** `bounds`: the window's normal (unmaximized) bounds, so un-maximizing after a restart gives the old size back. */
export function saveWindowState(path: string, bounds: Rect, maximized: boolean): void {
  writeJsonAtomic(path, { ...bounds, maximized })
}
