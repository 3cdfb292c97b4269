// What the API answers is checked like a file: a live item of an unexpected shape is an error
// naming the type, the item and the field (exit 1), never a TypeError, and nothing is written.
// And custom attribute names are data: any string key round-trips through plan, apply, drift,
// backup and restore.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'
import { seedTenants } from './helpers/seed.ts'

const test = suite<{ emulator: Emulator; project: Project; run(task: string, ...args: string[]): ReturnType<typeof runTask> }>('live data')

test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment(context.emulator, 'tenants:\n  - { id: acme, name: Acme }\n') })
  context.run = (task, ...args) => runTask(task, args, { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator.managementKey } })
})
test.after.each(async (context) => {
  await context.emulator.close()
  context.project.remove()
})

const malformed: [string, (tenant: Record<string, unknown>) => void, string][] = [
  ['a name that is null', (tenant) => { tenant.name = null }, 'live tenant "broken" is not of the shape the API should answer: name: Invalid type: Expected string but received null'],
  ['null inside its domains', (tenant) => { tenant.selfProvisioningDomains = ['ok.com', null] }, 'live tenant "broken" is not of the shape the API should answer: selfProvisioningDomains[1]'],
  ['no id', (tenant) => { delete tenant.id }, 'live tenant #2 of the list is not of the shape the API should answer: id'],
  ['attributes that are a list', (tenant) => { tenant.customAttributes = ['x'] }, 'live tenant "broken" is not of the shape the API should answer: customAttributes'],
]

for (const [what, spoil, message] of malformed) {
  test(`a live tenant with ${what}: a clear error (exit 1) for plan, prune and backup, and no write`, async ({ emulator, run }) => {
    seedTenants(emulator, ['acme', 'broken'])
    spoil(emulator.state.tenants.broken as unknown as Record<string, unknown>)
    for (const args of [['sync', '--env', 'dev', '--json'], ['sync', '--env', 'dev', '--apply', '--prune', '--json'], ['backup', 'create', '--env', 'dev', '--json']]) {
      const [task, ...rest] = args
      const result = await run(task!, ...rest)
      assert.is(result.code, 1, `${args.join(' ')}: ${result.stderr}`)
      assert.is(JSON.parse(result.stdout).error.code, 'LIVE_INVALID', args.join(' '))
      assert.match(result.stderr, message)
      assert.not.match(result.stderr, 'TypeError')
    }
    assert.is(emulator.log.filter(isWrite).length, 0, 'never a delete without a key, nor anything else')
  })
}

test('a list answered as an object, or a flow list entry without an id, is an error naming the type', async ({ project }) => {
  const server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    const answers: Record<string, object> = {
      '/v1/mgmt/tenant/all': { tenants: { acme: { id: 'acme', name: 'Acme' } } },
      '/v1/mgmt/flow/list': { flows: [{ id: 'sign-in' }, { name: 'no id' }] },
    }
    response.end(JSON.stringify(answers[request.url ?? ''] ?? {}))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    project.write('environments/odd.yaml', emulatorEnvironment({ url, projectId: 'P2emulatorLocalProject000001' }, 'tenants: []\n'))
    const result = await runTask('sync', ['--env', 'odd'], { cwd: project.dir, env: { EMULATOR_KEY: 'K-emulator-local-management-key' } })
    assert.is(result.code, 1)
    assert.match(result.stderr, "the API's list of tenants is not a list (it is an object)")
    const flows = await runTask('export-flows', ['--env', 'odd', '--flow', 'sign-in', '--check'], { cwd: project.dir, env: { EMULATOR_KEY: 'K-emulator-local-management-key' } })
    assert.is(flows.code, 1, flows.stderr)
    assert.match(flows.stderr, "the API's list of flows is not of the shape it should answer: 1.id")
  } finally {
    server.close()
  }
})

const NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'plan', 'prototype', 'toString', 'valueOf']
const ATTRIBUTES = `{ plan: pro, prototype: true, constructor: ctor-v1, __proto__: p, toString: t, hasOwnProperty: h, valueOf: 1 }`

