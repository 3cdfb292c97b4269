// Tenant SSO settings (plugins/tenant-sso.ts): a tenant's OIDC or SAML connection applied, changed
// out of band through the official SDK and named by drift, put back by sync; a tenant that follows
// another's declared settings; `protocol: none`; restored into a second project with nothing of
// the first's; the client secret write-only and redacted; bad files refused before any request.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import * as assert from 'uvu/assert'
import { createClient } from '../lib/client/client.ts'
import type { Emulator } from '../lib/emulator/index.ts'
import tenantSso, { normalizeTenantSso, type LiveTenantSso } from '../plugins/tenant-sso.ts'
import { restoreIntoSecond, runIn as run, twoProjectSuite } from './helpers/two-projects.ts'
import { emulatorEnvironment } from './helpers/project.ts'

// quotes, a backslash and a dollar: redacted wherever it could be printed
const SECRET = `oidc-"secret"\\with'quotes$and-more`
process.env.ACME_OIDC_SECRET = SECRET

const TENANTS = `tenants:
  - { id: acme, name: Acme }
  - { id: globex, name: Globex }
  - { id: initech, name: Initech }
roles:
  - { name: Editor }
`
const SSO = `tenantSso:
  acme:
    protocol: oidc
    name: Acme Okta
    clientId: 0oa1acme
    clientSecret: \${ACME_OIDC_SECRET}
    authUrl: https://acme.okta.example/authorize
    tokenUrl: https://acme.okta.example/token
    scope: [profile, openid, email]
    attributeMapping: { email: mail, customAttributes: { plan: tier } }
    redirectUrl: https://app.example.com/sso/done
    domains: [Acme.com]
  globex:
    follows: acme
    clientId: 0oa1globex
    attributeMapping: { name: displayName }
    domains: [globex.com]
  initech:
    protocol: saml
    idpMetadataUrl: https://idp.initech.example/metadata
    roleMappings: [{ roleName: Editor, groups: [eng, admins] }]
    domains: [initech.com]
`
const BODY = TENANTS + SSO

const test = twoProjectSuite('tenant SSO settings', tenantSso, 'tenant-sso', BODY)

type Stored = { authType: string; domains: string[]; clientSecret: string; oidc?: Record<string, unknown>; saml: Record<string, unknown> }
const stored = (emulator: Emulator, tenant: string): Stored | undefined => (emulator.state.plugins['tenant-sso'] as { tenants: Record<string, Record<string, Stored>> }).tenants[tenant]?.['']
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
const issuesOf = (result: { stdout: string }) => JSON.parse(result.stdout).error.issues as { file: string; path: string; message: string; fix: string }[]

test('OIDC, SAML by metadata and a follower are applied; an SDK change is drift on that field; sync puts it back', async (context) => {
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const acme = stored(context.a, 'acme')!
  assert.equal([acme.authType, acme.domains, acme.clientSecret, acme.oidc!.clientId, acme.oidc!.scope], ['oidc', ['acme.com'], SECRET, '0oa1acme', ['email', 'openid', 'profile']])
  // globex: acme's settings with its own client id, its attribute mapping merged key by key, its own domains
  const globex = stored(context.a, 'globex')!
  assert.equal([globex.authType, globex.domains, globex.clientSecret, globex.oidc!.clientId, globex.oidc!.authUrl, globex.oidc!.redirectUrl], ['oidc', ['globex.com'], SECRET, '0oa1globex', 'https://acme.okta.example/authorize', 'https://app.example.com/sso/done'])
  assert.equal(globex.oidc!.userAttrMapping, { email: 'mail', name: 'displayName', customAttributes: { plan: 'tier' } })
  const initech = stored(context.a, 'initech')!
  assert.equal([initech.authType, initech.saml.idpMetadataUrl, initech.saml.roleMappings], ['saml', 'https://idp.initech.example/metadata', [{ roleName: 'Editor', groups: ['admins', 'eng'] }]])
  assert.not.ok(applied.stdout.includes(SECRET) || applied.stderr.includes(SECRET), 'the secret is in no output')
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])

  const sdk = sdkOf(context.a)
  assert.ok((await sdk.sso.configureSSORedirectURL('globex', undefined, 'https://evil.example/r')).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['globex', ['redirectUrl']]])
  const fixed = await run(context, 'a', 'sync', '--apply')
  assert.is(fixed.code, 0, fixed.stderr)
  assert.is(stored(context.a, 'globex')!.oidc!.redirectUrl, 'https://app.example.com/sso/done')
  assert.is(stored(context.a, 'globex')!.clientSecret, SECRET, 'the update sent the secret again')
})

