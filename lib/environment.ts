// environments/<name>.yaml → a validated Environment: connection settings, emulator options and
// the declared items of every configured resource type. All problems are reported at once.
import fs from 'node:fs'
import path from 'node:path'
import * as v from 'valibot'
import { RetrySchema, ThrottleSchema, type Config } from './config.ts'
import { readEnvironmentFile } from './env-file.ts'
import { ConfigError, displayPath, type ConfigIssue } from './errors.ts'
import type { ItemIssue, ResourceHandler } from './plugin.ts'
import { isSingleReference, substitute } from './substitute.ts'
import { formatPath, validate } from './validate.ts'

const ratio = v.pipe(v.number(), v.minValue(0), v.maxValue(1))
const nonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))

/** Options of the embedded emulator: an environment with this section talks to a local one. */
export const EmulatorSettingsSchema = v.strictObject({
  /** state file, relative to the project root; omitted = in memory only */
  persist: v.optional(v.pipe(v.string(), v.minLength(1))),
  rateLimit: v.optional(v.strictObject({
    requests: v.pipe(v.number(), v.integer(), v.minValue(1)),
    windowMs: v.pipe(v.number(), v.integer(), v.minValue(1)),
  })),
  latencyMs: v.optional(nonNegativeInteger),
  /** ratio of requests answered with an injected 500 */
  errorRate: v.optional(ratio),
  /** ratio of connections dropped without an answer */
  dropRate: v.optional(ratio),
  seed: v.optional(v.pipe(v.number(), v.integer())),
})
export type EmulatorSettings = v.InferOutput<typeof EmulatorSettingsSchema>

const connectionEntries = {
  projectId: v.optional(v.pipe(v.string(), v.regex(/^P[A-Za-z0-9]{3,}$/, 'must be a Descope project id (P followed by letters and digits)'))),
  managementKey: v.optional(v.pipe(v.string(), v.minLength(1, 'is empty'))),
  baseUrl: v.optional(v.pipe(v.string(), v.url('must be a URL such as https://api.descope.com'))),
  protected: v.optional(v.boolean()),
  emulator: v.optional(EmulatorSettingsSchema),
  throttle: v.optional(v.partial(ThrottleSchema)),
  retry: v.optional(v.partial(RetrySchema)),
}

