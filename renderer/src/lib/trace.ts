// A transaction's trace read as a request: the client's request as the proxy logged it, the requests it made
// to other servers (storage servers' access lines, the proxy's own subrequests), their status codes and
// timings, and which instances saw it.

import type { TraceInfo, TraceLineInfo } from '../../../shared/types'

export interface TraceRequest {
  instanceId: string
  kind: 'proxy' | 'storage'
  method: string
  path: string
  status: number
  requestTimeSec: number
  /** A proxy subrequest's source (`VW`, `FP`…), null for the client's own request or a storage server's line. */
  source: string | null
}

export interface TraceSummary {
  /** The client's request: the proxy's access line without a source; null when not in the buffers. */
  request: TraceRequest | null
  /** Every other access line: what the request made other servers (and the proxy itself) do, in time order. */
  backend: TraceRequest[]
  /** The instances with a line of it, in the order they first logged one. */
  instances: string[]
  /** From the first line to the last, ms; null without lines. */
  spanMs: number | null
}

const asRequest = (l: TraceLineInfo): TraceRequest[] => (l.access ? [{ instanceId: l.instanceId, ...l.access }] : [])

export function summarizeTrace(t: TraceInfo): TraceSummary {
  const requests = t.lines.flatMap(asRequest)
  const request = requests.find((r) => r.kind === 'proxy' && r.source === null) ?? null
  const first = t.lines[0]
  const last = t.lines.at(-1)
  return {
    request,
    backend: requests.filter((r) => r !== request),
    instances: [...new Set(t.lines.map((l) => l.instanceId))],
    spanMs: first && last ? last.ts - first.ts : null,
  }
}
