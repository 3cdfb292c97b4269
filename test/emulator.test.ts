import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  EMULATOR_MANAGEMENT_KEY,
  EMULATOR_PROJECT_ID,
  EmulatorError,
  emptyState,
  startEmulator,
} from '../lib/emulator/index.ts'
import { assertApiError, type ApiCall } from './helpers/emulator-http.ts'
import { sample } from './helpers/emulator-samples.ts'
import { emulatorSuite, withEmulator } from './helpers/emulator-suite.ts'

// Real HTTP against the emulator: every tenant endpoint, the protocol edges, faults and persistence
// (of every family). Permissions, roles, flows and the theme have their own emulator-*.test.ts files.

// ---------------------------------------------------------------------------------------------
const Tenants = emulatorSuite('tenants')

Tenants('constants have the real id and key shapes, without looking like a leaked key', () => {
  assert.is(EMULATOR_PROJECT_ID.length, 28)
  assert.ok(EMULATOR_PROJECT_ID.startsWith('P'))
  assert.ok(EMULATOR_MANAGEMENT_KEY.startsWith('K'))
  assert.not.match(EMULATOR_MANAGEMENT_KEY, /K2[A-Za-z0-9]{24,}/)
})

Tenants('GET license answers the tier', async ({ call }) => {
  const response = await call('GET', '/v1/mgmt/license')
  assert.is(response.status, 200)
  assert.equal(response.body, { rateLimitTier: 'tier1' })
})

Tenants('create with an id, then load returns the bare tenant (OpenAPI Tenant)', async ({ call }) => {
  const before = Math.floor(Date.now() / 1000)
  const created = await call('POST', '/v1/mgmt/tenant/create', {
    id: 'acme',
    name: 'Acme',
    selfProvisioningDomains: ['acme.com'],
    customAttributes: { plan: 'enterprise', seats: 5, beta: true, tags: ['a'] },
    enforceSSO: true,
    roleInheritance: 'userOnly',
  })
  assert.is(created.status, 200)
  assert.equal(created.body, { id: 'acme' })

  const loaded = await call('GET', '/v1/mgmt/tenant?id=acme')
  assert.is(loaded.status, 200)
  const { createdTime, ...rest } = loaded.body
  assert.ok(createdTime >= before && createdTime <= Math.ceil(Date.now() / 1000), 'createdTime is epoch seconds')
  assert.equal(rest, {
    id: 'acme',
    name: 'Acme',
    selfProvisioningDomains: ['acme.com'],
    customAttributes: { plan: 'enterprise', seats: 5, beta: true, tags: ['a'] },
    authType: 'none',
    domains: [],
    disabled: false,
    enforceSSO: true,
    enforceSSOExclusions: [],
    federatedAppIds: [],
    parent: '',
    defaultRoles: [],
    roleInheritance: 'userOnly',
    successors: [],
  })
})

Tenants('create without an id generates one', async ({ call, emulator }) => {
  const created = await call('POST', '/v1/mgmt/tenant/create', { name: 'Generated' })
  assert.is(created.status, 200)
  assert.match(created.body.id, /^T2[A-Za-z0-9]{26}$/)
  assert.is(emulator.state.tenants[created.body.id]?.name, 'Generated')
  assert.is((await call('GET', `/v1/mgmt/tenant?id=${created.body.id}`)).body.name, 'Generated')
})

