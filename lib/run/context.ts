// connect(): everything a task or a one-off script needs for one environment: the validated
// config and environment, the plugins' handlers in dependency order, and the one throttled,
// retrying client (pointed at the embedded emulator when the environment asks for it).
import path from 'node:path'
import type { ConsolaInstance } from 'consola'
import { createClient, type ApiClient } from '../client/client.ts'
import { loadConfig, type Config } from '../config/config.ts'
import type { Emulator } from '../emulator/index.ts'
import { projectVariables } from '../config/dotenv.ts'
import { loadEnvironment, type Environment } from '../config/environment.ts'
import { createLogger, progressOf } from '../report/log.ts'
import type { OnProgress } from '../report/progress.ts'
import type { HandlerContext, ResourceTypes } from '../contract.ts'
import { resolveHandlers, type Registry } from '../engine/registry.ts'
import { operations, type Operations } from './operations.ts'

export interface Context {
  config: Config
  env: Environment
  /** in dependency order (a type after the types it depends on); handlers.get(type) finds one */
  handlers: Registry
  client: ApiClient
  projectId: string
  log: ConsolaInstance
  /**
   * told how long work is going (an apply's changes, item-by-item reads, waits for the rate
   * limit): the progress display of `log`, if it was made with one (tasks: unless --quiet or
   * --json; a script: createLogger({ progress: createProgress() })), else undefined
   */
  progress?: OnProgress
  /** the embedded emulator, when the environment has an `emulator` section */
  emulator?: Emulator
  /** what a handler gets: the client and a logger tagged with its type */
  handlerContext(type: string): HandlerContext
  /** typed operations on one type, for scripts: `await ctx.ops('tenant').list()` */
  ops<Type extends keyof ResourceTypes & string>(type: Type): Operations<ResourceTypes[Type] & object>
  /** stops the embedded emulator; call it when done (tasks do) */
  close(): Promise<void>
}

export interface ConnectOptions {
  /** where to look for descope.config.ts (default: the working directory, then upward) */
  cwd?: string
  log?: ConsolaInstance
  /** the variables ${VAR} is replaced from (default: the process environment over the project's .env) */
  variables?: Record<string, string | undefined>
  /** false: do not read the files that sections such as `flows: all` name (export-flows writes them) */
  expandFiles?: boolean
}

export async function connect(envName?: string, options: ConnectOptions = {}): Promise<Context> {
  const log = options.log ?? createLogger()
  const progress = progressOf(log)?.emit
  const config = await loadConfig(options.cwd)
  const handlers = resolveHandlers(config.plugins)
  const env = loadEnvironment(envName ?? config.defaultEnvironment, config, handlers, options.variables ?? projectVariables(config), options.expandFiles)

  // loaded only for an environment that runs one: a real project's run does without it
  const emulated = env.emulator && await import('../emulator/index.ts')
  const emulator = emulated && env.emulator
    ? await emulated.startEmulator({
        ...env.emulator,
        persistPath: env.emulator.persist && path.resolve(config.root, env.emulator.persist),
        // each emulated environment is a project of its own, so its backups are kept apart
        projectId: env.projectId ?? emulatedProjectId(env.name),
        ...(env.managementKey ? { managementKey: env.managementKey } : {}),
        // the plugins' own routes and state: a new type is served like the built-in ones
        plugins: config.plugins,
      }).catch((error: unknown) => { throw emulated.asToolkitError(error, { file: env.file }) })
    : undefined
  const projectId = emulator?.projectId ?? env.projectId!
  const client = createClient({
    baseUrl: emulator?.url ?? env.baseUrl,
    projectId,
    managementKey: emulator?.managementKey ?? env.managementKey!,
    throttle: env.throttle,
    retry: env.retry,
    timeouts: env.timeouts,
    maxResponseBytes: config.limits.responseBytes,
    log: log.withTag('client'),
    progress,
    unauthorizedHint: env.credentialsHint,
  })
  const handlerContext = (type: string): HandlerContext => ({
    env: env.name,
    projectId,
    client,
    log: log.withTag(type),
    settings: env.settings.get(type) ?? {},
    ...(progress ? { progress: readProgress(progress, handlers.has(type) ? handlers.get(type).section : type) } : {}),
  })
  return {
    config,
    env,
    handlers,
    client,
    projectId,
    log,
    ...(progress ? { progress } : {}),
    emulator,
    handlerContext,
    ops: (type) => operations(handlers.get(type), handlerContext(type)),
    close: async () => {
      client.close()
      await emulator?.close()
    },
  }
}

/** Runs `work` with a connected context and always closes it. */
export async function withContext<T>(envName: string | undefined, options: ConnectOptions, work: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await connect(envName, options)
  try {
    return await work(ctx)
  } finally {
    await ctx.close()
  }
}

/** A handler's count of the items it reads one by one, as progress of reading its section. */
const readProgress = (progress: OnProgress, what: string) => (done: number, total: number) => progress({ kind: 'read', what, done, total })

/** A project id of the real shape (P and 27 more) that names the environment: P2emulocal000… */
function emulatedProjectId(environment: string): string {
  return `P2emu${environment.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 28).padEnd(28, '0')
}
