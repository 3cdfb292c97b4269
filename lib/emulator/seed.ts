// What a new Descope project already holds (descope-java FlowServiceImplTest, descope-dotnet
// UserTests.cs, terraform-provider-descope authorization.go systemPermissions), so that the
// emulator's project is as crowded as a real one: the system permissions, the Tenant Admin role,
// the default flows and a theme (the default OIDC application is plugins/sso-apps.ts's part).
// `blank: true` starts an empty project instead.
import fs from 'node:fs'
import { randomId, randomTag } from './ids.ts'
import { emptyState, type EmulatorState, type JsonObject, type Role, type StoredFlow } from './state.ts'

/** The system permissions every project has (TF `authorization.go` `systemPermissions`). */
export const SYSTEM_PERMISSIONS = ['Impersonate', 'User Admin', 'SSO Admin'] as const

/** The project role every project has, with the permissions a tenant's admin needs (docs: RBAC). */
export const TENANT_ADMIN_ROLE = 'Tenant Admin'

/**
 * ASSUMED: the name of the role Descope adds to a tenant once a SCIM access key exists for it
 * (docs: "a SCIM role will also appear in the Roles table"; no source gives its name).
 */
export const SCIM_ROLE = 'SCIM'

export const DEFAULT_FLOWS = ['sign-up-or-in', 'sign-in', 'sign-up'] as const

const seedFile = (name: string) => JSON.parse(fs.readFileSync(new URL(`./seed/${name}`, import.meta.url), 'utf8')) as JsonObject

export function seededState(): EmulatorState {
  const state = emptyState()
  for (const name of SYSTEM_PERMISSIONS) {
    const id = randomId('PRM', 25, (taken) => state.permissions[taken] !== undefined)
    state.permissions[id] = { id, name, description: `Built-in ${name} permission`, systemDefault: true }
  }
  addRole(state, { name: TENANT_ADMIN_ROLE, description: 'Administers its tenant: users, SSO, impersonation', permissionNames: [...SYSTEM_PERMISSIONS].sort(), tenantId: '' })
  for (const flowId of DEFAULT_FLOWS) {
    const { metadata, contents, screens } = seedFile(`flows/${flowId}.json`) as Pick<StoredFlow, 'metadata' | 'contents' | 'screens'>
    state.flows[flowId] = { flowId, metadata, contents, screens, references: {}, version: 1, etag: randomTag(), modifiedTime: String(Date.now()) }
  }
  const theme = seedFile('theme.json') as { styles: JsonObject; componentsVersion?: string }
  state.theme = { styles: theme.styles, componentsVersion: theme.componentsVersion ?? '', references: {}, version: 1 }
  return state
}

/** What Descope does when a SCIM access key is created for a tenant: the tenant gets a SCIM role. */
export function enableScim(state: EmulatorState, tenantId: string): void {
  if (Object.values(state.roles).some((role) => role.tenantId === tenantId && role.name === SCIM_ROLE)) return
  addRole(state, { name: SCIM_ROLE, description: 'Provisioned through SCIM', permissionNames: [], tenantId })
}

function addRole(state: EmulatorState, role: Pick<Role, 'name' | 'description' | 'permissionNames' | 'tenantId'>): void {
  const id = randomId('ROL', 27, (taken) => state.roles[taken] !== undefined)
  state.roles[id] = { id, ...role, createdTime: Math.floor(Date.now() / 1000), default: false, private: false }
}
