// Field-level differences between a declared item and its live counterpart. Only fields the
// file declares are compared: an undeclared field is not managed and never shows as a change.
import { isDeepStrictEqual } from 'node:util'
import { own } from '../config/schemas.ts'
import { withoutFields } from './normalize.ts'

export interface FieldChange {
  /** dotted path: `name`, `customAttributes.plan` */
  path: string
  /** what the project has; undefined when absent */
  live: unknown
  /** what the files (a backup, the other environment) would make it; undefined when the field goes away */
  desired: unknown
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** Changes that turn `live` into `declared`, for the fields `declared` sets. */
export function diffDeclared(declared: object, live: object): FieldChange[] {
  return Object.entries(declared)
    .filter(([, value]) => value !== undefined)
    .flatMap(([field, value]) => diffValues(field, own(live, field), value))
}

/** Changes that turn `live` into `desired`, for every field either has. */
export function diffWhole(desired: object, live: object): FieldChange[] {
  return diffValues('', live, desired).map((change) => ({ ...change, path: change.path.slice(1) }))
}

/** What decides how a type's items compare (a handler's facts). */
export interface Comparison {
  /** the file states the whole item: every field is compared */
  ownedWhole?: boolean
  /** never compared (they cannot be read back), but sent */
  writeOnly?: string[]
}

/**
 * What an item's update must change, and the state to send: only the declared fields, over
 * the live item; or, for a type a file states whole (an exported flow), the file as it is.
 * Write-only fields are sent with the state, never compared.
 */
export function compareItem<T extends object>(how: Comparison, desired: T, live: T): { fields: FieldChange[]; state: T } {
  const compared = how.writeOnly?.length ? withoutFields(desired, how.writeOnly) : desired
  return how.ownedWhole
    ? { fields: diffWhole(compared, live), state: desired }
    : { fields: diffDeclared(compared, live), state: overlay(live, desired) }
}

/** How a plan shows a write-only value: never the value itself. */
export const SECRET_SHOWN = '(secret)'

/** Every field of a new item, as changes from nothing; a write-only one as `(secret)`. */
export function describeNew(item: object, writeOnly: string[] = []): FieldChange[] {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .map(([path, desired]) => ({ path, live: undefined, desired: writeOnly.includes(path) ? SECRET_SHOWN : desired }))
}

/** Objects are compared key by key so a plan names the one attribute that changed; arrays whole. */
function diffValues(path: string, live: unknown, desired: unknown): FieldChange[] {
  if (isPlainObject(live) && isPlainObject(desired)) {
    // keys are data (an attribute may be called `toString`): own properties only
    const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])].sort()
    return keys.flatMap((key) => diffValues(`${path}.${key}`, own(live, key), own(desired, key)))
  }
  return isDeepStrictEqual(live, desired) ? [] : [{ path, live, desired }]
}

/** The full state an update must send: live values, overlaid by every field the file declares. */
export function overlay<T extends object>(live: T, declared: T): T {
  const defined = Object.entries(declared).filter(([, value]) => value !== undefined)
  return { ...live, ...Object.fromEntries(defined) }
}
