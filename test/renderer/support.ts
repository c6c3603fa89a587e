// Shared set-up for renderer tests: a fake bridge and a testing pinia per test, fixtures, and the bits of
// layout jsdom lacks (it computes none) so that virtual lists can be exercised.
import { createTestingPinia } from '@pinia/testing'
import { enableAutoUnmount } from '@vue/test-utils'
import { setActivePinia, type Pinia } from 'pinia'
import { afterEach, vi } from 'vitest'
import { nextTick } from 'vue'
import { setBridge } from '../../renderer/src/bridge'
import type { InstanceInfo, LogLine, Settings, Snapshot } from '../../shared/types'
import { instanceInfo } from '../helpers/instance-info'
import { fakeBridge, type Answers } from './fake-bridge'

/** Height of every scrolling viewport in these tests. */
export const VIEW_HEIGHT = 360

const scrolls = new WeakMap<Element, number>()
const scrolling = (el: Element) => el.classList.contains('viewport') || el.classList.contains('table-viewport')
/** The content height: a viewport's first child sets it (the virtual list's spacer). */
const contentHeight = (el: Element) => parseFloat((el.firstElementChild as HTMLElement | null)?.style.height ?? '') || 0
Object.defineProperties(HTMLElement.prototype, {
  clientHeight: {
    configurable: true,
    get(this: HTMLElement) {
      return scrolling(this) ? VIEW_HEIGHT : 0
    },
  },
  scrollHeight: {
    configurable: true,
    get(this: HTMLElement) {
      return contentHeight(this)
    },
  },
  scrollTop: {
    configurable: true,
    get(this: HTMLElement) {
      return scrolls.get(this) ?? 0
    },
    set(this: HTMLElement, v: number) {
      scrolls.set(this, Math.max(0, Math.min(v, this.scrollHeight - this.clientHeight)))
    },
  },
  // jsdom has no scrollTo on elements: a browser's moves the view, then fires a scroll event
  scrollTo: {
    configurable: true,
    value(this: HTMLElement, to: ScrollToOptions) {
      if (to.top !== undefined) scrollTo(this, to.top)
    },
  },
})
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
}

/** Scrolls a viewport as a user would: the position changes, then the scroll event fires. */
export function scrollTo(el: Element, top: number): void {
  el.scrollTop = top
  el.dispatchEvent(new Event('scroll'))
}

export function setup(answers: Answers = {}): { fake: ReturnType<typeof fakeBridge>; pinia: Pinia } {
  // the panel keeps view preferences (hidden daemons, the logs pane's size) in this browser: not across tests
  localStorage.clear()
  const fake = fakeBridge(answers)
  setBridge(fake.bridge)
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn })
  setActivePinia(pinia)
  return { fake, pinia }
}

export const inst = instanceInfo

export const snapshot = (instances: InstanceInfo[], more: Partial<Snapshot> = {}): Snapshot => ({
  seq: 1,
  takenAt: 1,
  swiftDir: '/etc/swift',
  runDir: '/var/run/swift',
  instances,
  problems: [],
  ...more,
})

/** A SAIO-like set: proxy, two object servers, an object replicator. */
export const SAIO = () => [
  inst('proxy-server', 'running'),
  inst('object-server.1', 'running'),
  inst('object-server.2', 'stopped'),
  inst('object-replicator.1', 'crashed'),
]

export const settings = (more: Partial<Settings> = {}): Settings => ({
  profiles: [{ name: 'default', swiftDir: '/etc/swift', runDir: '/var/run/swift', extraPath: [], logFiles: {} }],
  activeProfile: 'default',
  killWait: 15,
  strict: null,
  refreshIntervalMs: 1000,
  logBufferLines: 10_000,
  probeTimeoutMs: 1000,
  syslogReceiverPort: 0,
  theme: 'system',
  ...more,
})

export const lines = (from: number, count: number, more: Partial<LogLine> = {}): LogLine[] =>
  Array.from({ length: count }, (_, k) => ({
    seq: from + k,
    ts: from + k,
    source: 'attached',
    stream: 'stdout',
    text: `line ${from + k}`,
    ...more,
  }))

/** An element anywhere in the page (menus and dialogs are teleported to <body>), or a clear failure. */
export function find<E extends Element = HTMLElement>(selector: string): E {
  const el = document.body.querySelector<E>(selector)
  if (!el) throw new Error(`nothing matches ${selector}`)
  return el
}

/** Lets Vue render, and promises (a bridge answer) settle. */
export const settle = async (): Promise<void> => {
  for (let n = 0; n < 3; n++) await nextTick()
  await new Promise((r) => setTimeout(r, 0))
}

// mounted components (some attached to document.body) do not outlive their test
enableAutoUnmount(afterEach)