Tenants('create rejects duplicates, missing and mistyped fields', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com'] })
  const create = (body: unknown) => call('POST', '/v1/mgmt/tenant/create', body)

  assertApiError(await create({ id: 'acme', name: 'Other' }), 409, 'E990409', 'acme')
  assertApiError(await create({ id: 'other', name: 'Acme' }), 409, 'E990409', 'name')
  assertApiError(await create({ id: 'other', name: 'Other', selfProvisioningDomains: ['ACME.com'] }), 409, 'E990409', 'acme')
  assertApiError(await create({ id: 'other' }), 400, 'E011002', 'name')
  assertApiError(await create({ id: 'other', name: '' }), 400, 'E011002', 'name')
  assertApiError(await create({ id: '', name: 'Other' }), 400, 'E011003', 'id')
  assertApiError(await create({ name: 'Other', selfProvisioningDomains: 'x.com' }), 400, 'E011003', 'selfProvisioningDomains')
  assertApiError(await create({ name: 'Other', roleInheritance: 'all' }), 400, 'E011003', 'roleInheritance')
  assertApiError(await create({ name: 'Other', customAttributes: { a: { nested: 1 } } }), 400, 'E011003', 'customAttributes')
  assertApiError(await create({ name: 'Other', parent: 'missing' }), 400, 'E011003', 'missing')
  assert.equal(Object.keys(emulator.state.tenants), ['acme'], 'no failed create left anything behind')
})

Tenants('sub-tenants: parent recorded, successors derived, delete blocked', async ({ call }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'root', name: 'Root' })
  assert.is((await call('POST', '/v1/mgmt/tenant/create', { id: 'child', name: 'Child', parent: 'root' })).status, 200)

  assert.is((await call('GET', '/v1/mgmt/tenant?id=child')).body.parent, 'root')
  assert.equal((await call('GET', '/v1/mgmt/tenant?id=root')).body.successors, ['child'])
  assertApiError(await call('POST', '/v1/mgmt/tenant/delete', { id: 'root', cascade: true }), 400, 'E011003', 'child')

  assert.is((await call('POST', '/v1/mgmt/tenant/delete', { id: 'child' })).status, 200)
  assert.equal((await call('GET', '/v1/mgmt/tenant?id=root')).body.successors, [])
  assert.is((await call('POST', '/v1/mgmt/tenant/delete', { id: 'root' })).status, 200)
})

Tenants('update replaces every field; parent, defaultRoles and createdTime survive', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'root', name: 'Root' })
  await call('POST', '/v1/mgmt/tenant/create', {
    id: 'acme',
    name: 'Acme',
    parent: 'root',
    selfProvisioningDomains: ['acme.com'],
    customAttributes: { plan: 'pro' },
    enforceSSO: true,
    disabled: true,
    roleInheritance: 'none',
  })
  await call('POST', '/v1/mgmt/role/create', { name: 'viewer' })
  assert.is((await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'acme', defaultRoles: ['viewer'] })).status, 200)
  const createdTime = emulator.state.tenants.acme?.createdTime

  const updated = await call('POST', '/v1/mgmt/tenant/update', { id: 'acme', name: 'Acme Corp', parent: 'ignored' })
  assert.is(updated.status, 200)
  assert.equal(updated.body, {})
  const tenant = (await call('GET', '/v1/mgmt/tenant?id=acme')).body
  assert.is(tenant.name, 'Acme Corp')
  assert.equal(tenant.selfProvisioningDomains, [])
  assert.equal(tenant.customAttributes, {})
  assert.is(tenant.enforceSSO, false)
  assert.is(tenant.disabled, false)
  assert.is(tenant.roleInheritance, '')
  assert.is(tenant.parent, 'root')
  assert.equal(tenant.defaultRoles, ['viewer'])
  assert.is(tenant.createdTime, createdTime)
})

Tenants('update errors: unknown id, missing name, taken name or domain', async ({ call }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'a', name: 'A', selfProvisioningDomains: ['a.com'] })
  await call('POST', '/v1/mgmt/tenant/create', { id: 'b', name: 'B' })
  const update = (body: unknown) => call('POST', '/v1/mgmt/tenant/update', body)

  assertApiError(await update({ id: 'nope', name: 'N' }), 404, 'E990404', 'nope')
  assertApiError(await update({ id: 'b' }), 400, 'E011002', 'name')
  assertApiError(await update({ name: 'B' }), 400, 'E011002', 'id')
  assertApiError(await update({ id: 'b', name: 'A' }), 409, 'E990409')
  assertApiError(await update({ id: 'b', name: 'B', selfProvisioningDomains: ['a.com'] }), 409, 'E990409')
  assert.is((await update({ id: 'a', name: 'A', selfProvisioningDomains: ['a.com'] })).status, 200, 'own domain is fine')
})

