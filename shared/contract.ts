// The IPC contract: every request channel with its request validator and response type, and every event
// channel with its payload type. Main (registration wrapper), preload (exposed verbs), the browser host and
// the renderer all derive from this one file.

import type { ServicesDelta } from './services-delta.js'
import type {
  AppInfo,
  ConfApplyAll,
  ConfEdit,
  ConfEditAll,
  OrphanStopResult,
  ReconDetails,
  TraceInfo,
  CommandDone,
  CommandOutput,
  CommandStarted,
  LogBatch,
  LogPage,
  LogSourceInfo,
  PanelNotification,
  PathCheck,
  Settings,
  Snapshot,
} from './types.js'
import { COMMANDS, type CommandName } from './swift.js'
import { TXN_ID_MAX, TXN_ID_PATTERN } from './txn-id.js'
import { array, bool, int, nullable, object, oneOf, record, refine, str, none, type Validator } from './validate.js'

/** A server name, alias, glob or instance id as swift-init accepts them: `object`, `object-server.2`, `object-*`, `main`. */
export const TARGET_PATTERN = /^[a-z*][a-z0-9*-]{0,63}(\.[0-9]{1,4})?$/
/** An instance id: `proxy-server`, `object-server.2`. */
export const INSTANCE_ID_PATTERN = /^[a-z][a-z-]{0,63}(\.[0-9]{1,4})?$/
export const SERVER_PATTERN = /^[a-z][a-z-]{0,63}$/
const ABSOLUTE_PATH = /^\/[^\0]*$/

const target = str(TARGET_PATTERN, 70)
/** One command acts on at most this many targets (a group start sends every down instance's id). */
export const MAX_COMMAND_TARGETS = 1024
const instanceId = str(INSTANCE_ID_PATTERN, 70)
const absPath = str(ABSOLUTE_PATH, 4096)

const commandOptions = object(
  {
    verbose: bool,
    wait: bool,
    once: bool,
    graceful: bool,
    killWait: int(0, 3600),
    killAfterTimeout: bool,
    strict: bool,
  },
  ['verbose', 'wait', 'once', 'graceful', 'killWait', 'killAfterTimeout', 'strict'],
)

const profile = object({
  name: str(/^[^\0]{1,64}$/, 64),
  swiftDir: absPath,
  runDir: absPath,
  extraPath: array(absPath, 32),
  logFiles: record(str(SERVER_PATTERN, 64), array(absPath, 32), 64),
})

const settings = refine(
  object({
    profiles: array(profile, 32),
    activeProfile: str(/^[^\0]{1,64}$/, 64),
    killWait: int(0, 3600),
    strict: nullable(bool),
    refreshIntervalMs: int(100, 60_000),
    logBufferLines: int(100, 1_000_000),
    syslogReceiverPort: int(0, 65535),
    probeTimeoutMs: int(100, 10_000),
    theme: oneOf(['system', 'light', 'dark'] as const),
  }),
  (s) => {
    const names = s.profiles.map((p) => p.name)
    if (names.length === 0) return 'profiles: at least one profile is needed'
    if (new Set(names).size !== names.length) return 'profiles: two profiles have the same name'
    return names.includes(s.activeProfile) ? null : `activeProfile: no profile named ${s.activeProfile}`
  },
)

interface RequestSpec<Req, Res> {
  validate: Validator<Req>
  /** Phantom: carries the response type. */
  response?: Res
}
const request = <Req, Res>(validate: Validator<Req>): RequestSpec<Req, Res> => ({ validate })

export const requests = {
  /** The current model of every instance. */
  'services:snapshot': request<undefined, Snapshot>(none),
  /**
   * The instances this client shows now (say it again at least every 10 s, and when it changes): their CPU
   * and memory are re-read every 2 s; other instances' only when their process changes.
   */
  'services:watch': request<{ instanceIds: string[] }, null>(object({ instanceIds: array(instanceId, 1024) })),
  /** Start a swift-init command; output and completion arrive as `commands:output` / `commands:done`. */
  'commands:run': request<{ command: CommandName; targets: string[]; options?: ReturnType<typeof commandOptions> }, CommandStarted>(
    object({ command: oneOf(COMMANDS), targets: array(target, MAX_COMMAND_TARGETS), options: commandOptions }, ['options']),
  ),
  /** Run one instance attached (no-daemon), its console streamed as log lines. */
  'instances:attach': request<{ instanceId: string }, CommandStarted>(object({ instanceId })),
  /** A storage server's recon answers (async pendings, quarantined, disk usage, ring md5 agreement): on demand, at most every 10 s. */
  'instances:recon': request<{ instanceId: string }, ReconDetails>(object({ instanceId })),
  /** "Stop orphans of <id>": SIGTERM, then SIGKILL after the kill wait, to the orphans last found; the identity check before every signal. */
  'instances:stop-orphans': request<{ instanceId: string }, OrphanStopResult[]>(object({ instanceId })),
  /** Buffered log lines of one or more instances (merged by time). */
  'logs:get': request<{ instanceIds: string[]; afterSeq?: number; limit?: number }, LogPage>(
    object({ instanceIds: array(instanceId, 512), afterSeq: int(0, Number.MAX_SAFE_INTEGER), limit: int(1, 1_000_000) }, [
      'afterSeq',
      'limit',
    ]),
  ),
  'logs:clear': request<{ instanceIds: string[] }, null>(object({ instanceIds: array(instanceId, 512) })),
  /** Where each instance's log lines come from, or why none was found. */
  'logs:sources': request<{ instanceIds: string[] }, LogSourceInfo[]>(object({ instanceIds: array(instanceId, 512) })),
  /** The diff that would send an instance's logs to the built-in receiver (nothing is written). */
  'logs:conf-edit': request<{ instanceId: string }, ConfEdit>(object({ instanceId })),
  /** Writes that edit, after the user saw the diff, the original kept beside it (`backup`); refused if the file changed since. */
  'logs:conf-apply': request<{ instanceId: string; originalHash: string }, { file: string; backup: string }>(
    object({ instanceId, originalHash: str(/^[0-9a-f]{16,128}$/, 128) }),
  ),
  /** "Send all logs here": one edit per conf file of the profile that does not send its logs to the receiver yet (nothing is written). */
  'logs:conf-edit-all': request<undefined, ConfEditAll>(none),
  /** Writes those edits (each refused if its file changed since); then the servers to restart so they take effect. */
  'logs:conf-apply-all': request<{ edits: { file: string; originalHash: string }[] }, ConfApplyAll>(
    object({ edits: array(object({ file: absPath, originalHash: str(/^[0-9a-f]{16,128}$/, 128) }), 1024) }),
  ),
  /** Every buffered line holding a transaction id (`tx…`), from every instance, in time order. */
  'logs:trace': request<{ txnId: string }, TraceInfo>(object({ txnId: str(TXN_ID_PATTERN, TXN_ID_MAX) })),
  'settings:get': request<undefined, Settings>(none),
  'settings:set': request<Settings, Settings>(settings),
  'settings:check-path': request<{ path: string; kind: 'swift-dir' | 'run-dir' | 'log-file' }, PathCheck>(
    object({ path: str(/^[^\0]*$/, 4096), kind: oneOf(['swift-dir', 'run-dir', 'log-file'] as const) }),
  ),
  'app:info': request<undefined, AppInfo>(none),
} as const

