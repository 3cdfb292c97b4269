import * as assert from 'uvu/assert'
import { assertApiError } from './helpers/emulator-http.ts'
import { emulatorSuite } from './helpers/emulator-suite.ts'

// Real HTTP against the emulator: every permission endpoint (node-sdk permission.ts), the cascades
// into roles, and the read-only system defaults.

const Permissions = emulatorSuite('permissions')

const names = (body: any) => body.permissions.map((p: { name: string }) => p.name)

Permissions('create answers {}; loadAll serves the permission object (OpenAPI Permission), sorted by name', async ({ call }) => {
  const created = await call('POST', '/v1/mgmt/permission/create', { name: 'write', description: 'Can write' })
  assert.is(created.status, 200)
  assert.equal(created.body, {})
  await call('POST', '/v1/mgmt/permission/create', { name: 'read' })

  const all = await call('GET', '/v1/mgmt/permission/all')
  assert.is(all.status, 200)
  assert.equal(names(all.body), ['read', 'write'])
  const [read, write] = all.body.permissions
  assert.match(write.id, /^PRM[A-Za-z0-9]{25}$/)
  assert.equal(write, { id: write.id, name: 'write', description: 'Can write', systemDefault: false })
  assert.equal(read, { id: read.id, name: 'read', description: '', systemDefault: false })
  assert.is.not(read.id, write.id)
})

Permissions('loadAll of an empty project answers an empty array', async ({ call }) => {
  assert.equal((await call('GET', '/v1/mgmt/permission/all')).body, { permissions: [] })
})

Permissions('create errors: missing or mistyped name, duplicate', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/permission/create', { name: 'read' })
  assertApiError(await call('POST', '/v1/mgmt/permission/create', {}), 400, 'E011002', 'name')
  assertApiError(await call('POST', '/v1/mgmt/permission/create', { name: '' }), 400, 'E011002', 'name')
  assertApiError(await call('POST', '/v1/mgmt/permission/create', { name: 7 }), 400, 'E011003', 'name')
  assertApiError(await call('POST', '/v1/mgmt/permission/create', { name: 'read' }), 409, 'E990409', 'read')
  assert.is(Object.keys(emulator.state.permissions).length, 1)
})

Permissions('update by name or id replaces the description (omitted → removed)', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/permission/create', { name: 'read', description: 'Reads' })
  const byName = await call('POST', '/v1/mgmt/permission/update', { name: 'read', newName: 'view' })
  assert.is(byName.status, 200)
  assert.equal(byName.body, {})
  const [view] = (await call('GET', '/v1/mgmt/permission/all')).body.permissions
  assert.equal(view, { id: view.id, name: 'view', description: '', systemDefault: false })

  const byId = await call('POST', '/v1/mgmt/permission/update', { id: view.id, newName: 'see', description: 'Sees' })
  assert.is(byId.status, 200)
  assert.equal(emulator.state.permissions[view.id], { id: view.id, name: 'see', description: 'Sees', systemDefault: false })
})

Permissions('update errors: no address, no newName, unknown, taken name', async ({ call }) => {
  await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'a' }, { name: 'b' }] })
  const update = (body: unknown) => call('POST', '/v1/mgmt/permission/update', body)
  assertApiError(await update({ newName: 'x' }), 400, 'E011002', 'name or id')
  assertApiError(await update({ name: 'a' }), 400, 'E011002', 'newName')
  assertApiError(await update({ name: 'nope', newName: 'x' }), 404, 'E990404', 'nope')
  assertApiError(await update({ id: 'PRMnope', newName: 'x' }), 404, 'E990404', 'PRMnope')
  assertApiError(await update({ name: 'a', newName: 'b' }), 409, 'E990409', '"b"')
  assert.is((await update({ name: 'a', newName: 'a', description: 'same name is fine' })).status, 200)
})

Permissions('delete by name or by id; unknown is 404', async ({ call }) => {
  await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'a' }, { name: 'b' }] })
  const all = (await call('GET', '/v1/mgmt/permission/all')).body.permissions
  const deleted = await call('POST', '/v1/mgmt/permission/delete', { name: 'a' })
  assert.is(deleted.status, 200)
  assert.equal(deleted.body, {})
  assert.is((await call('POST', '/v1/mgmt/permission/delete', { id: all[1].id })).status, 200)
  assert.equal((await call('GET', '/v1/mgmt/permission/all')).body, { permissions: [] })
  assertApiError(await call('POST', '/v1/mgmt/permission/delete', { name: 'a' }), 404, 'E990404', '"a"')
  assertApiError(await call('POST', '/v1/mgmt/permission/delete', {}), 400, 'E011002', 'name or id')
})