Tenants('updateDefaultRoles sets and clears; unknown id is 404; roles must exist', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'a' }, { name: 'b' }] })
  await call('POST', '/v1/mgmt/role/create', { name: 'scoped', tenantId: 'acme' })
  const set = await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'acme', defaultRoles: ['a', 'b'] })
  assert.is(set.status, 200)
  assert.equal(set.body, {})
  assert.equal(emulator.state.tenants.acme?.defaultRoles, ['a', 'b'])
  await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'acme' })
  assert.equal(emulator.state.tenants.acme?.defaultRoles, [])
  assertApiError(await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'x', defaultRoles: [] }), 404, 'E990404')
  assertApiError(await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'acme', defaultRoles: 'a' }), 400, 'E011003')
  // only project-level roles can be default roles: a tenant-scoped one is refused like a missing one
  for (const missing of ['nope', 'scoped']) {
    const refused = await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'acme', defaultRoles: ['a', missing] })
    assertApiError(refused, 400, 'E011003', `"${missing}"`)
  }
  assert.equal(emulator.state.tenants.acme?.defaultRoles, [], 'a refused update changes nothing')
})

Tenants('delete removes the tenant; errors', async ({ call }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  const deleted = await call('POST', '/v1/mgmt/tenant/delete', { id: 'acme', cascade: true })
  assert.is(deleted.status, 200)
  assert.equal(deleted.body, {})
  assertApiError(await call('GET', '/v1/mgmt/tenant?id=acme'), 404, 'E990404')
  assertApiError(await call('POST', '/v1/mgmt/tenant/delete', { id: 'acme' }), 404, 'E990404')
  assertApiError(await call('POST', '/v1/mgmt/tenant/delete', {}), 400, 'E011002', 'id')
  assertApiError(await call('POST', '/v1/mgmt/tenant/delete', { id: 'acme', cascade: 'yes' }), 400, 'E011003', 'cascade')
})

Tenants('load needs an id query parameter', async ({ call }) => {
  assertApiError(await call('GET', '/v1/mgmt/tenant'), 400, 'E011002', 'id')
  assertApiError(await call('GET', '/v1/mgmt/tenant?id=missing'), 404, 'E990404', 'missing')
})

Tenants('loadAll always answers an array, sorted by id', async ({ call }) => {
  assert.equal((await call('GET', '/v1/mgmt/tenant/all')).body, { tenants: [] })
  await call('POST', '/v1/mgmt/tenant/create', { id: 'zeta', name: 'Zeta' })
  await call('POST', '/v1/mgmt/tenant/create', { id: 'alpha', name: 'Alpha' })
  const all = await call('GET', '/v1/mgmt/tenant/all')
  assert.is(all.status, 200)
  assert.equal(all.body.tenants.map((t: { id: string }) => t.id), ['alpha', 'zeta'])
})

