import type { Bridge } from '../../shared/contract'

declare global {
  interface Window {
    /** The contract's verbs, exposed by electron/preload through contextBridge; absent in a browser. */
    swiftPanel?: Bridge
  }
}
