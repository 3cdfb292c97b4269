// Runs the local Descope management API emulator on its own, for trying the tool or the official
// SDKs without a Descope account. `npx tsx tasks/emulator.ts --help` lists the flags.
import { EmulatorError, startEmulator, type EmulatorOptions } from '../lib/emulator/index.ts'
import { UsageError } from '../lib/errors.ts'
import { runTask, type Args } from '../lib/runner.ts'

const USAGE = `Usage: npx tsx tasks/emulator.ts [flags]

Serves the Descope management API on 127.0.0.1 until Ctrl-C.

Flags:
  --port N          port to listen on (default 4700; 0 picks a free one)      --port 4701
  --persist FILE    load state from FILE if present, save it after each change --persist .descope-emulator/state.json
  --rate-limit N/W  at most N requests per window W (ms, s or m), then 429     --rate-limit 100/60s
  --latency MS      delay every response by MS milliseconds                     --latency 150
  --error-rate R    answer a share R (0..1) of requests with a 500              --error-rate 0.2
  --drop-rate R     drop the connection for a share R (0..1) of requests        --drop-rate 0.05
  --seed N          seed the fault decisions so a run can be replayed           --seed 42
  --help            show this help
`

const VALUE_FLAGS = ['port', 'persist', 'rate-limit', 'latency', 'error-rate', 'drop-rate', 'seed'] as const
type ValueFlag = (typeof VALUE_FLAGS)[number]

function emulatorOptions(args: Args): EmulatorOptions {
  const value = (flag: ValueFlag): string | undefined => {
    const raw: unknown = args[flag]
    if (raw === undefined) return undefined
    if (typeof raw !== 'string' || raw === '') throw new UsageError(`--${flag} needs exactly one value`)
    return raw
  }
  const number = (flag: ValueFlag, test: (n: number) => boolean, expected: string): number | undefined => {
    const raw = value(flag)
    if (raw === undefined) return undefined
    const parsed = Number(raw)
    if (!Number.isFinite(parsed) || !test(parsed)) throw new UsageError(`--${flag} must be ${expected}, got "${raw}"`)
    return parsed
  }
  const isRatio = (n: number) => n >= 0 && n <= 1
  const isNatural = (n: number) => Number.isInteger(n) && n >= 0

  return {
    port: number('port', (n) => isNatural(n) && n <= 65535, 'a port number (0-65535)') ?? 4700,
    persistPath: value('persist'),
    rateLimit: parseRateLimit(value('rate-limit')),
    latencyMs: number('latency', isNatural, 'a whole number of milliseconds'),
    errorRate: number('error-rate', isRatio, 'a ratio between 0 and 1'),
    dropRate: number('drop-rate', isRatio, 'a ratio between 0 and 1'),
    seed: number('seed', Number.isInteger, 'an integer'),
  }
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const

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

async function serve(options: EmulatorOptions): Promise<number> {
  const emulator = await startEmulator(options).catch((error: unknown) => {
    // bad option values are the user's to fix: exit 3, like any usage error
    if (error instanceof EmulatorError && error.code === 'EMULATOR_OPTIONS_INVALID') throw new UsageError(error.message)
    throw error
  })
  const faults = [
    options.rateLimit && `rate limit ${options.rateLimit.requests} per ${options.rateLimit.windowMs} ms`,
    options.latencyMs && `latency ${options.latencyMs} ms`,
    options.errorRate && `error rate ${options.errorRate}`,
    options.dropRate && `drop rate ${options.dropRate}`,
    options.seed !== undefined && `seed ${options.seed}`,
  ].filter(Boolean)
  process.stdout.write(
    [
      `Descope emulator listening on ${emulator.url}`,
      `  project id:      ${emulator.projectId}`,
      `  management key:  ${emulator.managementKey}   (the emulator's own fake key)`,
      `  state:           ${options.persistPath ? `persisted to ${options.persistPath}` : 'in memory only'}`,
      `  faults:          ${faults.length > 0 ? faults.join(', ') : 'none'}`,
      'Point the official node SDK at it:',
      `  DescopeClient({ projectId: '${emulator.projectId}', managementKey: '${emulator.managementKey}', baseUrl: '${emulator.url}' })`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  )

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await emulator.close()
  process.stdout.write('Descope emulator stopped.\n')
  return 0
}

await runTask({
  help: USAGE,
  string: [...VALUE_FLAGS],
  run: (args) => serve(emulatorOptions(args)),
})
