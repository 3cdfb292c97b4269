import * as v from 'valibot'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import type { StoredTenantSettings } from '../state.ts'
import { parseBody, requireQuery, StringList } from '../validate.ts'
import { assertDomainsFree, findTenant } from './tenant-store.ts'

// Tenant session settings (descope-api.md §2.1 getSettings/configureSettings, shape §3.2).

// Every setting with its default. The real defaults are UNCONFIRMED; zero values say "not
// overridden at tenant level" (the project's session settings apply). nullish: Go and others may
// send null or zero values for "not set"; '' is Go's zero value for a unit.
const Flag = v.nullish(v.boolean(), false)
const Count = v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0)), 0)
const Unit = v.nullish(
  v.pipe(
    v.picklist(['', 'minutes', 'hours', 'days', 'weeks']),
    v.transform((unit) => unit || 'minutes'),
  ),
  'minutes',
)
const SettingsFields = v.object({
  enabled: Flag,
  refreshTokenExpiration: Count,
  refreshTokenExpirationUnit: Unit,
  sessionTokenExpiration: Count,
  sessionTokenExpirationUnit: Unit,
  stepupTokenExpiration: Count,
  stepupTokenExpirationUnit: Unit,
  enableInactivity: Flag,
  inactivityTime: Count,
  inactivityTimeUnit: Unit,
  JITDisabled: Flag,
  ssoSetupSuiteSettings: v.nullish(
    v.object({
      enabled: Flag,
      styleId: v.nullish(v.string(), ''),
      disabledFeatures: v.nullish(
        v.object({ saml: Flag, oidc: Flag, scim: Flag, ssoDomains: Flag, groupMapping: Flag }),
        {},
      ),
    }),
    {},
  ),
})
const SettingsBody = v.object({
  ...SettingsFields.entries,
  tenantId: v.string(),
  selfProvisioningDomains: v.nullish(StringList),
})

/** The settings of a tenant that never configured any. */
export function defaultTenantSettings(): StoredTenantSettings {
  return v.parse(SettingsFields, {})
}

/** node's TenantSettings type capitalises InactivityTime(Unit); OAS and Go do not (§2.1). Accept both. */
function unalias(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body
  const { InactivityTime, InactivityTimeUnit, ...rest } = body as Record<string, unknown>
  return { inactivityTime: InactivityTime, inactivityTimeUnit: InactivityTimeUnit, ...rest }
}

function getSettings({ state, query: params }: RouteContext) {
  const tenant = findTenant(state, requireQuery(params, 'id'))
  return {
    domains: tenant.domains,
    selfProvisioningDomains: tenant.selfProvisioningDomains,
    authType: tenant.authType,
    ...(state.tenantSettings[tenant.id] ?? defaultTenantSettings()),
  }
}

/**
 * Assumed to replace every setting, like tenant update: omitted ones go back to the defaults.
 * Exception: selfProvisioningDomains belongs to the tenant, so it changes only when sent.
 */
function configureSettings({ state, body }: RouteContext) {
  const { tenantId, selfProvisioningDomains, ...settings } = parseBody(SettingsBody, unalias(body), ['tenantId'])
  const tenant = findTenant(state, tenantId)
  if (selfProvisioningDomains) {
    assertDomainsFree(state, selfProvisioningDomains, tenant.id)
    state.tenants[tenant.id] = { ...tenant, selfProvisioningDomains }
  }
  state.tenantSettings[tenant.id] = settings
  return {}
}

export const tenantSettingsRoutes: RouteTable = {
  'GET /v1/mgmt/tenant/settings': query(getSettings),
  'POST /v1/mgmt/tenant/settings': mutation(configureSettings),
}
