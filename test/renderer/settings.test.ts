import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import SettingsDialog from '../../renderer/src/components/SettingsDialog.vue'
import { settingsProblem, useSettingsStore } from '../../renderer/src/stores/settings'
import type { Settings } from '../../shared/types'
import type { Answers } from './fake-bridge'
import { settings, setup } from './support'

afterEach(() => vi.useRealTimers())

function mountDialog(initial: Settings = settings(), answers: Answers = {}) {
  vi.useFakeTimers()
  const { fake, pinia } = setup({ 'settings:set': (s) => ({ ok: true, value: s }), ...answers })
  const store = useSettingsStore()
  store.settings = structuredClone(initial)
  const w = mount(SettingsDialog, { props: { settings: store.settings }, global: { plugins: [pinia], stubs: { teleport: true } } })
  return { w, fake }
}
/** Past the path check's debounce, and its answer in. */
const settle = async () => {
  await vi.advanceTimersByTimeAsync(250)
  await flushPromises()
}

describe('settings validation', () => {
  it('says in words what the service would refuse', () => {
    expect(settingsProblem(settings())).toBeNull()
    expect(settingsProblem(settings({ killWait: 5000 }))).toEqual({ field: 'killWait', message: 'expected an integer in 0..3600' })
    expect(settingsProblem(settings({ refreshIntervalMs: '' as never }))).toEqual({
      field: 'refreshIntervalMs',
      message: 'expected an integer in 100..60000',
    })
    const s = settings()
    s.profiles[0]!.runDir = 'run'
    expect(settingsProblem(s)).toEqual({ field: 'profiles[0].runDir', message: 'must be an absolute path' })
    s.profiles[0]!.runDir = '/run'
    s.profiles[0]!.logFiles = { 'Not A Server': ['/x.log'] }
    expect(settingsProblem(s)).toEqual({ field: 'profiles[0].logFiles.Not A Server', message: 'is not a server name' })
    s.profiles[0]!.logFiles = {}
    s.profiles.push({ ...s.profiles[0]! })
    expect(settingsProblem(s)).toEqual({ field: 'profiles[1].name', message: 'another profile is named “default”' })
  })
})

