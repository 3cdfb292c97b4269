import type { RouteTable } from '../route.ts'
import { licenseRoutes } from './license.ts'
import { tenantAdminLinkRoutes } from './tenant-admin-links.ts'
import { tenantSettingsRoutes } from './tenant-settings.ts'
import { tenantRoutes } from './tenants.ts'

// Every route the emulator serves. A new resource family is one more module spread in here.
export const routes: RouteTable = {
  ...licenseRoutes,
  ...tenantRoutes,
  ...tenantSettingsRoutes,
  ...tenantAdminLinkRoutes,
}
