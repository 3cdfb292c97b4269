import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import DescopeClient from '@descope/node-sdk'
import { startEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from '../lib/emulator/index.ts'
import { apiClient, resetState, waitFor } from './helpers/emulator-http.ts'
import { sample } from './helpers/emulator-samples.ts'
import type { Plugin } from '../lib/contract.ts'
import { withPluginRoutes } from '../lib/emulator/extensions.ts'
import { findRoute, type RouteTable } from '../lib/emulator/route.ts'
import { routes as builtInRoutes } from '../lib/emulator/routes/index.ts'

// The official @descope/node-sdk 2.13.0 run against the emulator, for every tenant, permission,
// role, flow and theme method the emulator serves: the SdkResponse ({ok, code, data, error}) must
// come out as core-js-sdk's transformResponse (src/sdk/helpers/index.ts) makes it. Faults use 500
// and 429 only: node-sdk retries 503/52x with 5 s delays (core-js-sdk fetchWithRetries).

type Sdk = ReturnType<typeof DescopeClient>

interface Context {
  emulator: Emulator
  mgmt: Sdk['management']
  handshake: RequestLogEntry | undefined
}

function clientFor(emulator: Emulator): Sdk {
  return DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url })
}

/** node-sdk fires the license handshake at construction without awaiting it (node-sdk lib/index.ts). */
async function licenseHandshake(emulator: Emulator): Promise<RequestLogEntry | undefined> {
  const find = () => emulator.log.find((entry) => entry.path === '/v1/mgmt/license')
  await waitFor(() => find() !== undefined, 'the license handshake')
  return find()
}

/**
 * One emulator (serving the routes of `plugins`) and one node-sdk client per suite; the state,
 * the plugins' parts too, is that of a new project before each test.
 */
function sdkSuite(name: string, plugins: () => Promise<Plugin[]> = async () => []) {
  const s = suite<Context & { plugins: Plugin[] }>(name, {} as Context & { plugins: Plugin[] })
  s.before(async (ctx) => {
    ctx.plugins = await plugins()
    ctx.emulator = await startEmulator({ plugins: ctx.plugins })
    ctx.mgmt = clientFor(ctx.emulator).management
    ctx.handshake = await licenseHandshake(ctx.emulator)
    recordReached(ctx.emulator, withPluginRoutes(builtInRoutes, ctx.plugins))
  })
  s.before.each(({ emulator, plugins: served }) => {
    resetState(emulator)
    for (const plugin of served) if (plugin.emulator) emulator.state.plugins[plugin.name] = plugin.emulator.state({ blank: false })
  })
  s.after.each(({ emulator, plugins: served }) => recordReached(emulator, withPluginRoutes(builtInRoutes, served)))
  s.after(async ({ emulator }) => emulator.close())
  return s
}

/** Every route node-sdk itself (not a test's raw request) reached in this file, as its key in the emulator's table (`GET /v1/mgmt/list/:id`). */
const reached = new Set<string>()
function recordReached(emulator: Emulator, table: RouteTable): void {
  const keyOf = new Map(Object.entries(table).map(([key, route]) => [route, key]))
  for (const entry of emulator.log.filter((sent) => sent.sdk === 'nodejs')) {
    const found = findRoute(table, entry.method, entry.path)
    if (found) reached.add(keyOf.get(found.route)!)
  }
}

/** ok, code 200 and no error: what every successful call must give. */
function assertOk(response: { ok: boolean; code?: number; error?: unknown }, what: string): void {
  assert.is(response.ok, true, `${what}: ${JSON.stringify(response.error)}`)
  assert.is(response.code, 200, what)
  assert.is(response.error, undefined, what)
}

/**
 * ok:false with the status and code; the error body passes through unchanged (core-js-sdk
 * transformResponse).
 */
function assertSdkError(
  response: { ok: boolean; code?: number; data?: unknown; error?: { errorCode: string; errorMessage?: string } },
  code: number,
  errorCode: string,
  messagePart: string,
): void {
  assert.is(response.ok, false)
  assert.is(response.code, code)
  assert.is(response.data, undefined)
  assert.is(response.error?.errorCode, errorCode)
  assert.match(response.error?.errorMessage ?? '', messagePart)
}

const Sdk = sdkSuite('node-sdk tenant methods')

Sdk('the license handshake arrived and succeeded', ({ handshake }) => {
  const { at, ...entry } = handshake as { at: number }
  assert.equal(entry, { method: 'GET', path: '/v1/mgmt/license', status: 200, outcome: 'handled', sdk: 'nodejs' })
  assert.ok(Math.abs(Date.now() - at) < 60_000, 'stamped with its arrival')
})

Sdk('create → {id}; createWithId → {id}', async ({ mgmt }) => {
  const created = await mgmt.tenant.create('Acme', ['acme.com'], { plan: 'pro' }, true, false, undefined, 'userOnly')
  assert.is(created.ok, true)
  assert.is(created.code, 200)
  assert.match(created.data?.id ?? '', /^T2/)

  // node types createWithId's data as `never`; the emulator answers {id} as create does.
  const withId = await mgmt.tenant.createWithId('beta', 'Beta', [], {}, false, false, created.data?.id)
  assert.is(withId.ok, true)
  assert.is(withId.code, 200)
  assert.equal(withId.data as unknown, { id: 'beta' })
})

Sdk('load → the bare tenant; loadAll → data is the array', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme', ['acme.com'], { plan: 'pro', seats: 3 })
  await mgmt.tenant.createWithId('kid', 'Kid', undefined, undefined, undefined, undefined, 'acme')

  const loaded = await mgmt.tenant.load('acme')
  assert.is(loaded.ok, true)
  assert.is(loaded.code, 200)
  assert.is(loaded.data?.id, 'acme')
  assert.is(loaded.data?.name, 'Acme')
  assert.equal(loaded.data?.selfProvisioningDomains, ['acme.com'])
  assert.equal(loaded.data?.customAttributes, { plan: 'pro', seats: 3 })
  assert.type(loaded.data?.createdTime, 'number')
  // successors is in the wire shape (OpenAPI Tenant) but not in node's Tenant type
  assert.equal((loaded.data as unknown as { successors: string[] }).successors, ['kid'])

  const all = await mgmt.tenant.loadAll()
  assert.is(all.ok, true)
  assert.is(all.code, 200)
  assert.ok(Array.isArray(all.data))
  assert.equal(all.data?.map((tenant) => tenant.id), ['acme', 'kid'])
})

Sdk('update → ok, and replaces omitted fields', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme', ['acme.com'], { plan: 'pro' }, true)
  const updated = await mgmt.tenant.update('acme', 'Acme Corp')
  assert.is(updated.ok, true)
  assert.is(updated.code, 200)
  assert.equal(updated.data as unknown, {})
  const loaded = await mgmt.tenant.load('acme')
  assert.is(loaded.data?.name, 'Acme Corp')
  assert.equal(loaded.data?.selfProvisioningDomains, [])
  assert.is(loaded.data?.enforceSSO, false)
})

Sdk('updateDefaultRoles → ok, visible on load', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme')
  assert.ok((await mgmt.role.create('viewer')).ok, 'default roles must name existing project roles')
  const response = await mgmt.tenant.updateDefaultRoles('acme', ['viewer'])
  assert.is(response.ok, true)
  assert.is(response.code, 200)
  assert.equal((await mgmt.tenant.load('acme')).data?.defaultRoles, ['viewer'])
})

Sdk('delete → ok, then load is a 404 error', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme')
  const deleted = await mgmt.tenant.delete('acme', true)
  assert.is(deleted.ok, true)
  assert.is(deleted.code, 200)

  const missing = await mgmt.tenant.load('acme')
  assert.is(missing.ok, false)
  assert.is(missing.code, 404)
  assert.is(missing.data, undefined)
  // E990404 is the emulator's invented code: the real not-found code is UNCONFIRMED (unpublished)
  assert.is(missing.error?.errorCode, 'E990404')
  assert.type(missing.error?.errorDescription, 'string')
  assert.match(missing.error?.errorMessage ?? '', 'acme')
})

