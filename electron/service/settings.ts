// Settings persisted as JSON in the app's data dir, validated with the contract's own validator; and the
// check of a path as the user types it.

import { accessSync, constants, existsSync, realpathSync, renameSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { requests } from '../../shared/contract.js'
import type { PathCheck, Problem, Profile, Settings } from '../../shared/types.js'
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
    probeTimeoutMs: 1000,
    theme: 'system',
  }
}

/** The profile in use; validated settings always name one of their profiles. */
export function activeProfile(s: Settings): Profile {
  const found = s.profiles.find((p) => p.name === s.activeProfile) ?? s.profiles[0]
  if (!found) throw new Error('settings without a profile')
  return found
}

/** Checks a settings object with the contract's validator; throws ValidationError with the offending path. */
export function validateSettings(value: unknown): Settings {
  return requests['settings:set'].validate(value)
}

export interface LoadedSettings {
  settings: Settings
  /** Why the file is not what is in use (unreadable, or invalid and kept aside): shown to the user. */
  problem: Problem | null
  /** False when the file exists but could not be read: it is never written over. */
  writable: boolean
}

/**
 * Reads settings. A missing file gives the fallback. A file that cannot be read (permissions, a directory,
 * a FIFO) gives the fallback and is never written over. A file that is not valid settings is renamed aside
 * (`<path>.broken-<ms>`) and said so; the fallback is used and may be saved.
 */
export function loadSettings(path: string, fallback: Settings): LoadedSettings {
  let value: unknown
  try {
    value = readJson(path)
  } catch (e) {
    if (!(e instanceof SyntaxError)) {
      const reason = (e as NodeJS.ErrnoException).code ?? String(e)
      return {
        settings: fallback,
        writable: false,
        problem: {
          code: 'settings-unreadable',
          message: `The settings file ${path} cannot be read (${reason}): the defaults are in use, and your file is left as it is.`,
          hint: 'Make the file readable (and writable) for you, then restart the panel; changes made meanwhile last for this session only.',
          paths: [path],
        },
      }
    }
    return setAside(path, fallback, `not JSON: ${e.message}`)
  }
  if (value === undefined) return { settings: fallback, problem: null, writable: true }
  try {
    // a file from an older version lacks the newer settings: they take their defaults
    const merged = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...withoutProfiles(fallback), ...value } : value
    return { settings: validateSettings(merged), problem: null, writable: true }
  } catch (e) {
    return setAside(path, fallback, (e as Error).message)
  }
}

function withoutProfiles(s: Settings): Partial<Settings> {
  const { profiles: _profiles, activeProfile: _active, ...rest } = s
  return rest
}

function setAside(path: string, fallback: Settings, why: string): LoadedSettings {
  const aside = `${path}.broken-${Date.now()}`
  try {
    renameSync(path, aside)
  } catch (e) {
    // cannot move it (read-only dir): then it must not be written over either
    return {
      settings: fallback,
      writable: false,
      problem: {
        code: 'settings-invalid',
        message: `The settings file ${path} is not valid (${why}) and could not be moved aside (${(e as NodeJS.ErrnoException).code ?? String(e)}): the defaults are in use, and your file is left as it is.`,
        hint: 'Fix or remove the file, then restart the panel.',
        paths: [path],
      },
    }
  }
  return {
    settings: fallback,
    writable: true,
    problem: {
      code: 'settings-invalid',
      message: `The settings file ${path} was not valid (${why}): it is kept as ${aside}, and the defaults are in use.`,
      hint: 'Copy what you need from the kept file into Settings.',
      paths: [aside],
    },
  }
}

/** Writes atomically; a symlinked settings file stays a link, and the file it names is the one replaced. */
export function saveSettings(path: string, settings: Settings): void {
  let target = path
  try {
    target = realpathSync(path)
  } catch {
    // not there yet: written where it was asked
  }
  writeJsonAtomic(target, settings)
}

/**
 * The settings in use: loaded once, changed through set(), saved unless the file could not be read.
 * `--swift-dir` / `--run-dir` add a session profile that is active but never saved.
 */
export class SettingsStore {
  private settings: Settings
  /** The active profile as saved: kept on disk while the command-line profile is active. */
  private savedActive: string
  private readonly writable: boolean
  readonly problem: Problem | null

  constructor(
    private readonly path: string | null,
    dirs: { swiftDir?: string; runDir?: string } = {},
  ) {
    const loaded = path ? loadSettings(path, defaultSettings()) : { settings: defaultSettings(), problem: null, writable: false }
    this.problem = loaded.problem
    this.writable = loaded.writable
    this.savedActive = loaded.settings.activeProfile
    this.settings = dirs.swiftDir || dirs.runDir ? withCommandLineProfile(loaded.settings, dirs) : loaded.settings
  }

  get(): Settings {
    return this.settings
  }

  /** Takes settings the dispatcher validated; saves them unless the file on disk could not be read. */
  set(next: Settings): Settings {
    this.settings = next
    if (next.activeProfile !== COMMAND_LINE_PROFILE) this.savedActive = next.activeProfile
    if (this.path && this.writable) saveSettings(this.path, persistable(next, this.savedActive))
    return next
  }
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
  const [first] = profiles
  if (!first) return { ...s, profiles: s.profiles.map((p) => ({ ...p, name: 'default' })), activeProfile: 'default' }
  const active = s.activeProfile === COMMAND_LINE_PROFILE ? savedActive : s.activeProfile
  return { ...s, profiles, activeProfile: profiles.some((p) => p.name === active) ? active : first.name }
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
