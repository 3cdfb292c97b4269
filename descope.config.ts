// The project's configuration: which resource types are managed, how fast and how
// persistently the client talks to Descope, and which environments need a confirmation.
import { defineConfig } from './lib/index.ts'
import accessKeys from './plugins/access-keys.ts'
import inboundApps from './plugins/inbound-apps.ts'
import jwtTemplates from './plugins/jwt-templates.ts'
import lists from './plugins/lists.ts'
import passwordPolicy from './plugins/password-policy.ts'
import fgaSchema from './plugins/fga-schema.ts'
import flows from './plugins/flows.ts'
import permissions from './plugins/permissions.ts'
import project from './plugins/project.ts'
import roles from './plugins/roles.ts'
import ssoApps from './plugins/sso-apps.ts'
import tenants from './plugins/tenants.ts'
import tenantSettings from './plugins/tenant-settings.ts'
import tenantSso from './plugins/tenant-sso.ts'
import theme from './plugins/theme.ts'
import userAttributes from './plugins/user-attributes.ts'

export default defineConfig({
  // the order does not matter: types are applied in the order their dependencies need
  plugins: [permissions(), roles(), tenants(), flows(), theme(), accessKeys(), passwordPolicy(), lists(), jwtTemplates(), inboundApps(), ssoApps(), tenantSettings(), fgaSchema(), tenantSso(), userAttributes(), project()],
  defaultEnvironment: 'local',
  environmentsDir: 'environments',
  // where tasks/export-flows.ts writes flows and the theme, and where sync reads them
  exportDir: 'environments/exported',
  // Descope documents 100 requests per 60 s for the raw API (docs.descope.com/rate-limiting); a window
  // that size keeps a big apply from ever seeing a 429. Environments may override it.
  throttle: { limit: 100, intervalMs: 60_000 },
  retry: { limit: 6, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000, maxRateLimitWaitMs: 600_000, circuitBreakAfter: 8 },
  // a dead or silent API ends a run within about 20 s; a whole run may take an hour
  timeouts: { connectMs: 5_000, requestMs: 15_000, unresponsiveMs: 20_000, runMs: 3_600_000, graceMs: 15_000 },
  // --prune may delete at most 25 items of a type, and at most half of a type's live items,
  // unless --allow-mass-delete says that is meant
  deleteGuard: { maxCount: 25, maxShare: 0.5 },
  concurrency: 4,
  protectedEnvironments: ['prod'],
  // backups go to ~/.descope-mgmt/backups/<projectId>/ unless dir (or DESCOPE_BACKUP_DIR) says otherwise
  backups: { retentionDays: 30, keep: 5 },
  // what tasks/drift.ts leaves out: ignore.<type>.fields / .keys, and environmentSpecific.<type>
  drift: { ignore: {}, environmentSpecific: {} },
})
