import * as v from 'valibot'
import { ReplyError } from './errors.ts'

/**
 * Checks a request body against a schema. Required keys that are missing, null or '' answer
 * E011002 (missing arguments); anything else the schema rejects answers E011003 with every issue
 * and its path. Unknown keys are dropped (v.object), as the real API ignores them.
 */
export function parseBody<TSchema extends v.GenericSchema>(
  schema: TSchema,
  body: unknown,
  required: readonly string[] = [],
): v.InferOutput<TSchema> {
  const input = body ?? {} // Go sends no body at all on some POSTs
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ReplyError('invalid', 'the request body must be a JSON object')
  }
  const record = input as Record<string, unknown>
  const missing = required.filter((key) => record[key] === undefined || record[key] === null || record[key] === '')
  if (missing.length > 0) throw new ReplyError('missingArguments', `missing required field(s): ${missing.join(', ')}`)
  const result = v.safeParse(schema, record)
  if (!result.success) {
    const detail = result.issues.map((issue) => `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`)
    throw new ReplyError('invalid', detail.join('; '))
  }
  return result.output
}

/** A required query parameter, e.g. `id` on GET /v1/mgmt/tenant. */
export function requireQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (!value) throw new ReplyError('missingArguments', `missing required query parameter: ${name}`)
  return value
}

export const StringList = v.array(v.string())

/** A JSON object with any keys, kept as sent. Arrays are refused (v.record and v.looseObject let them through). */
export const PlainObject = v.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  (issue) => `Invalid type: Expected a JSON object but received ${issue.received}`,
)

/** A JSON object with some typed keys; every other key is kept as sent. */
export function objectWith<TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(PlainObject, v.looseObject(entries))
}
