import { ReplyError } from '../errors.ts'
import { query, type RouteTable } from '../route.ts'

// SSO applications (descope-api.md §2.7, shape §3.8), read-only: a new project holds the default
// OIDC application, and a client listing applications must see it. Load answers the bare
// application, as node-sdk and go-sdk read it (OAS shows `{ app }`: a DISCREPANCY).
export const ssoApplicationRoutes: RouteTable = {
  'GET /v1/mgmt/sso/idp/apps/load': query(({ state }) => ({ apps: Object.values(state.ssoApplications) })),
  'GET /v1/mgmt/sso/idp/app/load': query(({ state, query: params }) => {
    const id = params.get('id')
    if (!id) throw new ReplyError('missingArguments', 'missing required field(s): id')
    const app = state.ssoApplications[id]
    if (!app) throw new ReplyError('notFound', `SSO application "${id}" not found`)
    return app
  }),
}