Sdk('searchAll → data is the matching array', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('a', 'A', ['a.com'], { plan: 'pro' })
  await mgmt.tenant.createWithId('b', 'B', ['b.com'], { plan: 'free' })
  await mgmt.tenant.createWithId('c', 'C', [], { plan: 'pro' }, false, false, 'a')

  const byAttribute = await mgmt.tenant.searchAll(undefined, undefined, undefined, { plan: 'pro' })
  assert.is(byAttribute.ok, true)
  assert.is(byAttribute.code, 200)
  assert.equal(byAttribute.data?.map((tenant) => tenant.id), ['a', 'c'])
  assert.equal((await mgmt.tenant.searchAll(['a', 'b'], ['B'])).data?.map((t) => t.id), ['b'])
  assert.equal((await mgmt.tenant.searchAll(undefined, undefined, ['A.com'])).data?.map((t) => t.id), ['a'])
  assert.equal((await mgmt.tenant.searchAll(undefined, undefined, undefined, undefined, 'a')).data?.map((t) => t.id), ['c'])
  assert.equal((await mgmt.tenant.searchAll()).data?.length, 3)
})

Sdk('generateSSOConfigurationLink (v2) and revokeSSOConfigurationLink (v1)', async ({ mgmt, emulator }) => {
  await mgmt.tenant.createWithId('acme', 'Acme')
  const link = await mgmt.tenant.generateSSOConfigurationLink('acme', 60 * 60 * 24, 'sso1', 'admin@acme.com')
  assert.is(link.ok, true)
  assert.is(link.code, 200)
  assert.ok(link.data?.adminSSOConfigurationLink.startsWith(`${emulator.url}/`))

  const revoked = await mgmt.tenant.revokeSSOConfigurationLink('acme', 'sso1')
  assert.is(revoked.ok, true)
  assert.is(revoked.code, 200)
})

Sdk('validation and duplicate errors come back as ok:false with the error body', async ({ mgmt }) => {
  const noName = await mgmt.tenant.create('')
  assert.is(noName.ok, false)
  assert.is(noName.code, 400)
  assert.equal(noName.error, {
    errorCode: 'E011002',
    errorDescription: 'Missing arguments',
    errorMessage: 'missing required field(s): name',
  })

  await mgmt.tenant.createWithId('acme', 'Acme')
  const duplicate = await mgmt.tenant.createWithId('acme', 'Acme again')
  assert.is(duplicate.ok, false)
  // 409 E990409 is the emulator's choice: the real duplicate answer is UNCONFIRMED (unpublished)
  assert.is(duplicate.code, 409)
  assert.is(duplicate.error?.errorCode, 'E990409')
})

Sdk.run()

// ---------------------------------------------------------------------------------------------
const Permissions = sdkSuite('node-sdk permission methods')

Permissions('create, createBatch → ok with {}; loadAll → data is body.permissions', async ({ mgmt }) => {
  const created = await mgmt.permission.create('read', 'Reads')
  assertOk(created, 'create')
  assert.equal(created.data as unknown, {}) // node types it `never`; the body is {} (OpenAPI: no body)
  // node's Permission type requires systemDefault: accepted, ignored
  const batch = await mgmt.permission.createBatch([
    { name: 'write', systemDefault: false },
    { name: 'admin', description: 'Admins', systemDefault: true },
  ])
  assertOk(batch, 'createBatch')
  assert.equal(batch.data as unknown, {})

  const all = await mgmt.permission.loadAll()
  assertOk(all, 'loadAll')
  assert.ok(Array.isArray(all.data))
  // node's Permission type has no `id`; the wire shape does (OpenAPI Permission)
  const withIds = all.data as Array<{ id: string; name: string; description?: string; systemDefault: boolean }>
  const shape = withIds.map(({ id, ...rest }) => ({ id: typeof id, ...rest }))
  assert.equal(shape, [
    { id: 'string', name: 'admin', description: 'Admins', systemDefault: false },
    { id: 'string', name: 'read', description: 'Reads', systemDefault: false },
    { id: 'string', name: 'write', description: '', systemDefault: false },
  ])
})

Permissions('update, updateWithId, updateBatch → ok; each replaces the description', async ({ mgmt }) => {
  await mgmt.permission.createBatch([{ name: 'a', description: 'A', systemDefault: false }, { name: 'b', systemDefault: false }])
  const ids = () => mgmt.permission.loadAll().then((r) => Object.fromEntries(r.data!.map((p) => [p.name, (p as { id?: string }).id])))
  const { a, b } = await ids()

  assertOk(await mgmt.permission.update('a', 'a1', 'A1'), 'update')
  assertOk(await mgmt.permission.updateWithId(a!, 'a2'), 'updateWithId')
  const batch = await mgmt.permission.updateBatch([{ id: b!, newName: 'b2', description: 'B2' }])
  assertOk(batch, 'updateBatch')
  assert.equal(batch.data as unknown, {})
  assert.equal((await mgmt.permission.loadAll()).data?.map((p) => [p.name, p.description]), [['a2', ''], ['b2', 'B2']])
})

Permissions('delete, deleteWithId, deleteBatch → ok', async ({ mgmt }) => {
  await mgmt.permission.createBatch(['a', 'b', 'c', 'd'].map((name) => ({ name, systemDefault: false })))
  const byName = Object.fromEntries((await mgmt.permission.loadAll()).data!.map((p) => [p.name, (p as { id?: string }).id!]))
  assertOk(await mgmt.permission.delete('a'), 'delete')
  assertOk(await mgmt.permission.deleteWithId(byName.b!), 'deleteWithId')
  assertOk(await mgmt.permission.deleteBatch(['c'], [byName.d!]), 'deleteBatch')
  assert.equal((await mgmt.permission.loadAll()).data, [])
})

Permissions('errors: duplicate 409, unknown 404, missing newName 400', async ({ mgmt }) => {
  await mgmt.permission.create('read')
  // 409 E990409 / 404 E990404 are the emulator's choices: the real answers are UNCONFIRMED (unpublished)
  assertSdkError(await mgmt.permission.create('read'), 409, 'E990409', 'read')
  assertSdkError(await mgmt.permission.update('nope', 'x'), 404, 'E990404', 'nope')
  assertSdkError(await mgmt.permission.deleteWithId('PRMnope'), 404, 'E990404', 'PRMnope')
  assertSdkError(await mgmt.permission.update('read', ''), 400, 'E011002', 'newName')
})

Permissions.run()

// ---------------------------------------------------------------------------------------------
const Roles = sdkSuite('node-sdk role methods')

/** A tenant and two permissions. */
async function seedRoles(mgmt: Sdk['management']) {
  assertOk(await mgmt.tenant.createWithId('acme', 'Acme'), 'tenant')
  assertOk(await mgmt.permission.createBatch([{ name: 'read', systemDefault: false }, { name: 'write', systemDefault: false }]), 'permissions')
}

Roles('create → ok; data is the created role (OAS), though node types it never', async ({ mgmt }) => {
  await seedRoles(mgmt)
  const created = await mgmt.role.create('editor', 'Edits', ['read', 'write'], undefined, true)
  assertOk(created, 'create')
  // Departure from node's type, on purpose: the emulator answers the Role as OAS describes
  // (role/create answers Role)
  const role = created.data as unknown as Record<string, unknown>
  assert.match(String(role.id), /^ROL/)
  assert.type(role.createdTime, 'number')
  assert.equal({ ...role, id: 0, createdTime: 0 }, {
    id: 0, name: 'editor', description: 'Edits', permissionNames: ['read', 'write'], createdTime: 0, tenantId: '', default: true, private: false,
  })
  assertOk(await mgmt.role.create('editor', undefined, undefined, 'acme'), 'same name in a tenant')
})

