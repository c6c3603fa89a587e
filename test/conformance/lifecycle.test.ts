import { describe, it } from 'vitest'
import { referenceUnavailable, SAIO_CONFS } from '../helpers/fixture.js'
import { conforms, equalButZombiesAreStale, SAIO } from './scenario.js'

const saio = (confs: Record<string, string>) => ({ binaries: SAIO.binaries, confs })
const proxy = (standin: string) => saio({ ...SAIO_CONFS, 'proxy-server.conf': `[standin]\n${standin}\n` })

describe.skipIf(referenceUnavailable() !== null).concurrent('conformance with swift-init: start, stop and friends', () => {
  it('a server that dies at start shows its output and fails', () =>
    conforms({ spec: proxy('startup_output = boom: cannot bind\nexit_code = 3'), args: ['proxy', 'start'], ordered: true }))
  it('startup output that is only a warning', () =>
    conforms({ spec: proxy('startup_output = WARNING: something odd'), args: ['proxy', 'start'], ordered: true }))
  it('already started', () => conforms({ setup: [['start', 'proxy']], args: ['start', 'proxy'], ordered: true }))
  it('no-wait and once', async () => {
    await conforms({ args: ['proxy', 'no-wait'], ordered: true })
    await conforms({
      spec: saio({ ...SAIO_CONFS, 'object-server/1.conf': '[standin]\nonce_output = pass done\n' }),
      args: ['object-replicator', 'once'],
      ordered: true,
    })
  })
  it('stop, verbose, and stop with nothing running', async () => {
    await conforms({ setup: [['start', 'main']], args: ['stop', 'main'] })
    await conforms({ setup: [['start', 'proxy']], args: ['stop', 'proxy', '-v'], ordered: true, differs: equalButZombiesAreStale })
    await conforms({ args: ['stop', 'main'] })
  })
  it('kill, running and not', async () => {
    await conforms({ setup: [['start', 'proxy']], args: ['kill', 'proxy'], ordered: true })
    await conforms({ args: ['kill', 'proxy'], ordered: true })
  })
  it('shutdown signals HUP to main servers only', () =>
    conforms({
      setup: [
        ['start', 'proxy'],
        ['start', 'object-replicator'],
      ],
      args: ['shutdown', 'proxy', 'object-replicator'],
    }))
  it('restart, reload and force-reload', async () => {
    await conforms({ setup: [['start', 'proxy']], args: ['restart', 'proxy'], ordered: true })
    await conforms({ setup: [['start', 'object']], args: ['reload', 'object'], ordered: true })
    await conforms({ setup: [['start', 'proxy']], args: ['force-reload', 'proxy'], ordered: true })
    await conforms({ args: ['reload', 'proxy'], ordered: true })
  })
  it('reload-seamless sends USR1 to main servers', async () => {
    await conforms({ spec: proxy('usr1 = reexec'), setup: [['start', 'proxy']], args: ['reload-seamless', 'proxy'], ordered: true })
    await conforms({ args: ['reload-seamless', 'proxy'], ordered: true })
  })
  it('a daemon that ignores SIGTERM: giving up, or --kill-after-timeout', async () => {
    const spec = proxy('ignore_term = true\nworkers = 2')
    await conforms({ spec, setup: [['start', 'proxy']], args: ['stop', 'proxy', '-k', '1'], ordered: true })
    await conforms({ spec, setup: [['start', 'proxy']], args: ['stop', 'proxy', '-k', '1', '--kill-after-timeout'], ordered: true })
  })
  it('a slow graceful exit within kill-wait', () =>
    conforms({ spec: proxy('hup_delay = 0.5'), setup: [['start', 'proxy']], args: ['shutdown', 'proxy', '-k', '3'], ordered: true }))
})
