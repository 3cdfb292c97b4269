// Which changes must succeed before which: the order of an apply, from the items' references
// and claims. Pure, so it is tested without any I/O.
import { DescopeMgmtError } from '../errors.ts'
import type { Change } from './change.ts'
import type { Reference } from '../contract.ts'
import { findCycle } from './graph.ts'
import type { Registry } from './registry.ts'
import { quoted } from '../report/quote.ts'

/**
 * change → the changes that must succeed before it:
 * - a create or update waits for the creates (or renames) of the items it references;
 * - a delete waits for every change of an item whose live state references it;
 * - a create or update that takes a claim (a domain) waits for the change that gives it up;
 * - a handler without `references` is ordered by type: after every change of its `dependsOn`.
 * Throws on a cycle, which would wait forever.
 */
export function dependencyGraph(changes: Change[], handlers: Registry): Map<Change, Change[]> {
  const byType = { get: (type: string) => (handlers.has(type) ? handlers.get(type) : undefined) }
  const refsOf = (type: string, item: object): Reference[] | undefined => byType.get(type)?.references?.(item)
  const claimsOf = (type: string, item: object | undefined) => new Set(item ? byType.get(type)?.claims?.(item) ?? [] : [])
  // the changes that bring a key into being: creates, and updates that rename an item to it
  const creates = new Map<string, Change>()
  for (const change of changes) {
    const renames = change.op === 'update' && change.live && byType.get(change.type)?.key(change.live) !== change.key
    if (change.op === 'create' || renames) creates.set(`${change.type}/${change.key}`, change)
  }
  const graph = new Map<Change, Change[]>()
  const add = (change: Change, before: Change | undefined) => {
    if (before && before !== change) graph.set(change, [...(graph.get(change) ?? []), before])
  }
  for (const change of changes) {
    const handler = byType.get(change.type)!
    if (change.op === 'delete') {
      for (const other of changes) {
        if (other === change || !other.live) continue
        const refs = refsOf(other.type, other.live)
        const referencesThis = refs
          ? refs.some((ref) => ref.type === change.type && (ref.key === change.key || ref.orKey === change.key))
          : byType.get(other.type)?.dependsOn?.includes(change.type)
        if (referencesThis) add(change, other)
      }
      continue
    }
    const refs = refsOf(change.type, change.item)
    if (refs) refs.forEach((ref) => add(change, creates.get(`${ref.type}/${ref.key}`) ?? (ref.orKey === undefined ? undefined : creates.get(`${ref.type}/${ref.orKey}`))))
    else changes.filter((other) => other.op === 'create' && handler.dependsOn?.includes(other.type)).forEach((other) => add(change, other))
    const taking = claimsOf(change.type, change.item)
    for (const other of changes) {
      if (other === change || other.type !== change.type || !other.live) continue
      const kept = claimsOf(other.type, other.op === 'delete' ? undefined : other.item)
      const released = [...claimsOf(other.type, other.live)].filter((claim) => !kept.has(claim))
      if (released.some((claim) => taking.has(claim))) add(change, other)
    }
  }
  const cycle = findCycle(changes, (change) => graph.get(change) ?? [])
  if (cycle) throw new CycleError(cycle)
  return graph
}

/** Changes that wait for one another (two tenants swapping a domain): no order can apply them. */
export class CycleError extends DescopeMgmtError {
  readonly cycle: Change[]
  constructor(cycle: Change[]) {
    super('PLAN_CYCLE', `changes depend on each other in a cycle: ${cycle.map((c) => `${c.op} ${c.type} ${quoted(c.key)}`).join(' → ')}`)
    this.cycle = cycle
  }
}
