import * as v from 'valibot'
import { dataRecord, jsonObject } from '../config/schemas.ts'

// The emulator's whole state: a plain JSON-serialisable object. The schemas are the one source
// of truth for both the TypeScript types and the check of a persisted file. Every key added after
// the first release has a default, so older state files still load; a key no longer kept here (the
// SSO applications, now plugins/sso-apps.ts's part) is dropped when such a file is read.

export const AttributeValueSchema = v.union([
  v.string(),
  v.number(),
  v.boolean(),
  v.array(v.string()),
  v.null(),
])
export const RoleInheritanceSchema = v.picklist(['', 'none', 'userOnly'])

/**
 * A tenant as stored (OpenAPI Tenant) minus `successors`, which is derived from the other
 * tenants' `parent` when a tenant is served, so it can never disagree with them.
 * `parent` is '' for a top-level tenant (always present, never omitted).
 */
export const StoredTenantSchema = v.object({
  id: v.string(),
  name: v.string(),
  selfProvisioningDomains: v.array(v.string()),
  // every key kept: an attribute may be called `constructor` (v.record drops it)
  customAttributes: dataRecord(AttributeValueSchema),
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
 * A permission as stored and served (OpenAPI Permission). Ids are the emulator's own ('PRM' + 25
 * characters).
 */
export const PermissionSchema = v.object({
  id: v.string(),
  name: v.string(),
  description: v.string(),
  systemDefault: v.boolean(),
})
export type Permission = v.InferOutput<typeof PermissionSchema>

/**
 * A role as stored and served (OpenAPI Role). `tenantId` is '' for a project-level role (always present,
 * never omitted, like a tenant's `parent`). A role's identity is (tenantId, name).
 */
export const RoleSchema = v.object({
  id: v.string(),
  name: v.string(),
  description: v.string(),
  permissionNames: v.array(v.string()),
  createdTime: v.number(),
  tenantId: v.string(),
  default: v.boolean(),
  private: v.boolean(),
})
export type Role = v.InferOutput<typeof RoleSchema>

/** Arbitrary JSON objects: flow and theme contents are opaque to the emulator, every key kept. */
export const JsonObjectSchema = jsonObject
export type JsonObject = v.InferOutput<typeof JsonObjectSchema>

/**
 * Items by id or name: ids are data, so the record has no prototype (a tenant called
 * `toString` or `__proto__` is found, or not, like any other).
 */
const byKey = <TSchema extends v.GenericSchema>(schema: TSchema) =>
  v.optional(v.pipe(dataRecord(schema), v.transform((items) => keyed(items))), () => keyed({}))

/** A copy of `items` without a prototype. */
export const keyed = <T>(items: Record<string, T>): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, items)

/**
 * A flow in the v2 export shape (OpenAPI ExportedFlow) plus the fields the server maintains itself:
 * `version` (+1 per import), `etag` (new per import) and `modifiedTime` (epoch ms as a string, as
 * protobuf renders int64). `references.roles` holds THIS project's role ids.
 */
export const StoredFlowSchema = v.object({
  flowId: v.string(),
  metadata: JsonObjectSchema,
  contents: JsonObjectSchema,
  screens: v.array(JsonObjectSchema),
  references: JsonObjectSchema,
  version: v.number(),
  etag: v.string(),
  modifiedTime: v.string(),
})
export type StoredFlow = v.InferOutput<typeof StoredFlowSchema>

/** The project's one theme in the v2 shape (OpenAPI ExportedTheme) plus the server-managed `version`. */
export const StoredThemeSchema = v.object({
  styles: JsonObjectSchema,
  componentsVersion: v.string(),
  references: JsonObjectSchema,
  version: v.number(),
})
export type StoredTheme = v.InferOutput<typeof StoredThemeSchema>

/**
 * A tenant custom attribute as defined in the console (no public endpoint makes one;
 * terraform-provider-descope attributes/tenant.go). The emulator is given them to refuse an
 * undefined attribute as Descope likely does.
 */
export const TenantAttributeDefinitionSchema = v.object({
  id: v.string(),
  type: v.picklist(['string', 'number', 'boolean', 'singleselect', 'multiselect', 'date']),
  options: v.optional(v.array(v.string())),
})
export type TenantAttributeDefinition = v.InferOutput<typeof TenantAttributeDefinitionSchema>

const StateFileSchema = v.object({
  tenants: byKey(StoredTenantSchema),
  /**
   * Written by versions before tenant settings moved into their plugin (plugins/tenant-settings.ts):
   * read, and moved into that plugin's part below (which checks it), never written again
   */
  tenantSettings: v.optional(dataRecord(jsonObject)),
  /** Keyed by id. */
  permissions: byKey(PermissionSchema),
  /** Keyed by id; project-level and tenant-scoped roles together. */
  roles: byKey(RoleSchema),
  /** Keyed by flowId. */
  flows: byKey(StoredFlowSchema),
  /** null until a theme is imported; export then serves a default empty theme. */
  theme: v.optional(v.nullable(StoredThemeSchema), null),
  /** The tenant attributes the project defines; null: any attribute is accepted (not enforced). */
  tenantAttributes: v.optional(v.nullable(v.array(TenantAttributeDefinitionSchema)), null),
  /**
   * What plugins add (extensions.ts), by plugin name, opaque JSON to the emulator: kept as it
   * is, also for a plugin not configured in this run
   */
  plugins: v.optional(v.pipe(dataRecord(jsonObject), v.transform((parts) => keyed(parts))), () => keyed({})),
})
/** the plugin (plugins/tenant-settings.ts) that now keeps the tenant settings of older state files */
const LEGACY_TENANT_SETTINGS = 'tenant-settings'

/** The state in a file, with what older versions kept elsewhere moved to where it is kept now. */
export const EmulatorStateSchema = v.pipe(StateFileSchema, v.transform(({ tenantSettings, ...state }) => {
  if (tenantSettings && Object.keys(tenantSettings).length && !Object.hasOwn(state.plugins, LEGACY_TENANT_SETTINGS)) state.plugins[LEGACY_TENANT_SETTINGS] = { tenants: tenantSettings }
  return state
}))
export type EmulatorState = v.InferOutput<typeof EmulatorStateSchema>

export function emptyState(): EmulatorState {
  return { tenants: keyed({}), permissions: keyed({}), roles: keyed({}), flows: keyed({}), theme: null, tenantAttributes: null, plugins: keyed({}) }
}
