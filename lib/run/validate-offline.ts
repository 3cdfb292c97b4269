// validate: the checks a sync makes before its first request (the config and its plugins, each
// environment file with its extends chain, the flow and theme files it names, the plugins' own
// rules across items), made without credentials and without a network: connect() is never
// called, no client is made and no emulator started. A ${VAR} needs no value: a missing one is
// listed (an error only when strict), and what could not be checked without it is said.
import { loadConfig, type Config } from '../config/config.ts'
import { projectVariables } from '../config/dotenv.ts'
import { loadEnvironment, type Environment } from '../config/environment.ts'
import { listEnvironments } from '../config/environment-files.ts'
import type { OfflineCheck } from '../config/offline-check.ts'
import { missingVariable } from '../config/substitute.ts'
import { closest } from '../config/validate.ts'
import { resolveHandlers, type Registry } from '../engine/registry.ts'
import { ConfigError, type ConfigIssue, type ErrorCode } from '../errors.ts'
import { quoted } from '../report/quote.ts'

/** A problem, with the code of the error a sync would have stopped with. */
export type Problem = ConfigIssue & { code: ErrorCode }

/** What an offline check could not settle: for want of a variable's value, or of live state. */
export interface Unchecked {
  file: string
  path: string
  message: string
  needs: 'value' | 'live'
  /** the missing variable, when `needs` is 'value' */
  variable?: string
}

export interface EnvironmentCheck {
  environment: string
  /** the types whose sections the files declare, and how many items in all (known when the environment loaded) */
  types: string[]
  items: number
  problems: Problem[]
  variables: OfflineCheck['variables']
  unchecked: Unchecked[]
  /** something unexpected failed (a plugin's own code threw): not a verdict on the files */
  failure?: { code: string; message: string }
}

export interface ValidateResult {
  strict: boolean
  /** problems of descope.config.ts, its plugins or the project's .env: no environment could be checked */
  config: Problem[]
  environments: EnvironmentCheck[]
}

export interface ValidateOptions {
  /** missing variables are problems */
  strict: boolean
  /** every environment in environments/ (then `names` is ignored) */
  all?: boolean
  cwd?: string
  /** the variables ${VAR} is read from (default: the process environment over the project's .env) */
  variables?: Record<string, string | undefined>
}

/** Checks `names` (default: the config's defaultEnvironment), each on its own, all reported together. */
export async function validateOffline(names: string[] | undefined, options: ValidateOptions): Promise<ValidateResult> {
  let config: Config, handlers: Registry, variables: Record<string, string | undefined>
  try {
    config = await loadConfig(options.cwd)
    handlers = resolveHandlers(config.plugins)
    variables = options.variables ?? projectVariables(config)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return { strict: options.strict, config: problemsOf(error), environments: [] }
  }
  const chosen = options.all ? listEnvironments(config) : [...new Set(names ?? [config.defaultEnvironment])]
  return { strict: options.strict, config: [], environments: chosen.map((name) => checkEnvironment(name, config, handlers, variables, options.strict)) }
}

function checkEnvironment(name: string, config: Config, handlers: Registry, variables: Record<string, string | undefined>, strict: boolean): EnvironmentCheck {
  const offline: OfflineCheck = { variables: [], unchecked: [] }
  const result: EnvironmentCheck = { environment: name, types: [], items: 0, problems: [], variables: offline.variables, unchecked: [] }
  let env: Environment | undefined
  try {
    env = loadEnvironment(name, config, handlers, variables, true, offline)
  } catch (error) {
    if (error instanceof ConfigError) result.problems.push(...problemsOf(error))
    else result.failure = { code: (error as { code?: string }).code ?? 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) }
  }
  result.unchecked.push(...offline.unchecked.map(({ file, path, message, variable }) => ({ file, path, message, needs: 'value' as const, variable })))
  if (env) {
    result.types = [...env.declared.keys()]
    result.items = [...env.declared.values()].reduce((sum, items) => sum + items.length, 0)
    const references = undeclaredReferences(handlers, env)
    result.problems.push(...references.problems)
    result.unchecked.push(...references.unchecked)
  }
  if (strict) {
    for (const missing of offline.variables.filter((variable) => !variable.set)) {
      result.problems.push({ code: 'ENV_INVALID', file: missing.file, path: missing.path, ...missingVariable(missing.name) })
    }
  }
  return result
}

const problemsOf = (error: ConfigError): Problem[] => error.issues.map((issue) => ({ code: error.code, ...issue }))

/**
 * A plan refuses a reference to an item neither declared nor live. Offline only the files can
 * answer: a reference to an item they do not declare is said, not refused (the project may have
 * it: made by hand), unless its key is a near miss of a declared one (`projects.wirte`): that is a
 * typo the first plan would refuse. What every project has (builtInKeys: the User Admin
 * permission) counts as declared.
 */
function undeclaredReferences(handlers: Registry, env: Environment): { problems: Problem[]; unchecked: Unchecked[] } {
  const keys = new Map(handlers.map((handler) => [handler.type, new Set((env.declared.get(handler.type) ?? []).map((item) => handler.key(item)))]))
  const builtIn = new Map(handlers.map((handler) => [handler.type, new Set(handler.builtInKeys ?? [])]))
  const declared = (type: string, key: string | undefined) => key !== undefined && (keys.get(type)?.has(key) ?? false)
  const found = { problems: [] as Problem[], unchecked: [] as Unchecked[] }
  for (const handler of handlers) {
    env.declared.get(handler.type)?.forEach((item, index) => {
      for (const ref of handler.references?.(item) ?? []) {
        // a type no configured plugin manages is not checked by a plan either
        if (!handlers.has(ref.type) || declared(ref.type, ref.key) || declared(ref.type, ref.orKey) || builtIn.get(ref.type)?.has(ref.key)) continue
        const what = `${handler.type} ${quoted(handler.key(item))} references ${ref.type} ${quoted(ref.key)}, which no file declares`
        const near = closest(ref.key, [...keys.get(ref.type) ?? [], ...builtIn.get(ref.type) ?? []])
        if (near === undefined) found.unchecked.push({ ...env.locate(handler.type, index), needs: 'live', message: `${what}: sync accepts it only if the project has it` })
        else found.problems.push({ ...env.locate(handler.type, index), code: 'PLAN_REFUSED', message: `${what} (did you mean ${quoted(near)}?)`, fix: `name ${ref.type} ${quoted(near)}, or declare ${ref.type} ${quoted(ref.key)} if the project has it` })
      }
    })
  }
  return found
}
