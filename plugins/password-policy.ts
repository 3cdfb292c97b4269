// The project's password policy: one per project, read and replaced, never created or deleted
// (go-sdk internal/mgmt/password.go; node-sdk password.getSettings/configureSettings).
//
// Confirmed by node-sdk 2.13.0 (lib/management/password.ts and its PasswordSettings type): GET
// /v1/mgmt/password/settings?tenantId= answers the settings bare; POST takes them with
// `tenantId`; the fields are enabled, minLength, lowercase, uppercase, number, nonAlphaNumeric,
// expiration, expirationWeeks, reuse, reuseAmount, lock and lockAttempts. ASSUMED: the project's
// own settings are those of tenantId "" (node-sdk always sends the parameter), and a POST
// replaces every field (as Descope's other settings do), so an update sends them all.
//
// A tenant's own policy (tenantPasswordPolicy, section `tenantPasswordPolicies`, a map by tenant
// id): the same endpoint with the tenant's id, which descope-dotnet's CI test (IntegrationTests/
// Management/PasswordSettingsTests.cs) sets apart from the project's. ASSUMED: GET answers a
// tenant without a policy of its own with the project's (no SDK says; the OpenAPI answer has a
// `tenantId`, whose value then is unknown). So a declared tenant policy equal to the project's is
// no change and is not sent: such a tenant keeps following the project's policy until the two
// differ, when the next sync gives it its own. No endpoint removes a tenant's own policy.
// Not managed: removing a tenant's own policy (no endpoint).
import * as v from 'valibot'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'
import { dataRecord, setOwn } from '../lib/config/schemas.ts'
import { listPerTenant } from './tenants.ts'

const Count = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max))

export const PasswordPolicySchema = v.strictObject({
  /** passwords as a sign-in method at all */
  enabled: v.optional(v.boolean()),
  minLength: v.optional(Count(4, 64)),
  lowercase: v.optional(v.boolean()),
  uppercase: v.optional(v.boolean()),
  number: v.optional(v.boolean()),
  nonAlphaNumeric: v.optional(v.boolean()),
  /** passwords expire after expirationWeeks */
  expiration: v.optional(v.boolean()),
  expirationWeeks: v.optional(Count(1, 520)),
  /** the last reuseAmount passwords may not be used again */
  reuse: v.optional(v.boolean()),
  reuseAmount: v.optional(Count(1, 50)),
  /** the account locks after lockAttempts failures */
  lock: v.optional(v.boolean()),
  lockAttempts: v.optional(Count(1, 100)),
})
export type PasswordPolicy = v.InferOutput<typeof PasswordPolicySchema>

/** The settings as GET answers them (bare): every field, absent and null meaning "not set". */
export const LivePasswordPolicySchema = v.looseObject({
  enabled: v.nullish(v.boolean()),
  minLength: v.nullish(v.number()),
  lowercase: v.nullish(v.boolean()),
  uppercase: v.nullish(v.boolean()),
  number: v.nullish(v.boolean()),
  nonAlphaNumeric: v.nullish(v.boolean()),
  expiration: v.nullish(v.boolean()),
  expirationWeeks: v.nullish(v.number()),
  reuse: v.nullish(v.boolean()),
  reuseAmount: v.nullish(v.number()),
  lock: v.nullish(v.boolean()),
  lockAttempts: v.nullish(v.number()),
})
export type LivePasswordPolicy = v.InferOutput<typeof LivePasswordPolicySchema>

/** A tenant's own policy: the key of its entry in the file is the tenant's id. */
export const TenantPasswordPolicySchema = v.strictObject({ tenantId: v.pipe(v.string(), v.minLength(1)), ...PasswordPolicySchema.entries })
export type TenantPasswordPolicy = v.InferOutput<typeof TenantPasswordPolicySchema>
/** As GET answers it, with the tenant's id added by list() (the answer has none of its own). */
export const LiveTenantPasswordPolicySchema = v.looseObject({ ...LivePasswordPolicySchema.entries, tenantId: v.string() })
export type LiveTenantPasswordPolicy = v.InferOutput<typeof LiveTenantPasswordPolicySchema>

// typed operations for scripts: ctx.ops('passwordPolicy'), ctx.ops('tenantPasswordPolicy')
declare module '../lib/contract.ts' {
  interface ResourceTypes { passwordPolicy: PasswordPolicy; tenantPasswordPolicy: TenantPasswordPolicy }
}

/** A new project's policy, as the emulator starts one (ASSUMED: Descope's console defaults). */
export const DEFAULT_PASSWORD_POLICY: Required<PasswordPolicy> = {
  enabled: true, minLength: 8, lowercase: true, uppercase: true, number: true, nonAlphaNumeric: false,
  expiration: false, expirationWeeks: 52, reuse: false, reuseAmount: 3, lock: false, lockAttempts: 10,
}
const FIELDS = Object.keys(DEFAULT_PASSWORD_POLICY) as (keyof PasswordPolicy)[]

