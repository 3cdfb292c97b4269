// environments/<name>.yaml → a validated Environment: connection settings, emulator options and
// the declared items of every configured resource type. All problems are reported at once.
import path from 'node:path'
import * as v from 'valibot'
import { RetrySchema, ThrottleSchema, TimeoutsSchema } from '../client/options.ts'
import { readPolicy, type Config } from './config.ts'
import { FaultOptionEntries } from '../emulator/options.ts'
import { TenantAttributeDefinitionSchema } from '../emulator/state.ts'
import { readEnvironmentFile } from './env-file.ts'
import { inherited, protectionOf } from './protection.ts'
import { ConfigError, type ConfigIssue } from '../errors.ts'
import type { FileSource, ResourceHandler } from '../contract.ts'
import { environmentFile } from './environment-files.ts'
import { collectIssues } from './items.ts'
import { isWriteOnly, literalSecrets, readSections, shortSecrets } from './sections.ts'
import { readJsonFile } from '../io/json-file.ts'
import { resolvesInside } from '../io/files.ts'
import { MIN_SECRET_LENGTH, registerSecret } from '../report/secrets.ts'
import { singleReference, substitute } from './substitute.ts'
import { offlineVariables, setApart, type OfflineCheck, type Placeholders } from './offline-check.ts'
import { formatPath, validate } from './validate.ts'

/** Options of the embedded emulator: an environment with this section talks to a local one. */
export const EmulatorSettingsSchema = v.strictObject({
  /** state file, relative to the project root; omitted = in memory only */
  persist: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** start an empty project, not one seeded like a real new project */
  blank: v.optional(v.boolean()),
  /** the tenant custom attributes the emulated project defines (omitted: any is accepted) */
  tenantAttributes: v.optional(v.array(TenantAttributeDefinitionSchema)),
  ...FaultOptionEntries,
})
export type EmulatorSettings = v.InferOutput<typeof EmulatorSettingsSchema>

const connectionEntries = {
  /** read (and removed) before validation; here so that a typo of it gets a "did you mean" */
  extends: v.optional(v.string()),
  projectId: v.optional(v.pipe(v.string(), v.regex(/^P[A-Za-z0-9]{3,}$/, 'must be a Descope project id (P followed by letters and digits)'))),
  managementKey: v.optional(v.pipe(v.string(), v.minLength(1, 'is empty'))),
  baseUrl: v.optional(v.pipe(
    v.string(),
    v.url('must be a URL such as https://api.descope.com'),
    // the bearer token carries the management key: never send it in the clear off this machine
    v.check((url) => url.startsWith('https://') || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(url), 'must use https:// (plain http:// only to this machine)'),
  )),
  protected: v.optional(v.boolean()),
  emulator: v.optional(EmulatorSettingsSchema),
  throttle: v.optional(v.partial(ThrottleSchema)),
  retry: v.optional(v.partial(RetrySchema)),
  timeouts: v.optional(v.partial(TimeoutsSchema)),
  /** where exported flows and the theme live, relative to the project root (default: the config's) */
  exportDir: v.optional(v.pipe(v.string(), v.minLength(1))),
}

export interface Environment {
  name: string
  /** the environment's own file, as shown in messages */
  file: string
  projectId?: string
  managementKey?: string
  baseUrl?: string
  /**
   * why an apply here needs a confirmation (named by the config, a copy of a protected
   * environment, its file says so), or undefined; worked out when first asked (lib/protection.ts)
   */
  protection(): string | undefined
  emulator?: EmulatorSettings
  throttle: Config['throttle']
  retry: Config['retry']
  timeouts: Config['timeouts']
  /** where the credentials come from, for the advice after a 401 */
  credentialsHint: string
  /** where this environment's flow and theme files live (absolute) */
  exportDir: string
  /** types whose section names some items only (`flows: [a, b]`): their other live items are never pruned */
  partial: Set<string>
  /** what each section that names files says (`flows: all`, `theme: true`), read even when the files are not */
  selections: Map<string, unknown>
  /** each handler's settings (its own top-level keys), validated, by type */
  settings: Map<string, Readonly<Record<string, unknown>>>
  /** declared items per resource type; a type whose section the file omits is not managed here */
  declared: Map<string, object[]>
  /** where the `index`th declared item of a type is written, for messages (index -1: the environment's file) */
  locate(type: string, index: number, field?: string): { file: string; path: string }
}

