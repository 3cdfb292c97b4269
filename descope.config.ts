// The project's configuration: which resource types are managed, how fast and how
// persistently the client talks to Descope, and which environments need a confirmation.
import { defineConfig } from './lib/index.ts'
import tenants from './plugins/tenants.ts'

export default defineConfig({
  plugins: [tenants()],
  defaultEnvironment: 'local',
  environmentsDir: 'environments',
  // Descope documents 100 requests per 60 s for the raw API (descope-api.md §4.3); a window
  // that size keeps a big apply from ever seeing a 429. Environments may override it.
  throttle: { limit: 100, intervalMs: 60_000 },
  retry: { limit: 6, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000 },
  timeoutMs: 30_000,
  concurrency: 4,
  protectedEnvironments: ['prod'],
})
