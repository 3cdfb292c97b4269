// descope.config.ts: found with cosmiconfig from the working directory up to the project root,
// imported through tsx (cosmiconfig's own TypeScript loader breaks with TypeScript 7), validated.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { cosmiconfig } from 'cosmiconfig'
import { register } from 'tsx/esm/api'
import * as v from 'valibot'
import { ConfigError, displayPath } from '../errors.ts'
import type { ReadPolicy } from '../io/files.ts'
import type { Plugin } from '../contract.ts'
import { validate } from './validate.ts'
import { RETRY_DEFAULTS, RetrySchema, ThrottleSchema, TIMEOUT_DEFAULTS, TimeoutsSchema } from '../client/options.ts'

export const CONFIG_FILE = 'descope.config.ts'

const positiveInteger = v.pipe(v.number(), v.integer(), v.minValue(1))
const MIB = 1024 * 1024
const nonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))

export const DeleteGuardSchema = v.strictObject({
  /** more deletes of one type than this is refused without --allow-mass-delete */
  maxCount: nonNegativeInteger,
  /** and so is deleting more than this share (0..1) of a type's live items, when that is more than one item */
  maxShare: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
})

export const DELETE_GUARD_DEFAULTS: v.InferOutput<typeof DeleteGuardSchema> = { maxCount: 25, maxShare: 0.5 }

const PluginSchema = v.custom<Plugin>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Plugin).name === 'string' && Array.isArray((value as Plugin).handlers),
  'must be a plugin object ({ name, handlers }) as returned by a plugin factory such as tenants()',
)

export const ConfigSchema = v.strictObject({
  plugins: v.pipe(v.array(PluginSchema), v.minLength(1, 'needs at least one plugin')),
  /** the environment used when --env is not given */
  defaultEnvironment: v.optional(v.string(), 'local'),
  /** where environment files live, relative to descope.config.ts */
  environmentsDir: v.optional(v.string(), 'environments'),
  /** where export-flows writes flows and the theme, and where sync reads them, relative to descope.config.ts */
  exportDir: v.optional(v.string(), 'environments/exported'),
  throttle: v.optional(ThrottleSchema, { limit: 100, intervalMs: 60_000 }),
  /** any field left out takes its default */
  retry: v.optional(v.pipe(v.partial(RetrySchema), v.transform((retry) => ({ ...RETRY_DEFAULTS, ...retry }))), {}),
  /** how long anything may take, so that a dead or silent API ends a run instead of hanging it */
  timeouts: v.optional(v.pipe(v.partial(TimeoutsSchema), v.transform((timeouts) => ({ ...TIMEOUT_DEFAULTS, ...timeouts }))), {}),
  /** deletes of one type a plan may hold, as a count and as a share of that type's live items */
  deleteGuard: v.optional(v.pipe(v.partial(DeleteGuardSchema), v.transform((guard) => ({ ...DELETE_GUARD_DEFAULTS, ...guard }))), {}),
  /** changes applied at the same time */
  concurrency: v.optional(positiveInteger, 4),
  /** where backups go and how long they stay */
  backups: v.optional(v.strictObject({
    /** relative to descope.config.ts; default ~/.descope-mgmt/backups ($DESCOPE_BACKUP_DIR and --backup-dir win) */
    dir: v.optional(v.pipe(v.string(), v.minLength(1))),
    /** `backup prune` removes backups older than this... */
    retentionDays: v.optional(positiveInteger, 30),
    /** ...except the newest few of each environment */
    keep: v.optional(positiveInteger, 5),
  }), {}),
  /** what tasks/drift.ts leaves out, per resource type */
  drift: v.optional(v.strictObject({
    /** field paths never compared, and item keys skipped: `{ tenant: { fields: [customAttributes.region], keys: [sandbox] } }` */
    ignore: v.optional(v.record(v.string(), v.strictObject({
      fields: v.optional(v.array(v.string())),
      keys: v.optional(v.array(v.string())),
    })), {}),
    /** field paths that differ between environments by design: skipped by --against only */
    environmentSpecific: v.optional(v.record(v.string(), v.array(v.string())), {}),
  }), {}),
  /** the largest files read, so that a huge or hostile file fails fast instead of exhausting memory */
  limits: v.optional(v.strictObject({
    environmentFileBytes: v.optional(positiveInteger, 4 * MIB),
    /** an exported flow or theme */
    flowFileBytes: v.optional(positiveInteger, 16 * MIB),
    backupFileBytes: v.optional(positiveInteger, 256 * MIB),
    /** one answer of the API: a response that never ends is cut here, not kept growing */
    responseBytes: v.optional(positiveInteger, 64 * MIB),
  }), {}),
  /** environments whose apply needs a typed confirmation or --yes (an environment file may say `protected: true`) */
  protectedEnvironments: v.optional(v.array(v.string()), ['prod']),
})

