// Writing an environment file (tasks/import.ts): values as YAML that reads back as exactly
// those values, and the top-level blocks of a file already there, kept as written (with their
// comments) where they still parse as what the file holds.
// Text that a load would take for a `${VAR}` is escaped (`$${`), keys are data (a tenant called
// `__proto__` stays a key), and nested records are sorted, so the same project writes the same bytes.
import { isDeepStrictEqual } from 'node:util'
import { dump, load } from 'js-yaml'

/** Live text as a file must hold it: a `${...}` that substitution would replace is written `$${...}`. */
export const escapeReferences = (text: string): string => text.replace(/\$\{[^}]*\}/g, (reference) => `$${reference}`)

/**
 * A live value as a file declares it: every string escaped, undefined fields dropped, and the
 * keys of objects sorted below `itemDepth` (a section's items keep the field order their plugin
 * gives: a list's items and a map's entries sit one level down, the one item of a project at the top).
 */
export function fileValue(value: unknown, itemDepth: number, depth = 0): unknown {
  if (typeof value === 'string') return escapeReferences(value)
  if (Array.isArray(value)) return value.map((item) => fileValue(item, itemDepth, depth + 1))
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value).filter(([, field]) => field !== undefined)
  if (depth > itemDepth) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  // Object.fromEntries makes own keys: `__proto__` stays data, never a prototype
  return Object.fromEntries(entries.map(([key, field]) => [key, fileValue(field, itemDepth, depth + 1)]))
}

/** One top-level key and its value as YAML: block style, no line folding, no anchors. */
export function renderKey(key: string, value: unknown): string {
  return dump(Object.fromEntries([[key, value]]), { lineWidth: -1, noRefs: true, quoteStyle: 'double' })
}

/** A top-level key of a YAML file with the lines that are its own: the comments above it, and its value. */
export interface Block {
  /** undefined for what follows the last key (trailing comments) */
  key?: string
  /** the comment and blank lines above the key */
  lead: string[]
  /** the key's line and its value's, as written */
  body: string
}

const TOP_LEVEL_KEY = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"\\]*"|'[^']*')[ \t]*:(?:[ \t]|$)/

/** The file's text cut at each top-level key; comments and blank lines go with the key below them. */
export function topLevelBlocks(text: string): Block[] {
  const blocks: Block[] = []
  let pending: string[] = []
  for (const line of text.replace(/\n+$/, '').split('\n')) {
    const key = TOP_LEVEL_KEY.exec(line)?.[1]
    if (key !== undefined) {
      blocks.push({ key: /^["']/.test(key) ? key.slice(1, -1) : key, lead: pending, body: line })
      pending = []
    } else if (line === '' || line.startsWith('#') || !blocks.length) {
      pending.push(line)
    } else {
      // a line of the value (indented, or a list at column 0): blank lines before it were inside it
      blocks[blocks.length - 1]!.body += `\n${[...pending, line].join('\n')}`
      pending = []
    }
  }
  if (pending.some((line) => line !== '')) blocks.push({ lead: pending, body: '' })
  return blocks
}

/** The block's lines, as the file shows them. */
export const blockText = (block: Block): string => [...block.lead, ...(block.body ? [block.body] : [])].join('\n')

/** Does the block read back, alone, as exactly `{ [key]: value }`? (An alias to another block does not.) */
export function blockHolds(block: Block, value: unknown): boolean {
  try {
    const parsed = load(block.body) as Record<string, unknown> | null
    return parsed !== null && typeof parsed === 'object' && Object.keys(parsed).length === 1 && isDeepStrictEqual(parsed[block.key!], value)
  } catch {
    return false
  }
}
