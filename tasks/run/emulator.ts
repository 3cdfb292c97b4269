// What tasks/emulator.ts does, loaded only when it runs (its --help needs none of this).
import type { ConsolaInstance } from 'consola'
import { asToolkitError, EmulatorError, startEmulator, type EmulatorOptions } from '../../lib/emulator/index.ts'
import { ConfigError, DescopeMgmtError, UsageError } from '../../lib/errors.ts'
import { loadConfig } from '../../lib/config/config.ts'
import type { EmulatorArgs } from '../emulator.ts'

export const run = async (args: EmulatorArgs, log: ConsolaInstance): Promise<number> => {
  const plugins = await configuredPlugins()
  return serve({ ...emulatorOptions(args, log), ...(plugins ? { plugins } : {}) }, args.verbose)
}

/** The plugins of the project it runs in, whose routes it serves too; undefined outside a project. */
async function configuredPlugins() {
  try {
    return (await loadConfig()).plugins
  } catch (error) {
    if (error instanceof ConfigError && error.code === 'CONFIG_NOT_FOUND') return undefined
    throw error
  }
}

function emulatorOptions(args: EmulatorArgs, log: ConsolaInstance): EmulatorOptions {
  const ratio = (flag: 'error-rate' | 'drop-rate'): number | undefined => {
    const raw = args[flag]
    if (raw === undefined) return undefined
    const parsed = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN
    if (!(parsed >= 0 && parsed <= 1)) throw new UsageError(`--${flag} must be a ratio between 0 and 1, got "${raw}"`)
    return parsed
  }
  if (args.port !== undefined && args.port > 65535) throw new UsageError(`--port must be a port number (0-65535), got ${args.port}`)
  return {
    port: args.port ?? 4700,
    persistPath: args.persist,
    blank: args.blank,
    rateLimit: parseRateLimit(args['rate-limit']),
    latencyMs: args.latency,
    errorRate: ratio('error-rate'),
    dropRate: ratio('drop-rate'),
    latencySpikes: shareFor('latency-spikes', args['latency-spikes']),
    rateLimitBursts: shareFor('rate-limit-bursts', args['rate-limit-bursts']),
    seed: args.seed,
    onRequest: args.verbose
      ? (entry) => log.info(`${entry.method} ${entry.path} ${entry.status ?? '-'}${entry.outcome === 'handled' ? '' : ` (${entry.outcome})`}`)
      : undefined,
  }
}

/** "0.05/400" → { rate: 0.05, ms: 400 }: a share of requests, and how long each lasts. */
function shareFor(flag: string, raw: string | undefined): { rate: number; ms: number } | undefined {
  if (raw === undefined) return undefined
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(raw)
  const rate = Number(match?.[1])
  if (!match || !(rate >= 0 && rate <= 1)) throw new UsageError(`--${flag} must look like 0.05/400 (a share between 0 and 1, then milliseconds), got "${raw}"`)
  return { rate, ms: Number(match[2]) }
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const

/** "access-keys (5 routes), connectors (4 routes)", each route with --verbose, or why there are none */
function pluginRoutes(plugins: EmulatorOptions['plugins'], verbose: boolean): string {
  if (!plugins) return 'none (not run inside a project: no descope.config.ts here or above)'
  const serving = plugins.filter((plugin) => plugin.emulator).map((plugin) => {
    const routes = Object.keys(plugin.emulator!.routes)
    return `${plugin.name} (${routes.length} routes${verbose ? `: ${routes.join(', ')}` : ''})`
  })
  return serving.length ? `${serving.join(', ')}${verbose ? '' : '; --verbose lists them'}` : 'none (no plugin of descope.config.ts adds any)'
}

/** "100/60s" → 100 requests per 60 000 ms. The unit is ms, s or m; seconds when omitted. */
function parseRateLimit(raw: string | undefined): EmulatorOptions['rateLimit'] {
  if (raw === undefined) return undefined
  const invalid = new UsageError(`--rate-limit must look like 100/60s (requests/window in ms, s or m), got "${raw}"`)
  const match = /^(\d+)\/(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw)
  if (!match) throw invalid
  const [, count, length, unit = 's'] = match
  const requests = Number(count)
  const windowMs = Number(length) * UNIT_MS[unit as keyof typeof UNIT_MS]
  if (requests < 1 || windowMs <= 0) throw invalid
  return { requests, windowMs }
}

async function serve(options: EmulatorOptions, verbose: boolean): Promise<number> {
  const emulator = await startEmulator(options).catch((error: unknown) => {
    // bad option values are the user's to fix: exit 3, like any usage error
    if (error instanceof EmulatorError && error.code === 'EMULATOR_OPTIONS_INVALID') throw new UsageError(error.message)
    if (error instanceof EmulatorError) throw asToolkitError(error, { file: 'descope.config.ts' })
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      throw new DescopeMgmtError('PORT_IN_USE', `port ${options.port} on 127.0.0.1 is already in use (another emulator?); stop that one, or pass --port <n> (--port 0 picks a free one)`)
    }
    if (code === 'EACCES') {
      throw new DescopeMgmtError('PORT_DENIED', `port ${options.port} on 127.0.0.1 may not be opened by this user (ports below 1024 need privileges); pass --port <n> above 1023, or --port 0 for a free one`)
    }
    throw error
  })
  const faults = [
    options.rateLimit && `rate limit ${options.rateLimit.requests} per ${options.rateLimit.windowMs} ms`,
    options.latencyMs && `latency ${options.latencyMs} ms`,
    options.errorRate && `error rate ${options.errorRate}`,
    options.dropRate && `drop rate ${options.dropRate}`,
    options.latencySpikes && `latency spikes ${options.latencySpikes.ms} ms on ${options.latencySpikes.rate}`,
    options.rateLimitBursts && `429 bursts of ${options.rateLimitBursts.ms} ms on ${options.rateLimitBursts.rate}`,
    options.seed !== undefined && `seed ${options.seed}`,
  ].filter(Boolean)
  process.stdout.write(
    [
      `Descope emulator listening on ${emulator.url}`,
      `  project id:      ${emulator.projectId}`,
      `  management key:  ${emulator.managementKey}   (the emulator's own fake key)`,
      `  state:           ${options.persistPath ? `persisted to ${options.persistPath}` : 'in memory only'}${options.blank ? ', started blank' : ''}`,
      `  faults:          ${faults.length > 0 ? faults.join(', ') : 'none'}`,
      `  plugin routes:   ${pluginRoutes(options.plugins, verbose)}`,
      'Point the official node SDK at it:',
      `  DescopeClient({ projectId: '${emulator.projectId}', managementKey: '${emulator.managementKey}', baseUrl: '${emulator.url}' })`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  )

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
    process.once('SIGHUP', () => resolve())
  })
  await emulator.close()
  process.stdout.write('Descope emulator stopped.\n')
  return 0
}