Roles('createBatch → data is body.roles; loadAll → data is body.roles', async ({ mgmt }) => {
  await seedRoles(mgmt)
  const batch = await mgmt.role.createBatch([
    { name: 'viewer', permissionNames: ['read'], createdTime: 0 },
    { name: 'viewer', permissionNames: [], createdTime: 0, tenantId: 'acme', default: true },
  ])
  assertOk(batch, 'createBatch')
  assert.ok(Array.isArray(batch.data))
  assert.equal(batch.data?.map((r) => [r.name, r.tenantId, r.permissionNames, r.default]), [
    ['viewer', '', ['read'], false],
    ['viewer', 'acme', [], true],
  ])
  const all = await mgmt.role.loadAll()
  assertOk(all, 'loadAll')
  assert.equal(all.data, batch.data)
})

Roles('update, updateWithId, updateBatch → ok; full replace', async ({ mgmt }) => {
  await seedRoles(mgmt)
  const [project, scoped] = (await mgmt.role.createBatch([
    { name: 'r', description: 'R', permissionNames: ['read'], createdTime: 0, default: true },
    { name: 'r', permissionNames: [], createdTime: 0, tenantId: 'acme' },
  ])).data!

  const byName = await mgmt.role.update('r', 'r1', undefined, ['write'])
  assertOk(byName, 'update')
  // as for create, the answer is the updated Role (OAS: role/update answers Role) where node types
  // it `never`
  assert.equal(byName.data as unknown, { ...project, name: 'r1', description: '', permissionNames: ['write'], default: false })
  const byId = await mgmt.role.updateWithId(scoped!.id!, 'r2', 'Scoped', ['read'], 'acme', true)
  assertOk(byId, 'updateWithId')
  assert.equal(byId.data as unknown, { ...scoped, name: 'r2', description: 'Scoped', permissionNames: ['read'], default: true })

  const batch = await mgmt.role.updateBatch([{ id: project!.id!, newName: 'r3', permissionNames: ['read', 'write'] }])
  assertOk(batch, 'updateBatch')
  assert.equal(batch.data, [{ ...project, name: 'r3', description: '', permissionNames: ['read', 'write'], default: false }])
  assert.equal((await mgmt.role.loadAll()).data?.map((r) => `${r.tenantId}/${r.name}`), ['/r3', 'acme/r2'])
})

Roles('delete, deleteWithId, deleteBatch → ok', async ({ mgmt }) => {
  await seedRoles(mgmt)
  const roles = (await mgmt.role.createBatch(
    ['a', 'b', 'c', 'd'].map((name) => ({ name, permissionNames: [], createdTime: 0, tenantId: 'acme' })),
  )).data!
  await mgmt.role.create('a')
  assertOk(await mgmt.role.delete('a', 'acme'), 'delete')
  assertOk(await mgmt.role.deleteWithId(roles[1]!.id!, 'acme'), 'deleteWithId')
  assertOk(await mgmt.role.deleteBatch(['c'], 'acme', [roles[3]!.id!]), 'deleteBatch')
  assert.equal((await mgmt.role.loadAll()).data?.map((r) => `${r.tenantId}/${r.name}`), ['/a'])
  assertOk(await mgmt.role.delete('a'), 'delete at project level')
  assert.equal((await mgmt.role.loadAll()).data, [])
})

Roles('search → data is body.roles', async ({ mgmt }) => {
  await seedRoles(mgmt)
  await mgmt.role.createBatch([
    { name: 'Admin', permissionNames: ['write'], createdTime: 0 },
    { name: 'viewer', permissionNames: ['read'], createdTime: 0 },
    { name: 'tenant admin', permissionNames: ['write'], createdTime: 0, tenantId: 'acme' },
  ])
  const names = async (options: Parameters<Sdk['management']['role']['search']>[0]) => {
    const found = await mgmt.role.search(options)
    assertOk(found, 'search')
    assert.ok(Array.isArray(found.data))
    return found.data?.map((r) => r.name)
  }
  assert.equal(await names({}), ['Admin', 'viewer', 'tenant admin'])
  assert.equal(await names({ tenantIds: ['acme'] }), ['tenant admin'])
  assert.equal(await names({ tenantIds: ['acme'], includeProjectRoles: true, permissionNames: ['write'] }), ['Admin', 'tenant admin'])
  assert.equal(await names({ roleNameLike: 'admin' }), ['Admin', 'tenant admin'])
  assert.equal(await names({ roleNames: ['viewer'] }), ['viewer'])
})

Roles('errors: unknown permission or tenant 400, duplicate 409, unknown role 404', async ({ mgmt }) => {
  await seedRoles(mgmt)
  assertSdkError(await mgmt.role.create('r', undefined, ['fly']), 400, 'E011003', '"fly"')
  assertSdkError(await mgmt.role.create('r', undefined, undefined, 'nope'), 400, 'E011003', 'nope')
  await mgmt.role.create('r')
  assertSdkError(await mgmt.role.create('r'), 409, 'E990409', '"r"')
  assertSdkError(await mgmt.role.update('r', 'x', undefined, undefined, 'acme'), 404, 'E990404', 'acme')
  assertSdkError(await mgmt.role.createBatch([{ name: 's', permissionNames: [], createdTime: 0 }, { name: 'r', permissionNames: [], createdTime: 0 }]), 409, 'E990409', '"r"')
  assert.equal((await mgmt.role.loadAll()).data?.map((r) => r.name), ['r'], 'the failed batch left nothing')
})

Roles.run()

// ---------------------------------------------------------------------------------------------
const Flows = sdkSuite('node-sdk flow methods (v1 export/import)')

const SIGN_IN = () => sample('flows-v2/sign-in.json')

Flows('list → data is the whole {flows, total} object', async ({ mgmt, emulator }) => {
  const empty = await mgmt.flow.list()
  assertOk(empty, 'list')
  assert.equal(empty.data, { flows: [], total: 0 })
  await apiClient(emulator)('POST', '/v2/mgmt/flow/import', { flow: SIGN_IN() })
  const listed = await mgmt.flow.list()
  assert.equal(listed.data, { flows: [{ id: 'sign-in', name: 'Sign In', description: SIGN_IN().metadata.description, disabled: false }], total: 1 })
})

Flows('export → data is {flow, screens} (v1) of a flow imported in v2', async ({ mgmt, emulator }) => {
  await apiClient(emulator)('POST', '/v2/mgmt/flow/import', { flow: SIGN_IN() })
  const exported = await mgmt.flow.export('sign-in')
  assertOk(exported, 'export')
  const { flow, screens } = exported.data!
  assert.is(flow.id, 'sign-in')
  assert.is(flow.name, 'Sign In')
  assert.is(flow.disabled, false)
  assert.equal(flow.dsl, SIGN_IN().contents)
  assert.type(flow.etag, 'string')
  assert.equal(screens.map((s) => s.id), SIGN_IN().screens.map((s: { screenId: string }) => s.screenId))
  assert.ok(screens.every((s) => s.flowId === 'sign-in'))
  assert.equal(screens[0]?.htmlTemplate, SIGN_IN().screens[0].contents)
})

Flows('import → data is the stored {flow, screens}; the v2 export then matches the original', async ({ mgmt, emulator }) => {
  const call = apiClient(emulator)
  await call('POST', '/v2/mgmt/flow/import', { flow: SIGN_IN() })
  const { flow, screens } = (await mgmt.flow.export('sign-in')).data!
  await mgmt.flow.delete(['sign-in'])

  const imported = await mgmt.flow.import('sign-in', flow, screens)
  assertOk(imported, 'import')
  assert.equal(imported.data?.screens, screens.map((s) => ({ ...s, version: 1 })))
  assert.equal({ ...imported.data?.flow, etag: 'x', modifiedTime: 'x' }, { ...flow, etag: 'x', modifiedTime: 'x' })
  assert.is.not(imported.data?.flow.etag, flow.etag, 'a new etag per import')
  const v2 = (await call('POST', '/v2/mgmt/flow/export', { flowId: 'sign-in' })).body.flow
  const { version: _v, etag: _e, modifiedTime: _m, ...metadata } = v2.metadata
  assert.equal({ ...v2, metadata }, { ...SIGN_IN(), references: {} })
})

