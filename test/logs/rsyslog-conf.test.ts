import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseRsyslogConfig, readRsyslogConfig, type RsyslogConfig } from '../../electron/service/logs/rsyslog-conf.js'
import { routeMessage, type MessageMeta } from '../../electron/service/logs/rsyslog-route.js'
import { tempDirs } from './helpers.js'

const tmp = tempDirs('rsyslog')
afterEach(() => tmp.cleanup())

const MAIN = `# rsyslog.conf, Debian style
module(load="imuxsock") # local system logging
#module(load="imudp")
#input(type="imudp" port="514")
$FileOwner root
$FileCreateMode 0640
$WorkDirectory /var/spool/rsyslog

$IncludeConfig /etc/rsyslog.d/*.conf

*.*;auth,authpriv.none		-/var/log/syslog
auth,authpriv.*			/var/log/auth.log
*.emerg				:omusrmsg:*
`

// The SAIO layout: one facility per storage node, each to its own file, then stop.
const SAIO_SWIFT = `# swift SAIO
local1.*   /var/log/swift/proxy.log
& stop
local2.*   /var/log/swift/storage1.log
& stop
local3.*   /var/log/swift/storage2.log
& stop
local4.*   /var/log/swift/storage3.log
& stop
local5.*   /var/log/swift/storage4.log
& stop
local6.*   /var/log/swift/expirer.log
& stop
`

/** Writes an /etc tree under a temp root and reads it with every path mapped into that root. */
function fixture(files: Record<string, string>): { root: string; config: RsyslogConfig } {
  const root = tmp.make()
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  const config = readRsyslogConfig(join(root, 'etc/rsyslog.conf'), { mapPath: (p) => join(root, p) })
  if (!config) throw new Error('no config')
  return { root, config }
}

const msg = (facility: MessageMeta['facility'], severity: MessageMeta['severity'], programname = 'object-server'): MessageMeta => ({
  facility,
  severity,
  programname,
})

