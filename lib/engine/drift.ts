// Drift: what differs between a desired state (an environment's files, or another
// environment's live state) and an environment's live state, item by item. Pure; read-only by
// construction: it only ever sees lists that were already read.
import { compareItem, type FieldChange } from './diff.ts'
import { matchItems } from './match.ts'
import type { LiveState } from './change.ts'
import type { ResourceHandler } from '../contract.ts'

export type DriftKind = 'changed' | 'missing' | 'unmanaged' | 'duplicate'

export interface Difference {
  type: string
  key: string
  /** changed: differs; missing: desired, not live; unmanaged: live, not desired; duplicate: held by more than one live item */
  kind: DriftKind
  /** for changed items: the differing fields, live (`from`) and desired (`to`) */
  fields?: FieldChange[]
}

export interface DriftRules {
  /** per type: field paths never compared, and item keys skipped */
  ignore: Record<string, { fields?: string[]; keys?: string[] }>
  /** per type: field paths that differ between environments by design (compared with files, not with --against) */
  environmentSpecific: Record<string, string[]>
}

type AnyHandler = ResourceHandler<any, any>

/**
 * Compares `desired` with `live` for every type `desired` has. `betweenEnvironments` also
 * skips the fields that are specific to an environment (the config's and the plugins').
 */
export function findDrift(handlers: readonly AnyHandler[], desired: LiveState, live: LiveState, rules: DriftRules, betweenEnvironments = false, partial?: Set<string>): Difference[] {
  const differences: Difference[] = []
  for (const handler of handlers) {
    const wanted = desired.get(handler.type)
    if (!wanted) continue
    const ignored = [
      ...(rules.ignore[handler.type]?.fields ?? []),
      ...(betweenEnvironments ? [...(rules.environmentSpecific[handler.type] ?? []), ...(handler.environmentSpecific ?? [])] : []),
    ]
    const skipped = skippedKeys(rules, handler.type)
    const { matches, leftovers, duplicates } = matchItems(handler, wanted, live.get(handler.type) ?? [], (key) => skipped.has(key))
    for (const { key } of duplicates) differences.push({ type: handler.type, key, kind: 'duplicate' })
    for (const { key, item, live: current } of matches) {
      if (!current) {
        differences.push({ type: handler.type, key, kind: 'missing' })
        continue
      }
      // between environments both sides are whole live items: compare every field
      const fields = compareItem({ ownedWhole: handler.ownedWhole || betweenEnvironments, writeOnly: handler.writeOnly }, item, current).fields
        .filter((field) => !ignored.some((path) => covers(path, field.path)))
      if (fields.length) differences.push({ type: handler.type, key, kind: 'changed', fields })
    }
    // a selection of some items (flows: [a, b]) says nothing about the others, and an undeclared
    // singleton (a tenant's settings) is one the files do not manage, not one to remove
    if (partial?.has(handler.type) || handler.singleton) continue
    for (const [key] of leftovers) differences.push({ type: handler.type, key, kind: 'unmanaged' })
  }
  return differences
}

/**
 * The desired items findDrift compares, by type and key, in handler order: an item here that no
 * difference names is in sync (the matrix's "ok", where an item not here is not declared at all).
 */
export function comparedItems(handlers: readonly AnyHandler[], desired: LiveState, rules: DriftRules): { type: string; key: string; ignored?: true }[] {
  return handlers.flatMap((handler) => {
    const skipped = skippedKeys(rules, handler.type)
    // declared but skipped by drift.ignore.<type>.keys: said as such, not as undeclared
    return (desired.get(handler.type) ?? []).map((item) => handler.key(item)).map((key) => ({ type: handler.type, key, ...(skipped.has(key) ? { ignored: true as const } : {}) }))
  })
}

const skippedKeys = (rules: DriftRules, type: string) => new Set(rules.ignore[type]?.keys ?? [])

/** `customAttributes` covers `customAttributes.plan`; `*` stands for one path segment. */
function covers(pattern: string, path: string): boolean {
  const want = pattern.split('.')
  const have = path.split('.')
  return want.length <= have.length && want.every((segment, i) => segment === '*' || segment === have[i])
}

/** How many differences fail a check: unmanaged items only when strict. */
export const driftCount = (differences: Difference[], strict: boolean) =>
  differences.filter((difference) => strict || difference.kind !== 'unmanaged').length
