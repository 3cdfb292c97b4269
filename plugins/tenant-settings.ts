// A tenant's session settings: one per tenant, read and replaced, never created or deleted
// (node-sdk tenant.getSettings/configureSettings; OpenAPI GetTenantSettingsResponse).
//
// Confirmed by node-sdk 892af50 (lib/management/tenant.ts, the TenantSettings type in
// lib/management/types.ts), go-sdk 1eb70cb (descope/internal/mgmt/tenant.go, TenantSettings in
// descope/types.go) and descope-dotnet's generated GetTenantSettingsResponse: GET
// /v1/mgmt/tenant/settings?id=<tenant> answers the settings bare; POST takes them with
// `tenantId`. The fields: enabled (the tenant's own session settings apply), session, refresh and
// step-up token expiration each with a unit (minutes|hours|days|weeks), enableInactivity with
// inactivityTime and its unit, JITDisabled, and ssoSetupSuiteSettings (node only, "in the proto"
// since node-sdk #722). Node's type spells InactivityTime(Unit) with a capital; the API, Go, Java
// and .NET do not, so this plugin sends `inactivityTime` (the emulator accepts both).
// The answer also carries domains, selfProvisioningDomains and authType, which belong to the
// tenant (self-provisioning domains, plugins/tenants.ts) and its SSO connection (its SSO domains
// and auth type, plugins/tenant-sso.ts): they are not part of this type.
//
// ASSUMED: a POST replaces every field (node's and Go's READMEs: "Update will override all fields
// as is"), including the tenant's domains and authType (Java's CI test sets authType through it).
// So an update sends every setting, and the tenant's own fields exactly as a GET made just
// before answers them: an update never changes them. Its writes share the group `tenant:<id>`
// with the tenant's and its SSO settings', so that GET and POST never straddle a write of either
// in the same apply.
// ASSUMED: a field the answer leaves out is at its zero value (protobuf JSON omits them): false,
// 0, and for a unit none (not sent). The real defaults of a tenant never configured are unknown;
// the emulator's are zeros, which presumably mean "the project's settings apply".
// Not managed: the tenant's domains, self-provisioning domains and auth type (plugins/tenants.ts,
// plugins/tenant-sso.ts).
import { isDeepStrictEqual } from 'node:util'
import * as v from 'valibot'
import { dataRecord, setOwn } from '../lib/config/schemas.ts'
import { LiveDataError } from '../lib/errors.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'
import { listPerTenant, tenantGroup } from './tenants.ts'

const UNITS = ['minutes', 'hours', 'days', 'weeks'] as const
const Unit = v.picklist(UNITS, `must be one of ${UNITS.join(', ')}`)
/** Go sends int32 */
const Amount = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31 - 1))

const FLAGS = ['enabled', 'enableInactivity', 'JITDisabled'] as const
const AMOUNTS = ['sessionTokenExpiration', 'refreshTokenExpiration', 'stepupTokenExpiration', 'inactivityTime'] as const
const UNIT_FIELDS = AMOUNTS.map((amount) => `${amount}Unit` as const)
const FEATURES = ['saml', 'oidc', 'scim', 'ssoDomains', 'groupMapping'] as const

/** The SSO Setup Suite: stated whole when declared (the API replaces it whole). */
const SetupSuiteSchema = v.strictObject({
  enabled: v.boolean(),
  styleId: v.string(),
  disabledFeatures: v.strictObject(Object.fromEntries(FEATURES.map((feature) => [feature, v.boolean()])) as Record<(typeof FEATURES)[number], v.BooleanSchema<undefined>>),
})

export const TenantSettingsSchema = v.strictObject({
  /** the tenant whose settings these are (the key of the entry in the file) */
  tenantId: v.pipe(v.string(), v.minLength(1)),
  /** the tenant's own session settings apply, instead of the project's */
  enabled: v.optional(v.boolean()),
  sessionTokenExpiration: v.optional(Amount),
  sessionTokenExpirationUnit: v.optional(Unit),
  refreshTokenExpiration: v.optional(Amount),
  refreshTokenExpirationUnit: v.optional(Unit),
  stepupTokenExpiration: v.optional(Amount),
  stepupTokenExpirationUnit: v.optional(Unit),
  /** sign a user out after inactivityTime without activity */
  enableInactivity: v.optional(v.boolean()),
  inactivityTime: v.optional(Amount),
  inactivityTimeUnit: v.optional(Unit),
  /** no just-in-time provisioning of SSO users */
  JITDisabled: v.optional(v.boolean()),
  ssoSetupSuiteSettings: v.optional(SetupSuiteSchema),
})
export type TenantSettings = v.InferOutput<typeof TenantSettingsSchema>

