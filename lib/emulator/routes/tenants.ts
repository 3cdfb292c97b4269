import * as v from 'valibot'
import { dataRecord } from '../../config/schemas.ts'
import { ReplyError } from '../errors.ts'
import { randomId } from '../ids.ts'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import { AttributeValueSchema, RoleInheritanceSchema, type EmulatorState, type StoredTenant, type TenantAttributeDefinition } from '../state.ts'
import { parseBody, requireQuery, StringList } from '../validate.ts'
import { assertProjectRolesExist, deleteTenantRoles } from './role-store.ts'
import { allTenants, assertDomainsFree, assertNameFree, findTenant, serveTenant, serveTenants } from './tenant-store.ts'

// Tenant CRUD and search (node-sdk lib/management/tenant.ts; go-sdk internal/mgmt/tenant.go).
// Settings and admin links have their own modules.

// every key kept: an attribute may be called `constructor` (v.record drops it)
const AttributesSchema = dataRecord(AttributeValueSchema)

// Fields that create and update both take. nullish: other SDKs may send null for "not set".
// authType is not taken: it reflects the tenant's SSO configuration, which the tenant SSO
// plugin's emulator part keeps (plugins/tenant-sso-emulator.ts); a tenant here always shows none.
const TenantFields = {
  name: v.string(),
  selfProvisioningDomains: v.nullish(StringList),
  customAttributes: v.nullish(AttributesSchema),
  enforceSSO: v.nullish(v.boolean()),
  enforceSSOExclusions: v.nullish(StringList),
  federatedAppIds: v.nullish(StringList),
  disabled: v.nullish(v.boolean()),
  roleInheritance: v.nullish(RoleInheritanceSchema),
}
const CreateBody = v.object({ id: v.nullish(v.string()), parent: v.nullish(v.string()), ...TenantFields })
const UpdateBody = v.object({ id: v.string(), ...TenantFields })
const DefaultRolesBody = v.object({ id: v.string(), defaultRoles: v.nullish(StringList) })
const DeleteBody = v.object({ id: v.string(), cascade: v.nullish(v.boolean()) })
const SearchBody = v.object({
  tenantIds: v.nullish(StringList),
  tenantNames: v.nullish(StringList),
  tenantSelfProvisioningDomains: v.nullish(StringList),
  customAttributes: v.nullish(AttributesSchema),
  parentTenantId: v.nullish(v.string()),
  // Not sent by node; OAS lists the first two, Go sends authType.
  tenantSSODomains: v.nullish(StringList),
  topLevelOnly: v.nullish(v.boolean()),
  authType: v.nullish(v.string()),
})

type EditableFields = v.InferOutput<typeof UpdateBody>

/** Every editable field, with omitted ones at their defaults: update replaces the whole tenant (README). */
/**
 * ASSUMED (likely, unconfirmed; node-sdk PR #178): with attributes defined, Descope refuses a
 * tenant write naming an undefined one, or a value not of its type, with a 400. The wording is the
 * emulator's.
 */
function assertAttributesDefined(state: EmulatorState, attributes: Record<string, unknown>): void {
  const definitions = state.tenantAttributes
  if (!definitions) return
  for (const [name, value] of Object.entries(attributes)) {
    const definition = definitions.find((candidate) => candidate.id === name)
    if (!definition) throw new ReplyError('invalid', `custom attribute "${name}" is not defined for tenants in this project`)
    if (value !== null && !fitsType(definition, value)) throw new ReplyError('invalid', `custom attribute "${name}" must be of type ${definition.type}`)
  }
}

function fitsType(definition: TenantAttributeDefinition, value: unknown): boolean {
  const options = definition.options ?? []
  switch (definition.type) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number'
    case 'boolean': return typeof value === 'boolean'
    case 'date': return typeof value === 'string' || typeof value === 'number'
    case 'singleselect': return typeof value === 'string' && options.includes(value)
    case 'multiselect': return Array.isArray(value) && value.every((item) => options.includes(item))
  }
}

function editable(body: Omit<EditableFields, 'id'>) {
  return {
    name: body.name,
    selfProvisioningDomains: body.selfProvisioningDomains ?? [],
    customAttributes: body.customAttributes ?? {},
    enforceSSO: body.enforceSSO ?? false,
    enforceSSOExclusions: body.enforceSSOExclusions ?? [],
    federatedAppIds: body.federatedAppIds ?? [],
    disabled: body.disabled ?? false,
    roleInheritance: body.roleInheritance ?? '',
  }
}

/** The real id format is UNCONFIRMED; this mimics the 28-character shape of other Descope ids. */
function generateTenantId(state: EmulatorState): string {
  return randomId('T2', 26, (id) => state.tenants[id] !== undefined)
}

