import type { RouteTable } from '../route.ts'
import { flowRoutes } from './flows.ts'
import { flowV1Routes } from './flows-v1.ts'
import { licenseRoutes } from './license.ts'
import { permissionRoutes } from './permissions.ts'
import { roleSearchRoutes } from './role-search.ts'
import { roleRoutes } from './roles.ts'
import { tenantAdminLinkRoutes } from './tenant-admin-links.ts'
import { tenantRoutes } from './tenants.ts'
import { themeRoutes } from './theme.ts'

// Every route the emulator serves. A new resource family is one more module spread in here.
export const routes: RouteTable = {
  ...licenseRoutes,
  ...tenantRoutes,
  ...tenantAdminLinkRoutes,
  ...permissionRoutes,
  ...roleRoutes,
  ...roleSearchRoutes,
  ...flowRoutes,
  ...flowV1Routes,
  ...themeRoutes,
}
