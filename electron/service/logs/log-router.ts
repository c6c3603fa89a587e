// Where each instance's log lines can be read, and the reading itself. A daemonized swift server logs only
// through syslog: either rsyslog gets the lines (via /dev/log, or its UDP input) and writes them to files
// several servers share, which are tailed and split by tag; or the conf sends them over UDP to the panel's
// built-in receiver; or the panel cannot see them, and says why and what conf lines would fix it.

import type { LogSourceInfo } from '../../../shared/types.js'
import { emittedSeverities, logDestination, readConfLogging, type ConfLogging, type LogDestination } from './conf-logging.js'
import { tailFile, type FileTailer } from './file-tailer.js'
import { receiverConfLines } from './receiver-conf.js'
import type { RsyslogConfig } from './rsyslog-conf.js'
import { routeMessage } from './rsyslog-route.js'
import type { SyslogReceiver } from './syslog-receiver.js'
import { parseSyslogLine } from './syslog-line.js'
import { TagRouter, type LineSink, type TagRoute } from './tag-routes.js'

export interface LogInstance {
  id: string
  server: string
  /** Null for an unconfigured server. */
  confPath: string | null
}

export interface PlanInput {
  instances: readonly LogInstance[]
  /** The parsed rsyslog config; null when there is none. */
  rsyslog: RsyslogConfig | null
  /** Where the rsyslog config was looked for, for explanations. */
  rsyslogPath?: string
  /** The built-in receiver's port; null when it is off. */
  receiverPort: number | null
  /** Per server name: more files to tail (the profile's logFiles); lines are picked by the instance's log_name. */
  extraFiles?: Readonly<Record<string, readonly string[]>>
  /** Whether a path is a unix socket now (tests pretend /dev/log is or is not one). */
  isSocket?: (path: string) => boolean
}

export interface LogPlan {
  sources: LogSourceInfo[]
  /** Each file to tail, with the instances whose lines it holds. */
  files: Map<string, TagRoute[]>
  receiverRoutes: TagRoute[]
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3})$/

/** Works out every instance's source. Reads the confs; does not open any log file. */
export function planLogSources(input: PlanInput): LogPlan {
  const plan: LogPlan = { sources: [], files: new Map(), receiverRoutes: [] }
  for (const instance of input.instances) {
    const source = planOne(instance, input, plan)
    plan.sources.push(source)
  }
  noteSharedTags(plan)
  return plan
}

function planOne(instance: LogInstance, input: PlanInput, plan: LogPlan): LogSourceInfo {
  const { id, server, confPath } = instance
  const info: LogSourceInfo = {
    instanceId: id,
    kind: 'unknown',
    files: [],
    logName: null,
    facility: null,
    explanation: '',
    suggestedConf: null,
  }
  if (!confPath) {
    info.explanation = `${id} has no conf file, so it does not run and writes no log.`
    return info
  }
  let logging: ConfLogging
  try {
    logging = readConfLogging(server, confPath)
  } catch (e) {
    info.explanation = `Cannot tell where ${id} logs: ${(e as Error).message}.`
    return info
  }
  info.logName = logging.logName
  info.facility = logging.facility
  const route: TagRoute = { instanceId: id, logName: logging.logName, facility: logging.facility }
  const facility = logging.facility.toUpperCase()
  const dest = logDestination(logging, input.isSocket)
  const who = `${id} logs as "${logging.logName}" to facility ${facility}`
  const extra = input.extraFiles?.[server] ?? []
  const addFiles = (files: readonly string[]) => {
    for (const file of files) {
      if (!info.files.includes(file)) info.files.push(file)
      const routes = plan.files.get(file) ?? []
      routes.push(route)
      plan.files.set(file, routes)
    }
  }

  if (dest.kind === 'udp' && input.receiverPort && LOOPBACK.test(dest.host) && dest.port === input.receiverPort) {
    info.kind = 'receiver'
    plan.receiverRoutes.push(route)
    info.explanation =
      `${who} over UDP to ${dest.host}:${dest.port}, the panel's built-in receiver` +
      (dest.fallback ? ` (${logging.address} is not a syslog socket, so Swift falls back to UDP localhost:514).` : '.')
    addFiles(extra)
    return info
  }

  // A fallback is still, as the user configured it, logging via log_address.
  const via = dest.kind === 'unix' || dest.fallback ? logging.address : `UDP ${dest.host}:${dest.port}`
  const toRsyslog = dest.kind === 'unix' || (LOOPBACK.test(dest.host) && (input.rsyslog?.udpPorts.includes(dest.port) ?? false))
  const rsyslogFiles = input.rsyslog ? rsyslogFilesFor(input.rsyslog, logging) : []
  const rsyslogPath = input.rsyslogPath ?? '/etc/rsyslog.conf'

  if (toRsyslog && rsyslogFiles.length > 0) {
    info.kind = 'file'
    addFiles(rsyslogFiles)
    addFiles(extra)
    const fallback =
      dest.kind === 'udp' && dest.fallback ? ` (not a socket, so Swift sends to UDP localhost:514, where rsyslog listens)` : ''
    info.explanation = `${who} via ${via}${fallback}; rsyslog writes those lines to ${rsyslogFiles.join(', ')}, where lines tagged "${logging.logName}" are picked out.`
    return info
  }

  const reasons = whyUnseen(dest, logging, toRsyslog, input.rsyslog !== null, rsyslogFiles.length > 0, rsyslogPath)
  if (extra.length > 0) {
    info.kind = 'file'
    addFiles(extra)
    info.explanation = `${who} via ${via}, but ${reasons}. Tailing the profile's files for ${server} instead: ${extra.join(', ')}.`
    return info
  }
  if (input.receiverPort) {
    info.suggestedConf = receiverConfLines(input.receiverPort)
    info.explanation =
      `${who} via ${via}, but ${reasons}. Adding log_udp_host and log_udp_port to the [DEFAULT] section of ${confPath} ` +
      `sends them to the panel's built-in receiver on port ${input.receiverPort} (after a restart of the servers using that conf).`
  } else {
    info.explanation = `${who} via ${via}, but ${reasons}. Turn on the built-in syslog receiver in the settings to be offered a conf change that fixes this.`
  }
  return info
}

