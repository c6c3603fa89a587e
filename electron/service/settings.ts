// Settings persisted as JSON in the app's data dir, validated with the contract's own validator.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { requests } from '../../shared/contract.js'
import type { Profile, Settings } from '../../shared/types.js'

export function defaultSettings(overrides: Partial<Pick<Profile, 'swiftDir' | 'runDir'>> = {}): Settings {
  return {
    profiles: [
      {
        name: 'default',
        swiftDir: overrides.swiftDir ?? process.env.SWIFT_DIR ?? '/etc/swift',
        runDir: overrides.runDir ?? process.env.SWIFT_RUN_DIR ?? '/var/run/swift',
        extraPath: [],
        logFiles: {},
      },
    ],
    activeProfile: 'default',
    killWait: 15,
    strict: null,
    refreshIntervalMs: 1000,
    logBufferLines: 10_000,
    syslogReceiverPort: 0,
    theme: 'system',
  }
}

export function activeProfile(s: Settings): Profile {
  return s.profiles.find((p) => p.name === s.activeProfile) ?? s.profiles[0]!
}

/** Checks a settings object; throws ValidationError with the offending path. */
export function validateSettings(value: unknown): Settings {
  const s = requests['settings:set'].validate(value) as Settings
  if (s.profiles.length === 0) throw new Error('profiles: at least one profile is needed')
  return s
}

/** Reads settings; a missing or unreadable file gives the defaults (a broken one is kept aside, not lost). */
export function loadSettings(path: string, fallback: Settings): Settings {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return fallback
  }
  try {
    return validateSettings(JSON.parse(text))
  } catch {
    try {
      renameSync(path, `${path}.broken-${Date.now()}`)
    } catch {
      // read-only dir: keep going with defaults
    }
    return fallback
  }
}

export function saveSettings(path: string, settings: Settings): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n')
  renameSync(tmp, path)
}
