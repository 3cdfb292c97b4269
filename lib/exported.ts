// Descope's export format (flows and the theme, descope-api.md §3.5–3.6), made portable: what
// the server changes on its own is dropped, and per-project ids in `references` are blanked,
// since the target project looks references up by name on import. The same flow then compares
// equal, and exports to the same bytes, in every environment.

/** Fields the server rewrites on every import; never part of what a file declares. */
const SERVER_MANAGED = new Set(['version', 'etag', 'modifiedTime', 'createdTime'])

const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || value === false ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0)

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

/** Drops server-managed fields, and empty ones (the console and CLI omit them, the server may not). */
export function withoutServerFields(value: Json, dropEmpty = false): Json {
  return Object.fromEntries(Object.entries(value).filter(([key, field]) => !SERVER_MANAGED.has(key) && !(dropEmpty && isEmpty(field))))
}

/** `references`: maps of name → per-project id become name → '', lists stay, empty ones go. */
export function portableReferences(references: unknown): Json | undefined {
  if (!isObject(references)) return undefined
  const portable: Json = {}
  for (const [kind, value] of Object.entries(references)) {
    if (isEmpty(value)) continue
    portable[kind] = isObject(value) ? Object.fromEntries(Object.keys(value).sort().map((name) => [name, ''])) : value
  }
  return Object.keys(portable).length ? portable : undefined
}

/** Names of the roles a flow or theme references (by name, portable). */
export function referencedRoles(references: unknown): string[] {
  const roles = isObject(references) ? references.roles : undefined
  if (isObject(roles)) return Object.keys(roles)
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : []
}
