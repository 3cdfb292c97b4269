import * as v from 'valibot'
import { isIP } from 'node:net'
import { EmulatorError } from './errors.ts'
import type { RequestLogEntry } from './request-log.ts'
import type { Plugin } from '../contract.ts'
import { TenantAttributeDefinitionSchema, type TenantAttributeDefinition } from './state.ts'

/** 'P' + 27 characters: the real project id shape, so node-sdk derives the region-less default URL. */
export const EMULATOR_PROJECT_ID = 'P2emulatorLocalProject000001'

/**
 * The emulator's own fake management key. It starts with 'K' like real keys (the Descope CLI
 * refuses others) but must not look like a real one (`K2` + 24 alphanumerics), which secret
 * scanners flag.
 */
export const EMULATOR_MANAGEMENT_KEY = 'K-emulator-local-management-key'

export interface EmulatorOptions {
  /** Project id expected in `Authorization: Bearer <projectId>:<managementKey>`. Default EMULATOR_PROJECT_ID. */
  projectId?: string
  /** Management key expected in the Authorization header. Default EMULATOR_MANAGEMENT_KEY. */
  managementKey?: string
  /** Interface to bind. Default '127.0.0.1'; anything that is not loopback is refused. */
  host?: string
  /** Port to bind. Default 0: an ephemeral port, read it back from `Emulator.url`. */
  port?: number
  /**
   * JSON file holding the state: loaded at start when present, rewritten atomically after a
   * change (the changes of a burst together, at most every 100 ms), and when the emulator closes.
   */
  persistPath?: string
  /** Start an empty project instead of one seeded like a real new project (seed.ts). */
  blank?: boolean
  /** Fixed-window rate limit: past `requests` in one `windowMs` window, answer 429 with Retry-After. */
  rateLimit?: { requests: number; windowMs: number }
  /** Delay added before every response, in milliseconds. */
  latencyMs?: number
  /** 0..1: share of requests answered 500 before the handler runs (no state change). */
  errorRate?: number
  /** 0..1: share of requests whose socket is destroyed without a response; half before the handler runs, half after. */
  dropRate?: number
  /** a share (0..1) of requests delayed by `ms` more: a latency spike */
  latencySpikes?: { rate: number; ms: number }
  /** a share (0..1) of requests start a burst: for `ms`, every request is answered 429 */
  rateLimitBursts?: { rate: number; ms: number }
  /** Seeds the one PRNG behind every fault decision, so a faulty run can be replayed. Default: random. */
  seed?: number
  /**
   * Answers where the SDKs disagree or the real API is unconfirmed (descope-java and descope-dotnet
   * TenantTests; go-sdk errors.go), so a client can be tested against each: tenant load bare (node,
   * Java, Go), wrapped in `{ tenant }` (.NET) or both; "not found" as 404 (Go's IsNotFoundError) or
   * 400.
   */
  variants?: { tenantLoad?: 'bare' | 'wrapped' | 'both'; notFoundStatus?: 404 | 400 }
  /**
   * The tenant custom attributes the project defines (the console's Tenants → Custom Attributes):
   * a tenant write naming another is refused with a 400. Omitted: any attribute is accepted.
   */
  tenantAttributes?: TenantAttributeDefinition[]
  /** Called with each request once its fate is decided (tasks/emulator.ts --verbose prints them). */
  onRequest?: (entry: RequestLogEntry) => void
  /** plugins whose `emulator` part (routes and state) the emulator serves: descope.config.ts's */
  plugins?: Pick<Plugin, 'name' | 'emulator'>[]
}

const Ratio = v.pipe(v.number(), v.minValue(0), v.maxValue(1))
const NonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))
/** a timer's milliseconds: setTimeout fires at once past 2^31-1 */
const Milliseconds = v.pipe(NonNegativeInteger, v.maxValue(2 ** 31 - 1))

/** How slow or hostile the emulator is; also what an environment file's `emulator:` accepts. */
export const FaultOptionEntries = {
  rateLimit: v.optional(
    v.strictObject({
      requests: v.pipe(NonNegativeInteger, v.minValue(1)),
      windowMs: v.pipe(Milliseconds, v.minValue(1)),
    }),
  ),
  latencyMs: v.optional(Milliseconds, 0),
  errorRate: v.optional(Ratio, 0),
  dropRate: v.optional(Ratio, 0),
  latencySpikes: v.optional(v.strictObject({ rate: Ratio, ms: Milliseconds })),
  rateLimitBursts: v.optional(v.strictObject({ rate: Ratio, ms: v.pipe(Milliseconds, v.minValue(1)) })),
  seed: v.optional(v.pipe(v.number(), v.integer())),
}

const OptionsSchema = v.object({
  projectId: v.optional(v.pipe(v.string(), v.nonEmpty()), EMULATOR_PROJECT_ID),
  managementKey: v.optional(v.pipe(v.string(), v.nonEmpty()), EMULATOR_MANAGEMENT_KEY),
  host: v.optional(v.string(), '127.0.0.1'),
  port: v.optional(v.pipe(NonNegativeInteger, v.maxValue(65535)), 0),
  persistPath: v.optional(v.pipe(v.string(), v.nonEmpty())),
  blank: v.optional(v.boolean(), false),
  tenantAttributes: v.optional(v.array(TenantAttributeDefinitionSchema)),
  variants: v.optional(v.strictObject({
    tenantLoad: v.optional(v.picklist(['bare', 'wrapped', 'both']), 'bare'),
    notFoundStatus: v.optional(v.picklist([404, 400]), 404),
  }), {}),
  ...FaultOptionEntries,
})

export type ResolvedOptions = v.InferOutput<typeof OptionsSchema>

/** 127.0.0.0/8 and ::1 only: the emulator has a well-known key and must never face a network. */
export function isLoopback(host: string): boolean {
  if (host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const result = v.safeParse(OptionsSchema, options)
  if (!result.success) {
    const detail = result.issues.map((issue) => `${v.getDotPath(issue) ?? 'options'}: ${issue.message}`)
    throw new EmulatorError('EMULATOR_OPTIONS_INVALID', `invalid emulator options: ${detail.join('; ')}`)
  }
  const resolved = result.output
  if (resolved.host === 'localhost') resolved.host = '127.0.0.1'
  if (!isLoopback(resolved.host)) {
    throw new EmulatorError(
      'EMULATOR_OPTIONS_INVALID',
      `refusing to bind the emulator to "${resolved.host}": only loopback hosts (127.0.0.1, ::1) are allowed`,
    )
  }
  return resolved
}
