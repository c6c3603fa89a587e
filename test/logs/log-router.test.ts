import { createSocket } from 'node:dgram'
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { planLogSources, startLogRouting, type LogInstance, type LogRouting } from '../../electron/service/logs/log-router.js'
import { readRsyslogConfig, type RsyslogConfig } from '../../electron/service/logs/rsyslog-conf.js'
import { startSyslogReceiver, type SyslogReceiver } from '../../electron/service/logs/syslog-receiver.js'
import type { RoutedLine } from '../../electron/service/logs/tag-routes.js'
import { sleep, tempDirs, waitFor } from './helpers.js'

const tmp = tempDirs('router')
const closers: (LogRouting | SyslogReceiver)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c.close()
  tmp.cleanup()
})

const RSYSLOG_MAIN = '$IncludeConfig /etc/rsyslog.d/*.conf\n'
const SAIO_SWIFT = ['proxy', 'storage1', 'storage2', 'storage3', 'storage4', 'expirer']
  .map((name, i) => `local${i + 1}.*   /var/log/swift/${name}.log\n& stop\n`)
  .join('')

const storageConf = (facility: string, extra = '') =>
  `[DEFAULT]\nbind_port = 6210\nlog_facility = ${facility}\n${extra}\n[pipeline:main]\npipeline = object-server\n\n[app:object-server]\nuse = egg:swift#object\n\n[object-replicator]\n`

/** An SAIO-like tree under a temp root: /etc/swift confs, /etc/rsyslog*, /var/log/swift. */
function saio(extraRsyslog = ''): { root: string; rsyslog: RsyslogConfig; conf: (p: string) => string; log: (n: string) => string } {
  const root = tmp.make()
  const put = (p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true })
    writeFileSync(join(root, p), text)
  }
  put('etc/rsyslog.conf', RSYSLOG_MAIN)
  put('etc/rsyslog.d/10-swift.conf', SAIO_SWIFT + extraRsyslog)
  put(
    'etc/swift/proxy-server.conf',
    '[DEFAULT]\nbind_port = 8080\nlog_facility = LOG_LOCAL1\n\n[pipeline:main]\npipeline = proxy-server\n\n[app:proxy-server]\nuse = egg:swift#proxy\n',
  )
  put('etc/swift/object-server/1.conf', storageConf('LOG_LOCAL2'))
  put('etc/swift/object-server/2.conf', storageConf('LOG_LOCAL3'))
  put('etc/swift/object-server/3.conf', storageConf('LOG_LOCAL7'))
  put('etc/swift/container-server/1.conf', '[DEFAULT]\nlog_facility = LOG_LOCAL2\n[app:container-server]\nuse = egg:swift#container\n')
  put('etc/swift/object-expirer.conf', '[DEFAULT]\nlog_facility = LOG_LOCAL6\n[object-expirer]\n')
  mkdirSync(join(root, 'var/log/swift'), { recursive: true })
  const rsyslog = readRsyslogConfig(join(root, 'etc/rsyslog.conf'), { mapPath: (p) => join(root, p) })!
  return { root, rsyslog, conf: (p) => join(root, 'etc/swift', p), log: (n) => join(root, 'var/log/swift', n) }
}

