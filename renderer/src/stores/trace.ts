import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TraceInfo } from '../../../shared/types'
import { findTxnIds, TXN_ID_PATTERN } from '../../../shared/txn-id'
import { bridge } from '../bridge'

/** What a transaction id looks like, for a user who pasted something else. */
export const TXN_SHAPE = 'Swift’s look like tx, 21 hex digits, a dash and 10 more (tx9f2c1d0e8b7a6f5e4d3c2-0065f1a2b3)'

/**
 * The Trace box: every buffered line with one transaction id, from every instance, in time order. Opened from
 * an id in a log line, or empty to paste one (or a whole line holding one) into.
 */
export const useTraceStore = defineStore('trace', () => {
  const open = ref(false)
  /** The id traced (its one spelling), or '' before any. */
  const txnId = ref('')
  const info = ref<TraceInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  /** Answers to an earlier question are dropped. */
  let asked = 0

  /** Opens the box, tracing this id (or the first id in a pasted text) if given. */
  function show(text?: string): void {
    open.value = true
    if (text !== undefined) void trace(text)
  }

  function close(): void {
    open.value = false
  }

  /** Traces the first transaction id in `text` (an id, or a log line holding one); says so when there is none. */
  async function trace(text: string): Promise<void> {
    const n = ++asked
    const key = findTxnIds(text.trim())[0]?.key
    if (key === undefined || !TXN_ID_PATTERN.test(key)) {
      info.value = null
      loading.value = false
      error.value = text.trim() ? `No transaction id in “${text.trim().slice(0, 80)}”: ${TXN_SHAPE}.` : null
      return
    }
    txnId.value = key
    loading.value = true
    error.value = null
    const r = await bridge().invoke('logs:trace', { txnId: key })
    if (n !== asked) return
    loading.value = false
    info.value = r.ok ? r.value : null
    error.value = r.ok ? null : r.error.message
  }

  return { open, txnId, info, error, loading, show, close, trace }
})
