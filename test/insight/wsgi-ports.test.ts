import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { readWsgiPorts } from '../../electron/service/insight/wsgi-ports.js'
import { removeTempDirs, ringFile, tempDir, writeAt } from './helpers.js'

afterAll(removeTempDirs)

const SAIO_OBJECT = `[DEFAULT]
devices = /srv/1
bind_ip = 127.0.0.1
bind_port = 6010
workers = 2
recon_cache_path = /tmp/cache/1

[pipeline:main]
pipeline = healthcheck recon object-server

[app:object-server]
use = egg:swift#object
log_name = object-server-1

[filter:recon]
use = egg:swift#recon

[filter:healthcheck]
use = egg:swift#healthcheck

[object-replicator]
`

/** Confs of both kinds, the right answer for each checked against Swift itself where python3-swift is installed. */
const CASES: Record<string, { server: string; text: Record<string, string> }> = {
  saio: { server: 'object-server', text: { 'o.conf': SAIO_OBJECT } },
  'default-wins': {
    server: 'object-server',
    text: { 'o.conf': '[DEFAULT]\nbind_port = 6010\n[app:object-server]\nuse = egg:swift#object\nbind_port = 7000\n' },
  },
  'set-overrides': {
    server: 'object-server',
    text: { 'o.conf': '[DEFAULT]\nbind_port = 6010\n[app:object-server]\nuse = egg:swift#object\nset bind_port = 7000\n' },
  },
  'app-only': { server: 'account-server', text: { 'a.conf': '[app:account-server]\nuse = egg:swift#account\nbind_port = 7001\n' } },
  'conf-d': {
    server: 'container-server',
    text: {
      'c.conf.d/1.conf': '[DEFAULT]\nbind_ip = 127.0.0.2\nbind_port = 6020\n[app:container-server]\nuse = egg:swift#container\n',
      'c.conf.d/2.conf': '[DEFAULT]\nbind_port = 6030\n',
      'c.conf.d/.3.conf': '[DEFAULT]\nbind_port = 9999\n',
    },
  },
  underscores: {
    server: 'object-server',
    text: { 'o.conf': '[DEFAULT]\nbind_port = 6_040\n[app:object-server]\nuse = egg:swift#object\n' },
  },
  missing: { server: 'object-server', text: { 'o.conf': '[DEFAULT]\nbind_ip = 127.0.0.1\n[app:object-server]\nuse = egg:swift#object\n' } },
  'not-a-number': {
    server: 'object-server',
    text: { 'o.conf': '[DEFAULT]\nbind_port = 60x0\n[app:object-server]\nuse = egg:swift#object\n' },
  },
  'wrong-app-name': { server: 'object-server', text: { 'o.conf': '[DEFAULT]\nbind_port = 6010\n[app:object]\nuse = egg:swift#object\n' } },
  proxy: {
    server: 'proxy-server',
    text: {
      'p.conf':
        '[DEFAULT]\nbind_port = 8080\n[pipeline:main]\npipeline = catch_errors proxy-server\n[app:proxy-server]\nuse = egg:swift#proxy\n[filter:catch_errors]\nuse = egg:swift#catch_errors\n',
    },
  },
}

function writeCase(dir: string, name: string): string {
  const c = CASES[name]
  if (!c) throw new Error(name)
  for (const [path, text] of Object.entries(c.text)) writeAt(dir, `${name}/${path}`, text)
  const first = Object.keys(c.text)[0] ?? ''
  return `${dir}/${name}/${first.includes('.conf.d/') ? first.slice(0, first.indexOf('.conf.d/') + 7) : first}`
}