describe('log sources', () => {
  it('finds the shared SAIO files, and explains the instances it cannot see', () => {
    const { rsyslog, conf, log } = saio()
    const instances: LogInstance[] = [
      { id: 'proxy-server', server: 'proxy-server', confPath: conf('proxy-server.conf') },
      { id: 'object-server.1', server: 'object-server', confPath: conf('object-server/1.conf') },
      { id: 'object-replicator.1', server: 'object-replicator', confPath: conf('object-server/1.conf') },
      { id: 'container-server.1', server: 'container-server', confPath: conf('container-server/1.conf') },
      { id: 'object-server.2', server: 'object-server', confPath: conf('object-server/2.conf') },
      { id: 'object-server.3', server: 'object-server', confPath: conf('object-server/3.conf') },
      { id: 'object-auditor.1', server: 'object-auditor', confPath: conf('object-server/1.conf') },
      { id: 'account-server', server: 'account-server', confPath: null },
    ]
    const plan = planLogSources({ instances, rsyslog, receiverPort: 5514, isSocket: (p) => p === '/dev/log' })
    const source = (id: string) => plan.sources.find((s) => s.instanceId === id)!
    expect(source('proxy-server')).toMatchObject({
      kind: 'file',
      files: [log('proxy.log')],
      logName: 'proxy-server',
      facility: 'local1',
      suggestedConf: null,
    })
    expect(source('object-server.1')).toMatchObject({ kind: 'file', files: [log('storage1.log')], logName: 'object-server' })
    expect(source('object-server.1').explanation).toBe(
      `object-server.1 logs as "object-server" to facility LOCAL2 via /dev/log; rsyslog writes those lines to ${log('storage1.log')}, where lines tagged "object-server" are picked out.`,
    )
    expect(source('object-replicator.1')).toMatchObject({ kind: 'file', files: [log('storage1.log')], logName: 'object-replicator' })
    expect(source('object-server.2')).toMatchObject({ kind: 'file', files: [log('storage2.log')] })
    expect(source('object-server.3')).toEqual({
      instanceId: 'object-server.3',
      kind: 'unknown',
      files: [],
      logName: 'object-server',
      facility: 'local7',
      explanation:
        `object-server.3 logs as "object-server" to facility LOCAL7 via /dev/log, but no rsyslog rule sends LOCAL7 to a file. ` +
        `Adding log_udp_host and log_udp_port to the [DEFAULT] section of ${conf('object-server/3.conf')} sends them to the panel's built-in receiver on port 5514 (after a restart of the servers using that conf).`,
      suggestedConf: 'log_udp_host = 127.0.0.1\nlog_udp_port = 5514',
    })
    expect(source('object-auditor.1')).toMatchObject({
      kind: 'unknown',
      explanation: expect.stringContaining('has no [object-auditor] section') as string,
    })
    expect(source('account-server')).toMatchObject({
      kind: 'unknown',
      explanation: 'account-server has no conf file, so it does not run and writes no log.',
    })
    // One tail per file, each with the tags of everyone in it.
    expect([...plan.files.keys()].sort()).toEqual([log('proxy.log'), log('storage1.log'), log('storage2.log')].sort())
    expect(plan.files.get(log('storage1.log'))!.map((r) => r.instanceId)).toEqual([
      'object-server.1',
      'object-replicator.1',
      'container-server.1',
    ])
  })

  it('says when nothing listens on /dev/log, and when the receiver is off', () => {
    const { rsyslog, conf } = saio()
    const instances = [{ id: 'object-server.3', server: 'object-server', confPath: conf('object-server/3.conf') }]
    const [off] = planLogSources({ instances, rsyslog, receiverPort: null, isSocket: () => false }).sources
    expect(off).toMatchObject({ kind: 'unknown', suggestedConf: null })
    expect(off!.explanation).toBe(
      'object-server.3 logs as "object-server" to facility LOCAL7 via /dev/log, but no syslog daemon is listening on /dev/log and no rsyslog rule sends LOCAL7 to a file ' +
        "(Swift then sends to UDP localhost:514, where neither rsyslog nor the panel's receiver listens). " +
        'Turn on the built-in syslog receiver in the settings to be offered a conf change that fixes this.',
    )
    // Without /dev/log, swift falls back to UDP localhost:514; a receiver there gets the lines.
    const [at514] = planLogSources({ instances, rsyslog, receiverPort: 514, isSocket: () => false }).sources
    expect(at514).toMatchObject({ kind: 'receiver', explanation: expect.stringContaining('falls back to UDP localhost:514') as string })
    // No rsyslog config at all.
    const [none] = planLogSources({ instances, rsyslog: null, receiverPort: 5514, isSocket: () => true }).sources
    expect(none!.explanation).toContain('there is no rsyslog configuration at /etc/rsyslog.conf')
  })

  it('notes instances whose lines cannot be told apart', () => {
    const { rsyslog, conf, log } = saio()
    // Two object servers with the same facility and log_name end up in the same file under the same tag.
    writeFileSync(conf('object-server/2.conf'), storageConf('LOG_LOCAL2'))
    const plan = planLogSources({
      instances: [
        { id: 'object-server.1', server: 'object-server', confPath: conf('object-server/1.conf') },
        { id: 'object-server.2', server: 'object-server', confPath: conf('object-server/2.conf') },
      ],
      rsyslog,
      receiverPort: null,
      isSocket: () => true,
    })
    expect(plan.sources[0]!.explanation).toContain(
      `Lines tagged "object-server" in ${log('storage1.log')} may also come from object-server.2`,
    )
    expect(plan.sources[1]!.explanation).toContain('may also come from object-server.1')
  })
})

