import { describe, expect, it } from 'vitest'
import type { InstanceInfo, InstanceState } from '../../shared/types.js'
import { senderAllowed, trayMenu, trayState } from '../../electron/shell/tray-model.js'
import { dotPng } from '../../electron/shell/png.js'

const inst = (id: string, state: InstanceState): InstanceInfo => ({
  id,
  server: id.split('.')[0]!,
  group: 'main',
  number: null,
  confFile: null,
  pidFile: null,
  pid: null,
  state,
  startedAt: null,
  cpuPercent: null,
  rssBytes: null,
  workers: [],
  lastExit: null,
  attached: false,
  busy: null,
})

describe('tray model', () => {
  it('colours: all up, some down, a crash, nothing running', () => {
    expect(trayState([inst('proxy-server', 'running'), inst('object-server.1', 'running')])).toBe('up')
    expect(trayState([inst('proxy-server', 'running'), inst('object-server.1', 'stopped')])).toBe('partial')
    expect(trayState([inst('proxy-server', 'running'), inst('object-server.1', 'crashed')])).toBe('crash')
    expect(trayState([inst('proxy-server', 'stopped'), inst('object-expirer', 'unconfigured')])).toBe('idle')
  })

  it('menu: show, main and all actions, a submenu per configured server, quit', () => {
    const menu = trayMenu([
      inst('proxy-server', 'running'),
      inst('object-server.1', 'running'),
      inst('object-server.2', 'stopped'),
      inst('object-expirer', 'unconfigured'),
    ])
    expect(menu.map((m) => ('label' in m ? m.label : '—'))).toEqual([
      'Show panel',
      '—',
      'Start main',
      'Stop main',
      'Restart main',
      'Restart all',
      '—',
      'proxy-server (1/1)',
      'object-server (1/2)',
      '—',
      'Quit',
    ])
    const object = menu.find((m) => m.kind === 'submenu' && m.label.startsWith('object-server'))
    expect(object).toMatchObject({
      items: [{ command: 'start', targets: ['object-server'] }, { command: 'stop' }, { command: 'restart' }, { command: 'reload' }],
    })
  })

  it('accepts IPC only from our own page', () => {
    const page = 'file:///opt/swift-panel/resources/app/out/renderer/index.html'
    expect(senderAllowed(page, page)).toBe(true)
    expect(senderAllowed('https://evil.example/', page)).toBe(false)
    expect(senderAllowed('file:///tmp/other.html', page)).toBe(false)
    expect(senderAllowed(undefined, page)).toBe(false)
  })

  it('draws a PNG dot', () => {
    const png = dotPng(16, 0x2da44e)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.readUInt32BE(16)).toBe(16)
  })
})