export interface Environment {
  name: string
  /** the environment's own file, as shown in messages */
  file: string
  projectId?: string
  managementKey?: string
  baseUrl?: string
  protected: boolean
  emulator?: EmulatorSettings
  throttle: Config['throttle']
  retry: Config['retry']
  /** declared items per resource type; a type whose section the file omits is not managed here */
  declared: Map<string, object[]>
  /** which file declared a section (for messages) */
  sourceOf(section: string): string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

export function environmentsDir(config: Config): string {
  return path.resolve(config.root, config.environmentsDir)
}

export function listEnvironments(config: Config): string[] {
  const dir = environmentsDir(config)
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && !file.startsWith('base'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort()
}

export function loadEnvironment(
  name: string,
  config: Config,
  handlers: ResourceHandler<any, any>[],
  variables: Record<string, string | undefined> = process.env,
): Environment {
  const file = path.join(environmentsDir(config), `${name}.yaml`)
  if (!NAME.test(name) || !fs.existsSync(file)) {
    const known = listEnvironments(config)
    throw new ConfigError('ENV_NOT_FOUND', [{
      file: displayPath(file),
      path: '',
      message: `environment "${name}" does not exist`,
      fix: known.length ? `use one of: ${known.join(', ')}` : `create ${displayPath(file)}`,
    }])
  }
  const merged = readEnvironmentFile(file)
  const fileFor = (at: (string | number)[]) => merged.sources[String(at[0])] ?? merged.file
  const issues: ConfigIssue[] = []

  const rawKey = merged.values.managementKey
  if (rawKey !== undefined && !isSingleReference(rawKey)) {
    issues.push({ file: fileFor(['managementKey']), path: 'managementKey', message: 'is written literally; secrets must not live in files under git', fix: 'write managementKey: ${SOME_VARIABLE} and export that variable' })
  }
  const values = substitute(merged.values, variables, fileFor, issues)

  // Connection settings first, then each section on its own, so that one broken section does
  // not hide the problems of another, and cross-item checks run on every valid section.
  const record = values as Record<string, unknown>
  const schema = v.strictObject({
    ...connectionEntries,
    ...Object.fromEntries(handlers.map((handler) => [handler.section, v.optional(v.unknown())])),
  })
  const { output } = collect(validate(schema, values, fileFor), issues)
  if (output) issues.push(...connectionIssues(output, fileFor))
  const declared = new Map<string, object[]>()
  for (const handler of handlers) {
    if (record[handler.section] === undefined) continue
    const items = validateSection(handler, record[handler.section], fileFor, issues)
    if (items) declared.set(handler.type, items)
  }
  if (issues.length || !output) throw new ConfigError('ENV_INVALID', issues)

  return {
    name,
    file: merged.file,
    projectId: output.projectId,
    managementKey: output.managementKey,
    baseUrl: output.baseUrl,
    protected: output.protected ?? config.protectedEnvironments.includes(name),
    emulator: output.emulator,
    throttle: { ...config.throttle, ...output.throttle },
    retry: { ...config.retry, ...output.retry },
    declared,
    sourceOf: (section) => merged.sources[section] ?? merged.file,
  }
}

/** Adds validation issues, except at paths already reported (a missing ${VAR} also fails the type check). */
function collect<T>(result: { output: T | undefined; issues: ConfigIssue[] }, into: ConfigIssue[]) {
  const reported = new Set(into.map((issue) => issue.path))
  into.push(...result.issues.filter((issue) => !reported.has(issue.path)))
  return result
}

/** A real project needs its id and key; the embedded emulator provides both and its own URL. */
function connectionIssues(
  output: { projectId?: string; managementKey?: string; baseUrl?: string; emulator?: unknown },
  fileFor: (at: string[]) => string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  if (output.emulator) {
    if (output.baseUrl) {
      issues.push({ file: fileFor(['baseUrl']), path: 'baseUrl', message: 'cannot be set together with `emulator` (the embedded emulator chooses its own URL)', fix: 'remove one of them' })
    }
    return issues
  }
  for (const field of ['projectId', 'managementKey'] as const) {
    if (!output[field]) {
      issues.push({ file: fileFor([field]), path: field, message: 'is required', fix: field === 'projectId' ? 'add projectId: ${DESCOPE_<ENV>_PROJECT_ID}' : 'add managementKey: ${DESCOPE_<ENV>_MANAGEMENT_KEY}' })
    }
  }
  return issues
}

/**
 * Validates a section item by item, so that one bad item does not hide a duplicate key or a
 * shared domain among the others: cross-item checks run on every item that is valid.
 */
function validateSection(
  handler: ResourceHandler<any, any>,
  raw: unknown,
  fileFor: (at: (string | number)[]) => string,
  issues: ConfigIssue[],
): object[] | undefined {
  const list = collect(validate(v.array(v.unknown()), raw, fileFor, [handler.section]), issues).output
  if (!list) return undefined
  const valid: { item: object; index: number }[] = []
  list.forEach((raw, index) => {
    const { output } = collect(validate(handler.schema, raw, fileFor, [handler.section, index]), issues)
    if (output) valid.push({ item: output, index })
  })
  const items = valid.map(({ item }) => item)
  for (const issue of [...duplicateKeys(handler, items, (i) => valid[i]!.index), ...(handler.check?.(items) ?? [])]) {
    const at = [handler.section, valid[issue.index]!.index, ...(issue.field ? [issue.field] : [])]
    issues.push({ file: fileFor(at), path: formatPath(at), message: issue.message, fix: issue.fix })
  }
  return valid.length === list.length ? items : undefined
}

/** Keys identify items across environments, so two items with one key are always a mistake. */
function duplicateKeys(handler: ResourceHandler<any, any>, items: object[], positionOf: (index: number) => number): ItemIssue[] {
  const first = new Map<string, number>()
  return items.flatMap((item, index) => {
    const key = handler.key(item)
    const earlier = first.get(key)
    if (earlier === undefined) {
      first.set(key, index)
      return []
    }
    return [{ index, field: '', message: `${handler.type} "${key}" is declared twice (also at ${handler.section}[${positionOf(earlier)}])`, fix: 'merge the two entries or give one another key' }]
  })
}