describe('rsyslog config', () => {
  it('routes the SAIO facilities to their files and stops there; the rest reach the catch-all', () => {
    const { root, config } = fixture({
      'etc/rsyslog.conf': MAIN,
      'etc/rsyslog.d/10-swift.conf': SAIO_SWIFT,
      'etc/rsyslog.d/.hidden.conf': 'local7.* /x\n',
    })
    const at = (p: string) => join(root, p)
    expect(config.files).toEqual([at('etc/rsyslog.conf'), at('etc/rsyslog.d/10-swift.conf')])
    expect(config.warnings).toEqual([])
    expect(routeMessage(config, msg('local1', 'info', 'proxy-server'))).toEqual({ files: [at('var/log/swift/proxy.log')], stopped: true })
    expect(routeMessage(config, msg('local3', 'err'))).toEqual({ files: [at('var/log/swift/storage2.log')], stopped: true })
    expect(routeMessage(config, msg('local6', 'debug', 'object-expirer'))).toEqual({
      files: [at('var/log/swift/expirer.log')],
      stopped: true,
    })
    // Swift's default facility is not in the SAIO rules: only the catch-all (and emerg to users, not a file).
    expect(routeMessage(config, msg('local0', 'info'))).toEqual({ files: [at('var/log/syslog')], stopped: false })
    expect(routeMessage(config, msg('local0', 'emerg'))).toEqual({ files: [at('var/log/syslog')], stopped: false })
    expect(routeMessage(config, msg('authpriv', 'info'))).toEqual({ files: [at('var/log/auth.log')], stopped: false })
  })

  it('handles priority modifiers, none, lists, ~ and line continuations like rsyslog', () => {
    const config = parseRsyslogConfig(
      `local1.*;local1.!notice  /p.log
local1.notice            /p.error;RSYSLOG_TraditionalFileFormat
local1.*                 ~
*.=debug;\\
\tauth,authpriv.none;\\
\tnews.none;mail.none\t-/debug
mail.=info;mail.!=info    /never
kern.!*                   /never
user.none                 /never
daemon.warn,err           /bad
daemon,user.crit          /crit
`,
      'test.conf',
    )
    const files = (m: MessageMeta) => routeMessage(config, m).files
    expect(files(msg('local1', 'info'))).toEqual(['/p.log'])
    expect(files(msg('local1', 'debug'))).toEqual(['/p.log'])
    expect(files(msg('local1', 'notice'))).toEqual(['/p.error'])
    expect(files(msg('local1', 'alert'))).toEqual(['/p.error'])
    expect(files(msg('local2', 'debug'))).toEqual(['/debug'])
    expect(files(msg('mail', 'debug'))).toEqual([])
    expect(files(msg('mail', 'info'))).toEqual([])
    expect(files(msg('user', 'crit'))).toEqual(['/crit'])
    expect(files(msg('daemon', 'emerg'))).toEqual(['/crit'])
    // `daemon.warn,err` is not a selector: reported, not guessed at.
    expect(config.warnings).toEqual(['test.conf:10: cannot read selector before ",err           /bad"'])
  })

  it('follows RainerScript ifs, blocks, property filters and action objects', () => {
    const config = parseRsyslogConfig(
      `if $programname startswith 'swift-object' or $programname == 'object-server' then /var/log/swift/object.log
if $programname startswith 'object-server' then stop
if ($syslogfacility-text == 'local2') and not ($programname contains 'auditor') then {
  action(type="omfile"
         file="/var/log/swift/local2.log")   # multi-line object
  if $syslogseverity <= 3 then action(type="omfile" file="/var/log/swift/local2.err")
  stop
} else if $programname == ['a', 'object-updater'] then {
  action(type="omfile" file="/var/log/updater.log")
}
:programname, isequal, "object-auditor" /var/log/auditor.log
& ~
:programname, !contains, "o" /var/log/no-o.log
/* a comment
   over lines */
if re_match($msg, 'x') then /var/log/never.log
*.* /var/log/all.log
`,
      'swift.conf',
    )
    const files = (m: MessageMeta) => routeMessage(config, m)
    expect(files(msg('local0', 'info', 'object-server'))).toEqual({ files: ['/var/log/swift/object.log'], stopped: true })
    expect(files(msg('local2', 'info', 'object-replicator'))).toEqual({ files: ['/var/log/swift/local2.log'], stopped: true })
    expect(files(msg('local2', 'err', 'object-replicator'))).toEqual({
      files: ['/var/log/swift/local2.log', '/var/log/swift/local2.err'],
      stopped: true,
    })
    expect(files(msg('local3', 'info', 'object-updater'))).toEqual({ files: ['/var/log/updater.log', '/var/log/all.log'], stopped: false })
    expect(files(msg('local2', 'info', 'object-auditor'))).toEqual({ files: ['/var/log/auditor.log'], stopped: true })
    expect(files(msg('local0', 'info', 'xyz'))).toEqual({ files: ['/var/log/no-o.log', '/var/log/all.log'], stopped: false })
    expect(config.warnings).toEqual(['swift.conf:16: expression not understood, taken as false'])
  })

  it('reads includes by directory, glob and include(), and notes UDP inputs', () => {
    const { root, config } = fixture({
      'etc/rsyslog.conf': `module(load="imudp")
input(type="imudp" port=["514", "10514"])
$UDPServerRun 20514
include(file="/etc/rsyslog.d/" mode="optional")
include(file="/etc/missing/*.conf" mode="optional")
$IncludeConfig /etc/other/*.conf
ruleset(name="remote") {
  *.* /var/log/remote.log
}
template(name="t" type="list") { property(name="msg") constant(value="}") }
*.* /var/log/last.log
`,
      'etc/rsyslog.d/b.conf': 'local1.* /var/log/b.log\n',
      'etc/rsyslog.d/a.conf': 'local1.* /var/log/a.log\n',
      'etc/other/x.conf': 'local1.* /var/log/x.log\n',
      'etc/other/x.conf.bak': 'local1.* /var/log/bak.log\n',
    })
    expect(config.udpPorts).toEqual([514, 10514, 20514])
    expect(config.warnings).toEqual([])
    expect(routeMessage(config, msg('local1', 'info')).files).toEqual(['a', 'b', 'x', 'last'].map((n) => join(root, `var/log/${n}.log`)))
  })

  it('reports a missing include that is not optional, and returns null without a main file', () => {
    const { config } = fixture({ 'etc/rsyslog.conf': '$IncludeConfig /etc/nope.conf\n' })
    expect(config.warnings).toHaveLength(1)
    expect(config.warnings[0]).toMatch(/rsyslog\.conf:1: cannot include \/etc\/nope\.conf/)
    expect(readRsyslogConfig(join(tmp.make(), 'rsyslog.conf'))).toBeNull()
  })

  // This machine's own config, whatever it holds, must read without tripping the parser.
  it.runIf(existsSync('/etc/rsyslog.conf'))("reads this machine's /etc/rsyslog.conf", () => {
    const config = readRsyslogConfig()!
    expect(config.files[0]).toBe('/etc/rsyslog.conf')
    expect(config.warnings).toEqual([])
  })
})