describe('settings dialog', () => {
  it('checks paths with the service as you type, showing only the latest answer', async () => {
    const answers: Record<string, { ok: boolean; message: string }> = {
      '/etc/swift': { ok: true, message: '7 configs found.' },
      '/var/run/swift': { ok: true, message: 'OK.' },
      '/srv/no': { ok: false, message: 'No such directory.' },
    }
    const { w, fake } = mountDialog(settings(), {
      'settings:check-path': ({ path }) => ({ ok: true, value: answers[path] ?? { ok: false, message: `checked ${path}` } }),
    })
    await settle()
    expect(w.get('#check-swiftDir').text()).toBe('7 configs found.')
    expect(w.get('#check-runDir').text()).toBe('OK.')
    // keystrokes within the debounce make one request
    const before = fake.sent('settings:check-path').length
    for (const v of ['/s', '/sr', '/srv/', '/srv/no']) await w.get('input[aria-label="Swift dir"]').setValue(v)
    await settle()
    expect(fake.sent('settings:check-path').slice(before)).toEqual([{ path: '/srv/no', kind: 'swift-dir' }])
    expect(w.get('#check-swiftDir').text()).toBe('No such directory.')
    expect(w.get('#check-swiftDir').classes()).toContain('bad')
    expect(w.get('input[aria-label="Swift dir"]').attributes('aria-invalid')).toBe('true')
  })

  it('flags values the service would refuse and keeps Save off until they are fixed', async () => {
    const { w } = mountDialog()
    await settle()
    const save = () => w.get('button[type="submit"]')
    await w.get('input[aria-label="Run dir"]').setValue('relative')
    expect(w.text()).toContain('must be an absolute path')
    expect(save().attributes('disabled')).toBeDefined()
    await w.get('input[aria-label="Run dir"]').setValue('/run/swift')
    await w.get('input[aria-label="Kill wait in seconds, by default"]').setValue('99999')
    expect(w.text()).toContain('expected an integer in 0..3600')
    expect(save().attributes('disabled')).toBeDefined()
    await w.get('input[aria-label="Kill wait in seconds, by default"]').setValue('20')
    // the health probe's timeout, as the service bounds it
    await w.get('input[aria-label="Health probe timeout in milliseconds"]').setValue('50')
    expect(w.text()).toContain('expected an integer in 100..10000')
    expect(w.get('input[aria-label="Health probe timeout in milliseconds"]').attributes('aria-invalid')).toBe('true')
    expect(save().attributes('disabled')).toBeDefined()
    await w.get('input[aria-label="Health probe timeout in milliseconds"]').setValue('2500')
    await w.get('textarea').setValue('/opt/swift/bin\n\nrelative/bin')
    expect(w.text()).toContain('must be an absolute path')
    await w.get('textarea').setValue('/opt/swift/bin\n')
    expect(save().attributes('disabled')).toBeUndefined()
  })

  it('edits profiles, PATH entries, log files and the rest, and saves them through the bridge', async () => {
    const { w, fake } = mountDialog()
    await settle()
    await w
      .findAll('button')
      .find((b) => b.text() === 'Add profile')!
      .trigger('click')
    await w.get('input[aria-label="Profile name"]').setValue('cluster B')
    await w.get('input[aria-label="Swift dir"]').setValue('/srv/b/etc')
    await w.get('textarea').setValue('/srv/b/bin')
    await w
      .findAll('button')
      .find((b) => b.text() === 'Add log file')!
      .trigger('click')
    await w.get('select[aria-label="Server of log file 1"]').setValue('object-server')
    await w.get('input[aria-label="Log file 1"]').setValue('/srv/b/log/object.log')
    await settle()
    expect(fake.sent('settings:check-path')).toContainEqual({ path: '/srv/b/log/object.log', kind: 'log-file' })
    await w.get('input[aria-label="Refresh interval in milliseconds"]').setValue('500')
    await w.get('input[aria-label="Health probe timeout in milliseconds"]').setValue('300')
    await w.get('select[aria-label="Theme"]').setValue('dark')
    await w.get('select[aria-label="Strict mode"]').setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()
    const [saved] = fake.sent('settings:set')
    expect(saved).toEqual(
      settings({
        activeProfile: 'cluster B',
        refreshIntervalMs: 500,
        probeTimeoutMs: 300,
        theme: 'dark',
        strict: true,
        profiles: [
          { name: 'default', swiftDir: '/etc/swift', runDir: '/var/run/swift', extraPath: [], logFiles: {} },
          {
            name: 'cluster B',
            swiftDir: '/srv/b/etc',
            runDir: '/var/run/swift',
            extraPath: ['/srv/b/bin'],
            logFiles: { 'object-server': ['/srv/b/log/object.log'] },
          },
        ],
      }),
    )
    expect(useSettingsStore().settings!.activeProfile).toBe('cluster B')
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('switches between profiles and removes one', async () => {
    const two = settings({
      profiles: [settings().profiles[0]!, { name: 'b', swiftDir: '/b', runDir: '/b/run', extraPath: ['/b/bin'], logFiles: {} }],
      activeProfile: 'b',
    })
    const { w, fake } = mountDialog(two)
    await settle()
    expect((w.get('input[aria-label="Swift dir"]').element as HTMLInputElement).value).toBe('/b')
    expect((w.get('textarea').element as HTMLTextAreaElement).value).toBe('/b/bin')
    await w.get('select[aria-label="Profile to edit and use"]').setValue('0')
    expect((w.get('input[aria-label="Swift dir"]').element as HTMLInputElement).value).toBe('/etc/swift')
    await w.get('button[aria-label="Remove profile default"]').trigger('click')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(fake.sent('settings:set')[0]).toMatchObject({ activeProfile: 'b', profiles: [{ name: 'b' }] })
  })

  it('stays open and says why when the service refuses', async () => {
    const { w } = mountDialog(settings(), {
      'settings:set': () => ({ ok: false, error: { code: 'failed', message: 'cannot write settings.json' } }),
    })
    await settle()
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('Not saved: cannot write settings.json')
    expect(w.emitted('close')).toBeUndefined()
  })
})
