import { ReplyError } from '../errors.ts'
import type { EmulatorState, StoredTenant, Tenant } from '../state.ts'

// Reads and invariant checks over the stored tenants, shared by the tenant route modules.

/** The stored tenant, or a 404 naming the id. */
export function findTenant(state: EmulatorState, id: string): StoredTenant {
  const tenant = state.tenants[id]
  if (!tenant) throw new ReplyError('notFound', `tenant "${id}" does not exist`)
  return tenant
}

/** Every tenant, sorted by id so listings are deterministic (the real order is unknown). */
export function allTenants(state: EmulatorState): StoredTenant[] {
  return Object.values(state.tenants).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * The wire shape (OpenAPI Tenant): the stored tenant plus `successors`, derived from the children's
 * `parent`.
 */
export function serveTenant(state: EmulatorState, tenant: StoredTenant): Tenant {
  return serveTenants(state, [tenant])[0]!
}

/** The same for many tenants at once: the children are found in one pass, not one per tenant. */
export function serveTenants(state: EmulatorState, tenants: StoredTenant[]): Tenant[] {
  const children = new Map<string, string[]>()
  for (const other of allTenants(state)) {
    if (!other.parent) continue
    const list = children.get(other.parent)
    if (list) list.push(other.id)
    else children.set(other.parent, [other.id])
  }
  return tenants.map((tenant) => ({ ...tenant, successors: children.get(tenant.id) ?? [] }))
}

/** Tenant names are assumed unique within a project (UNCONFIRMED; exact, case-sensitive match). */
export function assertNameFree(state: EmulatorState, name: string, selfId?: string): void {
  const holder = Object.values(state.tenants).find((t) => t.name === name && t.id !== selfId)
  if (holder) throw new ReplyError('alreadyExists', `tenant name "${name}" is already used by tenant "${holder.id}"`)
}

/**
 * A self-provisioning domain routes sign-ups to one tenant, so two tenants cannot claim the same
 * domain (compared case-insensitively, as domain names are).
 */
export function assertDomainsFree(state: EmulatorState, domains: readonly string[], selfId?: string): void {
  for (const domain of domains) {
    const wanted = domain.toLowerCase()
    const holder = Object.values(state.tenants).find(
      (t) => t.id !== selfId && t.selfProvisioningDomains.some((d) => d.toLowerCase() === wanted),
    )
    if (holder) {
      throw new ReplyError('alreadyExists', `self-provisioning domain "${domain}" is already claimed by tenant "${holder.id}"`)
    }
  }
}