/** Every file rsyslog writes this logger's messages to, over the severities its level lets through. */
function rsyslogFilesFor(rsyslog: RsyslogConfig, logging: ConfLogging): string[] {
  const files: string[] = []
  for (const severity of emittedSeverities(logging.level)) {
    for (const file of routeMessage(rsyslog, { facility: logging.facility, severity, programname: logging.logName }).files) {
      if (!files.includes(file)) files.push(file)
    }
  }
  return files
}

function whyUnseen(
  dest: LogDestination,
  logging: ConfLogging,
  toRsyslog: boolean,
  haveRsyslog: boolean,
  rsyslogWrites: boolean,
  rsyslogPath: string,
): string {
  const facility = logging.facility.toUpperCase()
  if (toRsyslog || dest.kind === 'unix') {
    return haveRsyslog
      ? `no rsyslog rule sends ${facility} to a file`
      : `there is no rsyslog configuration at ${rsyslogPath}, so which file gets them is unknown`
  }
  if (dest.kind === 'udp' && dest.fallback) {
    const rules = haveRsyslog && !rsyslogWrites ? ` and no rsyslog rule sends ${facility} to a file` : ''
    return (
      `no syslog daemon is listening on ${logging.address}${rules} ` +
      `(Swift then sends to UDP localhost:514, where neither rsyslog nor the panel's receiver listens)`
    )
  }
  return `the panel does not listen on ${dest.host}:${dest.port}`
}

/** Instances that cannot be told apart (same tag in the same file, or same tag and facility at the receiver). */
function noteSharedTags(plan: LogPlan): void {
  const groups: { where: string; ids: string[]; tag: string }[] = []
  const group = (where: string, routes: TagRoute[], key: (r: TagRoute) => string) => {
    const byKey = new Map<string, string[]>()
    for (const r of routes) byKey.set(key(r), [...(byKey.get(key(r)) ?? []), r.instanceId])
    for (const [k, ids] of byKey) if (ids.length > 1) groups.push({ where, ids, tag: k.split('\0')[0] ?? k })
  }
  for (const [file, routes] of plan.files) group(file, routes, (r) => r.logName)
  group("the panel's receiver", plan.receiverRoutes, (r) => `${r.logName}\0${r.facility}`)
  for (const { where, ids, tag } of groups) {
    for (const id of ids) {
      const info = plan.sources.find((s) => s.instanceId === id)
      if (!info) continue
      const others = ids.filter((x) => x !== id).join(', ')
      info.explanation +=
        ` Lines tagged "${tag}" in ${where} may also come from ${others}: the tag does not say which instance wrote them, ` +
        `so they are shown for each; a distinct log_name in each instance's section tells them apart.`
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Turns raw lines of a shared log file into routed lines for the instances whose tag they carry. */
export function fileLineRouter(router: TagRouter, onLine: LineSink): (raw: string) => void {
  return (raw) => {
    const msg = parseSyslogLine(raw)
    if (msg.tag === undefined) return
    for (const instanceId of router.lookup(msg.tag, msg.facility)) {
      onLine({
        instanceId,
        line: { ts: msg.ts, source: 'file', stream: 'log', text: msg.text, ...(msg.severity ? { severity: msg.severity } : {}) },
      })
    }
  }
}

export interface RoutingOptions {
  onLine: LineSink
  /** Given routes for the instances that log to it; its lifetime is the caller's. */
  receiver?: SyslogReceiver | null
  /** Read the files' existing lines too (default: only new ones). */
  fromStart?: boolean
  pollMs?: number
  onError?: (file: string, error: Error) => void
}

export interface LogRouting {
  close(): Promise<void>
}

/** Starts tailing the plan's files and routing the receiver's datagrams. */
export async function startLogRouting(plan: LogPlan, options: RoutingOptions): Promise<LogRouting> {
  const tailers: FileTailer[] = []
  try {
    for (const [file, routes] of plan.files) {
      tailers.push(
        await tailFile(file, {
          onLine: fileLineRouter(new TagRouter(routes), options.onLine),
          onError: (error) => options.onError?.(file, error),
          fromStart: options.fromStart,
          pollMs: options.pollMs,
        }),
      )
    }
  } catch (e) {
    await Promise.all(tailers.map((t) => t.close()))
    throw e
  }
  options.receiver?.setRoutes(plan.receiverRoutes)
  return {
    async close() {
      options.receiver?.setRoutes([])
      await Promise.all(tailers.map((t) => t.close()))
    },
  }
}
