// What the cluster's state means at a glance, one rule for every place that shows it: the panel's overall
// health badge, its rows and badges, and the tray icon. Plain data, no I/O: both sides import it.

import type { HealthWord, InstanceInfo, InstanceState } from './types.js'

/** The few colours the panel speaks in; each state and each health level maps to one. */
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle'

/** An instance's state as a colour: the same in its row, its badge and (through the level) the tray. */
export const STATE_TONE: Readonly<Record<InstanceState, Tone>> = {
  running: 'ok',
  starting: 'busy',
  stopping: 'busy',
  dead: 'warn',
  crashed: 'bad',
  stopped: 'idle',
  unconfigured: 'idle',
}

/**
 * Each tone's colour in the light and the dark theme, as CSS hex. renderer/src/style.css declares the same
 * values as `--<tone>: light-dark(<light>, <dark>)` (a renderer test holds them equal); the tray draws its
 * icon in them. Every one reads at 4.5:1 or better on the panel's backgrounds, hovered, selected and tinted rows included.
 */
export const TONE_COLOURS: Readonly<Record<Tone, { light: string; dark: string }>> = {
  ok: { light: '#166f30', dark: '#3fb950' },
  busy: { light: '#7a4fd0', dark: '#b08cf9' },
  warn: { light: '#8a5c00', dark: '#d29922' },
  bad: { light: '#c0202b', dark: '#ff6a61' },
  idle: { light: '#5e687c', dark: '#9aa4b2' },
}

/**
 * The cluster as a whole. crash: an instance crashed (it was running and vanished without a stop).
 * partial: some main instance is not up, a running main instance does not answer (its health probe says
 * unhealthy or not listening: a SIGSTOPped server still "runs"), or a daemon's process died leaving its pid
 * file (dead). up: every main instance runs. idle: nothing runs. Background daemons that are simply stopped
 * do not count: on a developer's SAIO most of them are off on purpose; nor does a server disabled by file.
 */
export type HealthLevel = 'up' | 'partial' | 'crash' | 'idle'

export const LEVEL_TONE: Readonly<Record<HealthLevel, Tone>> = { up: 'ok', partial: 'warn', crash: 'bad', idle: 'idle' }

export interface ClusterSummary {
  level: HealthLevel
  tone: Tone
  /** A few words for the badge and the tray's tooltip: `Main up (7/7)`, `Main 6/7 up · 1 crashed`. */
  text: string
  /** The same in a sentence, naming the instances that need a look. */
  detail: string
  /** Configured main instances, and how many of them run. */
  main: { up: number; total: number }
  /** Configured background daemons, and how many of them run. */
  rest: { running: number; total: number }
  /** Ids of the instances that crashed, main or background. */
  crashed: string[]
  /** Ids of the instances whose process died leaving its pid file. */
  died: string[]
  /** Ids of running main instances that do not answer (health unhealthy or not listening). */
  unanswering: string[]
  /** Ids of main instances a command is starting or stopping. */
  busy: string[]
}

/** Health words of a running server that does not serve: the badge and the tray warn of them. */
const NOT_ANSWERING: ReadonlySet<HealthWord> = new Set(['unhealthy', 'not listening'])

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** The summary of a snapshot's instances (unconfigured ones left out). */
export function summarize(instances: readonly InstanceInfo[]): ClusterSummary {
  const configured = instances.filter((i) => i.state !== 'unconfigured')
  const main = configured.filter((i) => i.group === 'main')
  const rest = configured.filter((i) => i.group === 'rest')
  const up = main.filter((i) => i.state === 'running').length
  const restRunning = rest.filter((i) => i.state === 'running').length
  const crashed = configured.filter((i) => i.state === 'crashed').map((i) => i.id)
  const died = configured.filter((i) => i.state === 'dead').map((i) => i.id)
  const busy = main.filter((i) => i.state === 'starting' || i.state === 'stopping').map((i) => i.id)
  const silent = main.filter((i) => i.state === 'running' && i.health && NOT_ANSWERING.has(i.health.word))
  const unanswering = silent.map((i) => i.id)

  const anyRunning = up + restRunning > 0
  const level: HealthLevel =
    crashed.length > 0
      ? 'crash'
      : died.length > 0 ||
          (up > 0 && up < main.length) ||
          (up === 0 && main.length > 0 && restRunning > 0) ||
          busy.length > 0 ||
          unanswering.length > 0
        ? 'partial'
        : anyRunning
          ? 'up'
          : 'idle'

  const head =
    main.length === 0
      ? restRunning > 0
        ? `${plural(restRunning, 'daemon')} running`
        : 'Nothing running'
      : up === main.length
        ? `Main up (${up}/${main.length})`
        : up === 0
          ? 'Main stopped'
          : `Main ${up}/${main.length} up`
  const counted = (n: number, what: string) => (n ? [`${n} ${what}`] : [])
  const notes = [
    ...counted(main.filter((i) => i.state === 'starting').length, 'starting'),
    ...counted(main.filter((i) => i.state === 'stopping').length, 'stopping'),
    ...counted(unanswering.length, 'not answering'),
    ...counted(crashed.length, 'crashed'),
    ...counted(died.length, 'died'),
  ]
  const text = [head, ...notes].join(' · ')

  const sentences = [
    `${up} of ${plural(main.length, 'main instance')} up; ${restRunning} of ${plural(rest.length, 'background daemon')} running.`,
    ...(crashed.length ? [`Crashed: ${crashed.join(', ')}.`] : []),
    ...(silent.length ? [`Running but not answering: ${silent.map((i) => `${i.id} (${i.health?.word ?? ''})`).join(', ')}.`] : []),
    ...(died.length ? [`Died, leaving a pid file: ${died.join(', ')}.`] : []),
  ]
  return {
    level,
    tone: LEVEL_TONE[level],
    text,
    detail: sentences.join(' '),
    main: { up, total: main.length },
    rest: { running: restRunning, total: rest.length },
    crashed,
    died,
    unanswering,
    busy,
  }
}
