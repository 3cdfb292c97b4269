import * as v from 'valibot'
import { ReplyError } from '../errors.ts'
import { randomId } from '../ids.ts'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import type { EmulatorState, Permission } from '../state.ts'
import { allOrNothing } from '../transaction.ts'
import { parseBody, StringList } from '../validate.ts'
import { requireAddress, type Address } from './addressing.ts'

// Permissions (node-sdk lib/management/permission.ts; go-sdk internal/mgmt/permission.go;
// OpenAPI Permission). Every answer but loadAll is {} (OpenAPI lists no response body).
// Single operations validate everything before they change anything; batches run all-or-nothing.

// node's createBatch takes its Permission type, which carries systemDefault: accepted and
// ignored, since built-in permissions come only from seeded state.
const CreateItem = v.object({ name: v.string(), description: v.nullish(v.string()), systemDefault: v.nullish(v.boolean()) })
const UpdateItem = v.object({
  id: v.nullish(v.string()),
  name: v.nullish(v.string()),
  newName: v.string(),
  description: v.nullish(v.string()),
})
const DeleteItem = v.object({ id: v.nullish(v.string()), name: v.nullish(v.string()) })
const CreateBatch = v.object({ permissions: v.array(CreateItem) })
const UpdateBatch = v.object({ permissions: v.array(UpdateItem) })
const DeleteBatch = v.object({ names: v.nullish(StringList), ids: v.nullish(StringList) })

type UpdateRequest = v.InferOutput<typeof UpdateItem>

/** Permission names are unique in a project (exact, case-sensitive match). */
function byName(state: EmulatorState, name: string): Permission | undefined {
  return Object.values(state.permissions).find((permission) => permission.name === name)
}

/** By id when an id is sent, else by name; a 404 naming it when there is none. */
function findPermission(state: EmulatorState, address: Address): Permission {
  const { key, value } = requireAddress(address)
  const found = key === 'id' ? state.permissions[value] : byName(state, value)
  if (!found) throw new ReplyError('notFound', `permission with ${key} "${value}" does not exist`)
  return found
}

/** Built-in permissions are read-only (ASSUMED: 400 E011003, the real answer is unknown). */
function assertEditable(permission: Permission, verb: string): void {
  if (permission.systemDefault) {
    throw new ReplyError('invalid', `permission "${permission.name}" is a system default and cannot be ${verb}`)
  }
}

function assertNameFree(state: EmulatorState, name: string, selfId?: string): void {
  const holder = byName(state, name)
  if (holder && holder.id !== selfId) throw new ReplyError('alreadyExists', `permission "${name}" already exists`)
}

function createOne(state: EmulatorState, request: v.InferOutput<typeof CreateItem>): void {
  if (!request.name) throw new ReplyError('missingArguments', 'missing required field(s): name')
  assertNameFree(state, request.name)
  const id = randomId('PRM', 25, (taken) => state.permissions[taken] !== undefined)
  state.permissions[id] = { id, name: request.name, description: request.description ?? '', systemDefault: false }
}

/** Full replace: an omitted description is removed (docs.descope.com). */
function updateOne(state: EmulatorState, request: UpdateRequest): void {
  if (!request.newName) throw new ReplyError('missingArguments', 'missing required field(s): newName')
  const current = findPermission(state, request)
  assertEditable(current, 'updated')
  assertNameFree(state, request.newName, current.id)
  state.permissions[current.id] = { ...current, name: request.newName, description: request.description ?? '' }
  // ASSUMED: roles grant permissions by name, so a rename follows into every role that grants it.
  for (const role of Object.values(state.roles)) {
    role.permissionNames = role.permissionNames.map((name) => (name === current.name ? request.newName : name))
  }
}

function deleteOne(state: EmulatorState, address: Address): void {
  const current = findPermission(state, address)
  assertEditable(current, 'deleted')
  delete state.permissions[current.id]
  // ASSUMED: a deleted permission is no longer granted by any role.
  for (const role of Object.values(state.roles)) {
    role.permissionNames = role.permissionNames.filter((name) => name !== current.name)
  }
}

function create({ state, body }: RouteContext) {
  createOne(state, parseBody(CreateItem, body, ['name']))
  return {}
}

function update({ state, body }: RouteContext) {
  updateOne(state, parseBody(UpdateItem, body, ['newName']))
  return {}
}

function remove({ state, body }: RouteContext) {
  deleteOne(state, parseBody(DeleteItem, body))
  return {}
}

function createBatch({ state, body }: RouteContext) {
  const { permissions } = parseBody(CreateBatch, body, ['permissions'])
  allOrNothing(state, (draft) => permissions.forEach((item) => createOne(draft, item)))
  return {}
}

function updateBatch({ state, body }: RouteContext) {
  const { permissions } = parseBody(UpdateBatch, body, ['permissions'])
  allOrNothing(state, (draft) => permissions.forEach((item) => updateOne(draft, item)))
  return {}
}

/** ASSUMED: an unknown name or id fails the whole batch with a 404, as a single delete does. */
function deleteBatch({ state, body }: RouteContext) {
  const { names, ids } = parseBody(DeleteBatch, body)
  allOrNothing(state, (draft) => {
    for (const id of ids ?? []) deleteOne(draft, { id })
    for (const name of names ?? []) deleteOne(draft, { name })
  })
  return {}
}

/** Sorted by name so listings are deterministic (the real order is unknown). */
function loadAll({ state }: RouteContext) {
  const permissions = Object.values(state.permissions).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { permissions }
}

export const permissionRoutes: RouteTable = {
  'POST /v1/mgmt/permission/create': mutation(create),
  'POST /v1/mgmt/permission/update': mutation(update),
  'POST /v1/mgmt/permission/delete': mutation(remove),
  'POST /v1/mgmt/permission/create/batch': mutation(createBatch),
  'POST /v1/mgmt/permission/update/batch': mutation(updateBatch),
  'POST /v1/mgmt/permission/delete/batch': mutation(deleteBatch),
  'GET /v1/mgmt/permission/all': query(loadAll),
}
