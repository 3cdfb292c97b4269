// Where the end-to-end suite (test/e2e.test.ts) runs: an emulator of its own by default, or a
// real Descope project when DESCOPE_TEST_PROJECT_ID and DESCOPE_TEST_MANAGEMENT_KEY are both set.
// On a real project every item the suite declares carries a prefix of this run
// (`e2e-<start time, base 36>-<6 hex>-`), the suite writes nothing else, and removes what carries
// the prefix when it ends, failed or not. Leftovers of runs of this suite that could not clean up
// (a killed process) are removed too once they are an hour old: the time is in the prefix.
import { randomBytes } from 'node:crypto'
import DescopeClient from '@descope/node-sdk'
import { defaultBaseUrl } from '../../lib/client/client.ts'
import { startEmulator, type Emulator } from '../../lib/emulator/index.ts'
import { redact, registerSecret } from '../../lib/report/secrets.ts'

export const TARGET_VARIABLES = ['DESCOPE_TEST_PROJECT_ID', 'DESCOPE_TEST_MANAGEMENT_KEY'] as const

export type TargetSettings =
  | { mode: 'emulator' }
  | { mode: 'real'; baseUrl: string; projectId: string; managementKey: string }

/**
 * What the variables ask for. Half a configuration is refused rather than quietly run against
 * the emulator (someone meant a real project) or the real project (someone meant neither).
 */
export function targetSettings(env: NodeJS.ProcessEnv = process.env): TargetSettings {
  const projectId = env.DESCOPE_TEST_PROJECT_ID || undefined
  const managementKey = env.DESCOPE_TEST_MANAGEMENT_KEY || undefined
  const baseUrl = env.DESCOPE_TEST_BASE_URL || undefined
  if (!projectId && !managementKey) {
    if (baseUrl) throw new Error('DESCOPE_TEST_BASE_URL is set but DESCOPE_TEST_PROJECT_ID and DESCOPE_TEST_MANAGEMENT_KEY are not: set both to run the end-to-end tests against that project, or unset DESCOPE_TEST_BASE_URL to run them against the emulator')
    return { mode: 'emulator' }
  }
  const missing = TARGET_VARIABLES.filter((name) => !env[name])
  if (missing.length) throw new Error(`${missing.join(' and ')} is not set but ${TARGET_VARIABLES.find((name) => env[name])} is: set both to run the end-to-end tests against a real project, or neither to run them against the emulator`)
  if (!/^P[A-Za-z0-9]{27,}$/.test(projectId!)) throw new Error('DESCOPE_TEST_PROJECT_ID must be a Descope project id: P followed by at least 27 letters and digits')
  // the key travels in a header: never in clear except to this machine
  if (baseUrl && !isSafeBaseUrl(baseUrl)) throw new Error('DESCOPE_TEST_BASE_URL must be an https:// URL, or http:// on 127.0.0.1, ::1 or localhost')
  return { mode: 'real', baseUrl: (baseUrl ?? defaultBaseUrl(projectId!)).replace(/\/+$/, ''), projectId: projectId!, managementKey: managementKey! }
}

function isSafeBaseUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname))
  } catch {
    return false
  }
}

export type Sdk = ReturnType<typeof DescopeClient>['management']

export interface Target {
  mode: TargetSettings['mode']
  baseUrl: string
  projectId: string
  managementKey: string
  /** what every item this run declares starts with */
  prefix: string
  sdk: Sdk
  /** deletes every item of this run, and those of runs older than an hour; returns their keys */
  cleanUp(): Promise<string[]>
  close(): Promise<void>
}

const PREFIX = /^e2e-([0-9a-z]{6,})-[0-9a-f]{6}-/
/** a leftover of another run is removed once it is this old: a run in progress elsewhere is never disturbed */
export const LEFTOVER_AGE_MS = 60 * 60 * 1000

export function runPrefix(now = Date.now()): string {
  return `e2e-${Math.floor(now / 1000).toString(36)}-${randomBytes(3).toString('hex')}-`
}

/** Is `key` this run's, or a leftover of an earlier run of this suite at least an hour old? */
export function isOurs(key: string, prefix: string, now = Date.now()): boolean {
  if (key.startsWith(prefix)) return true
  const match = PREFIX.exec(key)
  return !!match && parseInt(match[1]!, 36) * 1000 <= now - LEFTOVER_AGE_MS
}

