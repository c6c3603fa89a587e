// Which instances a target the panel sends names: an alias, a server (every config of it) or one instance.
// Used to mark rows busy the moment a command is sent, before the service's next snapshot says so.

import type { InstanceInfo } from '../../../shared/types'

function targetMatches(target: string, i: InstanceInfo): boolean {
  if (target === 'all') return true
  if (target === 'main' || target === 'rest') return i.group === target
  return target === i.id || target === i.server
}

export function instancesOf(targets: readonly string[], instances: readonly InstanceInfo[]): InstanceInfo[] {
  return instances.filter((i) => targets.some((t) => targetMatches(t, i)))
}