export type ConfigInput = v.InferInput<typeof ConfigSchema>
export type Config = v.InferOutput<typeof ConfigSchema> & {
  /** the directory of descope.config.ts: relative paths resolve from here */
  root: string
  file: string
}

/** How the files of one kind are read (lib/files.ts): their size limit, and inside the project or not. */
export function readPolicy(config: Pick<Config, 'root' | 'limits'>, kind: 'environment' | 'item file' | 'backup' | 'plan'): ReadPolicy {
  if (kind === 'environment') return { kind: 'environment file', maxBytes: config.limits.environmentFileBytes, limitSetting: 'limits.environmentFileBytes', root: config.root }
  if (kind === 'item file') return { kind: 'exported file', maxBytes: config.limits.flowFileBytes, limitSetting: 'limits.flowFileBytes', root: config.root }
  // backups live outside the project by design (~/.descope-mgmt/backups), and so may a saved plan
  const backup = { maxBytes: config.limits.backupFileBytes, limitSetting: 'limits.backupFileBytes' }
  return kind === 'backup' ? { kind: 'backup', ...backup } : { kind: 'saved plan', ...backup }
}

/** Identity helper that only adds typing to descope.config.ts. */
export const defineConfig = (config: ConfigInput): ConfigInput => config

/**
 * Imports the config through tsx into the process's one module graph, so its plugins share
 * lib/'s classes (`instanceof ApiError` holds). Tasks already run under tsx; elsewhere its
 * loader is registered first. (tsx's tsImport() would load a second copy of lib/ in a
 * namespace of its own, and cosmiconfig's TypeScript loader breaks with TypeScript 7.)
 */
async function importThroughTsx(file: string): Promise<unknown> {
  // the file as it is now: a process that loads the config again after an edit (a long-lived
  // script, the test suite) must not get the module it imported before. Modules the config
  // imports (a local plugin) are not reloaded: restart the process after editing those.
  const { mtimeMs, ctimeMs, size } = fs.statSync(file)
  const url = `${pathToFileURL(file).href}?version=${mtimeMs}-${ctimeMs}-${size}`
  let module: { default?: unknown }
  try {
    module = await import(url)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    register()
    module = await import(url)
  }
  return module.default ?? module
}

export async function loadConfig(cwd = process.cwd()): Promise<Config> {
  const explorer = cosmiconfig('descope', {
    searchPlaces: [CONFIG_FILE],
    loaders: { '.ts': importThroughTsx },
    searchStrategy: 'project',
    cache: false,
  })
  let found
  try {
    found = await explorer.search(cwd)
  } catch (error) {
    throw new ConfigError('CONFIG_LOAD', [{
      file: CONFIG_FILE,
      path: '',
      message: `could not be loaded: ${(error as Error).message}`,
      fix: 'fix the TypeScript error it reports; the file must `export default defineConfig({...})`',
    }], { cause: error })
  }
  if (!found) {
    throw new ConfigError('CONFIG_NOT_FOUND', [{
      file: CONFIG_FILE,
      path: '',
      message: `not found in ${cwd} or any parent directory up to the project root (the one with package.json)`,
      fix: 'run the task from inside a descope-mgmt project',
    }])
  }
  const file = displayPath(found.filepath)
  const { output, issues } = validate(ConfigSchema, found.config, () => file)
  if (!output) throw new ConfigError('CONFIG_INVALID', issues)
  return { ...output, root: path.dirname(found.filepath), file: found.filepath }
}