const LiveUnit = v.nullish(v.union([Unit, v.literal('')]))
/** What GET answers, with the tenant id list() adds: absent and null mean the zero value. */
export const LiveTenantSettingsSchema = v.looseObject({
  tenantId: v.string(),
  ...Object.fromEntries(FLAGS.map((flag) => [flag, v.nullish(v.boolean())])) as Record<(typeof FLAGS)[number], v.NullishSchema<v.BooleanSchema<undefined>, undefined>>,
  ...Object.fromEntries(AMOUNTS.map((amount) => [amount, v.nullish(v.number())])) as Record<(typeof AMOUNTS)[number], v.NullishSchema<v.NumberSchema<undefined>, undefined>>,
  ...Object.fromEntries(UNIT_FIELDS.map((unit) => [unit, LiveUnit])) as Record<(typeof UNIT_FIELDS)[number], typeof LiveUnit>,
  ssoSetupSuiteSettings: v.nullish(v.looseObject({
    enabled: v.nullish(v.boolean()),
    styleId: v.nullish(v.string()),
    disabledFeatures: v.nullish(v.looseObject(Object.fromEntries(FEATURES.map((feature) => [feature, v.nullish(v.boolean())])))),
  })),
})
export type LiveTenantSettings = v.InferOutput<typeof LiveTenantSettingsSchema>

// typed operations for scripts: ctx.ops('tenantSettings')
declare module '../lib/contract.ts' {
  interface ResourceTypes { tenantSettings: TenantSettings }
}

export function normalizeTenantSettings(live: LiveTenantSettings): TenantSettings {
  const settings: Record<string, unknown> = { tenantId: live.tenantId }
  for (const flag of FLAGS) settings[flag] = live[flag] ?? false
  for (const amount of AMOUNTS) settings[amount] = live[amount] ?? 0
  // no unit is not a unit: left out, and so never sent
  for (const unit of UNIT_FIELDS) if (live[unit]) settings[unit] = live[unit]
  const suite = live.ssoSetupSuiteSettings
  if (suite) {
    const features = suite.disabledFeatures ?? {}
    settings.ssoSetupSuiteSettings = {
      enabled: suite.enabled ?? false,
      styleId: suite.styleId ?? '',
      disabledFeatures: Object.fromEntries(FEATURES.map((feature) => [feature, features[feature] ?? false])),
    }
  }
  return settings as TenantSettings
}

/** The tenant's own fields in a settings answer, which every POST must carry as they are. */
const TenantOwnedSchema = v.looseObject({
  domains: v.nullish(v.array(v.string())),
  selfProvisioningDomains: v.nullish(v.array(v.string())),
  authType: v.nullish(v.string()),
})
const TENANT_OWNED = ['domains', 'selfProvisioningDomains', 'authType'] as const

const readSettings = (ctx: HandlerContext, tenantId: string) => ctx.client.get<unknown>('/v1/mgmt/tenant/settings', { id: tenantId })

async function updateSettings(ctx: HandlerContext, settings: TenantSettings): Promise<void> {
  const { tenantId, ...fields } = settings
  // the tenant's fields as they are now, not as the plan read them: a tenant update may have run since
  const checked = v.safeParse(TenantOwnedSchema, await readSettings(ctx, tenantId))
  if (!checked.success) {
    throw new LiveDataError(`live tenantSettings ${JSON.stringify(tenantId)} is not of the shape the API should answer (${v.getDotPath(checked.issues[0]) ?? 'the answer'}: ${checked.issues[0].message}); nothing was changed`)
  }
  const tenantOwned = Object.fromEntries(TENANT_OWNED.filter((field) => checked.output[field] != null).map((field) => [field, checked.output[field]]))
  // every setting (a POST replaces them all), the file's over the live ones
  const zeros = normalizeTenantSettings({ tenantId })
  await ctx.client.post('/v1/mgmt/tenant/settings', { ...zeros, ...fields, ...tenantOwned, tenantId })
}

export default function tenantSettings() {
  return definePlugin({
    name: 'tenant-settings',
    handlers: [defineHandler<TenantSettings, LiveTenantSettings>({
      type: 'tenantSettings',
      section: 'tenantSettings',
      schema: TenantSettingsSchema,
      liveSchema: LiveTenantSettingsSchema,
      dependsOn: ['tenant'],
      singleton: { per: 'tenant', field: 'tenantId' },
      key: (settings) => settings.tenantId,
      references: (settings) => [{ type: 'tenant', key: settings.tenantId }],
      ownedBy: (settings) => ({ type: 'tenant', key: settings.tenantId }),
      group: (settings) => tenantGroup(settings.tenantId),
      // one GET per tenant: of the declared tenants only, when the engine names them
      list: (ctx, only) => listPerTenant(ctx, only, (tenantId) => readSettings(ctx, tenantId)),
      normalize: normalizeTenantSettings,
      // nothing switched on and no amount set: the project's settings apply, as to an undeclared tenant
      unset: (settings) => FLAGS.every((flag) => !settings[flag]) && AMOUNTS.every((amount) => !settings[amount]) && !settings.ssoSetupSuiteSettings?.enabled,
      update: (ctx, settings) => updateSettings(ctx, settings),
    })],
    emulator: defineEmulator<State>({
      state: () => ({ tenants: {} }),
      schema: v.object({ tenants: dataRecord(StoredSchema) }) as never,
      onTenantDeleted: (state, tenantId) => { delete state.tenants[tenantId] },
      routes: {
        'GET /v1/mgmt/tenant/settings': {
          mutates: false,
          handle: (request) => {
            const tenant = tenantOf(request, request.query.get('id'))
            return {
              domains: [...tenant.domains],
              selfProvisioningDomains: [...tenant.selfProvisioningDomains],
              authType: tenant.authType,
              ...(Object.hasOwn(request.state.tenants, tenant.id) ? request.state.tenants[tenant.id] : defaultSettings()),
            }
          },
        },
        'POST /v1/mgmt/tenant/settings': { mutates: true, handle: configureSettings },
      },
    }),
  })
}

