// Tenants: id, name, self-provisioning domains, custom attributes, SSO enforcement, disabled,
// role inheritance, parent (sub-tenants) and default roles. Descope's tenant update replaces
// every field (node-sdk README: "Update will override all fields"), so updates always send
// the full state the engine hands us; default roles have an endpoint of their own. Paths and
// fields: node-sdk lib/management/tenant.ts, go-sdk descope/internal/mgmt/tenant.go and the
// OpenAPI document (CreateTenantRequest, UpdateTenantRequest, Tenant).
import { isDeepStrictEqual } from 'node:util'
import * as v from 'valibot'
import { unlessNotFound, type ApiClient } from '../lib/client/client.ts'
import { findCycle } from '../lib/engine/graph.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { dataRecord, displayName, jsonObject, name as schemaName, NAME_MAX, plainLines, plainText } from '../lib/config/schemas.ts'
import { defineHandler, definePlugin, readEach, type HandlerContext, type ItemIssue } from '../lib/plugin.ts'
import { attributeIssues, explainRefusal, TenantAttributesSchema, type AttributeDefinition } from './tenant-attributes.ts'

/** A DNS name: labels of letters, digits and inner hyphens; a final label of letters, or punycode (xn--). */
export const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

const AttributeText = v.pipe(v.string(), plainLines())
const AttributeValue = v.pipe(
  v.union([AttributeText, v.number(), v.boolean(), v.array(AttributeText), v.null()]),
  // JSON carries no Infinity, and -0 goes out as 0: either would differ from live forever
  v.check((value) => typeof value !== 'number' || Number.isFinite(value), 'must be a finite number'),
  v.transform((value) => (typeof value === 'number' ? value + 0 : value)),
)
/** an attribute's name is data: `constructor` or `__proto__` is as good a name as `plan` */
const AttributeName = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'), plainText())
/** a user's, group's or application's id */
const ForeignId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(256, 'must be at most 256 characters'), plainText())

export const TenantSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[^\s/?#]+$/, 'must be a non-empty id without spaces, /, ? or #'), v.maxLength(256, 'must be at most 256 characters'), plainText()),
  /** Descope publishes no limit for tenant names; 256 keeps a pasted blob out */
  name: displayName(256),
  selfProvisioningDomains: v.optional(v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.regex(DOMAIN, 'must be a domain name such as acme.com (no scheme, path or @)'))),
    v.transform(sortedUnique),
  )),
  customAttributes: v.optional(dataRecord(AttributeValue, AttributeName)),
  enforceSSO: v.optional(v.boolean()),
  /** user or group ids exempt from enforceSSO */
  enforceSSOExclusions: v.optional(v.pipe(v.array(ForeignId), v.transform(sortedUnique))),
  /** ids of the federated (SSO) applications the tenant may use */
  federatedAppIds: v.optional(v.pipe(v.array(ForeignId), v.transform(sortedUnique))),
  disabled: v.optional(v.boolean()),
  roleInheritance: v.optional(v.picklist(['', 'none', 'userOnly'])),
  /** the parent tenant's id; set at creation only */
  parent: v.optional(ForeignId),
  /** project-level role names given to the tenant's new users */
  defaultRoles: v.optional(v.pipe(v.array(schemaName(NAME_MAX)), v.transform(sortedUnique))),
})
export type Tenant = v.InferOutput<typeof TenantSchema>

// typed operations for scripts: ctx.ops('tenant')
declare module '../lib/contract.ts' {
  interface ResourceTypes { tenant: Tenant }
}

const stringList = v.nullish(v.array(v.string()))

/**
 * A tenant as GET /v1/mgmt/tenant/all returns it (OpenAPI LoadAllTenantsResponse): what the
 * toolkit relies on is checked, the rest kept as it is. Absent and null mean "not set".
 */
export const LiveTenantSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  selfProvisioningDomains: stringList,
  customAttributes: v.nullish(jsonObject),
  enforceSSO: v.nullish(v.boolean()),
  enforceSSOExclusions: stringList,
  federatedAppIds: stringList,
  disabled: v.nullish(v.boolean()),
  roleInheritance: v.nullish(v.string()),
  parent: v.nullish(v.string()),
  defaultRoles: stringList,
  createdTime: v.nullish(v.number()),
})
export type LiveTenant = v.InferOutput<typeof LiveTenantSchema>

