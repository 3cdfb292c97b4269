// Access keys (machine-to-machine): name, description, project roles, tenant roles, expiry,
// permitted IPs, custom claims and attributes, active or not (go-sdk internal/mgmt/accesskey.go).
//
// Confirmed by node-sdk 2.13.0 (lib/management/accesskey.ts) and the OpenAPI document: the paths,
// the request fields (roleNames, keyTenants [{ tenantId, roleNames }], customClaims, permittedIps,
// customAttributes), `{ key, cleartext }` from create, `{ keys }` from search, update replacing
// name, description, roles, tenants, claims, IPs and attributes, and activate/deactivate as
// their own endpoints. ASSUMED: expireTime is epoch seconds (0: never) and cannot be changed by
// an update (update takes no expireTime); status is "active" or "inactive" (Terraform validates
// those two); names are not unique (a key is addressed by its id), so a create is sent once.
// Not managed: the user a key is bound to (a per-project user id), and rotation.
import * as v from 'valibot'
import { description, DESCRIPTION_MAX, displayName, jsonObject, name as schemaName, NAME_MAX, plainText, setOwn } from '../lib/config/schemas.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'

const RoleNames = v.pipe(v.array(schemaName(NAME_MAX)), v.transform(sortedUnique))
/** an IPv4 or IPv6 address, or a CIDR range: checked for shape, the API checks the rest */
const PermittedIp = v.pipe(v.string(), v.regex(/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/, 'must be an IP address or a CIDR range such as 10.0.0.0/8'))
const KeyTenant = v.strictObject({
  tenantId: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(256), plainText()),
  roleNames: v.optional(RoleNames),
})

export const AccessKeySchema = v.strictObject({
  /** the key's name: how it is known in every environment (Descope addresses it by an id of its own) */
  name: displayName(256),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** project roles; a key with tenants takes its roles per tenant instead */
  roleNames: v.optional(RoleNames),
  tenants: v.optional(v.pipe(
    v.array(KeyTenant),
    v.transform((tenants) => tenants.map((tenant) => ({ tenantId: tenant.tenantId, roleNames: tenant.roleNames ?? [] })).sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0))),
  )),
  /** when it expires, in seconds since 1970 (0: never); set at creation only */
  expireTime: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  permittedIps: v.optional(v.pipe(v.array(PermittedIp), v.transform(sortedUnique))),
  /** claims every token of this key carries */
  customClaims: v.optional(jsonObject),
  /** any JSON, as the API takes it (node-sdk types it Record<string, any>) */
  customAttributes: v.optional(jsonObject),
  /** false: deactivated, it cannot be used until activated again */
  active: v.optional(v.boolean()),
})
export type AccessKey = v.InferOutput<typeof AccessKeySchema>

/**
 * An access key as search and load return it (go-sdk AccessKeyResponse); absent and null mean "not
 * set".
 */
export const LiveAccessKeySchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  description: v.nullish(v.string()),
  roleNames: v.nullish(v.array(v.string())),
  keyTenants: v.nullish(v.array(v.looseObject({ tenantId: v.string(), roleNames: v.nullish(v.array(v.string())) }))),
  status: v.nullish(v.string()),
  expireTime: v.nullish(v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))])),
  permittedIps: v.nullish(v.array(v.string())),
  customClaims: v.nullish(jsonObject),
  customAttributes: v.nullish(jsonObject),
})
export type LiveAccessKey = v.InferOutput<typeof LiveAccessKeySchema>

// typed operations for scripts: ctx.ops('accessKey')
declare module '../lib/contract.ts' {
  interface ResourceTypes { accessKey: AccessKey }
}

export function normalizeAccessKey(live: LiveAccessKey): AccessKey {
  return {
    // the file's names are trimmed: a live `ci ` is the file's `ci`, not another key beside it
    name: live.name.trim(),
    description: live.description ?? '',
    roleNames: sortedUnique(live.roleNames ?? []),
    tenants: (live.keyTenants ?? []).map((tenant) => ({ tenantId: tenant.tenantId, roleNames: sortedUnique(tenant.roleNames ?? []) }))
      .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0)),
    expireTime: live.expireTime ?? 0,
    permittedIps: sortedUnique(live.permittedIps ?? []),
    customClaims: (live.customClaims ?? {}) as AccessKey['customClaims'],
    customAttributes: (live.customAttributes ?? {}) as AccessKey['customAttributes'],
    active: live.status !== 'inactive',
  }
}

/** "expired on 2026-11-01", when its expiry has passed */
export function expiryNotes(key: AccessKey, now = Date.now()): string[] {
  if (!key.expireTime || key.expireTime * 1000 > now) return []
  return [`expired on ${new Date(key.expireTime * 1000).toISOString().slice(0, 10)}: it no longer works; make a new key (expiry is set at creation only)`]
}

/** What create and update send (they take the same fields but the expiry and the status). */
const body = (key: AccessKey) => ({
  name: key.name,
  description: key.description ?? '',
  roleNames: key.roleNames ?? [],
  keyTenants: (key.tenants ?? []).map((tenant) => ({ tenantId: tenant.tenantId, roleNames: tenant.roleNames })),
  customClaims: key.customClaims ?? {},
  permittedIps: key.permittedIps ?? [],
  customAttributes: key.customAttributes ?? {},
})

