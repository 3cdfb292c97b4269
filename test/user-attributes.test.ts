// User custom attribute definitions (plugins/user-attributes.ts): declared by machine name,
// applied to an emulated project in the API's wire form, changed out of band through the
// official SDK and named by drift; a change is refused by the plan (Descope has no update, and
// re-creating one drops users' values), a deleted one is made again, deletes need --prune and
// pass the mass-delete guard, and a backup restores into a second project with an empty plan.
import DescopeClient from '@descope/node-sdk'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import userAttributes from '../plugins/user-attributes.ts'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import { emulatorEnvironment } from './helpers/project.ts'

const PERMISSIONS = `permissions:
  - { name: projects.read }
`
const ATTRIBUTES = `${PERMISSIONS}userAttributes:
  - name: department
    displayName: 'Department "team" \\ unit'
    type: string
    defaultValue: 'R&D "core" \\ lab'
  - name: seniority
    displayName: Seniority
    type: singleselect
    options: [junior, { value: staff, label: Staff engineer }]
    defaultValue: junior
    viewPermissions: [projects.read]
    editPermissions: [User Admin]
`

const test = twoProjectSuite('user attributes', userAttributes, 'user-attributes', ATTRIBUTES)
const run = runIn

type Stored = { name: string; type: number; displayName?: string; options?: { value: string; label: string }[]; defaultValue?: unknown; viewPermissions?: string[]; editPermissions?: string[] }
const stored = (emulator: Emulator) => (emulator.state.plugins['user-attributes'] as { attributes: Record<string, Stored> }).attributes
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
const writes = (emulator: Emulator) => emulator.log.filter((entry) => entry.method === 'POST' && entry.path.startsWith('/v1/mgmt/user/customattribute/'))
const jsonOf = (output: string) => JSON.parse(output)

