import * as assert from 'uvu/assert'
import { assertApiError, type ApiCall } from './helpers/emulator-http.ts'
import { emulatorSuite } from './helpers/emulator-suite.ts'

// Real HTTP against the emulator: every role endpoint (node-sdk role.ts), role identity per
// tenant, search, and the cascades into tenants' defaultRoles and from tenant deletion.

const Roles = emulatorSuite('roles')

/** Two tenants and three permissions, the usual starting point. */
async function seed(call: ApiCall) {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  await call('POST', '/v1/mgmt/tenant/create', { id: 'beta', name: 'Beta' })
  await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'read' }, { name: 'write' }, { name: 'admin' }] })
}

const summary = (roles: any[]) => roles.map((r) => `${r.tenantId || '-'}/${r.name}`)

Roles('create answers the role (OpenAPI Role); tenantId is "" at project level', async ({ call }) => {
  await seed(call)
  const before = Math.floor(Date.now() / 1000)
  const created = await call('POST', '/v1/mgmt/role/create', {
    name: 'editor',
    description: 'Edits',
    permissionNames: ['read', 'write'],
    default: true,
    private: true,
  })
  assert.is(created.status, 200)
  const { id, createdTime, ...rest } = created.body
  assert.match(id, /^ROL[A-Za-z0-9]{27}$/)
  assert.ok(createdTime >= before && createdTime <= Math.ceil(Date.now() / 1000), 'createdTime is epoch seconds')
  assert.equal(rest, {
    name: 'editor',
    description: 'Edits',
    permissionNames: ['read', 'write'],
    tenantId: '',
    default: true,
    private: true,
  })
  const minimal = await call('POST', '/v1/mgmt/role/create', { name: 'viewer', tenantId: 'acme' })
  assert.equal(
    { ...minimal.body, id: 'x', createdTime: 0 },
    { id: 'x', name: 'viewer', description: '', permissionNames: [], createdTime: 0, tenantId: 'acme', default: false, private: false },
  )
  assert.equal((await call('GET', '/v1/mgmt/role/all')).body.roles, [created.body, minimal.body])
})

Roles('identity is (tenantId, name): one per tenant and one at project level', async ({ call, emulator }) => {
  await seed(call)
  for (const tenantId of [undefined, 'acme', 'beta']) {
    assert.is((await call('POST', '/v1/mgmt/role/create', { name: 'admin', tenantId })).status, 200)
  }
  assertApiError(await call('POST', '/v1/mgmt/role/create', { name: 'admin' }), 409, 'E990409', 'project level')
  assertApiError(await call('POST', '/v1/mgmt/role/create', { name: 'admin', tenantId: 'acme' }), 409, 'E990409', 'tenant "acme"')
  assert.equal(summary((await call('GET', '/v1/mgmt/role/all')).body.roles), ['-/admin', 'acme/admin', 'beta/admin'])

  // update and delete by name address the role of the scope they name
  await call('POST', '/v1/mgmt/role/update', { name: 'admin', tenantId: 'acme', newName: 'owner', permissionNames: ['admin'] })
  await call('POST', '/v1/mgmt/role/delete', { name: 'admin', tenantId: 'beta' })
  assert.equal(summary((await call('GET', '/v1/mgmt/role/all')).body.roles), ['-/admin', 'acme/owner'])
  assert.equal(Object.values(emulator.state.roles).find((r) => r.name === 'admin')?.permissionNames, [])
})

Roles('create errors: missing name, unknown permission or tenant, bad types', async ({ call, emulator }) => {
  await seed(call)
  const create = (body: unknown) => call('POST', '/v1/mgmt/role/create', body)
  assertApiError(await create({ description: 'x' }), 400, 'E011002', 'name')
  assertApiError(await create({ name: 'r', permissionNames: ['read', 'fly', 'swim'] }), 400, 'E011003', '"fly", "swim"')
  assertApiError(await create({ name: 'r', tenantId: 'nope' }), 400, 'E011003', 'tenant "nope"')
  assertApiError(await create({ name: 'r', permissionNames: 'read' }), 400, 'E011003', 'permissionNames')
  assertApiError(await create({ name: 'r', default: 'yes' }), 400, 'E011003', 'default')
  assert.equal(Object.keys(emulator.state.roles), [])
})