Tenants('search: AND across filters, any-of within a list', async ({ call }) => {
  const seed = [
    { id: 'a', name: 'A', selfProvisioningDomains: ['a.com'], customAttributes: { plan: 'pro', region: 'eu' } },
    { id: 'b', name: 'B', selfProvisioningDomains: ['b.com'], customAttributes: { plan: 'free', region: 'eu' } },
    { id: 'c', name: 'C', parent: 'a', customAttributes: { plan: 'pro', region: 'us' } },
  ]
  for (const tenant of seed) assert.is((await call('POST', '/v1/mgmt/tenant/create', tenant)).status, 200)

  const cases: [unknown, string[]][] = [
    [undefined, ['a', 'b', 'c']],
    [{}, ['a', 'b', 'c']],
    [{ tenantIds: [] }, ['a', 'b', 'c']],
    [{ tenantIds: ['a', 'c', 'missing'] }, ['a', 'c']],
    [{ tenantNames: ['B'] }, ['b']],
    [{ tenantNames: ['b'] }, []],
    [{ tenantSelfProvisioningDomains: ['A.COM', 'b.com'] }, ['a', 'b']],
    [{ customAttributes: { plan: 'pro' } }, ['a', 'c']],
    [{ customAttributes: { plan: 'pro', region: 'eu' } }, ['a']],
    [{ customAttributes: { plan: ['free', 'pro'] } }, ['a', 'b', 'c']],
    [{ customAttributes: { missing: 'x' } }, []],
    [{ parentTenantId: 'a' }, ['c']],
    [{ tenantIds: ['a', 'b'], customAttributes: { plan: 'free' } }, ['b']],
    [{ topLevelOnly: true }, ['a', 'b']],
    [{ tenantSSODomains: ['a.com'] }, []], // SSO domains are never set in the emulator
    [{ authType: 'none' }, ['a', 'b', 'c']],
    [{ authType: 'saml' }, []],
  ]
  for (const [filter, expected] of cases) {
    const found = await call('POST', '/v1/mgmt/tenant/search', filter)
    assert.is(found.status, 200)
    assert.equal(found.body.tenants.map((t: { id: string }) => t.id), expected, JSON.stringify(filter))
  }
  assert.equal((await call('POST', '/v1/mgmt/tenant/search', { tenantIds: ['c'] })).body.tenants[0].parent, 'a')
  assertApiError(await call('POST', '/v1/mgmt/tenant/search', { tenantIds: 'a' }), 400, 'E011003', 'tenantIds')
})

Tenants('admin links: generate (v2) points at the emulator, revoke (v1)', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  for (const expireTime of [86400, '86400']) {
    const generated = await call('POST', '/v2/mgmt/tenant/adminlinks/sso/generate', { tenantId: 'acme', expireTime })
    assert.is(generated.status, 200)
    assert.equal(Object.keys(generated.body), ['adminSSOConfigurationLink'])
    assert.ok(generated.body.adminSSOConfigurationLink.startsWith(`${emulator.url}/`), generated.body.adminSSOConfigurationLink)
  }
  const generate = (body: unknown) => call('POST', '/v2/mgmt/tenant/adminlinks/sso/generate', body)
  assertApiError(await generate({ tenantId: 'x', expireTime: 60 }), 404, 'E990404')
  assertApiError(await generate({ expireTime: 60 }), 400, 'E011002', 'tenantId')
  assertApiError(await generate({ tenantId: 'acme', expireTime: 'soon' }), 400, 'E011003', 'expireTime')

  const revoked = await call('POST', '/v1/mgmt/tenant/adminlinks/sso/revoke', { tenantId: 'acme', ssoId: 'sso1' })
  assert.is(revoked.status, 200)
  assert.equal(revoked.body, {})
  assertApiError(await call('POST', '/v1/mgmt/tenant/adminlinks/sso/revoke', { tenantId: 'x' }), 404, 'E990404')
})

Tenants.run()

// ---------------------------------------------------------------------------------------------
const Protocol = emulatorSuite('protocol')

