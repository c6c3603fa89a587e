// Settings persisted as JSON in the app's data dir, validated with the contract's own validator; and the
// check of a path as the user types it.

import { accessSync, constants, existsSync, renameSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { requests } from '../../shared/contract.js'
import type { PathCheck, Profile, Settings } from '../../shared/types.js'
import { readJson, writeJsonAtomic } from './json-file.js'

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

/** Reads settings; a missing or unreadable file gives the fallback (a broken one is kept aside, not lost). */
export function loadSettings(path: string, fallback: Settings): Settings {
  try {
    const value = readJson(path)
    return value === undefined ? fallback : validateSettings(value)
  } catch {
    try {
      renameSync(path, `${path}.broken-${Date.now()}`)
    } catch {
      // read-only dir: keep going with the fallback
    }
    return fallback
  }
}

export function saveSettings(path: string, settings: Settings): void {
  writeJsonAtomic(path, settings)
}

/** The profile `--swift-dir` / `--run-dir` make for one session: shown and active, never saved. */
export const COMMAND_LINE_PROFILE = '(command line)'

export function withCommandLineProfile(s: Settings, dirs: { swiftDir?: string; runDir?: string }): Settings {
  const base = activeProfile(s)
  const profile: Profile = {
    ...base,
    name: COMMAND_LINE_PROFILE,
    swiftDir: dirs.swiftDir ?? base.swiftDir,
    runDir: dirs.runDir ?? base.runDir,
  }
  return { ...s, profiles: [...s.profiles.filter((p) => p.name !== COMMAND_LINE_PROFILE), profile], activeProfile: COMMAND_LINE_PROFILE }
}

/** What goes to disk: everything but the command-line profile; while it is active, the saved active profile stays `savedActive`. */
export function persistable(s: Settings, savedActive: string): Settings {
  const profiles = s.profiles.filter((p) => p.name !== COMMAND_LINE_PROFILE)
  if (profiles.length === 0) return { ...s, profiles: s.profiles.map((p) => ({ ...p, name: 'default' })), activeProfile: 'default' }
  const active = s.activeProfile === COMMAND_LINE_PROFILE ? savedActive : s.activeProfile
  return { ...s, profiles, activeProfile: profiles.some((p) => p.name === active) ? active : profiles[0]!.name }
}

/** Validates a path as the user types it in Settings. */
export function checkPath(path: string, kind: 'swift-dir' | 'run-dir' | 'log-file'): PathCheck {
  if (!path) return { ok: false, message: 'Required.' }
  if (!isAbsolute(path)) return { ok: false, message: 'Must be an absolute path.' }
  if (!existsSync(path)) {
    if (kind === 'run-dir') return { ok: true, message: 'Does not exist yet: it will be created on the first start.' }
    return kind === 'log-file'
      ? { ok: true, message: 'Does not exist yet: it will be tailed once it appears.' }
      : { ok: false, message: 'No such directory.' }
  }
  const isDir = statSync(path).isDirectory()
  if (kind !== 'log-file' && !isDir) return { ok: false, message: 'Not a directory.' }
  if (kind === 'log-file' && isDir) return { ok: false, message: 'A directory, not a file.' }
  try {
    accessSync(path, kind === 'run-dir' ? constants.W_OK : constants.R_OK)
  } catch {
    return { ok: false, message: kind === 'run-dir' ? 'Not writable by you.' : 'Not readable by you.' }
  }
  return { ok: true, message: 'OK.' }
}
