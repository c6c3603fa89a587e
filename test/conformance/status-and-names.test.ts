import { describe, it } from 'vitest'
import { putRunFile, referenceUnavailable, SAIO_CONFS } from '../helpers/fixture.js'
import { conforms, SAIO, withoutOurOptions } from './scenario.js'

const saio = (confs: Record<string, string>) => ({ binaries: SAIO.binaries, confs })

describe.skipIf(referenceUnavailable() !== null).concurrent('conformance with swift-init: status, names, configs', () => {
  it('status with nothing running', () => conforms({ args: ['main', 'status'] }))
  it('status with main running', () => conforms({ setup: [['start', 'main']], args: ['status', 'main'] }))
  it('status of one config, -c N and an out-of-range -c', async () => {
    await conforms({ setup: [['start', 'object']], args: ['object.2', 'status'], ordered: true })
    await conforms({ setup: [['start', 'object']], args: ['object', 'status', '-c', '2'], ordered: true })
    await conforms({ args: ['object', 'status', '-c', '3'], ordered: true })
  })
  it('a stale pid file, verbose', () =>
    conforms({ prepare: (f) => putRunFile(f, 'proxy-server.pid', '4000000'), args: ['proxy', 'status', '-v'], ordered: true }))
  it.each(['garbage', '', '0', '12 34'])('an invalid pid file %j', (content) =>
    conforms({ prepare: (f) => putRunFile(f, 'proxy-server.pid', content), args: ['proxy', 'status'], ordered: true }),
  )
  it('start one server, and the "start main" swap', async () => {
    await conforms({ args: ['start', 'proxy'], ordered: true })
    await conforms({ args: ['main', 'start'] })
    await conforms({ args: ['start', 'main'] })
  })
  it('start one config: object.2, object-server.2, -c 2', async () => {
    await conforms({ args: ['object.2', 'start'], ordered: true })
    await conforms({ args: ['object-server.2', 'start'], ordered: true })
    await conforms({ args: ['object', 'start', '-c', '2'], ordered: true })
  })
  it('globs and aliases expand; servers without a binary are dropped', async () => {
    await conforms({ args: ['object-*', 'status'] })
    await conforms({ args: ['*-server', 'status'] })
    await conforms({
      spec: { binaries: ['object-replicator', 'container-updater', 'object-expirer'], confs: SAIO_CONFS },
      args: ['rest', 'start'],
    })
    await conforms({ spec: { binaries: ['proxy-server'], confs: SAIO_CONFS }, args: ['all', 'status'] })
  })
  it('strict by default for named servers, --strict / --non-strict', async () => {
    await conforms({ args: ['object-expirer', 'start'], ordered: true })
    await conforms({ args: ['object-expirer', 'start', '--non-strict'], ordered: true })
    await conforms({ spec: saio({ 'proxy-server.conf': '' }), args: ['main', 'start', '--strict'] })
  })
  it('unknown names and unknown commands', async () => {
    await conforms({ args: ['nosuch', 'status'], ordered: true })
    await conforms({ args: ['proxy', 'frobnicate'], ordered: true, view: withoutOurOptions })
    await conforms({ args: ['proxy'], ordered: true, view: withoutOurOptions })
  })
  it('object-expirer reads object-server confs with an [object-expirer] section', () =>
    conforms({
      spec: saio({ ...SAIO_CONFS, 'object-server/1.conf': '[DEFAULT]\n[object-expirer]\n' }),
      args: ['object-expirer', 'start', '-v'],
      ordered: true,
    }))
  it('object-expirer falls back to the legacy object-expirer.conf with its warning', () =>
    conforms({
      spec: saio({ ...SAIO_CONFS, 'object-expirer.conf': '[object-expirer]\n' }),
      args: ['object-expirer', 'start', '-v'],
      ordered: true,
    }))
  it('container-reconciler is standalone', () =>
    conforms({
      spec: saio({ ...SAIO_CONFS, 'container-reconciler.conf': '[container-reconciler]\n' }),
      setup: [['container-reconciler', 'start']],
      args: ['container-reconciler', 'status'],
      ordered: true,
    }))
  it('a .conf.d directory is one config', () =>
    conforms({
      spec: saio({
        'object-server/1.conf.d/a.conf': '[DEFAULT]\n',
        'object-server/1.conf.d/b.conf': '[app:object-server]\n',
        'object-server/2.conf': '',
      }),
      setup: [['object', 'start']],
      args: ['object', 'status'],
      ordered: true,
    }))
})
