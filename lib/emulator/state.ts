import * as v from 'valibot'

// The emulator's whole state: a plain JSON-serialisable object. The schemas are the one source
// of truth for both the TypeScript types and the check of a persisted file. New resource families
// (permissions, roles, flows, theme) add a key with a default, so older state files still load.

export const AttributeValueSchema = v.union([
  v.string(),
  v.number(),
  v.boolean(),
  v.array(v.string()),
  v.null(),
])
export const RoleInheritanceSchema = v.picklist(['', 'none', 'userOnly'])
export const ExpirationUnitSchema = v.picklist(['minutes', 'hours', 'days', 'weeks'])

/**
 * A tenant as stored (descope-api.md §3.1) minus `successors`, which is derived from the other
 * tenants' `parent` when a tenant is served, so it can never disagree with them.
 * `parent` is '' for a top-level tenant (always present, never omitted).
 */
export const StoredTenantSchema = v.object({
  id: v.string(),
  name: v.string(),
  selfProvisioningDomains: v.array(v.string()),
  customAttributes: v.record(v.string(), AttributeValueSchema),
  authType: v.picklist(['none', 'saml', 'oidc']),
  domains: v.array(v.string()),
  createdTime: v.number(),
  disabled: v.boolean(),
  enforceSSO: v.boolean(),
  enforceSSOExclusions: v.array(v.string()),
  federatedAppIds: v.array(v.string()),
  parent: v.string(),
  defaultRoles: v.array(v.string()),
  roleInheritance: RoleInheritanceSchema,
})
export type StoredTenant = v.InferOutput<typeof StoredTenantSchema>
export type Tenant = StoredTenant & { successors: string[] }

/**
 * Tenant settings as stored (§3.2) minus the fields that belong to the tenant itself
 * (`domains`, `selfProvisioningDomains`, `authType`), which are read from the tenant.
 */
export const StoredTenantSettingsSchema = v.object({
  enabled: v.boolean(),
  refreshTokenExpiration: v.number(),
  refreshTokenExpirationUnit: ExpirationUnitSchema,
  sessionTokenExpiration: v.number(),
  sessionTokenExpirationUnit: ExpirationUnitSchema,
  stepupTokenExpiration: v.number(),
  stepupTokenExpirationUnit: ExpirationUnitSchema,
  enableInactivity: v.boolean(),
  inactivityTime: v.number(),
  inactivityTimeUnit: ExpirationUnitSchema,
  JITDisabled: v.boolean(),
  ssoSetupSuiteSettings: v.object({
    enabled: v.boolean(),
    styleId: v.string(),
    disabledFeatures: v.object({
      saml: v.boolean(),
      oidc: v.boolean(),
      scim: v.boolean(),
      ssoDomains: v.boolean(),
      groupMapping: v.boolean(),
    }),
  }),
})
export type StoredTenantSettings = v.InferOutput<typeof StoredTenantSettingsSchema>

export const EmulatorStateSchema = v.object({
  tenants: v.optional(v.record(v.string(), StoredTenantSchema), {}),
  /** Only tenants whose settings were configured have an entry; the rest read the defaults. */
  tenantSettings: v.optional(v.record(v.string(), StoredTenantSettingsSchema), {}),
})
export type EmulatorState = v.InferOutput<typeof EmulatorStateSchema>

export function emptyState(): EmulatorState {
  return { tenants: {}, tenantSettings: {} }
}