Flows('import without screens, then delete → ok', async ({ mgmt }) => {
  const imported = await mgmt.flow.import('mine', { id: 'mine', name: 'Mine', dsl: { startTask: 's', tasks: {} }, disabled: false })
  assertOk(imported, 'import')
  assert.equal(imported.data?.screens, [])
  assert.is((await mgmt.flow.list()).data?.total, 1)
  const deleted = await mgmt.flow.delete(['mine'])
  assertOk(deleted, 'delete')
  assert.equal(deleted.data as unknown, {})
  assert.equal((await mgmt.flow.list()).data, { flows: [], total: 0 })
})

Flows('errors: export of a missing flow 404, import of something that is no flow 400', async ({ mgmt }) => {
  assertSdkError(await mgmt.flow.export('nope'), 404, 'E990404', 'nope')
  assertSdkError(await mgmt.flow.delete(['nope']), 404, 'E990404', 'nope')
  const notAFlow = { id: 'x', name: 'X', dsl: 'graph', disabled: false }
  assertSdkError(await mgmt.flow.import('x', notAFlow), 400, 'E011003', 'flow.dsl')
})

Flows.run()

// ---------------------------------------------------------------------------------------------
const Theme = sdkSuite('node-sdk theme methods (v1)')

Theme('export of a project that never imported one → the default empty theme', async ({ mgmt }) => {
  const exported = await mgmt.theme.export()
  assertOk(exported, 'export')
  // version, componentsVersion and codeMode are in the wire shape (OpenAPI Theme), not in node's
  // Theme type
  assert.equal(exported.data as unknown, { theme: { id: 'theme', cssTemplate: {}, version: 0, componentsVersion: '', codeMode: false } })
})

Theme('import → data is {theme}; export returns it; v2 sees cssTemplate as styles', async ({ mgmt, emulator }) => {
  const styles = sample('theme-v2/basicstyle.json').styles
  const imported = await mgmt.theme.import({ id: 'theme', cssTemplate: styles })
  assertOk(imported, 'import')
  assert.equal(imported.data as unknown, { theme: { id: 'theme', cssTemplate: styles, version: 1, componentsVersion: '', codeMode: false } })
  assert.equal((await mgmt.theme.export()).data, imported.data)
  const v2 = await apiClient(emulator)('POST', '/v2/mgmt/theme/export')
  assert.equal(v2.body.theme.styles, styles)
})

Theme('import without a cssTemplate → 400', async ({ mgmt }) => {
  assertSdkError(await mgmt.theme.import({ id: 'theme' }), 400, 'E011003', 'cssTemplate')
})

Theme.run()

// ---------------------------------------------------------------------------------------------
const Faults = suite('node-sdk under faults')

async function withSdk(options: EmulatorOptions, fn: (emulator: Emulator, mgmt: Sdk['management']) => Promise<void>) {
  const emulator = await startEmulator(options)
  try {
    const mgmt = clientFor(emulator).management
    await licenseHandshake(emulator)
    await fn(emulator, mgmt)
  } finally {
    await emulator.close()
  }
}

Faults('a 429 gives ok:false, E130429 and a numeric error.retryAfter', async () => {
  // the handshake takes the first of the two requests in the window
  await withSdk({ rateLimit: { requests: 2, windowMs: 60_000 } }, async (_emulator, mgmt) => {
    assert.is((await mgmt.tenant.loadAll()).ok, true)
    const limited = await mgmt.tenant.loadAll()
    assert.is(limited.ok, false)
    assert.is(limited.code, 429)
    assert.is(limited.error?.errorCode, 'E130429')
    assert.is(limited.error?.errorMessage, 'API rate limit exceeded.')
    // typed string by core-js-sdk, but parsed with parseInt: a number (transformResponse)
    const retryAfter: unknown = limited.error?.retryAfter
    assert.type(retryAfter, 'number')
    assert.is(retryAfter, 60)
  })
})

Faults('an injected 500 gives ok:false once, without SDK retries', async () => {
  await withSdk({ errorRate: 1 }, async (emulator, mgmt) => {
    const failed = await mgmt.tenant.create('Acme')
    assert.is(failed.ok, false)
    assert.is(failed.code, 500)
    assert.is(failed.error?.errorCode, 'E990500')
    assert.equal(Object.keys(emulator.state.tenants), [])
    assert.is(emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/create').length, 1)
  })
})

Faults('a dropped connection rejects the SDK promise (network errors are not wrapped)', async () => {
  // every request is dropped, the handshake too: node-sdk only logs that and carries on
  await withSdk({ dropRate: 1, seed: 1 }, async (emulator, mgmt) => {
    try {
      await mgmt.tenant.loadAll()
      assert.unreachable('a dropped request must reject')
    } catch (error) {
      assert.instance(error, TypeError)
    }
    assert.ok(emulator.log.every((entry) => entry.outcome.startsWith('dropped')))
  })
})

Faults.run()

// Access keys (plugins/access-keys.ts adds these routes to the emulator): every method node-sdk
// has, as lib/management/accesskey.ts defines them.
const AccessKeys = sdkSuite('node-sdk access key methods (a plugin\'s routes)', async () => [(await import('../plugins/access-keys.ts')).default()])

AccessKeys('create gives the key and its cleartext once; load, searchAll and update give the key', async ({ emulator, mgmt }) => {
  const call = apiClient(emulator)
  assert.is((await call('POST', '/v1/mgmt/role/create', { name: 'Editor' })).status, 200)
  assert.is((await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })).status, 200)
  const created = await mgmt.accessKey.create('ci', 0, ['Editor'], [{ tenantId: 'acme', roleNames: [] }], undefined, { a: 1 }, 'CI', ['10.0.0.0/8'])
  assertOk(created, 'create')
  const { key, cleartext } = created.data!
  assert.match(cleartext, new RegExp(`^${key.id}:`))
  assert.equal([key.name, key.roleNames, key.permittedIps, key.status], ['ci', ['Editor'], ['10.0.0.0/8'], 'active'])
  assert.equal(key.keyTenants, [{ tenantId: 'acme', roleNames: [], tenantName: 'Acme' }])
  const loaded = await mgmt.accessKey.load(key.id)
  assertOk(loaded, 'load')
  assert.is(loaded.data!.description, 'CI')
  assert.not.ok(JSON.stringify(loaded.data).includes(cleartext.split(':')[1]!), 'the cleartext is never answered again')
  const all = await mgmt.accessKey.searchAll()
  assertOk(all, 'searchAll')
  assert.equal(all.data!.map((item) => item.name), ['ci'])
  assert.equal((await mgmt.accessKey.searchAll(['acme'])).data!.length, 1)
  assert.equal((await mgmt.accessKey.searchAll(['other'])).data!.length, 0)
  // an update replaces every field it takes: tenants left out are gone
  const updated = await mgmt.accessKey.update(key.id, 'ci', 'CI deploys', ['Editor'])
  assertOk(updated, 'update')
  assert.equal([updated.data!.description, updated.data!.keyTenants], ['CI deploys', []])
})

AccessKeys('activate, deactivate, their batches, rotate, delete and deleteBatch', async ({ emulator, mgmt }) => {
  const ids = [(await mgmt.accessKey.create('a', 0)).data!.key.id, (await mgmt.accessKey.create('b', 0)).data!.key.id]
  const status = (id: string) => (emulator.state.plugins['access-keys'] as { keys: Record<string, { status: string }> }).keys[id]!.status
  assertOk(await mgmt.accessKey.deactivate(ids[0]!), 'deactivate')
  assert.is(status(ids[0]!), 'inactive')
  assertOk(await mgmt.accessKey.activate(ids[0]!), 'activate')
  assertOk(await mgmt.accessKey.deactivateBatch(ids), 'deactivateBatch')
  assert.equal(ids.map(status), ['inactive', 'inactive'])
  assertOk(await mgmt.accessKey.activateBatch(ids), 'activateBatch')
  const rotated = await mgmt.accessKey.rotate(ids[0]!)
  assertOk(rotated, 'rotate')
  assert.match(rotated.data!.cleartext, new RegExp(`^${ids[0]}:`))
  assertOk(await mgmt.accessKey.delete(ids[0]!), 'delete')
  assertOk(await mgmt.accessKey.deleteBatch([ids[1]!]), 'deleteBatch')
  assert.equal((await mgmt.accessKey.searchAll()).data, [])
})