// The emulator's side. Every setting is stored (those left out of a POST at their defaults) and
// served, with the tenant's own fields read from the tenant.

const Flag = v.nullish(v.boolean(), false)
const Count = v.nullish(Amount, 0)
// '' is Go's zero value for a unit
const StoredUnit = v.nullish(v.pipe(v.union([Unit, v.literal('')]), v.transform((unit) => unit || 'minutes')), 'minutes')
const StoredSchema = v.object({
  ...Object.fromEntries(FLAGS.map((flag) => [flag, Flag])) as Record<(typeof FLAGS)[number], typeof Flag>,
  ...Object.fromEntries(AMOUNTS.map((amount) => [amount, Count])) as Record<(typeof AMOUNTS)[number], typeof Count>,
  ...Object.fromEntries(UNIT_FIELDS.map((unit) => [unit, StoredUnit])) as Record<(typeof UNIT_FIELDS)[number], typeof StoredUnit>,
  ssoSetupSuiteSettings: v.nullish(v.object({
    enabled: Flag,
    styleId: v.nullish(v.string(), ''),
    disabledFeatures: v.nullish(v.object(Object.fromEntries(FEATURES.map((feature) => [feature, Flag])) as Record<(typeof FEATURES)[number], typeof Flag>), {}),
  }), {}),
})
type Stored = v.InferOutput<typeof StoredSchema>
type State = { tenants: Record<string, Stored> }

/** The settings of a tenant that never configured any. */
const defaultSettings = (): Stored => v.parse(StoredSchema, {})

type EmulatedTenant = EmulatorRequest['project']['tenants'][string]

function tenantOf(request: EmulatorRequest<State>, id: unknown): EmulatedTenant {
  if (typeof id !== 'string' || id === '') return request.fail(400, 'missing required field: the tenant id')
  if (!Object.hasOwn(request.project.tenants, id)) return request.fail(404, `tenant "${id}" does not exist`)
  return request.project.tenants[id]!
}

const sameDomains = (a: readonly string[], b: readonly string[]) =>
  isDeepStrictEqual([...new Set(a.map((domain) => domain.toLowerCase()))].sort(), [...new Set(b.map((domain) => domain.toLowerCase()))].sort())

/**
 * Replaces every setting: those left out go back to the defaults. The tenant's own fields may
 * come along unchanged (Go sends them null or empty when unset); the emulator changes them only
 * through the tenant's endpoints, and refuses a POST that would change them here.
 */
function configureSettings(request: EmulatorRequest<State>): object {
  const body = request.body ?? {}
  if (typeof body !== 'object' || Array.isArray(body)) return request.fail(400, 'the request body must be a JSON object')
  // node's TenantSettings type capitalises InactivityTime(Unit); the API, Go, Java and .NET do not
  const { tenantId, domains, selfProvisioningDomains, authType, InactivityTime, InactivityTimeUnit, ...fields } = body as Record<string, unknown>
  const tenant = tenantOf(request, tenantId)
  const settings = request.parse(StoredSchema, 'tenant settings', { inactivityTime: InactivityTime, inactivityTimeUnit: InactivityTimeUnit, ...fields })
  const owned = request.parse(TenantOwnedSchema, 'tenant settings', { domains, selfProvisioningDomains, authType })
  const changes = [
    ...(owned.domains && !sameDomains(owned.domains, tenant.domains) ? ['domains'] : []),
    ...(owned.selfProvisioningDomains && !sameDomains(owned.selfProvisioningDomains, tenant.selfProvisioningDomains) ? ['selfProvisioningDomains'] : []),
    ...(owned.authType && owned.authType !== tenant.authType ? ['authType'] : []),
  ]
  if (changes.length) return request.fail(400, `the emulator does not change a tenant's ${changes.join(', ')} through its settings; send them as the tenant has them (or not at all), and change them with POST /v1/mgmt/tenant/update`)
  // a tenant may be called `__proto__`: the key is data
  setOwn(request.state.tenants, tenant.id, settings)
  return {}
}
