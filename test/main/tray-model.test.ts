import { describe, expect, it, vi } from 'vitest'
import type { InstanceInfo, InstanceState } from '../../shared/types.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { senderAllowed } from '../../electron/main/sender-check.js'
import { LEVEL_TONE, TONE_COLOURS } from '../../shared/cluster-summary.js'
import { trayIconPath, TRAY_LEVELS } from '../../electron/main/tray-icon.js'
import { trayLook, trayMenu } from '../../electron/main/tray-model.js'
import { instanceInfo } from '../helpers/instance-info.js'

// tray-icon loads its images through Electron, which unit tests never load
vi.mock('electron', () => ({ app: {}, nativeImage: {}, nativeTheme: {} }))

const inst = (id: string, state: InstanceState): InstanceInfo => instanceInfo(id, state)

describe('tray model', () => {
  it('colours and says what the panel’s health badge says, by the same rule', () => {
    const look = (...instances: InstanceInfo[]) => trayLook(instances)
    expect(look(inst('proxy-server', 'running'), inst('object-server.1', 'running'))).toEqual({
      level: 'up',
      tip: 'Swift Panel: Main up (2/2)',
    })
    expect(look(inst('proxy-server', 'running'), inst('object-server.1', 'stopped')).level).toBe('partial')
    expect(look(inst('proxy-server', 'running'), inst('object-server.1', 'crashed')).level).toBe('crash')
    expect(look(inst('proxy-server', 'stopped'), inst('object-expirer', 'unconfigured')).level).toBe('idle')
    // background daemons off on purpose do not make it yellow
    expect(look(inst('proxy-server', 'running'), inst('object-replicator.1', 'stopped')).level).toBe('up')
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
    const page = 'app://panel/index.html'
    expect(senderAllowed(page, page)).toBe(true)
    expect(senderAllowed('app://panel/index.html#logs', page)).toBe(true)
    expect(senderAllowed('https://evil.example/', page)).toBe(false)
    expect(senderAllowed('app://other/index.html', page)).toBe(false)
    expect(senderAllowed('file:///opt/swift-panel/out/renderer/index.html', page)).toBe(false)
    expect(senderAllowed('not a url', page)).toBe(false)
    expect(senderAllowed(undefined, page)).toBe(false)
  })

  it('has an icon for every level, in the tone’s light and dark colour, 16 px and 32 px, shipped in build/tray', () => {
    const root = join(import.meta.dirname, '../..')
    for (const level of TRAY_LEVELS)
      for (const theme of ['light', 'dark'] as const)
        for (const [file, size] of [
          [trayIconPath(root, level, theme), 16],
          [trayIconPath(root, level, theme).replace(/\.png$/, '@2x.png'), 32],
        ] as const) {
          const png = readFileSync(file)
          expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
          expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size])
          // the dot's colour is the tone's, exactly
          const colour = Buffer.from(TONE_COLOURS[LEVEL_TONE[level]][theme].slice(1), 'hex')
          expect([file, palette(png).some((rgb) => rgb.equals(colour))]).toEqual([file, true])
        }
  })
})

/** The colours of an indexed PNG's PLTE chunk. */
function palette(png: Buffer): Buffer[] {
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    if (type === 'PLTE') {
      const data = png.subarray(at + 8, at + 8 + length)
      return Array.from({ length: length / 3 }, (_, k) => data.subarray(k * 3, k * 3 + 3))
    }
    at += 12 + length
  }
  return []
}
