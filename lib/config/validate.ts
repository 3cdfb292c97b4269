// Turns valibot's issues into ConfigIssues a person can act on: the file, the path inside it
// (`tenants[2].name`), what is wrong, and how to fix it. Every issue is reported, not the first.
import * as v from 'valibot'
import type { ConfigIssue } from '../errors.ts'

type PathItem = { key: unknown }

/**
 * A valibot message without the value it received (`... but received "hunter2"`): for files
 * that may be private or outside the project (a backup, a saved plan), the type is enough.
 */
export const unquoted = (message: string): string => message.replace(/ but received .*$/s, '')

export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`))
    .join('')
}

/**
 * Validates `input` with `schema`. On success returns the typed output; otherwise the issues,
 * each attributed to a file by `fileFor(path)` (environment files extend one another).
 */
export function validate<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  fileFor: (path: (string | number)[]) => string,
  /** where `input` sits inside the file, for messages */
  prefix: (string | number)[] = [],
  /** false: messages do not quote the values they received (see unquoted) */
  quote = true,
): { output: v.InferOutput<TSchema>; issues: [] } | { output: undefined; issues: ConfigIssue[] } {
  const result = v.safeParse(schema, input)
  if (result.success) return { output: result.output, issues: [] }
  const issues = result.issues.map((issue) => {
    const inner = (issue.path ?? []).map((item: PathItem) => item.key as string | number)
    const path = [...prefix, ...inner]
    const described = describe(issue, schema, inner)
    return { file: fileFor(path), path: formatPath(path), ...described, message: quote ? described.message : unquoted(described.message) }
  })
  return { output: undefined, issues }
}

function describe(issue: v.BaseIssue<unknown>, root: v.GenericSchema, path: (string | number)[]) {
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const unknown = String(path.at(-1))
    const allowed = keysAt(root, path.slice(0, -1))
    const guess = closest(unknown, allowed)
    return {
      message: `unknown field "${unknown}"`,
      fix: guess ? `did you mean "${guess}"? Allowed: ${allowed.join(', ')}` : `remove it; allowed: ${allowed.join(', ')}`,
    }
  }
  if (issue.kind === 'schema' && issue.received === 'undefined') {
    return { message: `is required (expected ${issue.expected})`, fix: 'add the field' }
  }
  if (issue.kind === 'schema') {
    const fix = issue.expected === 'boolean'
      ? 'write true or false (in YAML 1.2, yes, no, on and off are strings)'
      : issue.expected === 'number' ? 'write a number, without quotes' : `write a value of type ${issue.expected}`
    return { message: issue.message, fix }
  }
  // validations (a pattern, a length) carry their own advice in the message
  return { message: issue.message, fix: undefined }
}

/** The keys an object schema at `path` accepts, for "did you mean" hints. */
function keysAt(schema: unknown, path: (string | number)[]): string[] {
  let node = unwrap(schema)
  for (const key of path) {
    if (!node) return []
    node = unwrap(typeof key === 'number' ? node.item : node.entries?.[key])
  }
  return node?.entries ? Object.keys(node.entries) : []
}

type SchemaNode = { entries?: Record<string, unknown>; item?: unknown; wrapped?: unknown }
function unwrap(schema: unknown): SchemaNode | undefined {
  let node = schema as SchemaNode | undefined
  while (node?.wrapped) node = node.wrapped as SchemaNode
  return node
}

/** The candidate nearest to `word` by edit distance, if any is near enough to be a likely typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