function create({ state, body }: RouteContext) {
  const request = parseBody(CreateBody, body, ['name'])
  if (request.id === '') throw new ReplyError('invalid', 'id must not be empty; omit it to have one generated')
  if (request.id && state.tenants[request.id]) {
    throw new ReplyError('alreadyExists', `tenant "${request.id}" already exists`)
  }
  const parent = request.parent ?? ''
  if (parent && !state.tenants[parent]) throw new ReplyError('invalid', `parent tenant "${parent}" does not exist`)
  const fields = editable(request)
  assertNameFree(state, fields.name)
  assertDomainsFree(state, fields.selfProvisioningDomains)
  assertAttributesDefined(state, fields.customAttributes)

  const id = request.id ?? generateTenantId(state)
  // Keys in about the order of the OpenAPI Tenant schema, so served JSON reads like the docs.
  state.tenants[id] = {
    id,
    name: fields.name,
    selfProvisioningDomains: fields.selfProvisioningDomains,
    customAttributes: fields.customAttributes,
    authType: 'none',
    domains: [],
    createdTime: Math.floor(Date.now() / 1000), // epoch seconds
    disabled: fields.disabled,
    enforceSSO: fields.enforceSSO,
    enforceSSOExclusions: fields.enforceSSOExclusions,
    federatedAppIds: fields.federatedAppIds,
    parent,
    defaultRoles: [],
    roleInheritance: fields.roleInheritance,
  }
  return { id }
}

function update({ state, body }: RouteContext) {
  const request = parseBody(UpdateBody, body, ['id', 'name'])
  const current = findTenant(state, request.id)
  const fields = editable(request)
  assertNameFree(state, fields.name, current.id)
  assertDomainsFree(state, fields.selfProvisioningDomains, current.id)
  assertAttributesDefined(state, fields.customAttributes)
  // parent is not updatable; defaultRoles have their own endpoint, so both survive an update.
  state.tenants[current.id] = { ...current, ...fields }
  return {}
}

function updateDefaultRoles({ state, body }: RouteContext) {
  const request = parseBody(DefaultRolesBody, body, ['id'])
  const current = findTenant(state, request.id)
  const defaultRoles = request.defaultRoles ?? []
  assertProjectRolesExist(state, defaultRoles, 'defaultRoles')
  state.tenants[current.id] = { ...current, defaultRoles }
  return {}
}

function remove({ state, body }: RouteContext) {
  // cascade only concerns users and access keys, which the emulator does not hold.
  const request = parseBody(DeleteBody, body, ['id'])
  const tenant = serveTenant(state, findTenant(state, request.id))
  if (tenant.successors.length > 0) {
    throw new ReplyError(
      'invalid',
      `tenant "${tenant.id}" has sub-tenants (${tenant.successors.join(', ')}); delete them first`,
    )
  }
  delete state.tenants[tenant.id]
  deleteTenantRoles(state, tenant.id)
  return {}
}

/**
 * Unwrapped, as node, Go, Java and Python read it (DISCREPANCY: OAS, the docs and the .NET
 * SDK read `{ tenant }`); `variants.tenantLoad` gives the other answers.
 */
function load({ state, query: params, variants }: RouteContext) {
  const tenant = serveTenant(state, findTenant(state, requireQuery(params, 'id')))
  if (variants.tenantLoad === 'wrapped') return { tenant }
  return variants.tenantLoad === 'both' ? { ...tenant, tenant } : tenant
}

function loadAll({ state }: RouteContext) {
  return { tenants: serveTenants(state, allTenants(state)) }
}

/**
 * Matching is UNCONFIRMED (no SDK or doc says); assumed: filters combine with AND, a list matches
 * any of its values exactly, domains compare case-insensitively, an empty list or value is no
 * filter, and a custom attribute matches when equal (or, given a list, when the tenant's scalar is
 * in it).
 */
function search({ state, body }: RouteContext) {
  const filter = parseBody(SearchBody, body)
  const anyOf = (list: string[] | null | undefined, test: (value: string) => boolean) =>
    !list || list.length === 0 || list.some(test)
  const domains = filter.tenantSelfProvisioningDomains?.map((d) => d.toLowerCase())
  const matches = (tenant: StoredTenant) =>
    anyOf(filter.tenantIds, (id) => id === tenant.id) &&
    anyOf(filter.tenantNames, (name) => name === tenant.name) &&
    anyOf(domains, (domain) => tenant.selfProvisioningDomains.some((d) => d.toLowerCase() === domain)) &&
    Object.entries(filter.customAttributes ?? {}).every(([key, wanted]) =>
      attributeMatches(Object.hasOwn(tenant.customAttributes, key) ? tenant.customAttributes[key] : undefined, wanted),
    ) &&
    (!filter.parentTenantId || tenant.parent === filter.parentTenantId) &&
    anyOf(filter.tenantSSODomains, (domain) => tenant.domains.includes(domain)) &&
    (!filter.topLevelOnly || tenant.parent === '') &&
    (!filter.authType || tenant.authType === filter.authType)
  return { tenants: serveTenants(state, allTenants(state).filter(matches)) }
}

function attributeMatches(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted) && !Array.isArray(actual)) return wanted.includes(actual)
  return JSON.stringify(actual) === JSON.stringify(wanted)
}

export const tenantRoutes: RouteTable = {
  'POST /v1/mgmt/tenant/create': mutation(create),
  'POST /v1/mgmt/tenant/update': mutation(update),
  'POST /v1/mgmt/tenant/updateDefaultRoles': mutation(updateDefaultRoles),
  'POST /v1/mgmt/tenant/delete': mutation(remove),
  'GET /v1/mgmt/tenant': query(load),
  'GET /v1/mgmt/tenant/all': query(loadAll),
  'POST /v1/mgmt/tenant/search': query(search),
}