describe('WSGI ports from the conf', () => {
  const dir = tempDir()
  const paths = Object.fromEntries(Object.keys(CASES).map((name) => [name, writeCase(dir, name)]))
  const read = (name: string) => readWsgiPorts(CASES[name]?.server ?? '', paths[name] ?? '')

  it("reads the SAIO's object server: bind_ip, bind_port, workers, the healthcheck and recon filters", () => {
    expect(read('saio')).toEqual({
      ok: true,
      ports: {
        server: 'object-server',
        confFile: paths['saio'],
        appSection: 'app:object-server',
        bindIp: '127.0.0.1',
        probeHost: '127.0.0.1',
        ports: [6010],
        portSource: 'bind_port',
        workers: 2,
        pipeline: ['healthcheck', 'recon', 'object-server'],
        healthcheck: { disablePath: null },
        recon: { cachePath: '/tmp/cache/1' },
      },
    })
  })

  it('follows paste.deploy: [DEFAULT] wins over the app section unless it says `set`; .conf.d parts in order, dotfiles skipped', () => {
    expect(read('default-wins')).toMatchObject({ ok: true, ports: { ports: [6010] } })
    expect(read('set-overrides')).toMatchObject({ ok: true, ports: { ports: [7000] } })
    expect(read('app-only')).toMatchObject({ ok: true, ports: { ports: [7001], bindIp: '0.0.0.0', probeHost: '127.0.0.1' } })
    expect(read('conf-d')).toMatchObject({ ok: true, ports: { ports: [6030], bindIp: '127.0.0.2', probeHost: '127.0.0.2' } })
    expect(read('underscores')).toMatchObject({ ok: true, ports: { ports: [6040] } })
    expect(read('proxy')).toMatchObject({
      ok: true,
      ports: { ports: [8080], pipeline: ['catch_errors', 'proxy-server'], healthcheck: null, recon: null },
    })
  })

  it('says why a server refuses to start: no bind_port, a bad one, no app section of its name, an unreadable conf', () => {
    const refused = { ok: false, starts: false }
    expect(read('missing')).toMatchObject({ ...refused, error: expect.stringContaining("bind_port wasn't properly set") as unknown })
    expect(read('not-a-number')).toMatchObject({ ...refused, error: expect.stringContaining("bind_port wasn't properly set") as unknown })
    expect(read('wrong-app-name')).toMatchObject({ ...refused, error: expect.stringContaining('[app:object-server]') as unknown })
    expect(readWsgiPorts('object-server', `${dir}/nowhere.conf`)).toMatchObject({
      ...refused,
      error: expect.stringContaining('Error trying to load config from') as unknown,
    })
    const big = writeAt(dir, 'big.conf', '[DEFAULT]\nbind_port = 70000\n[app:object-server]\n')
    expect(readWsgiPorts('object-server', big)).toMatchObject({ ...refused, error: expect.stringContaining('not a port') as unknown })
    const zero = writeAt(dir, 'zero.conf', '[DEFAULT]\nbind_port = 0\n[app:object-server]\n')
    expect(readWsgiPorts('object-server', zero)).toMatchObject({ ok: false, starts: true })
    expect(readWsgiPorts('object-replicator', paths['saio'] ?? '')).toMatchObject({ ok: false, starts: true })
  })

  it('reads an object server with servers_per_port from the object rings: one port per local device port', () => {
    const swiftDir = tempDir()
    const devs = [
      { id: 0, ip: '127.0.0.1', port: 6020, device: 'sdb1' },
      null,
      { id: 2, ip: '127.0.0.1', port: 6010, device: 'sdb2' },
      { id: 3, ip: '192.0.2.99', port: 6030, device: 'sdb3' },
    ]
    writeAt(swiftDir, 'object.ring.gz', ringFile(devs))
    writeAt(swiftDir, 'object-1.ring.gz', ringFile([{ id: 0, ip: '127.0.0.1', port: 6050, device: 'sdb1' }]))
    writeAt(swiftDir, 'container.ring.gz', ringFile([{ id: 0, ip: '127.0.0.1', port: 6011, device: 'sdb1' }]))
    const conf = writeAt(
      swiftDir,
      'object-server/1.conf',
      `[DEFAULT]\nswift_dir = ${swiftDir}\nbind_ip = 127.0.0.1\nservers_per_port = 2\n[app:object-server]\n`,
    )
    expect(readWsgiPorts('object-server', conf)).toMatchObject({
      ok: true,
      ports: { ports: [6010, 6020, 6050], portSource: 'rings', workers: 6 },
    })
    // 0.0.0.0: every local address, loopback included; 192.0.2.99 is not ours
    const wildcard = writeAt(
      swiftDir,
      'object-server/2.conf',
      `[DEFAULT]\nswift_dir = ${swiftDir}\nservers_per_port = 1\n[app:object-server]\n`,
    )
    expect(readWsgiPorts('object-server', wildcard)).toMatchObject({
      ok: true,
      ports: { ports: [6010, 6020, 6050], probeHost: '127.0.0.1' },
    })
    writeAt(swiftDir, 'object-2.ring.gz', 'not gzip')
    expect(readWsgiPorts('object-server', conf)).toMatchObject({ ok: false, error: expect.stringContaining('object rings') as unknown })
  })

  const python = spawnSync('/usr/bin/python3', ['-c', 'import swift.common.wsgi'], { encoding: 'utf8' })
  const noSwift = python.status === 0 ? null : `python3 cannot import swift.common.wsgi: ${python.stderr.trim().split('\n').pop()}`
  if (noSwift) console.warn(`SKIP ports against Swift's own appconfig: ${noSwift}`)

  it.skipIf(noSwift !== null)("agrees with Swift's own appconfig + int(conf['bind_port']) on every case", () => {
    const script = `
import json, sys
from swift.common.wsgi import appconfig
out = {}
for name, server, path in json.loads(sys.argv[1]):
    try:
        conf = appconfig(path, name=server)
        out[name] = {'port': int(conf['bind_port']), 'ip': conf.get('bind_ip', '0.0.0.0')}
    except Exception as e:
        out[name] = {'error': type(e).__name__}
print(json.dumps(out))
`
    const cases = Object.entries(CASES).map(([name, c]) => [name, c.server, paths[name]])
    const r = spawnSync('/usr/bin/python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const swift = JSON.parse(r.stdout) as Record<string, { port?: number; ip?: string; error?: string }>
    for (const name of Object.keys(CASES)) {
      const ours = read(name)
      const theirs = swift[name]
      if (theirs?.port === undefined) expect({ name, ok: ours.ok }).toEqual({ name, ok: false })
      else
        expect({ name, ports: ours.ok ? ours.ports.ports : ours.error, ip: ours.ok ? ours.ports.bindIp : null }).toEqual({
          name,
          ports: [theirs.port],
          ip: theirs.ip,
        })
    }
  })
})
