// What a plan is made of: the changes that bring live in line with what is declared. Types only,
// but for the count a summary line shows.
import type { Current, Reference } from '../contract.ts'
import type { FieldChange } from './diff.ts'

export type Op = 'create' | 'update' | 'delete'

export interface Change {
  op: Op
  type: string
  key: string
  fields: FieldChange[]
  /** create/update: the full desired state; delete: the live item */
  item: object
  /** update/delete: the normalized live item */
  live?: object
  /** update/delete: the live item as the verbs get it (normalized, raw, server id) */
  current?: Current
  /** create/update: what the handler's preview() says the change does beyond its fields */
  preview?: { notes: string[]; deletes: string[] }
  /** an update with no field to change: why it is written all the same (handler.inheritsFrom) */
  reason?: string
}

export interface Plan {
  environment: string
  /** in an order apply could run them one by one: each after the changes it depends on */
  changes: Change[]
  /** live items that no file declares, left alone without --prune */
  unmanaged: Reference[]
  /** keys more than one live item holds: left alone (neither changed nor pruned) until resolved */
  duplicates: (Reference & { count: number })[]
  /** the types the environment manages (declares a section for) */
  types: string[]
  /** what the plugins say of items live or to be made (an expired access key), changed or not */
  notes: Noted[]
}

/** An item and what its plugin says of it (handler.notes). */
export interface Noted extends Reference {
  notes: string[]
}

/** Normalized live items per type. */
export type LiveState = Map<string, object[]>

export function countChanges(changes: Change[]): Record<Op, number> {
  const counts = { create: 0, update: 0, delete: 0 }
  for (const change of changes) counts[change.op]++
  return counts
}
