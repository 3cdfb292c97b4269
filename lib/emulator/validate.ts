import * as v from 'valibot'
import { ApiError } from './errors.ts'

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
    throw new ApiError('invalid', 'the request body must be a JSON object')
  }
  const record = input as Record<string, unknown>
  const missing = required.filter((key) => record[key] === undefined || record[key] === null || record[key] === '')
  if (missing.length > 0) throw new ApiError('missingArguments', `missing required field(s): ${missing.join(', ')}`)
  const result = v.safeParse(schema, record)
  if (!result.success) {
    const detail = result.issues.map((issue) => `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`)
    throw new ApiError('invalid', detail.join('; '))
  }
  return result.output
}

/** A required query parameter, e.g. `id` on GET /v1/mgmt/tenant. */
export function requireQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (!value) throw new ApiError('missingArguments', `missing required query parameter: ${name}`)
  return value
}

export const StringList = v.array(v.string())