export async function openTarget(settings: TargetSettings): Promise<Target> {
  let emulator: Emulator | undefined
  const where = settings.mode === 'real' ? settings : (emulator = await startEmulator())
  const baseUrl = settings.mode === 'real' ? settings.baseUrl : emulator!.url
  if (settings.mode === 'real') guardOutput(settings.managementKey)
  const sdk = DescopeClient({ projectId: where.projectId, managementKey: where.managementKey, baseUrl }).management
  const prefix = runPrefix()
  return {
    mode: settings.mode,
    baseUrl,
    projectId: where.projectId,
    managementKey: where.managementKey,
    prefix,
    sdk,
    cleanUp: () => removeOurs(sdk, (key) => isOurs(key, prefix)),
    close: async () => emulator?.close(),
  }
}

/** The key cut out of everything this process prints, a failed assertion's message included. */
function guardOutput(key: string): void {
  registerSecret(key)
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      write(redact(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), ...rest)) as typeof stream.write
  }
}

interface SdkAnswer<T> { ok: boolean; code?: number; data?: T; error?: { errorCode?: string; errorMessage?: string; retryAfter?: unknown } }

/**
 * One node-sdk call, waiting out a 429 for as long as its Retry-After says (Descope's raw API
 * allows 100 requests a minute, then backs off for 60 s). Anything else not ok throws, the key
 * cut out; `notFoundIsDone` makes a delete of what is already gone a success.
 */
export async function sdkCall<T>(what: string, call: () => Promise<SdkAnswer<T>>, notFoundIsDone = false): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const answer = await call()
    if (answer.ok) return answer.data
    if (notFoundIsDone && (answer.code === 404 || /not.?found/i.test(answer.error?.errorMessage ?? ''))) return undefined
    if (answer.code === 429 && attempt < 4) {
      const seconds = Number(answer.error?.retryAfter) || 1
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 90) * 1000))
      continue
    }
    throw new Error(redact(`${what}: HTTP ${answer.code} ${answer.error?.errorCode ?? ''} ${answer.error?.errorMessage ?? ''}`))
  }
}

/** The items of `ours` removed through node-sdk, tenants first (they name roles), then roles, then permissions. */
async function removeOurs(sdk: Sdk, ours: (key: string) => boolean): Promise<string[]> {
  const removed: string[] = []
  const tenants = (await sdkCall('list tenants', () => sdk.tenant.loadAll())) ?? []
  for (const { id } of tenants.filter((tenant) => ours(tenant.id))) {
    await sdkCall(`delete tenant ${id}`, () => sdk.tenant.delete(id), true)
    removed.push(`tenant ${id}`)
  }
  const roles = (await sdkCall('list roles', () => sdk.role.loadAll())) ?? []
  for (const { name, tenantId } of roles.filter((role) => ours(role.name))) {
    await sdkCall(`delete role ${name}`, () => sdk.role.delete(name, tenantId || undefined), true)
    removed.push(`role ${name}`)
  }
  const permissions = (await sdkCall('list permissions', () => sdk.permission.loadAll())) ?? []
  for (const { name } of permissions.filter((permission) => ours(permission.name))) {
    await sdkCall(`delete permission ${name}`, () => sdk.permission.delete(name), true)
    removed.push(`permission ${name}`)
  }
  return removed
}

/** The keys of this run's items still live: tenants, roles and permissions */
export async function liveOurs(target: Target): Promise<string[]> {
  const { sdk, prefix } = target
  const tenants = (await sdkCall('list tenants', () => sdk.tenant.loadAll())) ?? []
  const roles = (await sdkCall('list roles', () => sdk.role.loadAll())) ?? []
  const permissions = (await sdkCall('list permissions', () => sdk.permission.loadAll())) ?? []
  const mine = (key: string) => key.startsWith(prefix)
  return [
    ...tenants.filter((tenant) => mine(tenant.id)).map((tenant) => `tenant ${tenant.id}`),
    ...roles.filter((role) => mine(role.name)).map((role) => `role ${role.name}`),
    ...permissions.filter((permission) => mine(permission.name)).map((permission) => `permission ${permission.name}`),
  ]
}

/**
 * Reads until `done` holds: a real project may answer a read right after a write with the state
 * from before it (the .NET SDK's tests wait up to 6 s): up to 30 s, at 0.5, 1, 2, then every 4 s. The emulator is read once: a wrong
 * answer there is a bug, not a lag. Returns the last value read, for the caller to assert on.
 */
export async function eventually<T>(target: Pick<Target, 'mode'>, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + (target.mode === 'real' ? 30_000 : 0)
  for (let wait = 500; ; wait = Math.min(wait * 2, 4_000)) {
    const value = await read()
    if (done(value) || Date.now() >= deadline) return value
    await new Promise((resolve) => setTimeout(resolve, wait))
  }
}
