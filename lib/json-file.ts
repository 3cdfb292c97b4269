// Deterministic JSON: sorted keys, two-space indent, trailing newline, so the same data always
// gives the same bytes and git diffs show only real changes. And JSON files users keep, read
// under lib/files.ts's rules.
import { parseJsonText, readTextFile, type ReadPolicy } from './files.ts'

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

/** Parses a JSON file the user keeps (an exported flow); any problem is a ConfigError naming it. */
export function readJsonFile(file: string, policy: ReadPolicy, fix = 'restore it from git or export it again'): unknown {
  return parseJsonText(readTextFile(file, policy), file, { fix })
}