Roles('update by name or id is a full replace; createdTime and tenant survive', async ({ call }) => {
  await seed(call)
  const role = (await call('POST', '/v1/mgmt/role/create', {
    name: 'editor', description: 'Edits', permissionNames: ['read'], tenantId: 'acme', default: true, private: true,
  })).body

  const byName = await call('POST', '/v1/mgmt/role/update', { name: 'editor', tenantId: 'acme', newName: 'writer', permissionNames: ['write'] })
  assert.is(byName.status, 200)
  assert.equal(byName.body, { ...role, name: 'writer', description: '', permissionNames: ['write'], default: false, private: false })

  const byId = await call('POST', '/v1/mgmt/role/update', { id: role.id, newName: 'writer', description: 'Writes', private: true })
  assert.equal(byId.body, { ...role, name: 'writer', description: 'Writes', permissionNames: [], default: false, private: true })
  assert.equal((await call('GET', '/v1/mgmt/role/all')).body.roles, [byId.body])
})

Roles('update errors', async ({ call }) => {
  await seed(call)
  const { id } = (await call('POST', '/v1/mgmt/role/create', { name: 'a', tenantId: 'acme' })).body
  await call('POST', '/v1/mgmt/role/create', { name: 'b', tenantId: 'acme' })
  const update = (body: unknown) => call('POST', '/v1/mgmt/role/update', body)
  assertApiError(await update({ newName: 'x' }), 400, 'E011002', 'name or id')
  assertApiError(await update({ id }), 400, 'E011002', 'newName')
  assertApiError(await update({ name: 'a', newName: 'x' }), 404, 'E990404', 'project level')
  assertApiError(await update({ id: 'ROLnope', newName: 'x' }), 404, 'E990404', 'ROLnope')
  assertApiError(await update({ id, tenantId: 'beta', newName: 'x' }), 400, 'E011003', 'tenant "beta"')
  assertApiError(await update({ id, newName: 'b' }), 409, 'E990409', '"b"')
  assertApiError(await update({ id, newName: 'a', permissionNames: ['nope'] }), 400, 'E011003', '"nope"')
  assert.is((await update({ id, tenantId: 'acme', newName: 'a' })).status, 200, 'the own tenant is fine with an id')
})

Roles('delete by name or id; tenantId scopes names and must match ids', async ({ call }) => {
  await seed(call)
  const project = (await call('POST', '/v1/mgmt/role/create', { name: 'r' })).body
  const scoped = (await call('POST', '/v1/mgmt/role/create', { name: 'r', tenantId: 'acme' })).body
  assertApiError(await call('POST', '/v1/mgmt/role/delete', { id: scoped.id, tenantId: 'beta' }), 400, 'E011003')
  const deleted = await call('POST', '/v1/mgmt/role/delete', { name: 'r', tenantId: 'acme' })
  assert.is(deleted.status, 200)
  assert.equal(deleted.body, {})
  assert.equal((await call('GET', '/v1/mgmt/role/all')).body.roles, [project])
  assert.is((await call('POST', '/v1/mgmt/role/delete', { id: project.id })).status, 200)
  assertApiError(await call('POST', '/v1/mgmt/role/delete', { name: 'r' }), 404, 'E990404', '"r"')
  assertApiError(await call('POST', '/v1/mgmt/role/delete', {}), 400, 'E011002', 'name or id')
})

