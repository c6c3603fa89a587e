import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseIni } from '../../electron/supervisor/ini.js'
import { confLogging, emittedSeverities, isUnixSocket, logDestination, readConfLogging } from '../../electron/service/logs/conf-logging.js'
import { tempDirs } from './helpers.js'

const tmp = tempDirs('conf-logging')
afterEach(() => tmp.cleanup())

// An SAIO object-server/2.conf, trimmed.
const SAIO_OBJECT_2 = `[DEFAULT]
devices = /srv/2/node
bind_port = 6220
user = swift
log_facility = LOG_LOCAL3
eventlet_debug = true

[pipeline:main]
pipeline = healthcheck recon object-server

[app:object-server]
use = egg:swift#object

[filter:recon]
use = egg:swift#recon

[object-replicator]
rsync_module = {replication_ip}::object{replication_port}

[object-updater]

[object-auditor]
`

describe('where a swift server logs, from its conf', () => {
  it('names WSGI servers after their app section and daemons after theirs, with [DEFAULT] showing through', () => {
    const ini = parseIni(SAIO_OBJECT_2)
    expect(confLogging('object-server', ini)).toEqual({
      section: 'app:object-server',
      logName: 'object-server',
      facility: 'local3',
      level: 'INFO',
      udp: null,
      address: '/dev/log',
    })
    expect(confLogging('object-replicator', ini)).toMatchObject({
      section: 'object-replicator',
      logName: 'object-replicator',
      facility: 'local3',
    })
  })

  it('follows paste.deploy for app sections: [DEFAULT] beats a plain key, `set` beats [DEFAULT]', () => {
    const base = '[DEFAULT]\nlog_level = WARNING\n[app:proxy-server]\nuse = egg:swift#proxy\n'
    expect(confLogging('proxy-server', parseIni(base + 'log_level = DEBUG\n')).level).toBe('WARNING')
    expect(confLogging('proxy-server', parseIni(base + 'set log_level = DEBUG\n')).level).toBe('DEBUG')
    // A key [DEFAULT] lacks is the section's own.
    expect(confLogging('proxy-server', parseIni(base + 'log_name = proxy-1\n')).logName).toBe('proxy-1')
    // Daemons read with configparser: the section wins.
    expect(confLogging('object-expirer', parseIni('[DEFAULT]\nlog_level = WARNING\n[object-expirer]\nlog_level = debug\n')).level).toBe(
      'DEBUG',
    )
  })

  it('reads log_name from [DEFAULT] for every server in the conf', () => {
    const ini = parseIni('[DEFAULT]\nlog_name = store-1\n[app:object-server]\nuse = egg:swift#object\n[object-auditor]\n')
    expect(confLogging('object-server', ini).logName).toBe('store-1')
    expect(confLogging('object-auditor', ini).logName).toBe('store-1')
  })

  it('takes facility and level names the way getattr does', () => {
    const at = (extra: string) => confLogging('object-auditor', parseIni(`[object-auditor]\n${extra}\n`))
    expect(at('log_facility = LOG_LOCAL6').facility).toBe('local6')
    // Not an attribute of SysLogHandler: LOG_LOCAL0.
    expect(at('log_facility = local2').facility).toBe('local0')
    // A priority constant is an int attribute too, and is then used as a facility.
    expect(at('log_facility = LOG_ERR').facility).toBe('daemon')
    expect(at('log_level = warn').level).toBe('WARNING')
    // swift names a NOTICE level, but logging has no NOTICE attribute.
    expect(at('log_level = notice').level).toBe('INFO')
    expect(at('log_level = chatty').level).toBe('INFO')
    expect(emittedSeverities('WARNING')).toEqual(['warning', 'err', 'crit'])
    expect(emittedSeverities('INFO')).toEqual(['info', 'notice', 'warning', 'err', 'crit'])
  })

  it('prefers UDP when log_udp_host is set, 514 by default, and refuses a bad port', () => {
    const at = (extra: string) => confLogging('object-auditor', parseIni(`[DEFAULT]\n${extra}\n[object-auditor]\n`))
    expect(at('log_udp_host = 127.0.0.1\nlog_udp_port = 5140').udp).toEqual({ host: '127.0.0.1', port: 5140 })
    expect(at('log_udp_host = 10.0.0.1').udp).toEqual({ host: '10.0.0.1', port: 514 })
    expect(at('log_udp_host =\nlog_udp_port = 5140').udp).toBeNull()
    expect(() => at('log_udp_host = h\nlog_udp_port = x')).toThrow(/not a port number/)
    const logging = at('log_address = /run/nowhere')
    expect(logDestination(logging, () => true)).toEqual({ kind: 'unix', address: '/run/nowhere' })
    expect(logDestination(logging, () => false)).toEqual({ kind: 'udp', host: 'localhost', port: 514, fallback: true })
    expect(logDestination(at('log_udp_host = ::1\nlog_udp_port = 9'), () => true)).toEqual({
      kind: 'udp',
      host: '::1',
      port: 9,
      fallback: false,
    })
  })

  it('says plainly when the server has no section to read', () => {
    expect(() => confLogging('object-server', parseIni('[object-replicator]\n'), '/etc/swift/object-server/1.conf')).toThrow(
      '/etc/swift/object-server/1.conf has no [app:object-server] section, so object-server cannot start',
    )
    expect(() => confLogging('object-expirer', parseIni('[DEFAULT]\n'))).toThrow(/has no \[object-expirer\] section/)
  })

  it('reads files and .conf.d directories from disk', () => {
    const dir = tmp.make()
    mkdirSync(join(dir, 'object-server.conf.d'))
    writeFileSync(
      join(dir, 'object-server.conf.d/00.conf'),
      '[DEFAULT]\nlog_facility = LOG_LOCAL2\n[app:object-server]\nuse = egg:swift#object\n',
    )
    writeFileSync(join(dir, 'object-server.conf.d/10.conf'), '[DEFAULT]\nlog_udp_host = 127.0.0.1\nlog_udp_port = 6514\n')
    expect(readConfLogging('object-server', join(dir, 'object-server.conf.d'))).toMatchObject({
      facility: 'local2',
      udp: { host: '127.0.0.1', port: 6514 },
    })
  })

  // Swift's own code decides; this checks that we agree with it on the same confs.
  it.runIf(existsSync('/usr/lib/python3/dist-packages/swift/common/utils.py'))('agrees with swift get_logger on the same confs', () => {
    const dir = tmp.make()
    const confs: Record<string, string> = {
      'saio.conf': SAIO_OBJECT_2,
      'named.conf':
        '[DEFAULT]\nlog_level = info\n[app:object-server]\nuse = egg:swift#object\nlog_name = object-server-1\nset log_level = DEBUG\n[object-replicator]\nlog_name = repl-1\nlog_facility = LOG_LOCAL5\nlog_level = ERROR\n',
      'udp.conf':
        '[DEFAULT]\nlog_udp_host = 127.0.0.1\nlog_udp_port = 6514\nlog_facility = LOG_LOCAL1\n[app:proxy-server]\nuse = egg:swift#proxy\nlog_level = DEBUG\n[container-reconciler]\nlog_udp_port = 7514\nlog_level = notice\n',
      'quirks.conf':
        '[DEFAULT]\nlog_facility = LOG_ERR\nlog_name = shared\n[app:account-server]\nuse = egg:swift#account\n[account-reaper]\nlog_facility = local4\nlog_level = warn\n',
    }
    for (const [name, text] of Object.entries(confs)) writeFileSync(join(dir, name), text)
    const cases: [string, string][] = [
      ['object-server', 'saio.conf'],
      ['object-replicator', 'saio.conf'],
      ['object-auditor', 'saio.conf'],
      ['object-server', 'named.conf'],
      ['object-replicator', 'named.conf'],
      ['proxy-server', 'udp.conf'],
      ['container-reconciler', 'udp.conf'],
      ['account-server', 'quirks.conf'],
      ['account-reaper', 'quirks.conf'],
    ].map(([server, conf]) => [server!, join(dir, conf!)])
    // As swift's _initrp / run_daemon build the conf and call get_logger; then what the handler does.
    const script = `
import json, logging, sys
from logging.handlers import SysLogHandler
from swift.common import utils
from swift.common.wsgi import appconfig
WSGI = {'proxy-server', 'account-server', 'container-server', 'object-server'}
names = {v: k for k, v in SysLogHandler.facility_names.items()}
out = []
for i, (server, path) in enumerate(json.load(sys.stdin)):
    if server in WSGI:
        conf = appconfig(path, name=server)
        name = conf.get('log_name', server)
    else:
        conf = utils.readconf(path, server)
        name = conf.get('log_name', server)
    adapter = utils.get_logger(conf, name, log_route='case-%d' % i)
    handler = utils.get_logger.handler4logger[adapter.logger]
    addr = handler.address
    out.append({'logName': adapter.server, 'facility': names[handler.facility],
                'level': logging.getLevelName(adapter.logger.level),
                'dest': {'kind': 'udp', 'host': addr[0], 'port': addr[1]} if isinstance(addr, tuple) else {'kind': 'unix', 'address': addr}})
print(json.dumps(out))
`
    const swift = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' }),
    ) as unknown[]
    const ours = cases.map(([server, path]) => {
      const logging = readConfLogging(server, path)
      const dest = logDestination(logging, isUnixSocket)
      return {
        logName: logging.logName,
        // Python names 13 'security' where rsyslog says 'audit'; none of these cases use it.
        facility: logging.facility,
        level: logging.level,
        dest: dest.kind === 'udp' ? { kind: 'udp', host: dest.host, port: dest.port } : dest,
      }
    })
    expect(ours).toEqual(swift)
  })
})
