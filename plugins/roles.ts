// Roles: name, description, permissions, the default flag, and tenant-scoped roles (a role
// with a tenantId; the same name may exist once per tenant and once for the project). A
// role's key is its name, or `<tenantId>/<name>` for a tenant's role. Descope's update
// replaces every field (docs.descope.com, update role), so the engine hands us the full state.
// Paths and fields: node-sdk lib/management/role.ts, go-sdk descope/internal/mgmt/role.go and the
// OpenAPI document (CreateRoleRequest, UpdateRoleRequest, Role).
import * as v from 'valibot'
import type { ApiClient } from '../lib/client/client.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { description, DESCRIPTION_MAX, name, NAME_MAX } from '../lib/config/schemas.ts'
import { defineHandler, definePlugin } from '../lib/plugin.ts'

export const RoleSchema = v.strictObject({
  name: v.pipe(name(NAME_MAX), v.regex(/^[^/]+$/, 'must not contain /')),
  description: v.optional(description(DESCRIPTION_MAX)),
  permissionNames: v.optional(v.pipe(v.array(name(NAME_MAX)), v.transform(sortedUnique))),
  /** scopes the role to one tenant; part of the role's identity, so it cannot change */
  tenantId: v.optional(name(256)),
  /** given to new users automatically */
  default: v.optional(v.boolean()),
  /** hidden from tenant admins */
  private: v.optional(v.boolean()),
  /** the role's previous name: rename it in place, keeping it on the users who have it */
  renamedFrom: v.optional(name(NAME_MAX)),
})
export type Role = v.InferOutput<typeof RoleSchema>

// typed operations for scripts: ctx.ops('role')
declare module '../lib/contract.ts' {
  interface ResourceTypes { role: Role }
}

/** A role as GET /v1/mgmt/role/all returns it (OpenAPI Role); absent and null mean "not set". */
export const LiveRoleSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, 'is empty')),
  description: v.nullish(v.string()),
  permissionNames: v.nullish(v.array(v.string())),
  tenantId: v.nullish(v.string()),
  default: v.nullish(v.boolean()),
  private: v.nullish(v.boolean()),
})
export type LiveRole = v.InferOutput<typeof LiveRoleSchema>

export const roleKey = (role: { name: string; tenantId?: string | null }) => (role.tenantId ? `${role.tenantId}/${role.name}` : role.name)

/**
 * Roles Descope makes itself: the project's Tenant Admin (descope-dotnet UserTests.cs assigns it
 * uncreated), and a tenant's SCIM role once a SCIM access key exists for it (docs.descope.com,
 * RBAC). Known by name only (the API marks no role as a system one); the SCIM role's name is
 * ASSUMED. Descope lets you edit Tenant Admin's permissions, description and default flag;
 * renaming it here would lose sight of it.
 */
export const TENANT_ADMIN_ROLE = 'Tenant Admin'
export const SCIM_ROLE = 'SCIM'
export const isBuiltInRole = (role: Pick<Role, 'name' | 'tenantId'>) =>
  role.tenantId ? role.name === SCIM_ROLE : role.name === TENANT_ADMIN_ROLE

/** Typed role operations for one-off scripts and the handler below. */
export function roleApi(client: ApiClient) {
  const body = (role: Role) => ({
    description: role.description,
    permissionNames: role.permissionNames,
    tenantId: role.tenantId,
    default: role.default,
    private: role.private,
  })
  return {
    loadAll: async () => (await client.get<{ roles?: LiveRole[] }>('/v1/mgmt/role/all')).roles ?? [],
    create: (role: Role) => client.post('/v1/mgmt/role/create', { name: role.name, ...body(role) }),
    /** several in one request (node-sdk createBatch), tenant roles included */
    createBatch: (roles: Role[]) => client.post('/v1/mgmt/role/create/batch', { roles: roles.map((role) => ({ name: role.name, ...body(role) })) }),
    /** replaces every field; `newName` renames */
    update: (name: string, role: Role) => client.post('/v1/mgmt/role/update', { name, newName: role.name, ...body(role) }),
    delete: (role: Pick<Role, 'name' | 'tenantId'>) => client.post('/v1/mgmt/role/delete', { name: role.name, tenantId: role.tenantId }),
  }
}

export function normalizeRole(live: LiveRole): Role {
  return {
    name: live.name,
    description: live.description ?? '',
    permissionNames: sortedUnique(live.permissionNames ?? []),
    ...(live.tenantId ? { tenantId: live.tenantId } : {}),
    default: live.default ?? false,
    private: live.private ?? false,
  }
}

export default function roles() {
  return definePlugin({
    name: 'roles',
    handlers: [defineHandler<Role, LiveRole>({
      type: 'role',
      section: 'roles',
      schema: RoleSchema,
      liveSchema: LiveRoleSchema,
      dependsOn: ['permission'],
      key: roleKey,
      references: (role) => [
        ...(role.permissionNames ?? []).map((name) => ({ type: 'permission', key: name })),
        ...(role.tenantId ? [{ type: 'tenant', key: role.tenantId }] : []),
      ],
      list: (ctx) => roleApi(ctx.client).loadAll(),
      normalize: normalizeRole,
      builtIn: isBuiltInRole,
      builtInKeys: [TENANT_ADMIN_ROLE],
      builtInChangeable: ['description', 'permissionNames', 'default', 'private'],
      create: async (ctx, role) => { await roleApi(ctx.client).create(role) },
      createBatch: async (ctx, roles) => { await roleApi(ctx.client).createBatch(roles) },
      // a tenant's roles are deleted with the tenant
      ownedBy: (role) => (role.tenantId ? { type: 'tenant', key: role.tenantId } : undefined),
      renamedFrom: (role) => (role.renamedFrom === undefined ? undefined : roleKey({ name: role.renamedFrom, tenantId: role.tenantId })),
      update: async (ctx, role, current) => { await roleApi(ctx.client).update(current!.item.name, role) },
      delete: async (ctx, { item: role }) => { await roleApi(ctx.client).delete(role) },
    })],
  })
}