Roles('create/batch answers {roles}, all-or-nothing', async ({ call, emulator }) => {
  await seed(call)
  const ok = await call('POST', '/v1/mgmt/role/create/batch', {
    roles: [{ name: 'a', permissionNames: ['read'] }, { name: 'a', tenantId: 'acme', id: 'ignored', createdTime: 1 }],
  })
  assert.is(ok.status, 200)
  assert.equal(summary(ok.body.roles), ['-/a', 'acme/a'])
  assert.is.not(ok.body.roles[1].id, 'ignored')
  assert.is.not(ok.body.roles[1].createdTime, 1)
  assert.equal((await call('GET', '/v1/mgmt/role/all')).body.roles, ok.body.roles)

  assertApiError(await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'b' }, { name: 'c', permissionNames: ['nope'] }] }), 400, 'E011003', 'nope')
  assertApiError(await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'b' }, { name: 'b' }] }), 409, 'E990409')
  assertApiError(await call('POST', '/v1/mgmt/role/create/batch', {}), 400, 'E011002', 'roles')
  assert.is(Object.keys(emulator.state.roles).length, 2)
})

Roles('update/batch by id or name answers {roles}, all-or-nothing', async ({ call }) => {
  await seed(call)
  const [a, b] = (await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'a' }, { name: 'b', tenantId: 'acme' }] })).body.roles
  const ok = await call('POST', '/v1/mgmt/role/update/batch', {
    roles: [{ id: a.id, newName: 'a2', permissionNames: ['read'] }, { name: 'b', tenantId: 'acme', newName: 'b2', default: true }],
  })
  assert.is(ok.status, 200)
  assert.equal(ok.body.roles, [
    { ...a, name: 'a2', permissionNames: ['read'] },
    { ...b, name: 'b2', default: true },
  ])
  const failed = await call('POST', '/v1/mgmt/role/update/batch', { roles: [{ id: a.id, newName: 'a3' }, { id: 'ROLnope', newName: 'x' }] })
  assertApiError(failed, 404, 'E990404', 'ROLnope')
  assert.equal(summary((await call('GET', '/v1/mgmt/role/all')).body.roles), ['-/a2', 'acme/b2'])
})

Roles('delete/batch by roleNames (in tenantId) and roleIds, all-or-nothing', async ({ call }) => {
  await seed(call)
  const roles = (await call('POST', '/v1/mgmt/role/create/batch', {
    roles: [{ name: 'a' }, { name: 'b' }, { name: 'a', tenantId: 'acme' }, { name: 'b', tenantId: 'acme' }],
  })).body.roles
  assertApiError(await call('POST', '/v1/mgmt/role/delete/batch', { roleNames: ['a', 'c'], tenantId: 'acme' }), 404, 'E990404', '"c"')
  assert.is((await call('GET', '/v1/mgmt/role/all')).body.roles.length, 4)

  const ok = await call('POST', '/v1/mgmt/role/delete/batch', { roleNames: ['a'], tenantId: 'acme', roleIds: [roles[3].id] })
  assert.is(ok.status, 200)
  assert.equal(ok.body, {})
  assert.equal(summary((await call('GET', '/v1/mgmt/role/all')).body.roles), ['-/a', '-/b'])
  assert.is((await call('POST', '/v1/mgmt/role/delete/batch', { roleNames: ['a', 'b'] })).status, 200)
  assert.equal((await call('GET', '/v1/mgmt/role/all')).body, { roles: [] })
})

