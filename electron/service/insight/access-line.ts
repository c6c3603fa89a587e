// Swift's access log lines, parsed: the proxy's (one per client request, and per subrequest its middlewares
// make) and the storage servers' (one per backend request).
//
// Proxy: swift/common/middleware/proxy_logging.py, the default log_msg_template
//   {client_ip} {remote_addr} {end_time.datetime} {method} {path} {protocol} {status_int} {referer} {user_agent}
//   {auth_token} {bytes_recvd} {bytes_sent} {client_etag} {transaction_id} {headers} {request_time} {source}
//   {log_info} {start_time} {end_time} {policy_index}
// every field URL-quoted (safe ':/{}', so none holds a blank) and `-` when empty; end_time.datetime is
// dd/Mon/YYYY/HH/MM/SS in UTC; start_time and end_time are epoch seconds with 9 decimals; request_time seconds.
// Swift's logger may append ` (txn: …)` and ` (client_ip: …)` to the message.
// Storage servers: swift/common/utils.py LOG_LINE_DEFAULT_FORMAT (get_log_line)
//   {remote_addr} - - [{d}/{b}/{Y}:{H}:{M}:{S} +0000] "{method} {path}" {status} {content_length} "{referer}"
//   "{txn_id}" "{user_agent}" {trans_time:.4f} "{additional_info}" {pid} {policy_index}
// where the referer is the proxy request this backend request serves (`PUT http://host:port/v1/a/c/o`) and the
// user agent names the caller (`proxy-server 26215`). A custom log_msg_template or log_format is not read.

export interface ProxyAccess {
  kind: 'proxy'
  method: string
  /** Path and query, unquoted once (as the client sent it). */
  path: string
  status: number
  clientIp: string | null
  userAgent: string | null
  bytesReceived: number | null
  bytesSent: number | null
  /** As logged (proxy_logging quotes it again: a `%` of the id shows as `%25`). */
  txnId: string | null
  /** Seconds from the request's start to its end. */
  requestTimeSec: number
  /** The middleware that made this subrequest (`VW`, `SLO`, …); null for the client's own request. */
  source: string | null
  /** Epoch ms. */
  startTime: number
  endTime: number
  policyIndex: number | null
}

export interface StorageAccess {
  kind: 'storage'
  method: string
  /** /device/partition/account[/container[/object]]. */
  path: string
  status: number
  remoteAddr: string
  contentLength: number | null
  /** The proxy request this one serves, e.g. `PUT http://127.0.0.1:8080/v1/AUTH_test/c/o`. */
  referer: string | null
  txnId: string | null
  /** The caller, e.g. `proxy-server 26215`. */
  userAgent: string | null
  requestTimeSec: number
  /** When it was logged, epoch ms (whole seconds). */
  time: number
  pid: number | null
  policyIndex: number | null
}

export type AccessLine = ProxyAccess | StorageAccess

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 }
const PROXY_DATETIME = /^\d\d\/[A-Z][a-z]{2}\/\d{4}\/\d\d\/\d\d\/\d\d$/
const STORAGE =
  /^(\S+) - - \[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "(\S+) ([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" (\d+(?:\.\d+)?) "[^"]*" (\S+) (\S+)/

const dash = (s: string | undefined): string | null => (s === undefined || s === '-' ? null : s)
const int = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null)
function unquote(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** The access line in a log message (the text after `tag:`), or null when the message is not one. */
export function parseAccessLine(text: string): AccessLine | null {
  return parseStorage(text) ?? parseProxy(text)
}

function parseProxy(text: string): ProxyAccess | null {
  const f = text.split(' ')
  if (f.length < 21 || !PROXY_DATETIME.test(f[2] ?? '') || !/^HTTP\/\d/.test(f[5] ?? '') || !/^\d{3}$/.test(f[6] ?? '')) return null
  const start = Number(f[18])
  const end = Number(f[19])
  const requestTime = Number(f[15])
  if (!Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(requestTime)) return null
  return {
    kind: 'proxy',
    method: f[3] ?? '',
    path: unquote(f[4] ?? ''),
    status: Number(f[6]),
    clientIp: dash(f[0]),
    userAgent: dash(f[8]) === null ? null : unquote(f[8] ?? ''),
    bytesReceived: int(f[10]),
    bytesSent: int(f[11]),
    txnId: dash(f[13]),
    requestTimeSec: requestTime,
    source: dash(f[16]),
    startTime: Math.round(start * 1000),
    endTime: Math.round(end * 1000),
    policyIndex: int(f[20]),
  }
}

function parseStorage(text: string): StorageAccess | null {
  const m = STORAGE.exec(text)
  if (!m) return null
  const [, remote = '', d, mon = '', y, hh, mm, ss, method = '', path = '', status, length, referer, txn, agent, time, pid, policy] = m
  return {
    kind: 'storage',
    method,
    path,
    status: Number(status),
    remoteAddr: remote,
    contentLength: int(length),
    referer: dash(referer),
    txnId: dash(txn),
    userAgent: dash(agent),
    requestTimeSec: Number(time),
    time: Date.UTC(Number(y), MONTHS[mon] ?? 0, Number(d), Number(hh), Number(mm), Number(ss)),
    pid: int(pid),
    policyIndex: int(policy),
  }
}
