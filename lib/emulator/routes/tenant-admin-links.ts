import * as v from 'valibot'
import { randomBytes } from 'node:crypto'
import { query, type RouteContext, type RouteTable } from '../route.ts'
import { parseBody } from '../validate.ts'
import { findTenant } from './tenant-store.ts'

// SSO setup-suite admin links (node-sdk lib/management/tenant.ts; OpenAPI). Links are not stored:
// nothing in the emulator serves the SSO setup suite, so a link only has to look like one and point
// back at the emulator.

// int64 fields arrive as numbers from the SDKs and as strings from protobuf-JSON clients (OpenAPI
// types them string).
const Seconds = v.union([
  v.pipe(v.number(), v.integer(), v.minValue(0)),
  v.pipe(v.string(), v.regex(/^\d+$/, 'expected a whole number of seconds')),
])

const GenerateBody = v.object({
  tenantId: v.string(),
  expireTime: v.nullish(Seconds),
  ssoId: v.nullish(v.string()),
  email: v.nullish(v.string()),
  templateId: v.nullish(v.string()),
  actorId: v.nullish(v.string()),
})
const RevokeBody = v.object({ tenantId: v.string(), ssoId: v.nullish(v.string()) })

function generate({ state, body, origin }: RouteContext) {
  const request = parseBody(GenerateBody, body, ['tenantId'])
  const tenant = findTenant(state, request.tenantId)
  const token = randomBytes(16).toString('hex')
  const link = new URL(`/sso-setup/${encodeURIComponent(tenant.id)}`, origin)
  link.searchParams.set('t', token)
  if (request.ssoId) link.searchParams.set('ssoId', request.ssoId)
  return { adminSSOConfigurationLink: link.href }
}

function revoke({ state, body }: RouteContext) {
  const request = parseBody(RevokeBody, body, ['tenantId'])
  findTenant(state, request.tenantId)
  return {}
}

// query(): neither changes the stored state, so nothing needs persisting.
export const tenantAdminLinkRoutes: RouteTable = {
  'POST /v2/mgmt/tenant/adminlinks/sso/generate': query(generate),
  'POST /v1/mgmt/tenant/adminlinks/sso/revoke': query(revoke),
}