test('declared attributes are created in the wire form (type codes, options as value and label); the next plan is empty', async (context) => {
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal(stored(context.a).seniority, {
    name: 'seniority', type: 4, displayName: 'Seniority', defaultValue: 'junior',
    options: [{ value: 'junior', label: 'junior' }, { value: 'staff', label: 'Staff engineer' }],
    viewPermissions: ['projects.read'], editPermissions: ['User Admin'],
  })
  assert.equal([stored(context.a).department!.type, stored(context.a).department!.displayName, stored(context.a).department!.defaultValue], [1, 'Department "team" \\ unit', 'R&D "core" \\ lab'])
  // seniority names a permission this run creates: it waits for it; department does not
  const order = context.a.log.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/create')).map((entry) => entry.path === '/v1/mgmt/permission/create' ? 'permission' : ((entry.body as { attributes: { name: string }[] }).attributes.map((attribute) => attribute.name).join()))
  assert.ok(order.indexOf('permission') < order.indexOf('seniority'), order.join(' '))
  assert.equal(jsonOf((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('an attribute re-made by hand with another display name: drift names exactly that field, and the plan refuses it with the fix, writing nothing', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  // Descope has no update: the only way to change one is to delete it and create it again
  const sdk = sdkOf(context.a)
  const before = (await sdk.user.getCustomAttributes()).data!.find((attribute) => attribute.name === 'seniority')!
  assert.ok((await sdk.user.deleteCustomAttributes(['seniority'])).ok)
  assert.ok((await sdk.user.createCustomAttributes([{ ...before, displayName: 'Level' }])).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(jsonOf(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['seniority', ['displayName']]])
  context.a.log.length = 0
  const refused = await run(context, 'a', 'sync', '--apply', '--json')
  assert.is(refused.code, 3, refused.stdout)
  const error = jsonOf(refused.stdout).error
  assert.is(error.code, 'PLAN_REFUSED')
  assert.match(error.message, 'userAttribute "seniority" differs from live (displayName) and this plugin cannot update it')
  assert.match(error.message, 'change it in the console (Users → Custom Attributes)')
  assert.match(error.message, 'drops every user\'s value of it')
  assert.equal(writes(context.a), [], 'nothing written')
  assert.is(stored(context.a).seniority!.displayName, 'Level')
})

test('an attribute deleted by hand is missing in drift and made again by sync', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.ok((await sdkOf(context.a).user.deleteCustomAttributes(['department'])).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2)
  assert.equal(jsonOf(drift.stdout).differences.map((d: { key: string; kind: string }) => [d.key, d.kind]), [['department', 'missing']])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.is(stored(context.a).department!.defaultValue, 'R&D "core" \\ lab')
  assert.equal(jsonOf((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('an attribute left out of the file is deleted only with --prune, and deleting most of them needs --allow-mass-delete', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.ok((await sdkOf(context.a).user.createCustomAttributes([{ name: 'legacy', type: 3 }])).ok)
  const kept = await run(context, 'a', 'sync', '--apply', '--json')
  assert.is(kept.code, 0, kept.stderr)
  assert.equal(jsonOf(kept.stdout).unmanaged, [{ type: 'userAttribute', key: 'legacy' }])
  assert.ok(Object.hasOwn(stored(context.a), 'legacy'), 'not deleted without --prune')
  const pruned = await run(context, 'a', 'sync', '--apply', '--prune', '--json')
  assert.is(pruned.code, 0, pruned.stderr)
  assert.equal(jsonOf(pruned.stdout).changes.map((change: { op: string; key: string }) => [change.op, change.key]), [['delete', 'legacy']])
  assert.equal(Object.keys(stored(context.a)).sort(), ['department', 'seniority'])
  // the file now declares none of them: both would go, more than half of the type
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `${PERMISSIONS}userAttributes: []\n`))
  const guarded = await run(context, 'a', 'sync', '--apply', '--prune', '--json')
  assert.is(guarded.code, 3, guarded.stdout)
  assert.is(jsonOf(guarded.stdout).error.code, 'MASS_DELETE')
  assert.equal(Object.keys(stored(context.a)).sort(), ['department', 'seniority'])
  assert.is((await run(context, 'a', 'sync', '--apply', '--prune', '--allow-mass-delete')).code, 0)
  assert.equal(Object.keys(stored(context.a)), [])
})

test('a backup restores into a second project: the same definitions, an empty next plan, no drift between them', async (context) => {
  await restoreIntoSecond(context)
  // the restore states every field, the empty permission lists too
  const withLists = (emulator: Emulator) => Object.values(stored(emulator)).map((attribute) => ({ ...attribute, viewPermissions: attribute.viewPermissions ?? [], editPermissions: attribute.editPermissions ?? [] }))
  assert.equal(withLists(context.b), withLists(context.a))
})

test('machine names that are data (__proto__, toString, constructor) are applied with their type codes, and the next plan is empty', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `userAttributes:
  - { name: __proto__, displayName: Proto, type: boolean, defaultValue: false }
  - { name: toString, type: number, defaultValue: 3 }
  - { name: constructor, type: multiselect, options: [a, b], defaultValue: [b] }
  - { name: birthday, type: monthday }
`))
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal(Object.keys(stored(context.a)).sort(), ['__proto__', 'birthday', 'constructor', 'toString'])
  assert.equal(Object.values(stored(context.a)).map((attribute) => [attribute.name, attribute.type]).sort(), [['__proto__', 3], ['birthday', 7], ['constructor', 5], ['toString', 2]])
  assert.is(Object.getPrototypeOf(stored(context.a)), Object.prototype, 'no prototype was replaced')
  assert.equal(jsonOf((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('a live attribute of a type code the plugin does not know is an error naming it and the field, before any write', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  stored(context.a).department!.type = 42
  context.a.log.length = 0
  const result = await run(context, 'a', 'sync', '--apply', '--json')
  assert.is(result.code, 1, result.stdout)
  const error = jsonOf(result.stdout).error
  assert.is(error.code, 'LIVE_INVALID')
  assert.match(error.message, 'live userAttribute')
  assert.match(error.message, 'type: is 42, not a type code this plugin knows')
  assert.equal(writes(context.a), [])
})

test('a default that JSON cannot carry (.nan, .inf) is refused before any request, not sent as null and then refused forever', async (context) => {
  for (const body of ['{ name: score, type: number, defaultValue: .nan }', '{ name: score, type: number, defaultValue: -.inf }', '{ name: birthday, type: monthday, defaultValue: .inf }']) {
    context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `userAttributes:\n  - ${body}\n`))
    const result = await run(context, 'a', 'sync', '--apply', '--json')
    assert.is(result.code, 3, `${body}: ${result.stdout}`)
    const [issue] = jsonOf(result.stdout).error.issues
    assert.equal([issue.path, issue.file.endsWith('a.yaml')], ['userAttributes[0].defaultValue', true], body)
    assert.match(issue.message, 'finite number', body)
  }
  assert.equal(writes(context.a), [])
})

test('a permission no file or project has is refused before any request writes', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `userAttributes:
  - { name: salary, type: number, viewPermissions: [payroll.read] }
`))
  const result = await run(context, 'a', 'sync', '--apply', '--json')
  assert.is(result.code, 3, result.stdout)
  assert.match(jsonOf(result.stdout).error.message, 'payroll.read')
  assert.equal(writes(context.a), [])
})

test.run()
