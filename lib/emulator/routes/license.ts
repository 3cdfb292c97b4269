import { query, type RouteTable } from '../route.ts'

// The license handshake node-sdk and go-sdk send when a client is built (node-sdk lib/index.ts,
// lib/management/license.ts; go-sdk api/client.go).
// Clients then send `x-descope-license: tier1` on every request; the emulator ignores it.
export const licenseRoutes: RouteTable = {
  'GET /v1/mgmt/license': query(() => ({ rateLimitTier: 'tier1' })),
}