Protocol('missing or wrong Authorization is a 401 JSON error, before the handler', async ({ call, emulator }) => {
  const body = { id: 'acme', name: 'Acme' }
  assertApiError(await call('POST', '/v1/mgmt/tenant/create', body, { authorization: null }), 401, 'E990401', 'missing')
  const wrongKey = `Bearer ${emulator.projectId}:K-wrong`
  assertApiError(await call('POST', '/v1/mgmt/tenant/create', body, { authorization: wrongKey }), 401, 'E990401')
  const wrongProject = `Bearer P2someOtherProject0000000001:${emulator.managementKey}`
  assertApiError(await call('GET', '/v1/mgmt/tenant/all', undefined, { authorization: wrongProject }), 401, 'E990401')
  assertApiError(await call('GET', '/v1/mgmt/license', undefined, { authorization: `Bearer ${emulator.projectId}` }), 401, 'E990401')
  const unauthorized = await call('GET', '/v1/mgmt/tenant/all', undefined, { authorization: wrongKey })
  assert.not.match(JSON.stringify(unauthorized.body), 'K-wrong', 'the error does not echo the key')
  assert.equal(Object.keys(emulator.state.tenants), [])
  assert.ok(emulator.log.every((entry) => entry.outcome === 'unauthorized' && entry.status === 401))
})

Protocol('the SDK headers, x-descope-license included, are tolerated', async ({ call }) => {
  const headers = {
    'x-descope-license': 'tier1',
    'x-descope-sdk-name': 'nodejs',
    'x-descope-sdk-version': '2.13.0',
    'x-descope-project-id': EMULATOR_PROJECT_ID,
    'x-descope-sdk-session-id': '2026-11-22-01:22:15:692-8254',
  }
  assert.is((await call('POST', '/v1/mgmt/tenant/create', { name: 'Acme' }, { headers })).status, 200)
})

Protocol('unknown route and wrong method are 404 JSON errors', async ({ call }) => {
  assertApiError(await call('GET', '/v1/mgmt/nothing'), 404, 'E990444', '/v1/mgmt/nothing')
  assertApiError(await call('GET', '/v1/mgmt/tenant/create'), 404, 'E990444', 'GET')
  assertApiError(await call('DELETE', '/v1/mgmt/tenant?id=a'), 404, 'E990444')
})

Protocol('malformed JSON is 400 E011001 and changes nothing', async ({ call, emulator }) => {
  assertApiError(await call('POST', '/v1/mgmt/tenant/create', undefined, { raw: '{"name": "Acme"' }), 400, 'E011001')
  assert.equal(Object.keys(emulator.state.tenants), [])
  assert.is(emulator.log[0]?.body, undefined, 'an unparseable body is not logged')
})

Protocol('a POST with no body, a null body or unknown keys is accepted', async ({ call, emulator }) => {
  const empty = await call('POST', '/v1/mgmt/tenant/search')
  assert.is(empty.status, 200)
  assert.equal(empty.body, { tenants: [] })
  assert.is((await call('POST', '/v1/mgmt/tenant/search', undefined, { raw: 'null' })).status, 200)
  assertApiError(await call('POST', '/v1/mgmt/tenant/create'), 400, 'E011002', 'name')
  assertApiError(await call('POST', '/v1/mgmt/tenant/create', ['a']), 400, 'E011003', 'object')

  const created = await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme', shiny: 'new' })
  assert.is(created.status, 200)
  assert.not.ok('shiny' in (emulator.state.tenants.acme ?? {}), 'unknown keys are dropped')
})

Protocol('the log records method, path, status, outcome, parsed body and arrival time', async ({ call, emulator }) => {
  const before = Date.now()
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  await call('GET', '/v1/mgmt/tenant?id=acme')
  assert.ok(emulator.log.every((entry, index) => entry.at >= before && entry.at <= Date.now() && (index === 0 || entry.at >= emulator.log[index - 1]!.at)))
  assert.equal(emulator.log.map(({ at: _at, ...entry }) => entry), [
    { method: 'POST', path: '/v1/mgmt/tenant/create', status: 200, outcome: 'handled', body: { id: 'acme', name: 'Acme' } },
    { method: 'GET', path: '/v1/mgmt/tenant', status: 200, outcome: 'handled' },
  ])
})

Protocol.run()

// ---------------------------------------------------------------------------------------------
const Faults = suite('faults')