test('follows is resolved before the plan: never shown, sent or compared; the plan names the follower\'s merged fields', async (context) => {
  const plan = await run(context, 'a', 'sync', '--json')
  assert.is(plan.code, 0, plan.stderr)
  const change = JSON.parse(plan.stdout).changes.find((c: { type: string; key: string }) => c.type === 'tenantSso' && c.key === 'globex')
  const fields = change.fields.map((field: { path: string }) => field.path)
  assert.not.ok(fields.includes('follows'))
  assert.ok(fields.includes('authUrl') && fields.includes('protocol'), 'what globex takes from acme is in its plan')
  assert.is(change.fields.find((field: { path: string }) => field.path === 'clientSecret').desired, '(secret)')
  assert.not.ok(plan.stdout.includes(SECRET))
  // a saved plan holds the resolved items too, and applies as reviewed
  const saved = await run(context, 'a', 'sync', '--out', 'a.plan.json')
  assert.is(saved.code, 0, saved.stderr)
  const file = fs.readFileSync(path.join(context.project.dir, 'a.plan.json'), 'utf8')
  assert.not.ok(file.includes('follows') || file.includes(SECRET))
  const applied = await run(context, 'a', 'sync', '--plan', 'a.plan.json', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.is(stored(context.a, 'globex')!.oidc!.authUrl, 'https://acme.okta.example/authorize')
  assert.is(stored(context.a, 'globex')!.clientSecret, SECRET)
  assert.not.ok(JSON.stringify(context.a.state.plugins['tenant-sso']).includes('follows'))
})

test('a backup restored into another project: the next plan empty, no secret and no role id of the first project', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context)
  const roleIds = Object.keys(context.a.state.roles)
  const secondSide = [...outputs.flatMap((output) => [output.stdout, output.stderr]), JSON.stringify(context.b.state), fs.readFileSync(backup, 'utf8')]
  assert.not.ok(secondSide.some((text) => text.includes(SECRET)), 'the client secret reached the second project')
  assert.not.ok(fs.readFileSync(backup, 'utf8').includes('clientSecret'))
  for (const id of roleIds) assert.not.ok(secondSide.some((text) => text.includes(id)), `role id ${id} of the first project reached the second`)
  // the restore wrote what the backup holds: globex as acme's settings merged, no follows
  assert.equal([stored(context.b, 'globex')!.oidc!.clientId, stored(context.b, 'globex')!.oidc!.authUrl], ['0oa1globex', 'https://acme.okta.example/authorize'])
  assert.is(stored(context.b, 'acme')!.clientSecret, '', 'a backup holds no secret: restore, then sync --send-secrets')
})

test('protocol: none removes a tenant\'s settings (deleteSettings); a tenant left out is not managed', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `${TENANTS}tenantSso:\n  acme: { protocol: none }\n`))
  const plan = JSON.parse((await run(context, 'a', 'sync', '--json')).stdout)
  assert.equal(plan.changes.map((c: { key: string; op: string }) => [c.key, c.op]), [['acme', 'update']])
  assert.ok(plan.changes[0].fields.some((field: { path: string; desired: unknown }) => field.path === 'protocol' && field.desired === 'none'))
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.is(stored(context.a, 'acme'), undefined, 'acme\'s settings were deleted')
  assert.ok(stored(context.a, 'globex'), 'globex, left out of the file, keeps its settings')
  const deletes = context.a.log.filter((entry) => entry.method === 'DELETE' && entry.path === '/v1/mgmt/sso/settings')
  assert.is(deletes.length, 1)
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('the file states the whole connection: a field left out is reset, and the plan says so', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, BODY.replace('    scope: [profile, openid, email]\n', '')))
  const plan = JSON.parse((await run(context, 'a', 'sync', '--json')).stdout)
  // globex follows acme, so it loses the scope too
  assert.equal(plan.changes.map((c: { key: string; fields: { path: string; desired: unknown }[] }) => [c.key, c.fields.map((field) => [field.path, field.desired])]), [['acme', [['scope', undefined]]], ['globex', [['scope', undefined]]]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal([stored(context.a, 'acme')!.oidc!.scope, stored(context.a, 'acme')!.clientSecret], [[], SECRET])
})

