// Which instance a syslog message belongs to: the one whose log_name is the message's tag. Several instances
// can share a log_name (four object servers all called `object-server`); where the facility is known (UDP
// datagrams) it tells them apart, otherwise the line goes to each of them.

import type { LogLine } from '../../../shared/types.js'
import type { Facility } from './syslog-codes.js'

export interface TagRoute {
  instanceId: string
  logName: string
  /** The facility the instance logs to; null when unknown. */
  facility: Facility | null
}

/** A log line for the service's per-instance buffers, which assign the seq. */
export interface RoutedLine {
  instanceId: string
  line: Omit<LogLine, 'seq' | 'source' | 'stream'> & { source: 'file' | 'receiver'; stream: 'log' }
}
export type LineSink = (routed: RoutedLine) => void

const NONE: readonly string[] = []

export class TagRouter {
  private readonly byTag = new Map<string, TagRoute[]>()
  // Answers are cached: the same few tags repeat on every line.
  private readonly cache = new Map<string, readonly string[]>()

  constructor(routes: readonly TagRoute[]) {
    for (const r of routes) {
      const list = this.byTag.get(r.logName) ?? []
      if (!list.some((x) => x.instanceId === r.instanceId)) list.push(r)
      this.byTag.set(r.logName, list)
    }
  }

  /** The ids of the instances a message with this tag (and facility, when known) belongs to. */
  lookup(tag: string, facility?: Facility): readonly string[] {
    const key = facility ? `${tag}\0${facility}` : tag
    let ids = this.cache.get(key)
    if (!ids) {
      const all = this.byTag.get(tag) ?? []
      const narrowed = facility && all.length > 1 ? all.filter((r) => r.facility === facility) : []
      ids = (narrowed.length > 0 ? narrowed : all).map((r) => r.instanceId)
      this.cache.set(key, ids.length > 0 ? ids : NONE)
    }
    return ids
  }
}
