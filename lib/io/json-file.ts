// Deterministic JSON: sorted keys, two-space indent, trailing newline, so the same data always
// gives the same bytes and git diffs show only real changes. And JSON files users keep, read
// under lib/files.ts's rules.
import { createHash } from 'node:crypto'
import * as v from 'valibot'
import { JSON_DEPTH, parseJsonText, readTextFile, type ReadPolicy } from './files.ts'

/** Objects' keys sorted at every depth; array order is kept (it is meaningful). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
  }
  return value
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`
}

/** `sha256:<hex>` of a value as stable JSON: the same data, the same fingerprint. */
export const sha256Of = (value: unknown): string => `sha256:${createHash('sha256').update(stableJson(value)).digest('hex')}`
export const Sha256Schema = v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: and 64 hex digits'))

/** Parses a JSON file the user keeps (an exported flow); any problem is a ConfigError naming it. */
export function readJsonFile(file: string, policy: ReadPolicy, fix = 'restore it from git or export it again'): unknown {
  return parseJsonText(readTextFile(file, policy), file, { fix, maxDepth: JSON_DEPTH.file })
}