export function normalizePasswordPolicy(live: LivePasswordPolicy): PasswordPolicy {
  // a field the answer leaves out is at its default: an update replaces every field, so it must be sent
  return Object.fromEntries(FIELDS.map((field) => [field, live[field] ?? DEFAULT_PASSWORD_POLICY[field]])) as PasswordPolicy
}

const PROJECT = 'project'

const readPolicy = (ctx: HandlerContext, tenantId: string) => ctx.client.get<unknown>('/v1/mgmt/password/settings', { tenantId })
// the full state: the file's fields over the live ones (or the defaults, before any is read)
const writePolicy = async (ctx: HandlerContext, tenantId: string, policy: PasswordPolicy) => { await ctx.client.post('/v1/mgmt/password/settings', { ...DEFAULT_PASSWORD_POLICY, ...policy, tenantId }) }

export default function passwordPolicy() {
  return definePlugin({
    name: 'password-policy',
    handlers: [defineHandler<PasswordPolicy, LivePasswordPolicy>({
      type: 'passwordPolicy',
      section: 'passwordPolicy',
      schema: PasswordPolicySchema,
      liveSchema: LivePasswordPolicySchema,
      singleton: 'project',
      key: () => PROJECT,
      list: async (ctx) => [await readPolicy(ctx, '')],
      normalize: normalizePasswordPolicy,
      update: (ctx, policy) => writePolicy(ctx, '', policy),
    }), defineHandler<TenantPasswordPolicy, LiveTenantPasswordPolicy>({
      type: 'tenantPasswordPolicy',
      section: 'tenantPasswordPolicies',
      schema: TenantPasswordPolicySchema,
      liveSchema: LiveTenantPasswordPolicySchema,
      dependsOn: ['tenant'],
      singleton: { per: 'tenant', field: 'tenantId' },
      // a tenant without a policy of its own answers the project's: written whenever that changes
      inheritsFrom: 'passwordPolicy',
      key: (policy) => policy.tenantId,
      references: (policy) => [{ type: 'tenant', key: policy.tenantId }],
      ownedBy: (policy) => ({ type: 'tenant', key: policy.tenantId }),
      // one GET per tenant: of the declared tenants only, when the engine names them
      list: (ctx, only) => listPerTenant(ctx, only, (tenantId) => readPolicy(ctx, tenantId)),
      normalize: (live) => ({ tenantId: live.tenantId, ...normalizePasswordPolicy(live) }),
      update: (ctx, { tenantId, ...policy }) => writePolicy(ctx, tenantId, policy),
    })],
    emulator: defineEmulator<State>({
      state: () => ({ project: { ...DEFAULT_PASSWORD_POLICY }, tenants: {} }),
      // a tenant created again under the same id starts with the project's policy
      onTenantDeleted: (state, tenantId) => { delete state.tenants[tenantId] },
      schema: v.object({ project: v.object(Object.fromEntries(FIELDS.map((field) => [field, typeof DEFAULT_PASSWORD_POLICY[field] === 'number' ? v.number() : v.boolean()]))), tenants: dataRecord(v.unknown()) }) as never,
      routes: {
        'GET /v1/mgmt/password/settings': { mutates: false, handle: (request) => ({ ...settingsOf(request, request.query.get('tenantId') ?? '') }) },
        'POST /v1/mgmt/password/settings': {
          mutates: true,
          handle: (request) => {
            const { tenantId = '', ...fields } = (request.body ?? {}) as Record<string, unknown>
            if (typeof tenantId !== 'string') return request.fail(400, 'invalid password settings: tenantId: must be a string')
            const given = request.parse(v.strictObject(Object.fromEntries(FIELDS.map((field) => [field, v.optional(typeof DEFAULT_PASSWORD_POLICY[field] === 'number' ? v.number() : v.boolean())]))), 'password settings', fields)
            settingsOf(request, tenantId)
            // a POST replaces every field: those left out go back to the defaults
            const settings = { ...DEFAULT_PASSWORD_POLICY, ...given } as Required<PasswordPolicy>
            if (tenantId) setOwn(request.state.tenants, tenantId, settings)
            else request.state.project = settings
            return {}
          },
        },
      },
    }),
  })
}

type State = { project: Required<PasswordPolicy>; tenants: Record<string, Required<PasswordPolicy>> }

/** The settings of the project (tenantId ""), or of a tenant that exists (its own, else the project's). */
function settingsOf(request: EmulatorRequest<State>, tenantId: string): Required<PasswordPolicy> {
  if (!tenantId) return request.state.project
  if (!Object.hasOwn(request.project.tenants, tenantId)) return request.fail(404, `tenant "${tenantId}" does not exist`)
  return Object.hasOwn(request.state.tenants, tenantId) ? request.state.tenants[tenantId]! : request.state.project
}
