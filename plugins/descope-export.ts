// Descope's export format (flows and the theme: OpenAPI ExportedFlow, ExportedTheme), made
// portable: what the server changes on its own is dropped, and per-project ids in `references`
// are blanked, since the target project looks references up by name on import. The same flow
// then compares equal, and exports to the same bytes, in every environment.
import { own } from '../lib/config/schemas.ts'

/** Fields the server rewrites on every import; never part of what a file declares. */
const SERVER_MANAGED = new Set(['version', 'etag', 'modifiedTime', 'createdTime'])

const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || value === false ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0)

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

/** Drops the fields the server rewrites on its own. */
export function withoutServerFields(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SERVER_MANAGED.has(key)))
}

/**
 * Drops empty values at every depth (the console and the CLI omit them, the server may send
 * them): '', false, null, [] and {} mean the same as absent. Array elements stay in place.
 */
export function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty)
  if (!isObject(value)) return value
  // Object.fromEntries, not assignment: a key `__proto__` must stay a plain entry
  return Object.fromEntries(Object.entries(value)
    .map(([key, field]) => [key, withoutEmpty(field)] as const)
    .filter(([, stripped]) => !isEmpty(stripped)))
}

/** `references`: maps of name → per-project id become name → '', lists stay, empty ones go. */
export function portableReferences(references: unknown): Json | undefined {
  if (!isObject(references)) return undefined
  const portable = Object.fromEntries(Object.entries(references)
    // a map's names matter, not its ids (blank already in a portable file)
    .map(([kind, value]) => [kind, isObject(value) ? Object.fromEntries(Object.keys(value).sort().map((name) => [name, ''])) : withoutEmpty(value)] as const)
    .filter(([, kept]) => !isEmpty(kept)))
  return Object.keys(portable).length ? portable : undefined
}

/** Names of the roles a flow or theme references (by name, portable). */
export function referencedRoles(references: unknown): string[] {
  const roles = isObject(references) ? own(references, 'roles') : undefined
  if (isObject(roles)) return Object.keys(roles)
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : []
}
