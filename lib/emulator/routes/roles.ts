import * as v from 'valibot'
import { ReplyError } from '../errors.ts'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import type { EmulatorState, Role } from '../state.ts'
import { allOrNothing } from '../transaction.ts'
import { parseBody, StringList } from '../validate.ts'
import {
  allRoles,
  assertPermissionsExist,
  assertRoleNameFree,
  findRole,
  forgetProjectRole,
  generateRoleId,
  renameProjectRole,
} from './role-store.ts'

// Roles (node-sdk lib/management/role.ts; go-sdk internal/mgmt/role.go; OpenAPI Role). Single
// operations validate everything before they change anything; batches run all-or-nothing. Role
// search lives in role-search.ts.

// Fields create and update both take. nullish: other SDKs may send null for "not set".
const RoleFields = {
  description: v.nullish(v.string()),
  permissionNames: v.nullish(StringList),
  tenantId: v.nullish(v.string()),
  default: v.nullish(v.boolean()),
  private: v.nullish(v.boolean()),
}
// node's createBatch takes its Role type (with id and createdTime): both are dropped, the
// emulator generates them, as a create does.
const CreateItem = v.object({ name: v.string(), ...RoleFields })
const UpdateItem = v.object({ id: v.nullish(v.string()), name: v.nullish(v.string()), newName: v.string(), ...RoleFields })
const DeleteItem = v.object({ id: v.nullish(v.string()), name: v.nullish(v.string()), tenantId: v.nullish(v.string()) })
const CreateBatch = v.object({ roles: v.array(CreateItem) })
const UpdateBatch = v.object({ roles: v.array(UpdateItem) })
const DeleteBatch = v.object({
  roleNames: v.nullish(StringList),
  tenantId: v.nullish(v.string()),
  roleIds: v.nullish(StringList),
})

type CreateRequest = v.InferOutput<typeof CreateItem>
type UpdateRequest = v.InferOutput<typeof UpdateItem>

/**
 * Every editable field, omitted ones at their defaults: update replaces the whole role
 * (docs.descope.com).
 */
function editable(request: Omit<CreateRequest, 'name' | 'tenantId'>) {
  return {
    description: request.description ?? '',
    permissionNames: request.permissionNames ?? [],
    default: request.default ?? false,
    private: request.private ?? false,
  }
}

function createOne(state: EmulatorState, request: CreateRequest): Role {
  if (!request.name) throw new ReplyError('missingArguments', 'missing required field(s): name')
  const tenantId = request.tenantId ?? ''
  if (tenantId && !state.tenants[tenantId]) throw new ReplyError('invalid', `tenant "${tenantId}" does not exist`)
  const fields = editable(request)
  assertPermissionsExist(state, fields.permissionNames)
  assertRoleNameFree(state, tenantId, request.name)
  const id = generateRoleId(state)
  // Keys in the order of the OpenAPI Role schema (id first), so served JSON reads like the docs.
  const role: Role = {
    id,
    name: request.name,
    description: fields.description,
    permissionNames: fields.permissionNames,
    createdTime: Math.floor(Date.now() / 1000), // epoch seconds
    tenantId,
    default: fields.default,
    private: fields.private,
  }
  state.roles[id] = role
  return role
}

function updateOne(state: EmulatorState, request: UpdateRequest): Role {
  if (!request.newName) throw new ReplyError('missingArguments', 'missing required field(s): newName')
  const current = findRole(state, request)
  const fields = editable(request)
  assertPermissionsExist(state, fields.permissionNames)
  assertRoleNameFree(state, current.tenantId, request.newName, current.id)
  renameProjectRole(state, current, request.newName)
  const role: Role = { ...current, name: request.newName, ...fields }
  state.roles[current.id] = role
  return role
}

function deleteOne(state: EmulatorState, request: v.InferOutput<typeof DeleteItem>): void {
  const role = findRole(state, request)
  delete state.roles[role.id]
  forgetProjectRole(state, role)
}

/** Answers the created role (OAS; node types the answer `never`). */
function create({ state, body }: RouteContext) {
  return createOne(state, parseBody(CreateItem, body, ['name']))
}

function update({ state, body }: RouteContext) {
  return updateOne(state, parseBody(UpdateItem, body, ['newName']))
}

function remove({ state, body }: RouteContext) {
  deleteOne(state, parseBody(DeleteItem, body))
  return {}
}

function createBatch({ state, body }: RouteContext) {
  const { roles } = parseBody(CreateBatch, body, ['roles'])
  return { roles: allOrNothing(state, (draft) => roles.map((item) => createOne(draft, item))) }
}

function updateBatch({ state, body }: RouteContext) {
  const { roles } = parseBody(UpdateBatch, body, ['roles'])
  return { roles: allOrNothing(state, (draft) => roles.map((item) => updateOne(draft, item))) }
}

/**
 * `tenantId` scopes the names, and must match the ids' roles. ASSUMED: an unknown name or id
 * fails the whole batch with a 404, as a single delete does.
 */
function deleteBatch({ state, body }: RouteContext) {
  const { roleNames, tenantId, roleIds } = parseBody(DeleteBatch, body)
  allOrNothing(state, (draft) => {
    for (const id of roleIds ?? []) deleteOne(draft, { id, tenantId })
    for (const name of roleNames ?? []) deleteOne(draft, { name, tenantId })
  })
  return {}
}

/** Every role, project-level and tenant-scoped. */
function loadAll({ state }: RouteContext) {
  return { roles: allRoles(state) }
}

export const roleRoutes: RouteTable = {
  'POST /v1/mgmt/role/create': mutation(create),
  'POST /v1/mgmt/role/update': mutation(update),
  'POST /v1/mgmt/role/delete': mutation(remove),
  'POST /v1/mgmt/role/create/batch': mutation(createBatch),
  'POST /v1/mgmt/role/update/batch': mutation(updateBatch),
  'POST /v1/mgmt/role/delete/batch': mutation(deleteBatch),
  'GET /v1/mgmt/role/all': query(loadAll),
}