Permissions('create/batch is all-or-nothing', async ({ call, emulator }) => {
  const ok = await call('POST', '/v1/mgmt/permission/create/batch', {
    permissions: [{ name: 'a', description: 'A' }, { name: 'b', systemDefault: true }],
  })
  assert.is(ok.status, 200)
  assert.equal(ok.body, {})
  const all = (await call('GET', '/v1/mgmt/permission/all')).body.permissions
  assert.equal(all.map((p: any) => [p.name, p.description, p.systemDefault]), [['a', 'A', false], ['b', '', false]])

  // the third item collides with the first: nothing of the batch is kept
  const dup = await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'c' }, { name: 'd' }, { name: 'c' }] })
  assertApiError(dup, 409, 'E990409', '"c"')
  assertApiError(await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'e' }, {}] }), 400, 'E011003', 'permissions.1.name')
  assertApiError(await call('POST', '/v1/mgmt/permission/create/batch', {}), 400, 'E011002', 'permissions')
  assert.equal(Object.values(emulator.state.permissions).map((p) => p.name).sort(), ['a', 'b'])
})

Permissions('update/batch by id or name, all-or-nothing', async ({ call }) => {
  await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'a' }, { name: 'b' }] })
  const [a] = (await call('GET', '/v1/mgmt/permission/all')).body.permissions
  const ok = await call('POST', '/v1/mgmt/permission/update/batch', {
    permissions: [{ id: a.id, newName: 'a2', description: 'A' }, { name: 'b', newName: 'b2' }],
  })
  assert.is(ok.status, 200)
  assert.equal(ok.body, {})
  assert.equal(names((await call('GET', '/v1/mgmt/permission/all')).body), ['a2', 'b2'])

  const failed = await call('POST', '/v1/mgmt/permission/update/batch', {
    permissions: [{ name: 'a2', newName: 'a3' }, { name: 'missing', newName: 'x' }],
  })
  assertApiError(failed, 404, 'E990404', 'missing')
  assert.equal(names((await call('GET', '/v1/mgmt/permission/all')).body), ['a2', 'b2'], 'the first rename was rolled back')
})

Permissions('delete/batch by names and ids, all-or-nothing', async ({ call }) => {
  await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] })
  const [a] = (await call('GET', '/v1/mgmt/permission/all')).body.permissions
  assertApiError(await call('POST', '/v1/mgmt/permission/delete/batch', { names: ['b', 'zzz'] }), 404, 'E990404', 'zzz')
  assert.equal(names((await call('GET', '/v1/mgmt/permission/all')).body), ['a', 'b', 'c'])

  const ok = await call('POST', '/v1/mgmt/permission/delete/batch', { names: ['b'], ids: [a.id] })
  assert.is(ok.status, 200)
  assert.equal(ok.body, {})
  assert.equal(names((await call('GET', '/v1/mgmt/permission/all')).body), ['c'])
  assert.is((await call('POST', '/v1/mgmt/permission/delete/batch', {})).status, 200, 'nothing named, nothing deleted')
})

Permissions('rename and delete cascade into every role that grants the permission', async ({ call, emulator }) => {
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  await call('POST', '/v1/mgmt/permission/create/batch', { permissions: [{ name: 'read' }, { name: 'write' }] })
  await call('POST', '/v1/mgmt/role/create', { name: 'editor', permissionNames: ['read', 'write'] })
  await call('POST', '/v1/mgmt/role/create', { name: 'editor', tenantId: 'acme', permissionNames: ['write'] })
  const granted = () => Object.fromEntries(Object.values(emulator.state.roles).map((r) => [r.tenantId || 'project', r.permissionNames]))

  await call('POST', '/v1/mgmt/permission/update', { name: 'write', newName: 'edit' })
  assert.equal(granted(), { project: ['read', 'edit'], acme: ['edit'] })

  await call('POST', '/v1/mgmt/permission/delete', { name: 'edit' })
  assert.equal(granted(), { project: ['read'], acme: [] })

  await call('POST', '/v1/mgmt/permission/delete/batch', { names: ['read'] })
  assert.equal(granted(), { project: [], acme: [] })
})

Permissions('a systemDefault permission (seeded) is listed but refuses update and delete', async ({ call, emulator }) => {
  emulator.state.permissions.PRMbuiltin = { id: 'PRMbuiltin', name: 'Impersonate', description: 'built in', systemDefault: true }
  const [builtin] = (await call('GET', '/v1/mgmt/permission/all')).body.permissions
  assert.is(builtin.systemDefault, true)

  assertApiError(await call('POST', '/v1/mgmt/permission/update', { name: 'Impersonate', newName: 'x' }), 400, 'E011003', 'system default')
  assertApiError(await call('POST', '/v1/mgmt/permission/delete', { id: 'PRMbuiltin' }), 400, 'E011003', 'system default')
  await call('POST', '/v1/mgmt/permission/create', { name: 'mine' })
  assertApiError(await call('POST', '/v1/mgmt/permission/delete/batch', { names: ['mine', 'Impersonate'] }), 400, 'E011003', 'Impersonate')
  assert.equal(names((await call('GET', '/v1/mgmt/permission/all')).body), ['Impersonate', 'mine'])
})

Permissions.run()