export function loadEnvironment(
  name: string,
  config: Config,
  handlers: readonly ResourceHandler<any, any>[],
  variables: Record<string, string | undefined> = process.env,
  /** false: leave sections that name files (flows: all) unread; export-flows writes those files */
  expandFiles = true,
  /** check without the variables' values, and report into this (tasks/validate.ts) */
  offline?: OfflineCheck,
): Environment {
  const merged = readEnvironmentFile(environmentFile(name, config), readPolicy(config, 'environment'))
  const fileFor = (at: (string | number)[]) => merged.sources[String(at[0])] ?? merged.file
  const issues: ConfigIssue[] = []
  const placeholders: Placeholders = new Map()

  const rawKey = merged.values.managementKey
  if (rawKey !== undefined && !singleReference(rawKey)) {
    issues.push({ file: fileFor(['managementKey']), path: 'managementKey', message: 'is written literally; secrets must not live in files under git', fix: 'write managementKey: ${SOME_VARIABLE} and export that variable' })
  }
  issues.push(...literalSecrets(handlers, merged.values, fileFor))
  const secretField = (at: (string | number)[]) => (at.length === 1 && at[0] === 'managementKey') || isWriteOnly(handlers, at)
  const values = substitute(merged.values, { variables, fileFor, issues, secretField, offline: offline && offlineVariables(offline, fileFor, secretField, placeholders) }) as Record<string, unknown>
  issues.push(...shortSecrets(handlers, values, fileFor, merged.values))
  // before anything can report it: a validation message may quote the value it received
  const key = values.managementKey
  registerSecret(key)
  if (typeof key === 'string' && key.length < MIN_SECRET_LENGTH && !issues.some((issue) => issue.path === 'managementKey')) {
    issues.push({ file: fileFor(['managementKey']), path: 'managementKey', message: `holds ${key.length} characters; a Descope management key is far longer, and one this short could not be kept out of the output`, fix: `check that $${singleReference(rawKey) ?? 'the variable'} holds the whole key` })
  }

  // Connection settings first, then each section on its own, so that one broken section does
  // not hide the problems of another, and cross-item checks run on every valid section.
  const record = values
  const schema = v.strictObject({
    ...connectionEntries,
    ...Object.fromEntries(handlers.map((handler) => [handler.section, v.optional(v.unknown())])),
    ...Object.fromEntries(handlers.flatMap((handler) => Object.keys(handler.settings ?? {}).map((key) => [key, v.optional(v.unknown())]))),
  })
  const checked = collectIssues(validate(schema, values, fileFor), issues)
  // offline, a field a stand-in failed (projectId: P2${ID}) must not take the file's other
  // settings with it (exportDir, emulator): they are read without the fields that failed
  const output = checked.output ?? (offline ? validate(schema, without(values, checked.issues), fileFor).output : undefined)
  // A file may protect an environment, never unprotect one the config protects (a shared base
  // file saying `protected: false` must not silently open prod, nor a copy of prod).
  const protection = { name, config, merged, flag: output?.protected, variables }
  const inheritedProtection = output?.protected === false ? inherited(protection) : undefined
  if (inheritedProtection) {
    issues.push({ file: fileFor(['protected']), path: 'protected', message: `cannot be false: environment "${name}" is protected (${inheritedProtection})`, fix: 'remove it; only protectedEnvironments in descope.config.ts, or another project, unprotects' })
  }
  // what the file holds, whether or not a stand-in in it failed: a field it has is not missing
  if (output) issues.push(...connectionIssues(checked.output ?? values, fileFor))
  const exportDir = path.resolve(config.root, output?.exportDir ?? config.exportDir)
  // flows and the theme are read from here and written here: inside the project, as every file it keeps
  if (!resolvesInside(exportDir, config.root)) {
    issues.push(output?.exportDir
      ? { file: fileFor(['exportDir']), path: 'exportDir', message: `leads outside the project (to ${exportDir})`, fix: 'name a directory inside the project; export elsewhere once with export-flows --out' }
      : { file: 'descope.config.ts', path: 'exportDir', message: `leads outside the project (to ${exportDir})`, fix: 'name a directory inside the project' })
  }
  const itemFilePolicy = readPolicy(config, 'item file')
  const fileSource: FileSource = { dir: exportDir, readJson: (file) => readJsonFile(file, itemFilePolicy) }
  const { settings, declared, origins, partial, selections } = readSections(handlers, record, fileFor, issues, expandFiles ? fileSource : undefined)
  if (offline) offline.unchecked.push(...setApart(issues, placeholders))
  // offline, a connection setting that failed is a placeholder's failure (set apart just now)
  if (issues.length || (!output && !offline)) throw new ConfigError('ENV_INVALID', issues)

  return {
    name,
    file: merged.file,
    projectId: output?.projectId,
    managementKey: output?.managementKey,
    baseUrl: output?.baseUrl,
    protection: protectionOf(protection),
    emulator: output?.emulator,
    throttle: { ...config.throttle, ...output?.throttle },
    retry: { ...config.retry, ...output?.retry },
    timeouts: { ...config.timeouts, ...output?.timeouts },
    exportDir,
    partial,
    selections,
    settings,
    credentialsHint: credentialsHint(merged.values, fileFor),
    declared,
    locate: (type, index, field) => {
      const entry = origins.get(type)?.[index]
      return { file: entry?.file ?? merged.file, path: formatPath([...(entry?.at ?? []), ...(field ? [field] : [])]) }
    },
  }
}

/** `values` without the top-level fields `issues` are at (every connection field is optional). */
function without(values: Record<string, unknown>, issues: ConfigIssue[]): Record<string, unknown> {
  const failed = new Set(issues.map((issue) => issue.path.split(/[.[]/)[0]))
  return Object.fromEntries(Object.entries(values).filter(([key]) => !failed.has(key)))
}

/** A real project needs its id and key; the embedded emulator provides both and its own URL. */
function connectionIssues(
  output: { projectId?: unknown; managementKey?: unknown; baseUrl?: unknown; emulator?: unknown },
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

/** "Check projectId (environments/dev.yaml, from $DESCOPE_DEV_PROJECT_ID) and managementKey (...)" */
function credentialsHint(raw: Record<string, unknown>, fileFor: (at: string[]) => string): string {
  const describe = (field: string) => {
    const value = raw[field]
    const variable = singleReference(value)
    return `${field} (${fileFor([field])}${variable ? `, from $${variable}` : ''})`
  }
  return `Check ${describe('projectId')} and ${describe('managementKey')}: is the key valid, and for this project?`
}