Faults('rate limit: 429 with integer Retry-After and the E130429 body, then allowed again', async () => {
  await withEmulator({ rateLimit: { requests: 2, windowMs: 300 } }, async (emulator, call) => {
    assert.is((await call('GET', '/v1/mgmt/tenant/all')).status, 200)
    assert.is((await call('GET', '/v1/mgmt/tenant/all')).status, 200)
    const limited = await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
    assert.is(limited.status, 429)
    assert.equal(limited.body, {
      errorCode: 'E130429',
      errorDescription: 'https://docs.descope.com/rate-limit',
      errorMessage: 'API rate limit exceeded.',
    })
    const retryAfter = limited.headers.get('retry-after') ?? ''
    assert.match(retryAfter, /^[1-9]\d*$/, 'Retry-After is whole seconds, at least 1')
    assert.is(retryAfter, '1')
    assert.equal(Object.keys(emulator.state.tenants), [], 'a limited request changes nothing')
    assert.is(emulator.log.at(-1)?.outcome, 'rate-limited')

    await new Promise((resolve) => setTimeout(resolve, 350))
    assert.is((await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })).status, 200)
  })
})

Faults('rate limit counts requests that fail auth too (it runs first)', async () => {
  await withEmulator({ rateLimit: { requests: 1, windowMs: 60_000 } }, async (_emulator, call) => {
    assertApiError(await call('GET', '/v1/mgmt/tenant/all', undefined, { authorization: null }), 401, 'E990401')
    const limited = await call('GET', '/v1/mgmt/tenant/all')
    assertApiError(limited, 429, 'E130429')
    assert.is(limited.headers.get('retry-after'), '60')
  })
})

Faults('errorRate 1: every request is a 500 Descope error and nothing changes', async () => {
  await withEmulator({ errorRate: 1 }, async (emulator, call) => {
    assertApiError(await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' }), 500, 'E990500')
    assertApiError(await call('GET', '/v1/mgmt/tenant/all'), 500, 'E990500')
    assert.equal(Object.keys(emulator.state.tenants), [])
    assert.equal(emulator.log.map((entry) => [entry.outcome, entry.status]), [['fault', 500], ['fault', 500]])
    // auth is checked before faults are injected
    assertApiError(await call('GET', '/v1/mgmt/tenant/all', undefined, { authorization: null }), 401, 'E990401')
  })
})

Faults('dropRate 1: fetch rejects; with a fixed seed, drops after the handler keep the change', async () => {
  await withEmulator({ dropRate: 1, seed: 7 }, async (emulator, call) => {
    const ids = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']
    for (const id of ids) {
      try {
        await call('POST', '/v1/mgmt/tenant/create', { id, name: id })
        assert.unreachable('a dropped request must not get a response')
      } catch (error) {
        assert.instance(error, TypeError, 'fetch fails with a network error')
      }
    }
    assert.is(emulator.log.length, ids.length, 'one attempt per request, no hidden retries')
    const outcomes = emulator.log.map((entry) => entry.outcome)
    assert.ok(outcomes.includes('dropped-before') && outcomes.includes('dropped-after'), outcomes.join())
    for (const entry of emulator.log) {
      const id = (entry.body as { id: string }).id
      // dropped after handling: the log keeps the status the client never received
      assert.is(entry.status, entry.outcome === 'dropped-after' ? 200 : null)
      assert.is(id in emulator.state.tenants, entry.outcome === 'dropped-after', `${id}: ${entry.outcome}`)
    }
  })
})

Faults('the same seed replays the same faults', async () => {
  const run = async () => {
    let outcomes: string[] = []
    await withEmulator({ dropRate: 0.3, errorRate: 0.3, seed: 42 }, async (emulator, call) => {
      for (let i = 0; i < 12; i++) await call('GET', '/v1/mgmt/tenant/all').catch(() => undefined)
      outcomes = emulator.log.map((entry) => entry.outcome)
    })
    return outcomes
  }
  const first = await run()
  assert.equal(await run(), first)
  assert.ok(new Set(first).size >= 3, `a mix of outcomes: ${first.join()}`)
})

Faults('latency delays every response', async () => {
  await withEmulator({ latencyMs: 120 }, async (_emulator, call) => {
    const started = performance.now()
    assert.is((await call('GET', '/v1/mgmt/license')).status, 200)
    assert.ok(performance.now() - started >= 110, 'took at least the latency')
  })
})

Faults('non-loopback hosts and bad options are refused', async () => {
  for (const host of ['0.0.0.0', '192.168.1.10', 'example.com', '::', '']) {
    try {
      await startEmulator({ host })
      assert.unreachable(`host "${host}" must be refused`)
    } catch (error) {
      assert.instance(error, EmulatorError)
      assert.is((error as EmulatorError).code, 'EMULATOR_OPTIONS_INVALID')
    }
  }
  for (const options of [{ errorRate: 2 }, { dropRate: -0.1 }, { port: 70000 }, { rateLimit: { requests: 0, windowMs: 10 } }]) {
    try {
      await startEmulator(options)
      assert.unreachable(`${JSON.stringify(options)} must be refused`)
    } catch (error) {
      assert.instance(error, EmulatorError)
      assert.is((error as EmulatorError).code, 'EMULATOR_OPTIONS_INVALID')
    }
  }
  await withEmulator({ host: 'localhost' }, async (emulator) => {
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  })
})

Faults.run()

// ---------------------------------------------------------------------------------------------
const Persistence = suite<{ dir: string }>('persistence', { dir: '' })
Persistence.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'descope-emulator-'))
})
Persistence.after(async (ctx) => rm(ctx.dir, { recursive: true, force: true }))

