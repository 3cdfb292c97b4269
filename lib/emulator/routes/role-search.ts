import * as v from 'valibot'
import { query, type RouteContext, type RouteTable } from '../route.ts'
import type { Role } from '../state.ts'
import { parseBody, StringList } from '../validate.ts'
import { allRoles } from './role-store.ts'

// POST /v1/mgmt/role/search (node-sdk RoleSearchOptions). Matching is UNCONFIRMED; assumed:
// - without tenantIds every role matches the scope, project-level and tenant-scoped;
// - with tenantIds, roles of those tenants, plus project-level roles when includeProjectRoles;
// - the other filters combine with AND; a list matches any of its values exactly (permissionNames:
//   the role grants at least one of them); roleNameLike is a case-insensitive substring;
//   an empty list or value is no filter.
// OAS's `text` (full-text) and `sort` are accepted and ignored: results are in loadAll order.

const SearchBody = v.object({
  tenantIds: v.nullish(StringList),
  roleNames: v.nullish(StringList),
  roleNameLike: v.nullish(v.string()),
  permissionNames: v.nullish(StringList),
  includeProjectRoles: v.nullish(v.boolean()),
  roleIds: v.nullish(StringList),
})

function search({ state, body }: RouteContext) {
  const filter = parseBody(SearchBody, body)
  const anyOf = (list: string[] | null | undefined, test: (value: string) => boolean) =>
    !list || list.length === 0 || list.some(test)
  const like = filter.roleNameLike?.toLowerCase()
  const inScope = (role: Role) =>
    !filter.tenantIds ||
    filter.tenantIds.length === 0 ||
    filter.tenantIds.includes(role.tenantId) ||
    (role.tenantId === '' && filter.includeProjectRoles === true)
  const matches = (role: Role) =>
    inScope(role) &&
    anyOf(filter.roleNames, (name) => name === role.name) &&
    (!like || role.name.toLowerCase().includes(like)) &&
    anyOf(filter.permissionNames, (name) => role.permissionNames.includes(name)) &&
    anyOf(filter.roleIds, (id) => id === role.id)
  return { roles: allRoles(state).filter(matches) }
}

// query(): a search changes nothing, so nothing needs persisting.
export const roleSearchRoutes: RouteTable = {
  'POST /v1/mgmt/role/search': query(search),
}
