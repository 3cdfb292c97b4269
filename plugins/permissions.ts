// Permissions: name and description. Descope's update replaces every field and addresses a
// permission by name (docs.descope.com, update permission). Built-in permissions
// (systemDefault) are never changed or pruned, but roles may name them. Paths and fields: node-sdk
// lib/management/permission.ts, go-sdk descope/internal/mgmt/permission.go and the OpenAPI
// document (CreatePermissionRequest, UpdatePermissionRequest, Permission).
import * as v from 'valibot'
import type { ApiClient } from '../lib/client/client.ts'
import { defineHandler, definePlugin } from '../lib/plugin.ts'
import { description, DESCRIPTION_MAX, name, NAME_MAX } from '../lib/config/schemas.ts'

export const PermissionSchema = v.strictObject({
  name: name(NAME_MAX),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** the permission's previous name: rename it in place (roles follow) */
  renamedFrom: v.optional(name(NAME_MAX)),
})
export type Permission = v.InferOutput<typeof PermissionSchema> & {
  /** live only: a permission every Descope project has */
  systemDefault?: true
}

// typed operations for scripts: ctx.ops('permission')
declare module '../lib/contract.ts' {
  interface ResourceTypes { permission: Permission }
}

/**
 * A permission as GET /v1/mgmt/permission/all returns it (OpenAPI Permission); absent and null mean
 * "not set".
 */
export const LivePermissionSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, 'is empty')),
  description: v.nullish(v.string()),
  systemDefault: v.nullish(v.boolean()),
})
export type LivePermission = v.InferOutput<typeof LivePermissionSchema>

/** Typed permission operations for one-off scripts and the handler below. */
export function permissionApi(client: ApiClient) {
  return {
    loadAll: async () => (await client.get<{ permissions?: LivePermission[] }>('/v1/mgmt/permission/all')).permissions ?? [],
    create: (permission: Permission) => client.post('/v1/mgmt/permission/create', { name: permission.name, description: permission.description }),
    /** several in one request (node-sdk createBatch) */
    createBatch: (permissions: Permission[]) => client.post('/v1/mgmt/permission/create/batch', { permissions: permissions.map(({ name, description }) => ({ name, description })) }),
    /** replaces every field; `newName` renames */
    update: (name: string, permission: Permission) => client.post('/v1/mgmt/permission/update', { name, newName: permission.name, description: permission.description }),
    delete: (name: string) => client.post('/v1/mgmt/permission/delete', { name }),
  }
}

export function normalizePermission(live: LivePermission): Permission {
  return {
    name: live.name,
    description: live.description ?? '',
    ...(live.systemDefault ? { systemDefault: true as const } : {}),
  }
}

/** The system permissions every project has (terraform-provider-descope authorization.go, systemPermissions). */
export const SYSTEM_PERMISSIONS = ['Impersonate', 'User Admin', 'SSO Admin'] as const

export default function permissions() {
  return definePlugin({
    name: 'permissions',
    handlers: [defineHandler<Permission, LivePermission>({
      type: 'permission',
      section: 'permissions',
      schema: PermissionSchema,
      liveSchema: LivePermissionSchema,
      key: (permission) => permission.name,
      builtIn: (permission) => permission.systemDefault === true,
      builtInKeys: SYSTEM_PERMISSIONS,
      list: (ctx) => permissionApi(ctx.client).loadAll(),
      normalize: normalizePermission,
      create: async (ctx, permission) => { await permissionApi(ctx.client).create(permission) },
      createBatch: async (ctx, permissions) => { await permissionApi(ctx.client).createBatch(permissions) },
      renamedFrom: (permission) => permission.renamedFrom,
      update: async (ctx, permission, current) => { await permissionApi(ctx.client).update(current!.item.name, permission) },
      delete: async (ctx, { item: permission }) => { await permissionApi(ctx.client).delete(permission.name) },
    })],
  })
}