describe('log routing', () => {
  it('splits shared files by tag across rotation, and takes receiver datagrams', async () => {
    const { rsyslog, conf, log } = saio()
    const got: RoutedLine[] = []
    const receiver = await startSyslogReceiver({ port: 0, onLine: (l) => got.push(l) })
    closers.push(receiver)
    writeFileSync(
      conf('object-expirer.conf'),
      `[DEFAULT]\nlog_facility = LOG_LOCAL6\nlog_udp_host = 127.0.0.1\nlog_udp_port = ${receiver.port}\n[object-expirer]\n`,
    )
    const plan = planLogSources({
      instances: [
        { id: 'proxy-server', server: 'proxy-server', confPath: conf('proxy-server.conf') },
        { id: 'object-server.1', server: 'object-server', confPath: conf('object-server/1.conf') },
        { id: 'object-replicator.1', server: 'object-replicator', confPath: conf('object-server/1.conf') },
        { id: 'container-server.1', server: 'container-server', confPath: conf('container-server/1.conf') },
        { id: 'object-expirer', server: 'object-expirer', confPath: conf('object-expirer.conf') },
      ],
      rsyslog,
      receiverPort: receiver.port,
      isSocket: () => true,
    })
    expect(plan.sources.map((s) => s.kind)).toEqual(['file', 'file', 'file', 'file', 'receiver'])
    writeFileSync(log('storage1.log'), 'Jan  1 00:00:00 saio object-server: before the panel started\n')
    const routing = await startLogRouting(plan, { onLine: (l) => got.push(l), receiver, pollMs: 100 })
    closers.push(routing)

    const tags = ['object-server', 'object-replicator', 'container-server', 'object-auditor']
    const written: Record<string, string[]> = Object.fromEntries(tags.map((t) => [t, []]))
    const write = (i: number) => {
      const tag = tags[i % tags.length]!
      const text = `message ${i} from ${tag}`
      written[tag]!.push(text)
      appendFileSync(log('storage1.log'), `2024-01-05T12:00:${String(i % 60).padStart(2, '0')}.000000+00:00 saio ${tag}: ${text}\n`)
    }
    for (let i = 0; i < 200; i++) {
      write(i)
      if (i % 20 === 0) await sleep(1)
    }
    // logrotate renames; rsyslog, told to reopen, creates the file afresh.
    renameSync(log('storage1.log'), log('storage1.log.1'))
    for (let i = 200; i < 400; i++) {
      write(i)
      if (i % 20 === 0) await sleep(1)
    }
    appendFileSync(log('proxy.log'), 'Jan  5 12:00:00 saio proxy-server: 127.0.0.1 GET /v1/AUTH_test 200\n')
    const client = createSocket('udp4')
    await new Promise<void>((resolve) => client.send('<182>object-expirer: Pass beginning\0', receiver.port, '127.0.0.1', () => resolve()))
    client.close()

    const texts = (id: string) => got.filter((l) => l.instanceId === id).map((l) => l.line.text)
    await waitFor(
      'every line',
      () => texts('container-server.1').length === 100 && texts('proxy-server').length === 1 && texts('object-expirer').length === 1,
    )
    await sleep(50)
    expect(texts('object-server.1')).toEqual(written['object-server'])
    expect(texts('object-replicator.1')).toEqual(written['object-replicator'])
    expect(texts('container-server.1')).toEqual(written['container-server'])
    expect(texts('proxy-server')).toEqual(['127.0.0.1 GET /v1/AUTH_test 200'])
    expect(texts('object-expirer')).toEqual(['Pass beginning'])
    // Nothing for a tag no instance has, nor the line from before the start.
    expect(got).toHaveLength(100 * 3 + 2)
    const first = got.find((l) => l.instanceId === 'object-server.1')!
    expect(first.line).toEqual({ ts: Date.UTC(2024, 0, 5, 12, 0, 0), source: 'file', stream: 'log', text: 'message 0 from object-server' })
  })
})
