// Keeps the Electron window's service running: the window has no socket to lose, but its service can
// still fail (an error thrown in the main process, a start that fails). The keeper then says so (the link
// is `closed`, with why; the window shows it as the browser shows a lost host), answers every request at
// once with `disconnected`, disposes of the failed service and starts a new one after a growing delay;
// once it runs, the link is `open` again and the window re-reads the state. Electron-free.

import type { EventSink, Handlers, LinkStatus, Result } from '../../shared/contract.js'
import { createDispatcher, type Dispatch } from '../service/dispatcher.js'

/** What the keeper needs of a service (SupervisorService). */
export interface KeptService {
  readonly handlers: Handlers
  subscribe(sink: EventSink): () => void
  start(): Promise<void>
  dispose(): Promise<void>
}

export interface KeeperOptions<S, Sender> {
  create: () => S
  /** Whether a sender may call at all (the dispatcher's sender check). */
  allow: (sender: Sender | undefined) => boolean
  /** Delays before each restart after a failure, in ms; the last one repeats. */
  restartDelaysMs?: number[]
  /** A service that ran this long is healthy: the next failure starts the delays over. */
  healthyAfterMs?: number
  log?: (line: string) => void
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

export class ServiceKeeper<S extends KeptService, Sender = unknown> {
  private service: S | null = null
  private dispatcher: Dispatch<Sender> | null = null
  private unsubscribe: (() => void) | null = null
  private status: LinkStatus = { state: 'connecting' }
  private readonly sinks = new Set<EventSink>()
  private readonly linkListeners = new Set<(s: LinkStatus) => void>()
  private failures = 0
  private startedAt = 0
  private timer: NodeJS.Timeout | null = null
  private disposed = false

  constructor(private readonly options: KeeperOptions<S, Sender>) {}

  /** The service while it runs; null while it is down. */
  get current(): S | null {
    return this.status.state === 'open' ? this.service : null
  }

  get link(): LinkStatus {
    return this.status
  }

  /** Creates and starts a service; a start that fails counts as a failure (see fail). */
  async start(): Promise<void> {
    if (this.disposed) return
    const service = this.options.create()
    this.service = service
    this.dispatcher = createDispatcher(service.handlers, this.options.allow)
    this.unsubscribe = service.subscribe((channel, payload) => this.sinks.forEach((sink) => sink(channel, payload)))
    try {
      await service.start()
    } catch (e) {
      if (this.service === service) this.fail(e)
      return
    }
    if (this.service !== service || this.disposed) return
    this.startedAt = Date.now()
    this.setStatus({ state: 'open' })
  }

  /** The service failed (`error`): drop it, say so, and start a new one after a delay. */
  fail(error: unknown): void {
    if (this.disposed) return
    const reason = `It stopped on an error: ${message(error)}`
    this.options.log?.(`the panel's service failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    const failed = this.service
    this.service = null
    this.dispatcher = null
    this.unsubscribe?.()
    this.unsubscribe = null
    // attached children stop with it; daemonised servers run on and the next service finds them
    if (failed) failed.dispose().catch((e: unknown) => this.options.log?.(`disposing of the failed service: ${message(e)}`))
    if (this.startedAt && Date.now() - this.startedAt >= (this.options.healthyAfterMs ?? 60_000)) this.failures = 0
    this.startedAt = 0
    const delays = this.options.restartDelaysMs ?? [1000, 2000, 5000, 10_000]
    const delay = delays[Math.min(this.failures, delays.length - 1)] ?? 1000
    this.failures++
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.start()
    }, delay)
    this.setStatus({ state: 'closed', reason, retryAt: Date.now() + delay })
  }

  /** Answers one request: through the service's dispatcher, or at once with `disconnected` while it is down. */
  dispatch(channel: unknown, payload: unknown, sender?: Sender): Promise<Result<unknown>> {
    if (!this.dispatcher || this.status.state !== 'open') {
      const why = this.status.state === 'closed' ? `${this.status.reason ?? ''} It is being restarted.` : 'It is starting.'
      return Promise.resolve({ ok: false, error: { code: 'disconnected', message: `The panel's service is not running. ${why}`.trim() } })
    }
    return this.dispatcher(channel, payload, sender)
  }

  /** Events of whichever service runs, across restarts. */
  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink)
    return () => void this.sinks.delete(sink)
  }

  onLink(listener: (s: LinkStatus) => void): () => void {
    this.linkListeners.add(listener)
    return () => void this.linkListeners.delete(listener)
  }

  /** Stops the service (attached children with it) and any restart planned. */
  async dispose(): Promise<void> {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.unsubscribe?.()
    const service = this.service
    this.service = null
    this.dispatcher = null
    await service?.dispose()
  }

  private setStatus(s: LinkStatus): void {
    this.status = s
    this.linkListeners.forEach((l) => l(s))
  }
}
