// What changed between two snapshots of the instances, so the service sends that and not every row each
// time: made by the service, composed when the event batcher coalesces, applied by the renderer. Pure.

import type { InstanceInfo, Snapshot } from './types.js'

/**
 * The change from the snapshot numbered `base` to the one numbered `seq`. A client whose snapshot is not
 * `base` cannot apply it (it missed one): it asks for a whole snapshot instead (`services:snapshot`).
 */
export interface ServicesDelta {
  base: number
  seq: number
  takenAt: number
  /** Instances new or changed, whole. */
  changed: InstanceInfo[]
  /** Instances gone, by id. */
  removed: string[]
  /** Every instance id in display order, when instances came or went. */
  order?: string[]
  /** The whole list of problems, when it changed. */
  problems?: Snapshot['problems']
  /** When the profile changed. */
  dirs?: { swiftDir: string; runDir: string }
}

/**
 * The delta from `before` to `after`. Unchanged instances are found by identity first (the service keeps the
 * object of an instance that did not change), then by value.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): ServicesDelta {
  const delta: ServicesDelta = { base: before.seq, seq: after.seq, takenAt: after.takenAt, changed: [], removed: [] }
  // the usual refresh of an idle panel: every row the same object, in the same place
  const sameRows = before.instances.length === after.instances.length && after.instances.every((i, n) => before.instances[n] === i)
  if (!sameRows) {
    const old = new Map(before.instances.map((i) => [i.id, i]))
    delta.changed = after.instances.filter((i) => {
      const was = old.get(i.id)
      return was !== i && (was === undefined || JSON.stringify(was) !== JSON.stringify(i))
    })
    const ids = new Set(after.instances.map((i) => i.id))
    delta.removed = before.instances.filter((i) => !ids.has(i.id)).map((i) => i.id)
    const sameOrder =
      delta.removed.length === 0 &&
      before.instances.length === after.instances.length &&
      after.instances.every((i, n) => before.instances[n]?.id === i.id)
    if (!sameOrder) delta.order = after.instances.map((i) => i.id)
  }
  if (before.problems !== after.problems && JSON.stringify(before.problems) !== JSON.stringify(after.problems))
    delta.problems = after.problems
  if (before.swiftDir !== after.swiftDir || before.runDir !== after.runDir) delta.dirs = { swiftDir: after.swiftDir, runDir: after.runDir }
  return delta
}

/** Whether a delta changes nothing a client sees. */
export function isEmptyDelta(d: ServicesDelta): boolean {
  return d.changed.length === 0 && d.removed.length === 0 && !d.order && !d.problems && !d.dirs
}

/** `first` then `second` as one delta (second.base must be first.seq). */
export function composeDeltas(first: ServicesDelta, second: ServicesDelta): ServicesDelta {
  const changed = new Map(first.changed.map((i) => [i.id, i]))
  for (const id of second.removed) changed.delete(id)
  for (const i of second.changed) changed.set(i.id, i)
  const removed = new Set(first.removed.filter((id) => !changed.has(id)))
  for (const id of second.removed) removed.add(id)
  const out: ServicesDelta = {
    base: first.base,
    seq: second.seq,
    takenAt: second.takenAt,
    changed: [...changed.values()],
    removed: [...removed],
  }
  const order = second.order ?? first.order
  const problems = second.problems ?? first.problems
  const dirs = second.dirs ?? first.dirs
  if (order) out.order = order
  if (problems) out.problems = problems
  if (dirs) out.dirs = dirs
  return out
}

/**
 * The snapshot `delta` leads to from `snapshot`: the same snapshot when it already holds the delta (a snapshot
 * fetched while the delta was on its way), or null when the delta does not apply (its base is another seq:
 * one was missed, so the whole snapshot must be read again). Instances that did not change keep their object,
 * so a list keyed by them re-renders only what changed.
 */
export function applyDelta(snapshot: Snapshot, delta: ServicesDelta): Snapshot | null {
  if (delta.seq <= snapshot.seq && delta.takenAt <= snapshot.takenAt) return snapshot
  if (delta.base !== snapshot.seq) return null
  const byId = new Map(snapshot.instances.map((i) => [i.id, i]))
  for (const id of delta.removed) byId.delete(id)
  const kept = snapshot.instances.map((i) => i.id).filter((id) => byId.has(id))
  const added = delta.changed.map((i) => i.id).filter((id) => !byId.has(id))
  for (const i of delta.changed) byId.set(i.id, i)
  const order = delta.order ?? [...kept, ...added]
  const instances = order.flatMap((id) => byId.get(id) ?? [])
  if (instances.length !== byId.size) return null // an order that does not name every instance: refetch
  return {
    seq: delta.seq,
    takenAt: delta.takenAt,
    swiftDir: delta.dirs?.swiftDir ?? snapshot.swiftDir,
    runDir: delta.dirs?.runDir ?? snapshot.runDir,
    instances,
    problems: delta.problems ?? snapshot.problems,
  }
}