/**
 * A tenant load's answer: the Java SDK reads it bare and the .NET SDK as `{ tenant }`, both in CI
 * against the real API (descope-java TenantServiceImplTest, descope-dotnet TenantTests.cs), so it
 * may well carry both; the bare fields win.
 */
function loadedTenant(answer: unknown): unknown {
  const wrapped = typeof answer === 'object' && answer !== null && !Object.hasOwn(answer, 'id') ? (answer as { tenant?: unknown }).tenant : undefined
  return wrapped ?? answer
}

/** Typed tenant operations for one-off scripts and the handler below. */
export function tenantApi(client: ApiClient) {
  return {
    loadAll: async () => (await client.get<{ tenants?: LiveTenant[] }>('/v1/mgmt/tenant/all')).tenants ?? [],
    /** undefined when no tenant has this id */
    load: async (id: string) => {
      const answer = await unlessNotFound(client.get<unknown>('/v1/mgmt/tenant', { id }))
      return answer === undefined ? undefined : loadedTenant(answer)
    },
    /** creates the tenant; default roles need updateDefaultRoles afterwards */
    create: ({ defaultRoles: _separate, ...tenant }: Tenant) => client.post<{ id: string }>('/v1/mgmt/tenant/create', tenant),
    /** replaces every field but the parent (fixed) and the default roles (their own endpoint) */
    update: ({ parent: _immutable, defaultRoles: _separate, ...tenant }: Tenant) => client.post('/v1/mgmt/tenant/update', tenant),
    updateDefaultRoles: (id: string, defaultRoles: string[]) => client.post('/v1/mgmt/tenant/updateDefaultRoles', { id, defaultRoles }),
    delete: (id: string) => client.post('/v1/mgmt/tenant/delete', { id }),
  }
}

/**
 * What each tenant has once (its settings, its password policy, its SSO settings), read by `read`,
 * each answer with the tenant's id added as `tenantId`: of every tenant, or, given `only`, of those
 * of the tenants named there that exist (a tenant the apply is yet to create has none). One
 * request lists the tenants, then one per tenant read; a read that answers undefined (a tenant
 * deleted since the list) has nothing. An answer of an unexpected shape is passed on as it is,
 * for the engine to refuse.
 */
/**
 * The group of a tenant's writes (ResourceHandler.group): the tenant's own, its settings' and its
 * SSO's, which each send fields the others set, so they run one at a time.
 */
export const tenantGroup = (tenantId: string): string => `tenant:${tenantId}`

