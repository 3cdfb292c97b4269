import { ReplyError } from '../errors.ts'
import { randomId } from '../ids.ts'
import type { EmulatorState, Role } from '../state.ts'
import { requireAddress, type Address } from './addressing.ts'

// Reads, invariant checks and cascades over the stored roles, shared by the role, permission,
// tenant and flow route modules. A role's identity is (tenantId, name); tenantId '' is the project.

/** Every role, project-level first, then by tenant and name, so listings are deterministic. */
export function allRoles(state: EmulatorState): Role[] {
  const key = (role: Role) => `${role.tenantId}\u0000${role.name}`
  return Object.values(state.roles).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

export function roleByIdentity(state: EmulatorState, tenantId: string, name: string): Role | undefined {
  return Object.values(state.roles).find((role) => role.tenantId === tenantId && role.name === name)
}

/**
 * By id (tenantId, when sent, must then be the role's own: ASSUMED, roles never move between
 * tenants), or by name within `tenantId` ('' or absent: the project). 404 when there is none.
 */
export function findRole(state: EmulatorState, address: Address & { tenantId?: string | null }): Role {
  const { key, value } = requireAddress(address)
  const tenantId = address.tenantId ?? ''
  if (key === 'name') {
    const role = roleByIdentity(state, tenantId, value)
    const scope = tenantId ? `in tenant "${tenantId}"` : 'at project level'
    if (!role) throw new ReplyError('notFound', `role "${value}" does not exist ${scope}`)
    return role
  }
  const role = state.roles[value]
  if (!role) throw new ReplyError('notFound', `role with id "${value}" does not exist`)
  if (tenantId && tenantId !== role.tenantId) {
    throw new ReplyError('invalid', `role "${value}" does not belong to tenant "${tenantId}"`)
  }
  return role
}

export function assertRoleNameFree(state: EmulatorState, tenantId: string, name: string, selfId?: string): void {
  const holder = roleByIdentity(state, tenantId, name)
  if (holder && holder.id !== selfId) {
    const scope = tenantId ? `in tenant "${tenantId}"` : 'at project level'
    throw new ReplyError('alreadyExists', `role "${name}" already exists ${scope}`)
  }
}

/** Project-level roles named by tenants' defaultRoles and by flows' references must exist. */
export function assertProjectRolesExist(state: EmulatorState, names: readonly string[], where: string): void {
  const missing = names.filter((name) => !roleByIdentity(state, '', name))
  if (missing.length > 0) {
    throw new ReplyError('invalid', `${where}: no project-level role named ${missing.map((n) => `"${n}"`).join(', ')}`)
  }
}

export function assertPermissionsExist(state: EmulatorState, names: readonly string[]): void {
  const known = new Set(Object.values(state.permissions).map((permission) => permission.name))
  const missing = names.filter((name) => !known.has(name))
  if (missing.length > 0) {
    throw new ReplyError('invalid', `permission ${missing.map((n) => `"${n}"`).join(', ')} does not exist`)
  }
}

/** 'ROL' + 27 characters, the shape of real role ids (terraform-provider-descope test data). */
export function generateRoleId(state: EmulatorState): string {
  return randomId('ROL', 27, (id) => state.roles[id] !== undefined)
}

/**
 * ASSUMED cascades of renaming a project-level role: tenants' defaultRoles name it, so they follow
 * the rename; flows' references map role name → id, so the key is renamed where the id is this role's.
 */
export function renameProjectRole(state: EmulatorState, role: Role, newName: string): void {
  if (role.tenantId !== '' || role.name === newName) return
  for (const tenant of Object.values(state.tenants)) {
    tenant.defaultRoles = tenant.defaultRoles.map((name) => (name === role.name ? newName : name))
  }
  for (const flow of Object.values(state.flows)) {
    const roles = flow.references.roles
    if (!isStringMap(roles) || roles[role.name] !== role.id) continue
    const { [role.name]: id, ...rest } = roles
    flow.references.roles = { ...rest, [newName]: id }
  }
}

/**
 * ASSUMED cascade of deleting a project-level role: it leaves tenants' defaultRoles. Flows keep
 * their reference (the real server's answer is unknown); it then names an id that is gone.
 */
export function forgetProjectRole(state: EmulatorState, role: Role): void {
  if (role.tenantId !== '') return
  for (const tenant of Object.values(state.tenants)) {
    tenant.defaultRoles = tenant.defaultRoles.filter((name) => name !== role.name)
  }
}

/** ASSUMED: a tenant's roles cannot outlive it, so deleting a tenant deletes its tenant-scoped roles. */
export function deleteTenantRoles(state: EmulatorState, tenantId: string): void {
  for (const role of Object.values(state.roles)) {
    if (role.tenantId === tenantId) delete state.roles[role.id]
  }
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  )
}