test('attributes named like Object\'s own properties round-trip through apply, drift, backup and restore', async ({ emulator, project, run }) => {
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, `tenants:\n  - { id: acme, name: Acme, customAttributes: ${ATTRIBUTES} }\n`))
  const applied = await run('sync', '--env', 'dev', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const stored = emulator.state.tenants.acme!.customAttributes
  assert.equal(Object.keys(stored).sort(), NAMES)
  assert.is(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value, 'p', '__proto__ is a plain entry')
  assert.match((await run('sync', '--env', 'dev', '--detailed-exitcode')).stdout, 'No changes')
  assert.is((await run('drift', '--env', 'dev')).code, 0)

  const backup = JSON.parse((await run('backup', 'create', '--env', 'dev', '--json')).stdout).backup as string
  assert.match(fs.readFileSync(backup, 'utf8'), '"__proto__": "p"')
  emulator.state.tenants.acme!.customAttributes = { plan: 'pro' }
  const drifted = await run('drift', '--env', 'dev', '--json')
  assert.is(drifted.code, 2)
  assert.equal(JSON.parse(drifted.stdout).differences[0].paths.sort(), ['customAttributes.__proto__', 'customAttributes.constructor', 'customAttributes.hasOwnProperty', 'customAttributes.prototype', 'customAttributes.toString', 'customAttributes.valueOf'])
  const restored = await run('backup', 'restore', backup, '--env', 'dev', '--apply')
  assert.is(restored.code, 0, restored.stderr)
  assert.is(Object.keys(emulator.state.tenants.acme!.customAttributes).length, 7)
})

test('live attributes called toString or constructor that no file declares plan as removals, not a crash', async ({ emulator, project, run }) => {
  seedTenants(emulator, ['acme'])
  emulator.state.tenants.acme!.name = 'Acme'
  Object.defineProperty(emulator.state.tenants.acme!.customAttributes, '__proto__', { value: 'live', enumerable: true, writable: true, configurable: true })
  Object.assign(emulator.state.tenants.acme!.customAttributes, { toString: 'x', constructor: 'y', prototype: true })
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: acme, name: Acme, customAttributes: { plan: pro, prototype: true } }\n'))
  const result = await run('sync', '--env', 'dev', '--json')
  assert.is(result.code, 0, result.stderr)
  const [change] = JSON.parse(result.stdout).changes
  assert.equal(change.fields, [
    { path: 'customAttributes.__proto__', live: 'live' },
    { path: 'customAttributes.constructor', live: 'y' },
    { path: 'customAttributes.plan', desired: 'pro' },
    { path: 'customAttributes.toString', live: 'x' },
  ])
})

test('tenant ids named like Object\'s own properties are data for the emulator and the toolkit alike', async ({ emulator, project, run }) => {
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: toString, name: To String }\n  - { id: constructor, name: Constructor }\n  - { id: __proto__, name: Proto }\n  - { id: hasOwnProperty, name: Own }\n'))
  const applied = await run('sync', '--env', 'dev', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal(Object.keys(emulator.state.tenants).sort(), ['__proto__', 'constructor', 'hasOwnProperty', 'toString'])
  assert.match((await run('sync', '--env', 'dev')).stdout, 'No changes')
})

test('a flow nested deeper than an API answer may be (but within what a file may) round-trips; -0 converges as 0', async ({ emulator, project, run }) => {
  let contents: unknown = 'leaf'
  for (let depth = 0; depth < 190; depth++) contents = [contents]
  project.write('environments/exported/flows/deep.json', JSON.stringify({ flowId: 'deep', metadata: {}, screens: [], contents: { x: contents } }))
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'flows: [deep]\ntenants:\n  - { id: acme, name: Acme, customAttributes: { neg: -0 } }\n'))
  const applied = await run('sync', '--env', 'dev', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.match((await run('sync', '--env', 'dev')).stdout, 'No changes')
  const backup = JSON.parse((await run('backup', 'create', '--env', 'dev', '--json')).stdout).backup as string
  const restored = await run('backup', 'restore', backup, '--env', 'dev')
  assert.is(restored.code, 0, restored.stderr)
  assert.match(restored.stdout, 'No changes')
})

test('a backup restores live values that a file could not declare', async ({ emulator, project, run }) => {
  const call = (path: string, body: object) => fetch(`${emulator.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${emulator.projectId}:${emulator.managementKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  assert.is((await call('/v1/mgmt/role/create', { name: 'ops/admin', description: 'line one\r\nline two' })).status, 200)
  assert.is((await call('/v1/mgmt/permission/create', { name: 'p'.repeat(150) })).status, 200)
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'roles: []\npermissions: []\n'))
  const backup = JSON.parse((await run('backup', 'create', '--env', 'dev', '--json')).stdout).backup as string
  for (const [id, role] of Object.entries(emulator.state.roles)) if (role.name === 'ops/admin') delete emulator.state.roles[id]
  for (const [id, permission] of Object.entries(emulator.state.permissions)) if (!permission.systemDefault) delete emulator.state.permissions[id]
  const restored = await run('backup', 'restore', backup, '--env', 'dev', '--apply')
  assert.is(restored.code, 0, restored.stderr)
  assert.equal(Object.values(emulator.state.roles).map((role) => role.name).sort(), ['Tenant Admin', 'ops/admin'])
  assert.equal(Object.values(emulator.state.permissions).filter((permission) => !permission.systemDefault).map((permission) => permission.name.length), [150])
})

test.run()