test('a tenant called __proto__ or toString gets its own settings', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `tenants:\n  - { id: __proto__, name: Proto }\n  - { id: toString, name: Str }\ntenantSso:\n  __proto__: { protocol: saml, idpUrl: https://idp.example/p, entityId: p, idpCert: c1 }\n  toString: { follows: __proto__, entityId: s }\n`))
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal([stored(context.a, '__proto__')!.saml.idpEntityId, stored(context.a, 'toString')!.saml.idpEntityId, stored(context.a, 'toString')!.saml.idpCertificate], ['p', 's', 'c1'])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

const refused = async (context: Parameters<Parameters<typeof test>[1]>[0], sso: string) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `${TENANTS}tenantSso:\n${sso}`))
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3, result.stderr)
  assert.is(context.a.log.length, 0, 'no request was sent')
  return issuesOf(result)
}

test('follows: an undeclared tenant, itself, a chain, a cycle and another protocol are refused before any request', async (context) => {
  const cases: [string, string, RegExp][] = [
    ['  globex: { follows: nobody, clientId: x }\n', 'tenantSso.globex.follows', /follows tenant "nobody", whose SSO settings this environment does not declare/],
    ['  globex: { follows: globex }\n', 'tenantSso.globex.follows', /follows itself/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example }\n  globex: { follows: acme }\n  initech: { follows: globex }\n', 'tenantSso.initech.follows', /which itself follows "acme"; a chain of follows is not supported/],
    ['  globex: { follows: initech }\n  initech: { follows: globex }\n', 'tenantSso.globex.follows', /which itself follows "globex"/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example }\n  globex: { follows: acme, protocol: oidc }\n', 'tenantSso.globex.follows', /declares protocol oidc but follows "acme", whose protocol is saml/],
  ]
  for (const [sso, where, message] of cases) {
    const issues = await refused(context, sso)
    const issue = issues.find((found) => found.path === where)
    assert.ok(issue, `${where} in ${JSON.stringify(issues)}`)
    assert.match(issue!.message, message)
    assert.match(issue!.file, 'a.yaml')
    assert.ok(issue!.fix.length > 0)
  }
})

