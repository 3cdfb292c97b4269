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

/** Schemas no text passes: a ${VAR}, which always gives text, can never fill one whatever it holds. */
const NOT_TEXT = new Set(['number', 'boolean', 'bigint', 'array', 'tuple', 'strict_tuple', 'loose_tuple', 'object', 'strict_object', 'loose_object', 'record'])
/** Marks an issue of a field that takes no text, received text (a symbol: never printed or serialized). */
export const REFUSES_TEXT: unique symbol = Symbol('refuses text')
export const refusesText = (issue: ConfigIssue): boolean => (issue as { [REFUSES_TEXT]?: true })[REFUSES_TEXT] === true

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
    const described = describe(issue, schema, inner, input)
    const text = issue.kind === 'schema' && typeof issue.input === 'string' && NOT_TEXT.has(issue.type)
    return { file: fileFor(path), path: formatPath(path), ...described, message: quote ? described.message : unquoted(described.message), ...(text ? { [REFUSES_TEXT]: true } : {}) }
  })
  return { output: undefined, issues }
}

function describe(issue: v.BaseIssue<unknown>, root: v.GenericSchema, path: (string | number)[], input: unknown) {
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const unknown = String(path.at(-1))
    const allowed = keysAt(root, path.slice(0, -1), input)
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

/**
 * The keys an object schema at `path` accepts, for "did you mean" hints. Of a variant (an SSO
 * application's `type: oidc | saml`), the keys of the option the input's discriminator picks.
 */
function keysAt(schema: unknown, path: (string | number)[], input: unknown): string[] {
  let node = pick(unwrap(schema), input)
  let value = input
  for (const key of path) {
    if (!node) return []
    value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string | number, unknown>)[key] : undefined
    node = pick(unwrap(typeof key === 'number' ? node.item : node.entries?.[key]), value)
  }
  return node?.entries ? Object.keys(node.entries) : []
}

type SchemaNode = { entries?: Record<string, unknown>; item?: unknown; wrapped?: unknown; key?: string; options?: unknown[] }
function unwrap(schema: unknown): SchemaNode | undefined {
  let node = schema as SchemaNode | undefined
  while (node?.wrapped) node = node.wrapped as SchemaNode
  return node
}

/** A variant's option whose discriminator the value holds (any schema else as it is). */
function pick(node: SchemaNode | undefined, value: unknown): SchemaNode | undefined {
  if (!node?.options || typeof node.key !== 'string') return node
  const given = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[node.key] : undefined
  const options = node.options.map(unwrap)
  return options.find((option) => (unwrap(option?.entries?.[node.key!]) as { literal?: unknown } | undefined)?.literal === given) ?? node
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