export async function listPerTenant(ctx: Pick<HandlerContext, 'client' | 'progress'>, only: string[] | undefined, read: (tenantId: string) => Promise<unknown>): Promise<unknown> {
  const tenants: unknown = await tenantApi(ctx.client).loadAll()
  if (!Array.isArray(tenants)) return tenants
  const wanted = only && new Set(only)
  const ids = tenants.map((tenant) => (tenant as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string' && (!wanted || wanted.has(id)))
  const answers = await readEach(ctx, ids, async (tenantId) => {
    const answer = await read(tenantId)
    return answer !== null && typeof answer === 'object' && !Array.isArray(answer) ? { ...answer, tenantId } : answer
  })
  return answers.filter((answer) => answer !== undefined)
}

export function normalizeTenant(live: LiveTenant): Tenant {
  return {
    id: live.id,
    name: live.name,
    selfProvisioningDomains: sortedUnique((live.selfProvisioningDomains ?? []).map((domain) => domain.toLowerCase())),
    customAttributes: (live.customAttributes ?? {}) as Tenant['customAttributes'],
    enforceSSO: live.enforceSSO ?? false,
    enforceSSOExclusions: sortedUnique(live.enforceSSOExclusions ?? []),
    federatedAppIds: sortedUnique(live.federatedAppIds ?? []),
    disabled: live.disabled ?? false,
    roleInheritance: (live.roleInheritance ?? '') as Tenant['roleInheritance'],
    ...(live.parent ? { parent: live.parent } : {}),
    defaultRoles: sortedUnique(live.defaultRoles ?? []),
  }
}

/** Names unique, no domain claimed twice, no tenant its own ancestor. */
export function checkTenants(tenants: Tenant[]): ItemIssue[] {
  const issues: ItemIssue[] = []
  const names = new Map<string, string>()
  const domains = new Map<string, string>()
  tenants.forEach((tenant, index) => {
    const sameName = names.get(tenant.name.toLowerCase())
    if (sameName) issues.push({ index, field: 'name', message: `tenant "${tenant.id}" has the name "${tenant.name}", already used by tenant "${sameName}"`, fix: 'give each tenant its own name' })
    names.set(tenant.name.toLowerCase(), tenant.id)
    for (const domain of tenant.selfProvisioningDomains ?? []) {
      const owner = domains.get(domain)
      if (owner && owner !== tenant.id) issues.push({ index, field: 'selfProvisioningDomains', message: `domain "${domain}" is claimed by tenants "${owner}" and "${tenant.id}"`, fix: 'a domain can self-provision into one tenant only; remove it from one of them' })
      domains.set(domain, tenant.id)
    }
  })
  const parentOf = new Map(tenants.map((tenant) => [tenant.id, tenant.parent]))
  const parents = (id: string) => { const parent = parentOf.get(id); return parent ? [parent] : [] }
  tenants.forEach((tenant, index) => {
    // each tenant on a cycle is named; one whose parents only lead into it is not its own ancestor
    const cycle = findCycle([tenant.id], parents)
    if (cycle?.[0] === tenant.id) issues.push({ index, field: 'parent', message: `tenant "${tenant.id}" is its own ancestor (${cycle.join(' → ')})`, fix: 'break the parent cycle' })
  })
  return issues
}

export default function tenants() {
  return definePlugin({
    name: 'tenants',
    handlers: [defineHandler<Tenant, LiveTenant>({
      type: 'tenant',
      section: 'tenants',
      schema: TenantSchema,
      liveSchema: LiveTenantSchema,
      dependsOn: ['role'],
      key: (tenant) => tenant.id,
      // what is stored on the tenant beside it (its settings, sent with its domains) is written one at a time with it
      group: (tenant) => tenantGroup(tenant.id),
      references: (tenant) => [
        ...(tenant.parent ? [{ type: 'tenant', key: tenant.parent }] : []),
        ...(tenant.defaultRoles ?? []).map((role) => ({ type: 'role', key: role })),
      ],
      immutable: ['parent'],
      // user, group and application ids are the project's own
      environmentSpecific: ['enforceSSOExclusions', 'federatedAppIds'],
      // Descope lets one tenant at a time hold a self-provisioning domain, or a name
      claims: (tenant) => [
        `name "${tenant.name.toLowerCase()}"`,
        ...(tenant.selfProvisioningDomains ?? []).map((domain) => `domain "${domain}"`),
      ],
      settings: { tenantAttributes: TenantAttributesSchema },
      check: (tenants, settings) => [...checkTenants(tenants), ...attributeIssues(tenants, settings.tenantAttributes as AttributeDefinition[] | undefined)],
      list: (ctx) => tenantApi(ctx.client).loadAll(),
      load: (ctx, id) => tenantApi(ctx.client).load(id),
      normalize: normalizeTenant,
      create: async (ctx, tenant) => {
        const api = tenantApi(ctx.client)
        await api.create(tenant).catch((error: unknown) => { throw explainRefusal(error, tenant) })
        if (tenant.defaultRoles?.length) await api.updateDefaultRoles(tenant.id, tenant.defaultRoles)
      },
      update: async (ctx, tenant, current) => {
        const api = tenantApi(ctx.client)
        const { defaultRoles, ...fields } = tenant
        const { defaultRoles: liveDefaultRoles, ...liveFields } = current!.item
        if (!isDeepStrictEqual(fields, liveFields)) await api.update(tenant).catch((error: unknown) => { throw explainRefusal(error, tenant) })
        if (!isDeepStrictEqual(defaultRoles ?? [], liveDefaultRoles ?? [])) await api.updateDefaultRoles(tenant.id, defaultRoles ?? [])
      },
      delete: async (ctx, { item: tenant }) => { await tenantApi(ctx.client).delete(tenant.id) },
    })],
  })
}