test('incomplete or mixed connections, a literal secret and a shared SSO domain are refused, naming the field', async (context) => {
  const cases: [string, string, RegExp][] = [
    ['  acme: { clientId: x }\n', 'tenantSso.acme.protocol', /is required/],
    ['  acme: { protocol: oidc, name: n }\n', 'tenantSso.acme.clientId', /is required for protocol oidc/],
    ['  acme: { protocol: saml, idpUrl: https://i.example }\n', 'tenantSso.acme.entityId', /is required for SAML without idpMetadataUrl/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example, idpUrl: https://i.example }\n', 'tenantSso.acme.idpMetadataUrl', /by idpMetadataUrl or by idpUrl and idpCert, and this one has both/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example }\n  globex: { follows: acme, idpCert: c }\n', 'tenantSso.globex.idpMetadataUrl', /has both \(with what it takes from "acme"\)/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example, clientId: x }\n', 'tenantSso.acme.clientId', /clientId does not apply to protocol saml/],
    ['  acme: { protocol: none, domains: [acme.com] }\n', 'tenantSso.acme.domains', /does not apply to protocol none/],
    ['  acme: { protocol: oidc, name: n, clientId: c, clientSecret: "hunter2-literal" }\n', 'tenantSso.acme.clientSecret', /secret written literally/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example, domains: [a.com] }\n  globex: { protocol: saml, idpMetadataUrl: https://m.example, domains: [A.com] }\n', 'tenantSso.globex.domains', /domain "a.com" is an SSO domain of tenants "acme" and "globex"/],
    ['  acme: { protocol: saml, idpMetadataUrl: https://m.example, spEntityId: x }\n', 'tenantSso.acme.spEntityId', /is assigned by Descope/],
    ['  acme: { protocol: oidc, name: n, clientId: c, grantType: password }\n', 'tenantSso.acme.grantType', /must be authorization_code or implicit/],
  ]
  for (const [sso, where, message] of cases) {
    const issues = await refused(context, sso)
    const issue = issues.find((found) => found.path === where)
    assert.ok(issue, `${where} in ${JSON.stringify(issues)}`)
    assert.match(issue!.message, message)
    assert.not.ok(JSON.stringify(issues).includes('hunter2-literal'), 'a literal secret is not quoted back')
  }
})

test('a tenant deleted and made again under its id starts without SSO settings', async (context) => {
  const sdk = sdkOf(context.a)
  assert.ok((await sdk.tenant.createWithId('acme', 'Acme')).ok)
  assert.ok((await sdk.sso.configureSAMLByMetadata('acme', { idpMetadataUrl: 'https://m.example' }, '', ['acme.com'])).ok)
  assert.ok((await sdk.tenant.delete('acme')).ok)
  assert.is((await sdk.sso.loadSettings('acme')).code, 404)
  // the emulator tells tenants apart by their createdTime, in seconds
  await new Promise((resolve) => setTimeout(resolve, 1100))
  assert.ok((await sdk.tenant.createWithId('acme', 'Acme')).ok)
  const again = (await sdk.sso.loadSettings('acme')).data!
  assert.equal([again.tenant.authType, again.saml!.idpMetadataUrl, again.tenant.domains], ['none', '', []])
  // and its old domain is free for another tenant
  assert.ok((await sdk.tenant.createWithId('globex', 'Globex')).ok)
  assert.ok((await sdk.sso.configureSAMLByMetadata('globex', { idpMetadataUrl: 'https://m.example' }, '', ['acme.com'])).ok)
})

test('list reads just the tenants named that exist (one request each, after the tenant list), or every tenant', async (context) => {
  const sdk = sdkOf(context.a)
  for (const id of ['t1', 't2', 't3']) assert.ok((await sdk.tenant.createWithId(id, id)).ok)
  const client = createClient({ projectId: context.a.projectId, managementKey: context.a.managementKey, baseUrl: context.a.url, throttle: { limit: 100, intervalMs: 1000 }, retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, maxRateLimitWaitMs: 1, circuitBreakAfter: 100 }, timeouts: { connectMs: 1000, requestMs: 5000, unresponsiveMs: 10_000, runMs: 60_000, graceMs: 1000 } })
  try {
    const [handler] = tenantSso().handlers
    const ctx = { env: 'a', projectId: context.a.projectId, client, log: undefined as never, settings: {} }
    context.a.log.length = 0
    const some = await handler!.list(ctx, ['t2', 'not-made-yet']) as LiveTenantSso[]
    assert.equal(some.map((live) => live.tenant.id), ['t2'])
    assert.equal(context.a.log.map((entry) => `${entry.method} ${entry.path}`), ['GET /v1/mgmt/tenant/all', 'GET /v2/mgmt/sso/settings'], 'a tenant not made yet is not asked about')
    context.a.log.length = 0
    const all = await handler!.list(ctx) as LiveTenantSso[]
    assert.equal(all.map((live) => live.tenant.id).sort(), ['t1', 't2', 't3'])
    assert.equal(context.a.log.map((entry) => entry.path), ['/v1/mgmt/tenant/all', ...Array(3).fill('/v2/mgmt/sso/settings')])
  } finally {
    client.close()
  }
})

test('live settings of an unexpected shape stop the run, naming the item (exit 1)', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  ;(stored(context.a, 'acme') as { domains: unknown }).domains = 'acme.com'
  const result = await run(context, 'a', 'sync')
  assert.is(result.code, 1)
  // by the tenant's id, not its place in a list of hundreds
  assert.match(result.stderr, 'live tenantSso "acme" is not of the shape')
  assert.match(result.stderr, 'domains')
})

test('normalize: the connection in use is authType; without one, whichever holds settings; metadata hides the IdP URL and certificate', () => {
  const tenant = { id: 't', domains: ['B.com', 'a.com'] }
  const saml = { idpMetadataUrl: 'https://m', idpSSOUrl: 'https://from-metadata', idpCertificate: 'c', idpEntityId: '', groupsMapping: [{ role: { id: 'R1', name: 'Editor' }, groups: ['y', 'x'] }, { role: null, groups: ['z'] }] }
  assert.equal(normalizeTenantSso({ tenant: { ...tenant, authType: 'saml' }, saml, oidc: { clientId: 'c' } } as LiveTenantSso), { tenantId: 't', protocol: 'saml', domains: ['a.com', 'b.com'], idpMetadataUrl: 'https://m', roleMappings: [{ roleName: 'Editor', groups: ['x', 'y'] }] })
  assert.equal(normalizeTenantSso({ tenant, oidc: { clientId: 'c', name: 'n', scope: [], userAttrMapping: { email: '', extra: 'kept out' } } } as unknown as LiveTenantSso), { tenantId: 't', protocol: 'oidc', domains: ['a.com', 'b.com'], name: 'n', clientId: 'c' })
  assert.equal(normalizeTenantSso({ tenant, saml: { idpSSOUrl: '' } } as LiveTenantSso), { tenantId: 't', protocol: 'none' })
})

test.run()