Roles('search: scope by tenantIds (+ project roles), AND across filters', async ({ call }) => {
  await seed(call)
  const roles = (await call('POST', '/v1/mgmt/role/create/batch', {
    roles: [
      { name: 'Admin', permissionNames: ['admin'] },
      { name: 'viewer', permissionNames: ['read'] },
      { name: 'tenant admin', tenantId: 'acme', permissionNames: ['admin', 'write'] },
      { name: 'viewer', tenantId: 'beta', permissionNames: ['read'] },
    ],
  })).body.roles
  const search = async (body: unknown) => {
    const response = await call('POST', '/v1/mgmt/role/search', body)
    assert.is(response.status, 200)
    return summary(response.body.roles)
  }
  assert.equal(await search({}), ['-/Admin', '-/viewer', 'acme/tenant admin', 'beta/viewer'])
  assert.equal(await search(undefined), await search({}), 'no body is no filter')
  assert.equal(await search({ tenantIds: ['acme'] }), ['acme/tenant admin'])
  assert.equal(await search({ tenantIds: ['acme', 'beta'], includeProjectRoles: true }), await search({}))
  assert.equal(await search({ includeProjectRoles: false }), await search({}), 'includeProjectRoles matters only with tenantIds')
  assert.equal(await search({ roleNames: ['viewer'] }), ['-/viewer', 'beta/viewer'])
  assert.equal(await search({ roleNameLike: 'ADMIN' }), ['-/Admin', 'acme/tenant admin'])
  assert.equal(await search({ permissionNames: ['write', 'read'] }), ['-/viewer', 'acme/tenant admin', 'beta/viewer'])
  assert.equal(await search({ roleIds: [roles[3].id, roles[0].id] }), ['-/Admin', 'beta/viewer'])
  assert.equal(await search({ tenantIds: ['beta'], includeProjectRoles: true, roleNames: ['viewer'] }), ['-/viewer', 'beta/viewer'])
  assert.equal(await search({ tenantIds: ['nope'] }), [])
  assert.equal(await search({ text: 'ignored', sort: [{ field: 'name', desc: true }] }), await search({}))
  assertApiError(await call('POST', '/v1/mgmt/role/search', { tenantIds: 'acme' }), 400, 'E011003', 'tenantIds')
})

Roles('cascades: tenant defaultRoles follow a rename and lose a deleted role', async ({ call, emulator }) => {
  await seed(call)
  await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'viewer' }, { name: 'editor' }, { name: 'viewer', tenantId: 'acme' }] })
  await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'acme', defaultRoles: ['viewer', 'editor'] })
  await call('POST', '/v1/mgmt/tenant/updateDefaultRoles', { id: 'beta', defaultRoles: ['viewer'] })
  const defaults = () => Object.fromEntries(Object.values(emulator.state.tenants).map((t) => [t.id, t.defaultRoles]))

  // renaming the tenant-scoped "viewer" must not touch the project-level name in defaultRoles
  await call('POST', '/v1/mgmt/role/update', { name: 'viewer', tenantId: 'acme', newName: 'reader' })
  assert.equal(defaults(), { acme: ['viewer', 'editor'], beta: ['viewer'] })

  await call('POST', '/v1/mgmt/role/update', { name: 'viewer', newName: 'watcher' })
  assert.equal(defaults(), { acme: ['watcher', 'editor'], beta: ['watcher'] })
  await call('POST', '/v1/mgmt/role/update/batch', { roles: [{ name: 'editor', newName: 'author' }] })
  assert.equal(defaults(), { acme: ['watcher', 'author'], beta: ['watcher'] })

  await call('POST', '/v1/mgmt/role/delete', { name: 'watcher' })
  assert.equal(defaults(), { acme: ['author'], beta: [] })
  await call('POST', '/v1/mgmt/role/delete/batch', { roleNames: ['author'] })
  assert.equal(defaults(), { acme: [], beta: [] })
})

Roles('cascade: deleting a tenant deletes its tenant-scoped roles only', async ({ call }) => {
  await seed(call)
  await call('POST', '/v1/mgmt/role/create/batch', { roles: [{ name: 'r' }, { name: 'r', tenantId: 'acme' }, { name: 'r', tenantId: 'beta' }] })
  assert.is((await call('POST', '/v1/mgmt/tenant/delete', { id: 'acme' })).status, 200)
  assert.equal(summary((await call('GET', '/v1/mgmt/role/all')).body.roles), ['-/r', 'beta/r'])
})

Roles.run()