AccessKeys('refused: a role or a tenant that does not exist (400), a key that does not exist (404)', async ({ mgmt }) => {
  assertSdkError(await mgmt.accessKey.create('x', 0, ['Nope']), 400, 'E011003', 'role "Nope" does not exist')
  assertSdkError(await mgmt.accessKey.create('x', 0, undefined, [{ tenantId: 'nope', roleNames: [] }]), 400, 'E011003', 'tenant "nope" does not exist')
  assertSdkError(await mgmt.accessKey.load('K-missing'), 404, 'E990404', 'does not exist')
  assertSdkError(await mgmt.accessKey.delete('K-missing'), 404, 'E990404', 'does not exist')
})

AccessKeys.run()

// The password policy (plugins/password-policy.ts adds these routes): node-sdk's two methods.
const Passwords = sdkSuite('node-sdk password settings methods (a plugin\'s routes)', async () => [(await import('../plugins/password-policy.ts')).default()])

Passwords('getSettings answers the settings bare; configureSettings replaces them, for the project or a tenant', async ({ emulator, mgmt }) => {
  const project = await mgmt.password.getSettings('')
  assertOk(project, 'getSettings')
  assert.is(project.data!.minLength, 8)
  assertOk(await mgmt.password.configureSettings('', { ...project.data!, minLength: 14 }), 'configureSettings')
  assert.is((await mgmt.password.getSettings('')).data!.minLength, 14)
  assert.is((await apiClient(emulator)('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })).status, 200)
  assert.is((await mgmt.password.getSettings('acme')).data!.minLength, 14, 'a tenant without its own has the project\'s')
  assertOk(await mgmt.password.configureSettings('acme', { ...project.data!, minLength: 20 }), 'configureSettings for a tenant')
  assert.is((await mgmt.password.getSettings('acme')).data!.minLength, 20)
  assertSdkError(await mgmt.password.getSettings('nope'), 404, 'E990404', 'tenant "nope" does not exist')
  assertSdkError(await mgmt.password.configureSettings('', { minLength: 'long' } as never), 400, 'E011003', 'invalid password settings')
  assertSdkError(await mgmt.password.configureSettings(5 as never, project.data!), 400, 'E011003', 'tenantId: must be a string')
})

Passwords.run()

// Lists (plugins/lists.ts adds these routes): every node-sdk list method.
const Lists = sdkSuite('node-sdk list methods (a plugin\'s routes)', async () => [(await import('../plugins/lists.ts')).default()])

Lists('create, load, loadByName, loadAll, update, the ip and text calls, clear, import and delete', async ({ mgmt }) => {
  const created = await mgmt.list.create({ name: 'office', type: 'ips', data: ['10.0.0.1'] })
  assertOk(created, 'create')
  const id = created.data!.id!
  assert.is((await mgmt.list.load(id)).data!.name, 'office')
  assert.is((await mgmt.list.loadByName('office')).data!.id, id)
  assertOk(await mgmt.list.addIPs(id, ['10.0.0.2']), 'addIPs')
  assert.is((await mgmt.list.checkIP(id, '10.0.0.2')).data, true)
  assertOk(await mgmt.list.removeIPs(id, ['10.0.0.1']), 'removeIPs')
  assert.is((await mgmt.list.checkIP(id, '10.0.0.1')).data, false)
  assertSdkError(await mgmt.list.addTexts(id, ['x']), 400, 'E011003', 'holds ips, not texts')
  const updated = await mgmt.list.update(id, { name: 'office', type: 'texts', data: ['a'] })
  assertOk(updated, 'update')
  assertOk(await mgmt.list.addTexts(id, ['b']), 'addTexts')
  assert.is((await mgmt.list.checkText(id, 'b')).data, true)
  assertOk(await mgmt.list.removeTexts(id, ['a']), 'removeTexts')
  assertOk(await mgmt.list.clear(id), 'clear')
  assert.equal((await mgmt.list.load(id)).data!.data, [])
  assertOk(await mgmt.list.import([{ name: 'office', type: 'ips', data: ['1.1.1.1'] }, { name: 'other', type: 'texts', data: [] }]), 'import')
  assert.equal((await mgmt.list.loadAll()).data!.map((list) => list.name).sort(), ['office', 'other'])
  assert.is((await mgmt.list.loadByName('office')).data!.id, id, 'an import by name keeps the id')
  assertSdkError(await mgmt.list.create({ name: 'office', type: 'ips' }), 409, 'E990409', 'already exists')
  const other = (await mgmt.list.loadByName('other')).data!.id!
  assertSdkError(await mgmt.list.import([{ id: other, name: 'third', type: 'texts', data: [] }]), 409, 'E990409', 'belongs to list "other"')
  assertSdkError(await mgmt.list.create({ name: 'bad', type: 'ips', data: [''] }), 400, 'E011003', 'an entry must not be empty')
  assertSdkError(await mgmt.list.checkText(other, undefined as never), 400, 'E011003', 'text is required')
  assertOk(await mgmt.list.delete(id), 'delete')
  assertSdkError(await mgmt.list.load(id), 404, 'E990404', 'does not exist')
  assertSdkError(await mgmt.list.loadByName('office'), 404, 'E990404', 'no list named')
})

Lists.run()

// JWT templates (plugins/jwt-templates.ts adds these routes): node-sdk's template methods (the
// template library is not served: it is Descope's, not a project's).
const JwtTemplates = sdkSuite('node-sdk JWT template methods (a plugin\'s routes)', async () => [(await import('../plugins/jwt-templates.ts')).default()])

JwtTemplates('create, load, list, update, validate and delete', async ({ mgmt }) => {
  const created = await mgmt.jwtTemplate.create({ name: 'partner', template: { a: '{{user.email}}' } })
  assertOk(created, 'create')
  const id = created.data!.id!
  assert.is((await mgmt.jwtTemplate.load(id)).data!.name, 'partner')
  assert.equal((await mgmt.jwtTemplate.list()).data!.map((template) => template.name), ['partner'])
  const updated = await mgmt.jwtTemplate.update({ id, name: 'partner', description: 'd' })
  assertOk(updated, 'update')
  assert.equal([updated.data!.description, updated.data!.template], ['d', undefined], 'an update replaces every field')
  assert.is((await mgmt.jwtTemplate.validate(id)).data!.valid, true)
  assert.is((await mgmt.jwtTemplate.validate(id, { name: 'x', template: [] as never })).data!.valid, false)
  assertSdkError(await mgmt.jwtTemplate.create({ name: 'partner' }), 409, 'E990409', 'already exists')
  assertSdkError(await mgmt.jwtTemplate.create({ name: 'x', addJti: 'yes' as never }), 400, 'E011003', 'invalid JWT template: addJti')
  assertOk(await mgmt.jwtTemplate.delete(id), 'delete')
  assertSdkError(await mgmt.jwtTemplate.load(id), 404, 'E990404', 'does not exist')
})

JwtTemplates.run()

// Inbound applications (plugins/inbound-apps.ts adds these routes): node-sdk's application
// methods (users' consents are theirs, not the project's configuration, and are not served).
const InboundApps = sdkSuite('node-sdk inbound application methods (a plugin\'s routes)', async () => [(await import('../plugins/inbound-apps.ts')).default()])

InboundApps('create, load, loadAll, update, patch, the secret and its rotation, delete and deleteBatch', async ({ mgmt }) => {
  const created = await mgmt.inboundApplication.createApplication({ name: 'portal', permissionsScopes: [{ name: 'read', description: 'r' }] })
  assertOk(created, 'createApplication')
  const { id, clientId, cleartext } = created.data!
  assert.ok(id && clientId && cleartext)
  const loaded = await mgmt.inboundApplication.loadApplication(id)
  assertOk(loaded, 'loadApplication')
  assert.equal([loaded.data!.name, loaded.data!.clientId], ['portal', clientId])
  assert.not.ok(JSON.stringify(loaded.data).includes(cleartext), 'the secret is not in the app')
  assert.equal((await mgmt.inboundApplication.loadAllApplications()).data!.map((app) => app.name), ['portal'])
  assertOk(await mgmt.inboundApplication.updateApplication({ id, name: 'portal', description: 'd', permissionsScopes: [] }), 'updateApplication')
  assertOk(await mgmt.inboundApplication.patchApplication({ id, loginPageUrl: 'https://p.example.com' }), 'patchApplication')
  const patched = (await mgmt.inboundApplication.loadApplication(id)).data!
  assert.equal([patched.description, patched.loginPageUrl, patched.permissionsScopes], ['d', 'https://p.example.com', []])
  assert.is((await mgmt.inboundApplication.getApplicationSecret(id)).data!.cleartext, cleartext)
  assertOk(await mgmt.inboundApplication.rotateApplicationSecret(id), 'rotateApplicationSecret')
  assert.is.not((await mgmt.inboundApplication.getApplicationSecret(id)).data!.cleartext, cleartext)
  assertSdkError(await mgmt.inboundApplication.createApplication({ name: 'x' } as never), 400, 'E011003', 'permissionsScopes')
  const other = (await mgmt.inboundApplication.createApplication({ name: 'other', permissionsScopes: [] })).data!.id
  assertOk(await mgmt.inboundApplication.deleteApplication(id), 'deleteApplication')
  assertOk(await mgmt.inboundApplication.deleteApplicationBatch([other]), 'deleteApplicationBatch')
  assert.equal((await mgmt.inboundApplication.loadAllApplications()).data, [])
  assertSdkError(await mgmt.inboundApplication.loadApplication(id), 404, 'E990404', 'does not exist')
})

InboundApps.run()

// SSO applications (plugins/sso-apps.ts adds these routes): node-sdk's OIDC and SAML methods.
// WS-Fed and the client secret are not managed, and not served.
const SsoApps = sdkSuite('node-sdk SSO application methods (a plugin\'s routes)', async () => [(await import('../plugins/sso-apps.ts')).default()])

SsoApps('createOidc/SamlApplication, load (bare), loadAll, update (every field replaced), delete', async ({ mgmt }) => {
  const all = await mgmt.ssoApplication.loadAll()
  assertOk(all, 'loadAll')
  assert.equal(all.data!.map((app) => [app.id, app.name, app.appType]), [['descope-default-oidc', 'OIDC default application', 'oidc']])
  const oidc = await mgmt.ssoApplication.createOidcApplication({ name: 'desk', loginPageUrl: 'https://desk.example.com/login', forceAuthentication: true })
  assertOk(oidc, 'createOidcApplication')
  const loaded = await mgmt.ssoApplication.load(oidc.data!.id)
  assertOk(loaded, 'load')
  assert.equal([loaded.data!.id, loaded.data!.enabled, loaded.data!.appType, loaded.data!.oidcSettings.loginPageUrl, loaded.data!.oidcSettings.forceAuthentication], [oidc.data!.id, true, 'oidc', 'https://desk.example.com/login', true])
  assert.ok(loaded.data!.oidcSettings.issuer && loaded.data!.oidcSettings.discoveryUrl, 'the server adds what it computes')
  const saml = await mgmt.ssoApplication.createSamlApplication({ id: 'grafana', name: 'grafana', loginPageUrl: '', entityId: 'urn:g', acsUrl: 'https://g.example.com/acs', certificate: 'PEM', attributeMapping: [{ name: 'email', type: 'user_attribute', value: 'email' }] })
  assert.equal(saml.data, { id: 'grafana' })
  const samlSettings = (await mgmt.ssoApplication.load('grafana')).data!.samlSettings
  assert.equal([samlSettings.entityId, samlSettings.certificate, samlSettings.attributeMapping, samlSettings.groupsMapping], ['urn:g', 'PEM', [{ name: 'email', type: 'user_attribute', value: 'email' }], []])
  assertOk(await mgmt.ssoApplication.updateSamlApplication({ id: 'grafana', name: 'Grafana', loginPageUrl: '', entityId: 'urn:g2' }), 'updateSamlApplication')
  const updated = (await mgmt.ssoApplication.load('grafana')).data!
  assert.equal([updated.name, updated.enabled, updated.samlSettings.entityId, updated.samlSettings.certificate, updated.samlSettings.attributeMapping], ['Grafana', false, 'urn:g2', '', []])
  assertOk(await mgmt.ssoApplication.updateOidcApplication({ id: oidc.data!.id, name: 'desk', loginPageUrl: '' }), 'updateOidcApplication')
  assert.is((await mgmt.ssoApplication.load(oidc.data!.id)).data!.oidcSettings.forceAuthentication, false)
  assertSdkError(await mgmt.ssoApplication.createSamlApplication({ id: 'grafana', name: 'again', loginPageUrl: '' }), 409, 'E990409', 'already exists')
  assertSdkError(await mgmt.ssoApplication.updateOidcApplication({ id: 'grafana', name: 'grafana', loginPageUrl: '' }), 400, 'E011003', 'SAML application')
  assertSdkError(await mgmt.ssoApplication.createOidcApplication({ loginPageUrl: '' } as never), 400, 'E011003', 'name')
  assertOk(await mgmt.ssoApplication.delete('grafana'), 'delete')
  assertSdkError(await mgmt.ssoApplication.load('grafana'), 404, 'E990404', 'does not exist')
  assertSdkError(await mgmt.ssoApplication.delete('descope-default-oidc'), 400, 'E011003', 'cannot be deleted')
  assert.equal((await mgmt.ssoApplication.loadAll()).data!.map((app) => app.name).sort(), ['OIDC default application', 'desk'])
})

SsoApps.run()

// Tenant session settings (plugins/tenant-settings.ts adds these routes): node-sdk's two methods.
const TenantSettings = sdkSuite('node-sdk tenant settings methods (a plugin\'s routes)', async () => [(await import('../plugins/tenant-settings.ts')).default()])

TenantSettings('configureSettings (node spelling) → ok; getSettings → the bare settings object', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme', ['acme.com'])
  const defaults = await mgmt.tenant.getSettings('acme')
  assertOk(defaults, 'getSettings')
  assert.equal(defaults.data, {
    domains: [],
    selfProvisioningDomains: ['acme.com'],
    authType: 'none',
    enabled: false,
    sessionTokenExpiration: 0,
    sessionTokenExpirationUnit: 'minutes',
    refreshTokenExpiration: 0,
    refreshTokenExpirationUnit: 'minutes',
    stepupTokenExpiration: 0,
    stepupTokenExpirationUnit: 'minutes',
    enableInactivity: false,
    inactivityTime: 0,
    inactivityTimeUnit: 'minutes',
    JITDisabled: false,
    ssoSetupSuiteSettings: { enabled: false, styleId: '', disabledFeatures: { saml: false, oidc: false, scim: false, ssoDomains: false, groupMapping: false } },
  } as never)
  // node's type requires selfProvisioningDomains: sent as the tenant has them
  assertOk(await mgmt.tenant.configureSettings('acme', {
    selfProvisioningDomains: ['acme.com'],
    enabled: true,
    sessionTokenExpiration: 30,
    sessionTokenExpirationUnit: 'minutes',
    enableInactivity: true,
    InactivityTime: 2,
    InactivityTimeUnit: 'hours',
    JITDisabled: true,
    ssoSetupSuiteSettings: { enabled: true, disabledFeatures: { scim: true } },
  }), 'configureSettings')

  const settings = await mgmt.tenant.getSettings('acme')
  assertOk(settings, 'getSettings')
  assert.equal(settings.data?.selfProvisioningDomains, ['acme.com'])
  assert.is(settings.data?.enabled, true)
  assert.is(settings.data?.sessionTokenExpiration, 30)
  assert.is(settings.data?.JITDisabled, true)
  assert.equal(settings.data?.ssoSetupSuiteSettings, { enabled: true, styleId: '', disabledFeatures: { saml: false, oidc: false, scim: true, ssoDomains: false, groupMapping: false } })
  // Departure from node's type, on purpose: TenantSettings declares `InactivityTime`, but the
  // emulator answers with the OAS/Go spelling `inactivityTime` (GetTenantSettingsResponse), so node
  // callers reading data.InactivityTime get undefined, as they presumably do against the real API.
  const wire = settings.data as unknown as Record<string, unknown>
  assert.is(wire.inactivityTime, 2)
  assert.is(wire.inactivityTimeUnit, 'hours')
  assert.is(settings.data?.InactivityTime, undefined)

  assertSdkError(await mgmt.tenant.getSettings('nope'), 404, 'E990404', 'tenant "nope" does not exist')
  assertSdkError(await mgmt.tenant.configureSettings('nope', { selfProvisioningDomains: [] }), 404, 'E990404', 'tenant "nope" does not exist')
  assertSdkError(await mgmt.tenant.configureSettings('acme', { selfProvisioningDomains: ['acme.io'] }), 400, 'E011003', 'selfProvisioningDomains')
  assertSdkError(await mgmt.tenant.configureSettings('acme', { selfProvisioningDomains: ['acme.com'], sessionTokenExpirationUnit: 'years' as never }), 400, 'E011003', 'sessionTokenExpirationUnit')
})

TenantSettings.run()

// The FGA schema (plugins/fga-schema.ts adds these routes): node-sdk's schema, relation and check methods.
const Fga = sdkSuite('node-sdk fga methods (a plugin\'s routes)', async () => [(await import('../plugins/fga-schema.ts')).default()])

Fga('saveSchema, loadSchema, dryRunSchema, createRelations, check, checkWithContext, deleteRelations, deleteAllRelations, deleteSchema', async ({ mgmt }) => {
  const dsl = 'model AuthZ 1.0\n\ntype user\n\ntype folder\n  relation owner: user\n\ntype doc\n  relation parent: folder\n  relation viewer: user\n  permission can_view: viewer | parent.owner\n'
  assert.equal((await mgmt.fga.loadSchema()).data, { dsl: '' }, 'a project without a schema')
  assertOk(await mgmt.fga.saveSchema({ dsl }), 'saveSchema')
  const loaded = await mgmt.fga.loadSchema()
  assertOk(loaded, 'loadSchema')
  assert.is(loaded.data!.dsl, dsl, 'the text as it was saved')
  const dryRun = await mgmt.fga.dryRunSchema({ dsl: 'model AuthZ 1.0\n\ntype user\n\ntype doc\n  relation owner: user\n' })
  assertOk(dryRun, 'dryRunSchema')
  assert.equal(dryRun.data, { deletesPreview: { hasDeletes: true, relations: ['doc#parent', 'doc#viewer'], types: ['folder'] } })
  assert.equal((await mgmt.fga.dryRunSchema({ dsl })).data, { deletesPreview: { hasDeletes: false } }, 'nothing dropped, nothing deleted')
  assert.is((await mgmt.fga.loadSchema()).data!.dsl, dsl, 'a dry run saves nothing')

  const owner = { resource: 'f1', resourceType: 'folder', relation: 'owner', target: 'u1', targetType: 'user' }
  const parent = { resource: 'd1', resourceType: 'doc', relation: 'parent', target: 'f1', targetType: 'folder' }
  assertOk(await mgmt.fga.createRelations([owner, parent]), 'createRelations')
  const canView = { resource: 'd1', resourceType: 'doc', relation: 'can_view', target: 'u1', targetType: 'user' }
  const checked = await mgmt.fga.check([canView, { ...canView, target: 'u2' }])
  assertOk(checked, 'check')
  assert.equal(checked.data, [{ allowed: true, tuple: canView }, { allowed: false, tuple: { ...canView, target: 'u2' } }])
  assert.equal((await mgmt.fga.checkWithContext([owner], { ip: '10.0.0.1' })).data, [{ allowed: true, tuple: owner }])
  assertOk(await mgmt.fga.deleteRelations([parent]), 'deleteRelations')
  assert.equal((await mgmt.fga.check([canView])).data!.map((result) => result.allowed), [false])
  assertOk(await mgmt.fga.deleteAllRelations(), 'deleteAllRelations')
  assert.equal((await mgmt.fga.check([owner])).data!.map((result) => result.allowed), [false])

  assertSdkError(await mgmt.fga.saveSchema({ dsl: 'not a schema' }), 400, 'E011003', 'line 1: a schema starts with "model AuthZ 1.0"')
  assertSdkError(await mgmt.fga.dryRunSchema({ dsl: 'model AuthZ 1.0\ntype doc\n  relation owner: nobody\n' }), 400, 'E011003', 'relation owner names type "nobody"')
  assertSdkError(await mgmt.fga.createRelations([{ ...owner, relation: 'editor' }]), 400, 'E011003', 'type "folder" has no relation "editor"')
  assertSdkError(await mgmt.fga.createRelations([]), 400, 'E011003', 'no relations given')
  assertOk(await mgmt.fga.deleteSchema(), 'deleteSchema')
  assert.equal((await mgmt.fga.loadSchema()).data, { dsl: '' })
})

Fga.run()

// Tenant SSO settings (plugins/tenant-sso.ts adds these routes): node-sdk's sso methods, on the
// tenant's default configuration and on one made with newSettings.
const TenantSso = sdkSuite('node-sdk tenant SSO settings methods (a plugin\'s routes)', async () => [(await import('../plugins/tenant-sso.ts')).default()])

TenantSso('loadSettings, configureOIDCSettings, configureSAMLSettings, configureSAMLByMetadata, configureSSORedirectURL, newSettings, loadAllSettings, deleteSettings', async ({ mgmt }) => {
  assertOk(await mgmt.tenant.createWithId('acme', 'Acme'), 'tenant')
  assertOk(await mgmt.role.create('Billing', '', [], 'acme'), 'role')
  const fresh = await mgmt.sso.loadSettings('acme')
  assertOk(fresh, 'loadSettings')
  assert.equal([fresh.data!.tenant.id, fresh.data!.tenant.authType, fresh.data!.oidc, fresh.data!.saml!.idpSSOUrl], ['acme', 'none', undefined, ''])
  assert.ok(fresh.data!.saml!.spCertificate, 'a tenant never configured answers its service-provider part')

  assertOk(await mgmt.sso.configureOIDCSettings('acme', { name: 'Okta', clientId: 'cid', clientSecret: 's3cr3t-value', redirectUrl: 'https://app.example.com/r', attributeMapping: { email: 'mail' } }, ['acme.com']), 'configureOIDCSettings')
  const oidc = (await mgmt.sso.loadSettings('acme')).data!
  assert.equal([oidc.tenant.authType, oidc.tenant.domains, oidc.oidc!.clientId, oidc.oidc!.redirectUrl, oidc.oidc!.attributeMapping], ['oidc', ['acme.com'], 'cid', 'https://app.example.com/r', { email: 'mail' }])
  assert.is(oidc.oidc!.clientSecret, undefined, 'the client secret is never read back')

  assertOk(await mgmt.sso.configureSAMLSettings('acme', { idpUrl: 'https://idp.example.com', entityId: 'e1', idpCert: 'cert', roleMappings: [{ roleName: 'Billing', groups: ['g2', 'g1'] }] }, 'https://app.example.com/saml', ['acme.com']), 'configureSAMLSettings')
  const saml = (await mgmt.sso.loadSettings('acme')).data!
  assert.equal([saml.tenant.authType, saml.saml!.idpSSOUrl, saml.saml!.idpEntityId, saml.saml!.idpCertificate, saml.saml!.redirectUrl], ['saml', 'https://idp.example.com', 'e1', 'cert', 'https://app.example.com/saml'])
  assert.equal(saml.saml!.groupsMapping, [{ groups: ['g2', 'g1'], roleName: 'Billing' }] as never, 'node-sdk turns { role: { id, name } } into roleName')
  assertSdkError(await mgmt.sso.configureSAMLSettings('acme', { idpUrl: 'u', entityId: 'e', idpCert: 'c', roleMappings: [{ roleName: 'Nobody', groups: [] }] }), 400, 'E011003', 'role "Nobody" does not exist')

  assertOk(await mgmt.sso.configureSAMLByMetadata('acme', { idpMetadataUrl: 'https://idp.example.com/md' }, 'https://app.example.com/md', []), 'configureSAMLByMetadata')
  assertOk(await mgmt.sso.configureSSORedirectURL('acme', 'https://app.example.com/new'), 'configureSSORedirectURL')
  const metadata = (await mgmt.sso.loadSettings('acme')).data!
  assert.equal([metadata.saml!.idpMetadataUrl, metadata.saml!.idpSSOUrl, metadata.saml!.redirectUrl, metadata.tenant.domains], ['https://idp.example.com/md', '', 'https://app.example.com/new', []])

  const created = await mgmt.sso.newSettings('acme', 'second', 'Second IdP')
  assertOk(created, 'newSettings')
  assert.is(created.data!.ssoId, 'second')
  assertSdkError(await mgmt.sso.newSettings('acme', 'second', 'again'), 409, 'E990409', 'already has')
  assertOk(await mgmt.sso.configureOIDCSettings('acme', { name: 'n', clientId: 'c2' }, [], 'second'), 'configureOIDCSettings with ssoId')
  assert.is((await mgmt.sso.loadSettings('acme', 'second')).data!.oidc!.clientId, 'c2')
  const all = await mgmt.sso.loadAllSettings('acme')
  assertOk(all, 'loadAllSettings')
  assert.equal(all.data!.map((settings) => [settings.ssoId, settings.tenant.authType]), [['', 'saml'], ['second', 'oidc']])

  assertOk(await mgmt.sso.deleteSettings('acme', 'second'), 'deleteSettings with ssoId')
  assertOk(await mgmt.sso.deleteSettings('acme'), 'deleteSettings')
  const deleted = (await mgmt.sso.loadSettings('acme')).data!
  assert.equal([deleted.tenant.authType, deleted.saml!.idpMetadataUrl, deleted.oidc], ['none', '', undefined])
  assertSdkError(await mgmt.sso.loadSettings('nobody'), 404, 'E990404', 'does not exist')
  assertSdkError(await mgmt.sso.configureOIDCSettings('acme', { name: 'n' } as never), 400, 'E011003', 'settings.clientId')
})

TenantSso.run()

// User custom attribute definitions (plugins/user-attributes.ts adds these routes): node-sdk's
// three methods, each answering the whole list.
const UserAttributes = sdkSuite('node-sdk user custom attribute methods (a plugin\'s routes)', async () => [(await import('../plugins/user-attributes.ts')).default()])

UserAttributes('getCustomAttributes, createCustomAttributes and deleteCustomAttributes answer the whole list', async ({ mgmt }) => {
  const empty = await mgmt.user.getCustomAttributes()
  assertOk(empty, 'getCustomAttributes')
  assert.equal(empty.data, [])
  const created = await mgmt.user.createCustomAttributes([
    { name: 'tier', type: 4, displayName: 'Tier', options: [{ value: 'gold', label: 'Gold' }], viewPermissions: ['User Admin'] },
    { name: 'nickname', type: 1 },
  ])
  assertOk(created, 'createCustomAttributes')
  assert.equal(created.data!.map((attribute) => [attribute.name, attribute.type]), [['tier', 4], ['nickname', 1]])
  assertOk(await mgmt.user.createCustomAttributes([{ name: 'tier', type: 4, displayName: 'Changed', options: [{ value: 'x' }] }]), 'a second create of a name (the Java SDK\'s test)')
  const listed = (await mgmt.user.getCustomAttributes()).data!
  assert.equal(listed.find((attribute) => attribute.name === 'tier')!.displayName, 'Tier', 'the emulator leaves an existing one as it is')
  assertSdkError(await mgmt.user.createCustomAttributes([{ name: 'plain', type: 1, options: [{ value: 'a' }] }]), 400, 'E011003', 'options')
  assertSdkError(await mgmt.user.createCustomAttributes([{ name: 'pick', type: 5 }]), 400, 'E011003', 'options')
  assertSdkError(await mgmt.user.createCustomAttributes([{ name: 'odd', type: 9 }]), 400, 'E011003', 'type')
  assertSdkError(await mgmt.user.createCustomAttributes([]), 400, 'E011003', 'attributes')
  const deleted = await mgmt.user.deleteCustomAttributes(['tier'])
  assertOk(deleted, 'deleteCustomAttributes')
  assert.equal(deleted.data!.map((attribute) => attribute.name), ['nickname'])
  assertSdkError(await mgmt.user.deleteCustomAttributes(['tier']), 404, 'E990404', 'does not exist')
})

UserAttributes.run()

// The project's name and tags (plugins/project.ts adds these routes): updateName, updateTags,
// and listProjects, which the emulator answers with its own project, as a company key would.
const ProjectMethods = sdkSuite('node-sdk project name, tags and list methods (a plugin\'s routes)', async () => [(await import('../plugins/project.ts')).default()])

ProjectMethods('updateName and updateTags change what listProjects answers; a project key is refused the list', async ({ emulator, mgmt }) => {
  const before = await mgmt.project.listProjects()
  assertOk(before, 'listProjects')
  assert.equal(before.data, [{ id: emulator.projectId, name: 'Emulated project', environment: '', tags: [] }])
  assertOk(await mgmt.project.updateName('Acme (dev)'), 'updateName')
  assertOk(await mgmt.project.updateTags(['eu', 'dev']), 'updateTags')
  assert.equal((await mgmt.project.listProjects()).data, [{ id: emulator.projectId, name: 'Acme (dev)', environment: '', tags: ['eu', 'dev'] }])
  assertSdkError(await mgmt.project.updateName(''), 400, 'E011003', 'name')
  assertSdkError(await mgmt.project.updateTags('eu' as never), 400, 'E011003', 'tags')
  ;(emulator.state.plugins.project as { keyKind: string }).keyKind = 'project'
  assertSdkError(await mgmt.project.listProjects(), 400, 'E011003', 'company management key')
})

ProjectMethods.run()

// The emulator serves no route that node-sdk's methods leave untried: every route of the emulator
// and of every plugin descope.config.ts ships must have been reached by a suite above, or be named
// here with the reason no node-sdk method calls it (the toolkit's own tests cover those).
const NOT_IN_NODE_SDK: Record<string, string> = {
  'POST /v2/mgmt/flow/export': 'node-sdk exports flows through v1; the v2 form is go-sdk\'s and the toolkit\'s',
  'POST /v2/mgmt/flow/import': 'likewise v1 in node-sdk',
  'POST /v2/mgmt/theme/export': 'likewise v1 in node-sdk',
  'POST /v2/mgmt/theme/import': 'likewise v1 in node-sdk',
}

const Coverage = suite('the conformance suites reach every route the emulator serves')

Coverage('every built-in route and every shipped plugin\'s route was called through node-sdk, or is named with its reason', async () => {
  const config = (await import('../descope.config.ts')).default
  const served = withPluginRoutes(builtInRoutes, config.plugins)
  const untried = Object.keys(served).filter((route) => !reached.has(route) && !Object.hasOwn(NOT_IN_NODE_SDK, route))
  assert.equal(untried.sort(), [], 'add a conformance test that calls each through node-sdk, or name it in NOT_IN_NODE_SDK with the reason')
  const stale = Object.keys(NOT_IN_NODE_SDK).filter((route) => !Object.hasOwn(served, route) || reached.has(route))
  assert.equal(stale, [], 'NOT_IN_NODE_SDK names routes that are no longer served, or that node-sdk does reach')
})

Coverage.run()
