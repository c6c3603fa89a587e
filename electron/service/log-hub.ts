// Where every instance's log lines meet: bounded per-instance buffers, fed by the output of the children a
// command starts (start-up output, attached consoles), the files Swift's syslog lines land in (tailed), and
// the built-in UDP receiver.

import type { ChildProcess } from 'node:child_process'
import type { EventSink } from '../../shared/contract.js'
import type { LogLine, LogPage, LogSourceInfo } from '../../shared/types.js'
import { LogBuffers, MAX_LINE_CHARS } from './log-buffer.js'
import { planLogSources, startLogRouting, type LogInstance, type LogRouting } from './logs/log-router.js'
import { readRsyslogConfig } from './logs/rsyslog-conf.js'
import { startSyslogReceiver, type SyslogReceiver } from './logs/syslog-receiver.js'

export interface LogHubOptions {
  /** Lines kept per instance. */
  capacity: number
  /** Where the rsyslog config lives (tests point it at a fixture); default /etc/rsyslog.conf. */
  rsyslogPath?: string
  emit: EventSink
  warn(title: string, body: string): void
}

/** What the log sources are planned from: the instances and their confs, and the profile's settings. */
export interface LogSetup {
  instances: LogInstance[]
  /** The built-in receiver's UDP port on 127.0.0.1; 0: off. */
  receiverPort: number
  /** Per server: more files to tail (the profile's logFiles). */
  extraFiles: Record<string, string[]>
}

export class LogHub {
  private readonly buffers: LogBuffers
  private routing: LogRouting | null = null
  /** The routing part of the plan the tailers run: they restart only when it changes. */
  private routingKey = ''
  private receiver: SyslogReceiver | null = null
  /** The receiver port last tried (0: off). */
  private receiverPort = 0
  /** Source (re)starts, one at a time. */
  private op: Promise<void> = Promise.resolve()
  private closed = false

  constructor(private readonly options: LogHubOptions) {
    this.buffers = new LogBuffers(options.capacity)
  }

  append(instanceId: string, line: Omit<LogLine, 'seq'>): void {
    this.options.emit('logs:lines', { batches: [{ instanceId, lines: [this.buffers.append(instanceId, line)] }] })
  }

  get(instanceIds: string[], afterSeq?: number, limit?: number): LogPage {
    return this.buffers.get(instanceIds, afterSeq, limit)
  }

  clear(instanceIds: string[]): void {
    this.buffers.clear(instanceIds)
  }

  /** Every buffered line of every instance. */
  all(): Iterable<{ instanceId: string; line: LogLine }> {
    return this.buffers.all()
  }

  setCapacity(lines: number): void {
    this.buffers.setCapacity(lines)
  }

  /** Splits a child's stdout and stderr into lines of `instanceId`'s buffer (long lines cut, not held). */
  capture(child: ChildProcess, instanceId: string, attached: boolean): void {
    const source = attached ? 'attached' : 'startup'
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue
      let partial = ''
      const line = (text: string) => this.append(instanceId, { ts: Date.now(), source, stream: name, text })
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n')
        partial = parts.pop() ?? ''
        parts.forEach(line)
        // a line without end is cut rather than held whole
        if (partial.length > MAX_LINE_CHARS) {
          line(partial)
          partial = ''
        }
      })
      stream.on('end', () => partial && line(partial))
    }
  }

  /** Where each of these instances' lines come from, or why none was found. */
  sources(setup: LogSetup, instanceIds: string[]): LogSourceInfo[] {
    return this.plan(setup).sources.filter((s) => instanceIds.includes(s.instanceId))
  }

  private plan(setup: LogSetup) {
    return planLogSources({
      instances: setup.instances,
      rsyslog: readRsyslogConfig(this.options.rsyslogPath),
      rsyslogPath: this.options.rsyslogPath,
      receiverPort: this.receiver?.port ?? null,
      extraFiles: setup.extraFiles,
    })
  }

  /**
   * Brings the receiver and the tailed files in line with the setup, restarting only what changed; runs
   * one at a time. Call it whenever confs or settings change. Failures become warnings, never throws.
   */
  sync(setup: () => LogSetup): Promise<void> {
    const op = this.op.then(async () => {
      if (this.closed) return
      const onLine = (r: { instanceId: string; line: Omit<LogLine, 'seq'> }) => this.append(r.instanceId, r.line)
      const wanted = setup()
      if (wanted.receiverPort !== this.receiverPort) {
        await this.routing?.close()
        await this.receiver?.close()
        this.routing = this.receiver = null
        this.routingKey = ''
        this.receiverPort = wanted.receiverPort
        if (wanted.receiverPort) {
          try {
            this.receiver = await startSyslogReceiver({ port: wanted.receiverPort, onLine })
          } catch (e) {
            this.options.warn('Syslog receiver not started', `UDP 127.0.0.1:${wanted.receiverPort}: ${(e as Error).message}`)
          }
        }
      }
      const plan = this.plan(wanted)
      const key = JSON.stringify([[...plan.files], plan.receiverRoutes])
      if (this.routing && key === this.routingKey) return
      await this.routing?.close()
      this.routing = null
      try {
        this.routing = await startLogRouting(plan, { onLine, receiver: this.receiver })
        this.routingKey = key
      } catch (e) {
        this.options.warn('Log files not tailed', (e as Error).message)
      }
    })
    this.op = op.catch(() => {})
    return op
  }

  async close(): Promise<void> {
    this.closed = true
    await this.op
    await this.routing?.close()
    await this.receiver?.close()
  }
}