export const events = {
  /** What changed since the snapshot numbered `base` (see shared/services-delta.ts), at most ~20 times a second. */
  'services:changed': {} as ServicesDelta,
  'commands:output': {} as CommandOutput,
  'commands:done': {} as CommandDone,
  /** New log lines, batched across instances. */
  'logs:lines': {} as { batches: LogBatch[] },
  notify: {} as PanelNotification,
} as const

export type RequestChannel = keyof typeof requests
export type EventChannel = keyof typeof events
export type RequestOf<C extends RequestChannel> = (typeof requests)[C] extends RequestSpec<infer Req, unknown> ? Req : never
export type ResponseOf<C extends RequestChannel> = (typeof requests)[C] extends RequestSpec<unknown, infer Res> ? Res : never
export type EventOf<E extends EventChannel> = (typeof events)[E]

export const REQUEST_CHANNELS = Object.keys(requests) as RequestChannel[]
export const EVENT_CHANNELS = Object.keys(events) as EventChannel[]

/** `disconnected`: the request was not sent, the service is out of reach; `timeout`: no answer in time. */
export type ErrorCode = 'bad-request' | 'unknown-channel' | 'forbidden' | 'not-found' | 'busy' | 'failed' | 'disconnected' | 'timeout'
export interface ErrorData {
  code: ErrorCode
  message: string
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData }

/** What every transport (preload bridge, WebSocket client, in-memory test transport) offers the renderer. */
export interface Bridge {
  invoke<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<Result<ResponseOf<C>>>
  on<E extends EventChannel>(channel: E, listener: (payload: EventOf<E>) => void): () => void
  /** The link to the service as it changes (the current status at once), on transports that can lose it. */
  onLink?(listener: (status: LinkStatus) => void): () => void
  /** While the link is closed: try again now rather than at the next retry. */
  reconnect?(): void
}

/** Whether the renderer reaches the service: `connecting` until the first contact, `closed` while lost. */
export type LinkState = 'connecting' | 'open' | 'closed'
export interface LinkStatus {
  state: LinkState
  /** Why it is closed, for the user. */
  reason?: string
  /** While closed: when the next attempt is due (ms since the epoch), if the transport retries by itself. */
  retryAt?: number
  /** This client fell behind and was sent less (see WireDropped): the lines skipped since it connected. */
  dropped?: WireDropped['dropped']
}
/** Electron: main tells the window its service stopped (`closed`, with why) or is back (`open`). */
export const LINK_CHANNEL = 'link:state'

// The browser host's WebSocket envelope: one JSON text message each way per request, answer or event.

/** A request's id, the client's own, echoed in its answer. */
export type RequestId = number | string
/** Client → host. */
export interface WireRequest {
  id: RequestId
  channel: RequestChannel
  payload?: unknown
}
/** Host → client: the answer to request `id` (null when the message was not a request at all). */
export interface WireResponse {
  id: RequestId | null
  result: Result<unknown>
}
/** Host → client: an event. */
export type WireEvent = { [E in EventChannel]: { event: E; payload: EventOf<E> } }[EventChannel]
/**
 * Host → client: it fell behind (stopped reading) and was sent less meanwhile: these many log lines,
 * command output lines and `services:changed` events were skipped (it reads the instances and the logs
 * again); every other event follows the marker.
 */
export interface WireDropped {
  dropped: { logLines: number; outputLines: number; changes: number }
}
export type WireMessage = WireResponse | WireEvent | WireDropped

/** The handlers main (or the browser host) registers: one per request channel, given a validated payload. */
export type Handlers = { [C in RequestChannel]: (payload: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> }

/** Where the service pushes events; each transport implements it. */
export type EventSink = <E extends EventChannel>(channel: E, payload: EventOf<E>) => void

/** Events throttle: at most this many messages per second per channel. */
export const EVENTS_PER_SECOND = 20