/** Typed access key operations for one-off scripts and the handler below. */
export function accessKeyApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    searchAll: async () => (await client.post<{ keys?: unknown[] }>('/v1/mgmt/accesskey/search', {})).keys ?? [],
    /** names are not unique: a create whose answer was lost must not be sent again (the engine checks live) */
    create: (key: AccessKey) => client.post<{ key: { id: string }; cleartext: string }>('/v1/mgmt/accesskey/create', { ...body(key), expireTime: key.expireTime ?? 0 }, { once: true }),
    update: (id: string, key: AccessKey) => client.post('/v1/mgmt/accesskey/update', { id, ...body(key) }),
    activate: (id: string) => client.post('/v1/mgmt/accesskey/activate', { id }),
    deactivate: (id: string) => client.post('/v1/mgmt/accesskey/deactivate', { id }),
    delete: (id: string) => client.post('/v1/mgmt/accesskey/delete', { id }),
  }
}

/** a tenant's role by name is one of its own (`acme/Billing Admin`) or, else, a project role */
const roleReferences = (tenantId: string | undefined, names: string[] = []) =>
  names.map((role) => (tenantId ? { type: 'role', key: `${tenantId}/${role}`, orKey: role } : { type: 'role', key: role }))

export default function accessKeys() {
  return definePlugin({
    name: 'access-keys',
    handlers: [defineHandler<AccessKey, LiveAccessKey>({
      type: 'accessKey',
      section: 'accessKeys',
      schema: AccessKeySchema,
      liveSchema: LiveAccessKeySchema,
      dependsOn: ['role', 'tenant'],
      key: (key) => key.name,
      serverId: (live) => live.id,
      serverOwned: ['id', 'clientId', 'createdTime', 'createdBy', 'boundUserId', 'editable'],
      shownOnce: ['cleartext'],
      immutable: ['expireTime'],
      notes: (key) => expiryNotes(key),
      references: (key) => [
        ...roleReferences(undefined, key.roleNames),
        ...(key.tenants ?? []).flatMap((tenant) => [{ type: 'tenant', key: tenant.tenantId }, ...roleReferences(tenant.tenantId, tenant.roleNames)]),
      ],
      list: (ctx) => accessKeyApi(ctx).searchAll(),
      normalize: normalizeAccessKey,
      create: async (ctx, key) => {
        const api = accessKeyApi(ctx)
        const created = await api.create(key)
        if (key.active === false) {
          // the secret exists now: it is handed back whatever happens here (the next plan shows `active`)
          await api.deactivate(created.key.id).catch((error: Error) => ctx.log.warn(`created access key "${key.name}" but could not deactivate it (${error.message}); the next sync does`))
        }
        return { secrets: { cleartext: created.cleartext } }
      },
      update: async (ctx, key, current) => {
        const api = accessKeyApi(ctx)
        const { active, expireTime: _fixed, ...fields } = key
        const { active: wasActive, expireTime: _same, ...liveFields } = current!.item
        if (JSON.stringify(body(fields)) !== JSON.stringify(body(liveFields))) await api.update(current!.id!, key)
        if (active !== undefined && active !== wasActive) await (active ? api.activate(current!.id!) : api.deactivate(current!.id!))
      },
      delete: async (ctx, current) => { await accessKeyApi(ctx).delete(current.id!) },
    })],
    emulator: accessKeyEmulator(),
  })
}

/** A key as the emulator keeps it: the answer's shape (go-sdk AccessKeyResponse). */
interface StoredKey {
  id: string
  name: string
  description: string
  roleNames: string[]
  keyTenants: { tenantId: string; roleNames: string[]; tenantName: string }[]
  status: 'active' | 'inactive'
  createdTime: number
  expireTime: number
  createdBy: string
  clientId: string
  boundUserId: string
  customClaims: Record<string, unknown>
  editable: boolean
  permittedIps: string[]
  customAttributes: Record<string, unknown>
}
type State = { keys: Record<string, StoredKey> }

const RequestSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1, 'name is required')),
  description: v.nullish(v.string()),
  expireTime: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0))),
  roleNames: v.nullish(v.array(v.string())),
  keyTenants: v.nullish(v.array(v.object({ tenantId: v.string(), roleNames: v.nullish(v.array(v.string())) }))),
  // every key kept: a claim or an attribute may be called __proto__ (v.record drops it)
  customClaims: v.nullish(jsonObject),
  permittedIps: v.nullish(v.array(v.string())),
  customAttributes: v.nullish(jsonObject),
  userId: v.nullish(v.string()),
})

