// Which instances a target the panel sends names (an alias, a server: every config of it, or one instance),
// and the other way round: the fewest targets that name a given set of instances.

import type { InstanceInfo } from '../../../shared/types'

function targetMatches(target: string, i: InstanceInfo): boolean {
  if (target === 'all') return true
  if (target === 'main' || target === 'rest') return i.group === target
  return target === i.id || target === i.server
}

/** The instances the targets name, in the order of `instances`. Marks rows busy the moment a command is sent. */
export function instancesOf(targets: readonly string[], instances: readonly InstanceInfo[]): InstanceInfo[] {
  return instances.filter((i) => targets.some((t) => targetMatches(t, i)))
}

/**
 * The fewest targets that name exactly `chosen` among `configured` (the instances the panel lists): a server
 * whose every instance is chosen, else instance ids; in the order of `configured`. Never an alias: `main`
 * would also name servers that have no conf here, which strict mode calls an error. Used to act per instance:
 * starting `object-server.2` alone where swift-init, told `main`, would call main "already started"
 * because a sibling runs.
 */
export function compactTargets(chosen: readonly InstanceInfo[], configured: readonly InstanceInfo[]): string[] {
  const ids = new Set(chosen.map((i) => i.id))
  return [...new Set(configured.map((i) => i.server))].flatMap((server) => {
    const members = configured.filter((i) => i.server === server)
    const left = members.filter((i) => ids.has(i.id))
    return left.length === members.length && left.length > 0 ? [server] : left.map((i) => i.id)
  })
}

/** What a list of targets is called in a button's name or a title: the target itself, or `N instances`. */
export function targetsName(targets: readonly string[]): string {
  const [only] = targets
  return targets.length === 1 && only !== undefined ? only : `${targets.length} instances`
}