Persistence('state round-trips through the file; parent dir 0700, file 0600, no temp left', async ({ dir }) => {
  const persistPath = join(dir, 'nested', 'state.json')
  await withEmulator({ persistPath }, async (_emulator, call) => {
    await call('POST', '/v1/mgmt/tenant/create', { id: 'root', name: 'Root' })
    await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme', parent: 'root' })
    assertApiError(await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Again' }), 409, 'E990409')
  })
  assert.is((await stat(join(dir, 'nested'))).mode & 0o777, 0o700)
  assert.is((await stat(persistPath)).mode & 0o777, 0o600)
  assert.equal(await readdir(join(dir, 'nested')), ['state.json'])
  const saved = JSON.parse(await readFile(persistPath, 'utf8'))
  assert.equal(Object.keys(saved.tenants), ['root', 'acme'])

  await withEmulator({ persistPath }, async (emulator, call) => {
    assert.is(emulator.state.tenants.acme?.parent, 'root')
    const root = await call('GET', '/v1/mgmt/tenant?id=root')
    assert.equal(root.body.successors, ['acme'])
    await call('POST', '/v1/mgmt/tenant/delete', { id: 'acme' })
  })
  assert.equal(Object.keys(JSON.parse(await readFile(persistPath, 'utf8')).tenants), ['root'])
})

Persistence('permissions, roles, flows and the theme persist and reload', async ({ dir }) => {
  const persistPath = join(dir, 'families.json')
  let before: Record<string, unknown> = {}
  const snapshot = async (call: ApiCall) => ({
    permissions: (await call('GET', '/v1/mgmt/permission/all')).body,
    roles: (await call('GET', '/v1/mgmt/role/all')).body,
    flows: (await call('POST', '/v1/mgmt/flow/list', {})).body,
    flow: (await call('POST', '/v2/mgmt/flow/export', { flowId: 'references-flow' })).body,
    theme: (await call('POST', '/v2/mgmt/theme/export')).body,
  })
  await withEmulator({ persistPath, blank: true }, async (_emulator, call) => {
    await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
    await call('POST', '/v1/mgmt/permission/create', { name: 'read', description: 'Reads' })
    await call('POST', '/v1/mgmt/role/create', { name: 'My User Role', permissionNames: ['read'] })
    await call('POST', '/v1/mgmt/role/create', { name: 'My User Role', tenantId: 'acme' })
    assert.is((await call('POST', '/v2/mgmt/flow/import', { flow: sample('flows-v2/test-roleflow-references-flow.json') })).status, 200)
    assert.is((await call('POST', '/v2/mgmt/theme/import', { theme: sample('theme-v2/basicstyle.json') })).status, 200)
    // a refused batch is not half-saved
    assertApiError(await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'x' }, { name: 'x' }] }), 409, 'E990409')
    before = await snapshot(call)
  })
  const saved = JSON.parse(await readFile(persistPath, 'utf8'))
  assert.equal(Object.keys(saved), ['tenants', 'permissions', 'roles', 'flows', 'theme', 'tenantAttributes', 'plugins'])
  assert.is(Object.keys(saved.roles).length, 2)
  assert.is(saved.flows['references-flow'].version, 1)

  await withEmulator({ persistPath }, async (_emulator, call) => {
    assert.equal(await snapshot(call), before)
    await call('POST', '/v1/mgmt/permission/delete', { name: 'read' })
    await call('POST', '/v2/mgmt/flow/import', { flow: sample('flows-v2/test-basicflow.json') })
  })
  const after = JSON.parse(await readFile(persistPath, 'utf8'))
  assert.equal(after.permissions, {})
  assert.equal(Object.values(after.roles).map((role: any) => role.permissionNames), [[], []])
  assert.equal(Object.keys(after.flows).sort(), ['basic-flow', 'references-flow'])
})