/** The request's fields, checked: roles and tenants must exist, as Descope checks them. */
function fieldsOf(request: EmulatorRequest<State>) {
  const fields = request.parse(RequestSchema, 'access key')
  const roles = Object.values(request.project.roles)
  const hasRole = (name: string, tenantId = '') => roles.some((role) => role.name === name && role.tenantId === tenantId)
  for (const role of fields.roleNames ?? []) if (!hasRole(role)) request.fail(400, `role "${role}" does not exist in the project`)
  const keyTenants = (fields.keyTenants ?? []).map((tenant) => {
    const known = Object.hasOwn(request.project.tenants, tenant.tenantId) ? request.project.tenants[tenant.tenantId] : undefined
    if (!known) return request.fail(400, `tenant "${tenant.tenantId}" does not exist`)
    // a tenant's role: one of its own, or a project role
    for (const role of tenant.roleNames ?? []) if (!hasRole(role, tenant.tenantId) && !hasRole(role)) request.fail(400, `role "${role}" does not exist in tenant "${tenant.tenantId}"`)
    return { tenantId: tenant.tenantId, roleNames: tenant.roleNames ?? [], tenantName: known.name }
  })
  return {
    name: fields.name,
    description: fields.description ?? '',
    roleNames: fields.roleNames ?? [],
    keyTenants,
    customClaims: fields.customClaims ?? {},
    permittedIps: fields.permittedIps ?? [],
    customAttributes: fields.customAttributes ?? {},
    expireTime: fields.expireTime ?? 0,
    boundUserId: fields.userId ?? '',
  }
}

const idOf = (request: EmulatorRequest<State>): string => {
  const id = (request.body as { id?: unknown } | null)?.id ?? request.query.get('id')
  if (typeof id !== 'string' || !id) return request.fail(400, 'id is required')
  if (!Object.hasOwn(request.state.keys, id)) return request.fail(404, `access key "${id}" does not exist`)
  return id
}
const idsOf = (request: EmulatorRequest<State>): string[] => {
  const ids = (request.body as { ids?: unknown } | null)?.ids
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return request.fail(400, 'ids must be a list of access key ids')
  for (const id of ids) if (!Object.hasOwn(request.state.keys, id)) request.fail(404, `access key "${id}" does not exist`)
  return ids
}

/** create with a cleartext of the real shape: the key's id, a colon, a secret */
function create(request: EmulatorRequest<State>) {
  const fields = fieldsOf(request)
  const { expireTime, boundUserId, ...rest } = fields
  const id = request.newId('K')
  const key: StoredKey = { id, ...rest, status: 'active', createdTime: Math.floor(Date.now() / 1000), expireTime, createdBy: 'management key', clientId: request.newId('C'), boundUserId, editable: true }
  setOwn(request.state.keys, id, key)
  return { key, cleartext: `${id}:${request.newId('S')}` }
}

const setStatus = (status: StoredKey['status'], batch: boolean) => ({
  mutates: true,
  handle: (request: EmulatorRequest<State>) => {
    for (const id of batch ? idsOf(request) : [idOf(request)]) request.state.keys[id]!.status = status
    return {}
  },
})

function accessKeyEmulator() {
  return defineEmulator<State>({
    state: () => ({ keys: {} }),
    schema: v.object({ keys: v.record(v.string(), v.looseObject({ id: v.string(), name: v.string(), status: v.picklist(['active', 'inactive']), expireTime: v.number() })) }) as never,
    routes: {
      'POST /v1/mgmt/accesskey/create': { mutates: true, handle: create },
      'POST /v1/mgmt/accesskey/search': {
        mutates: false,
        handle: (request) => {
          const tenantIds = (request.body as { tenantIds?: unknown } | null)?.tenantIds
          const keys = Object.values(request.state.keys)
          return { keys: Array.isArray(tenantIds) && tenantIds.length ? keys.filter((key) => key.keyTenants.some((tenant) => tenantIds.includes(tenant.tenantId))) : keys }
        },
      },
      'GET /v1/mgmt/accesskey': { mutates: false, handle: (request) => ({ key: request.state.keys[idOf(request)] }) },
      'POST /v1/mgmt/accesskey/update': {
        mutates: true,
        handle: (request) => {
          const id = idOf(request)
          // an update replaces every field it takes; expiry, status and the bound user stay
          const { expireTime: _fixed, boundUserId: _bound, ...fields } = fieldsOf(request)
          Object.assign(request.state.keys[id]!, fields)
          return { key: request.state.keys[id] }
        },
      },
      'POST /v1/mgmt/accesskey/activate': setStatus('active', false),
      'POST /v1/mgmt/accesskey/deactivate': setStatus('inactive', false),
      'POST /v1/mgmt/accesskey/activate/batch': setStatus('active', true),
      'POST /v1/mgmt/accesskey/deactivate/batch': setStatus('inactive', true),
      'POST /v1/mgmt/accesskey/delete': {
        mutates: true,
        handle: (request) => {
          delete request.state.keys[idOf(request)]
          return {}
        },
      },
      'POST /v1/mgmt/accesskey/delete/batch': {
        mutates: true,
        handle: (request) => {
          for (const id of idsOf(request)) delete request.state.keys[id]
          return {}
        },
      },
      'POST /v1/mgmt/accesskey/rotate': {
        mutates: true,
        handle: (request) => {
          const id = idOf(request)
          return { key: request.state.keys[id], cleartext: `${id}:${request.newId('S')}` }
        },
      },
    },
  })
}
