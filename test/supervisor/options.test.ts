import { describe, expect, it } from 'vitest'
import { help, OptionError, parseArgs } from '../../electron/cli/options.js'

describe('parseArgs (optparse rules)', () => {
  it('takes interspersed args, clustered flags and the value forms', () => {
    const { options, args } = parseArgs(['main', '-vw', 'start', '-c2', '--kill-wait', '5', '--run-dir=/r', '--strict'])
    expect(args).toEqual(['main', 'start'])
    expect(options).toMatchObject({ verbose: true, wait: false, number: 2, killWait: 5, runDir: '/r', strict: true })
  })

  it('accepts unique prefixes of long options and refuses ambiguous ones', () => {
    expect(parseArgs(['--verb', '--kill-a', 'x']).options).toMatchObject({ verbose: true, killAfterTimeout: true })
    expect(() => parseArgs(['--no'])).toThrow('ambiguous option: --no (--no-daemon, --no-wait, --non-strict?)')
  })

  it('words errors as optparse does', () => {
    expect(() => parseArgs(['-c', 'x'])).toThrow("option -c: invalid integer value: 'x'")
    expect(() => parseArgs(['--config-num=x'])).toThrow("option --config-num: invalid integer value: 'x'")
    expect(() => parseArgs(['-k'])).toThrow('-k option requires 1 argument')
    expect(() => parseArgs(['--bogus'])).toThrow(OptionError)
    expect(() => parseArgs(['-z'])).toThrow('no such option: -z')
    expect(() => parseArgs(['--verbose=1'])).toThrow('--verbose option does not take a value')
  })

  it('treats everything after -- as arguments', () => {
    expect(parseArgs(['--', '-v', 'start']).args).toEqual(['-v', 'start'])
  })

  it('lists every command with its help, like swift-init', () => {
    const text = help('swift-init')
    expect(text).toContain('Usage: swift-init <server>[.<config>]')
    expect(text).toContain('    force-reload: alias for reload')
    expect(text).toContain('          status: display status of tracked pids for server')
    expect(text).toMatch(/-k N, --kill-wait=N\s+wait N seconds for processes to die \(default 15\)/)
  })
})