Persistence('a missing file starts as a new project (or blank); a state file without newer keys still loads', async ({ dir }) => {
  const empty = emptyState()
  await withEmulator({ persistPath: join(dir, 'absent.json') }, async (emulator) => {
    assert.equal(Object.values(emulator.state.permissions).map((permission) => permission.name).sort(), ['Impersonate', 'SSO Admin', 'User Admin'])
    assert.equal(Object.keys(emulator.state.flows).sort(), ['sign-in', 'sign-up', 'sign-up-or-in'])
  })
  assert.equal(Object.keys(JSON.parse(await readFile(join(dir, 'absent.json'), 'utf8')).flows).sort(), ['sign-in', 'sign-up', 'sign-up-or-in'], 'the new project is saved at once')
  await withEmulator({ persistPath: join(dir, 'absent-blank.json'), blank: true }, async (emulator) => {
    assert.equal(emulator.state, empty)
  })
  const older = join(dir, 'older.json')
  await writeFile(older, '{}')
  await withEmulator({ persistPath: older }, async (emulator) => {
    assert.equal(emulator.state, empty)
  })
  // a file written before permissions, roles, flows and the theme existed: tenants only (tenant
  // settings, when it holds some, move into their plugin's part: test/tenant-settings.test.ts)
  const tenantsOnly = join(dir, 'tenants-only.json')
  await writeFile(tenantsOnly, JSON.stringify({ tenants: {}, tenantSettings: {} }))
  await withEmulator({ persistPath: tenantsOnly }, async (emulator, call) => {
    assert.equal(emulator.state, empty)
    assert.equal((await call('GET', '/v1/mgmt/role/all')).body, { roles: [] })
  })
})

Persistence('a corrupt state file is an error naming the file', async ({ dir }) => {
  const cases = {
    'not-json.json': '{"tenants": ',
    'wrong-shape.json': '{"tenants": {"a": {"id": "a"}}}',
  }
  for (const [name, text] of Object.entries(cases)) {
    const persistPath = join(dir, name)
    await writeFile(persistPath, text)
    try {
      await startEmulator({ persistPath })
      assert.unreachable(`${name} must be refused`)
    } catch (error) {
      assert.instance(error, EmulatorError)
      assert.is((error as EmulatorError).code, 'EMULATOR_STATE_CORRUPT')
      assert.match((error as Error).message, persistPath)
    }
  }
})

Persistence.run()
