// tasks/sync.ts as a user runs it: a child process against the emulator, with the official
// node SDK changing things out of band.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { createProject, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

const TENANTS = `tenants:
  - id: acme
    name: Acme Corporation
    selfProvisioningDomains: [acme.com]
    customAttributes: { plan: enterprise }
  - id: globex
    name: Globex
  - id: globex-eu
    name: Globex Europe
    parent: globex
`

const test = suite<{ emulator: Emulator; project: Project; sync(...args: string[]): ReturnType<typeof runTask> }>('sync')

test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment(context.emulator, TENANTS) })
  context.sync = (...args) => runTask('sync', ['--env', 'dev', ...args], { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator.managementKey } })
})
test.after.each(async (context) => {
  await context.emulator.close()
  context.project.remove()
})

/** requests that change something (flow list and exports are POSTs that only read) */
const writes = (emulator: Emulator) =>
  emulator.log.filter((entry) => entry.method === 'POST' && !/\/(search|list|export)$/.test(entry.path))
const sdkFor = (emulator: Emulator) =>
  DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management

test('plan, apply, then no changes', async ({ sync, emulator }) => {
  const plan = await sync()
  assert.is(plan.code, 0, plan.stderr)
  assert.match(plan.stdout, '+ create tenant "acme"')
  assert.match(plan.stdout, 'name: "Acme Corporation"')
  assert.match(plan.stdout, 'Plan: 3 to create, 0 to update, 0 to delete')
  assert.is(writes(emulator).length, 0, 'a plan writes nothing')

  assert.is((await sync('--detailed-exitcode')).code, 2)

  const applied = await sync('--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.match(applied.stdout, 'Apply: 3 applied, 0 failed, 0 skipped')
  assert.match(applied.stderr, 'created tenant "globex-eu"')
  assert.equal(Object.keys(emulator.state.tenants).sort(), ['acme', 'globex', 'globex-eu'])
  assert.is(emulator.state.tenants['globex-eu']!.parent, 'globex')

  const again = await sync('--detailed-exitcode')
  assert.is(again.code, 0, again.stderr)
  assert.match(again.stdout, 'No changes')
})

test('--json prints one document with a change per item, and outcomes after --apply', async ({ sync }) => {
  const plan = JSON.parse((await sync('--json')).stdout)
  assert.is(plan.environment, 'dev')
  assert.is(plan.applied, false)
  assert.equal(plan.changes.map((change: { type: string; key: string; op: string }) => `${change.op} ${change.type} ${change.key}`), ['create tenant acme', 'create tenant globex', 'create tenant globex-eu'])
  assert.equal(plan.summary, { create: 3, update: 0, delete: 0 })

  const applied = await sync('--json', '--apply')
  assert.is(applied.code, 0)
  const document = JSON.parse(applied.stdout)
  assert.is(document.applied, true)
  // every key is one the README's "--json prints { ... }" names
  const documented = /`--json` prints `\{ ([\s\S]*?) \}` \(`kind`/.exec(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'))![1]!
  const named = new Set([...documented.replace(/\[[^\]]*\]|\{[^}]*\}/g, '').matchAll(/([a-zA-Z]+)\??/g)].map((match) => match[1]))
  for (const key of [...Object.keys(plan), ...Object.keys(document)]) assert.ok(named.has(key), `${key} is documented in the README`)
  // and every key of a change, preview (a plugin's dry run, test/fga-schema.test.ts) included
  const change = /changes: \[\{ ([\s\S]*?) \}\], unmanaged/.exec(documented)![1]!
  const changeKeys = new Set([...change.replace(/\[[^\]]*\]|\{[^}]*\}/g, '').matchAll(/([a-zA-Z]+)\??/g)].map((match) => match[1]))
  for (const key of [...plan.changes, ...document.changes].flatMap((item: object) => Object.keys(item))) assert.ok(changeKeys.has(key), `changes[].${key} is documented in the README`)
  assert.ok(changeKeys.has('preview') && /preview\?: \{ notes, deletes \}/.test(change), 'changes[].preview is documented with its fields')
  // and --help gives the same shape
  const help = (await sync('--help')).stdout.replace(/\s+/g, ' ')
  for (const key of [...named, ...changeKeys]) assert.match(help, new RegExp(`\\b${key}\\b`), `sync --help names ${key}`)
  assert.ok(document.changes.every((change: { outcome: string }) => change.outcome === 'applied'))
  assert.equal(document.summary, { create: 3, update: 0, delete: 0, applied: 3, failed: 0, skipped: 0 })
})

test('a tenant changed out of band is a field-level update; apply restores it and keeps undeclared fields', async ({ sync, emulator }) => {
  assert.is((await sync('--apply')).code, 0)
  const sdk = sdkFor(emulator)
  // update replaces every field: name changes, and `disabled` (which the file does not declare) is set
  const changed = await sdk.tenant.update('acme', 'Acme Renamed', ['acme.com'], { plan: 'free' }, false, true)
  assert.ok(changed.ok, JSON.stringify(changed.error))
  // a field no SDK method sets, and the file does not declare
  emulator.state.tenants.acme!.federatedAppIds = ['app-1']

  const plan = JSON.parse((await sync('--json')).stdout)
  assert.equal(plan.changes, [{
    type: 'tenant', key: 'acme', op: 'update',
    fields: [
      { path: 'name', live: 'Acme Renamed', desired: 'Acme Corporation' },
      { path: 'customAttributes.plan', live: 'free', desired: 'enterprise' },
    ],
  }])
  const text = await sync()
  assert.match(text.stdout, '~ update tenant "acme"')
  assert.match(text.stdout, 'name: "Acme Renamed" → "Acme Corporation"')

  assert.is((await sync('--apply')).code, 0)
  const restored = await sdk.tenant.load('acme')
  assert.is(restored.data?.name, 'Acme Corporation')
  assert.equal(restored.data?.customAttributes, { plan: 'enterprise' })
  assert.is(restored.data?.disabled, true, 'a field the file does not declare survives the update')
  assert.equal(emulator.state.tenants.acme!.federatedAppIds, ['app-1'], 'so does one that no SDK method sets')
  assert.match((await sync()).stdout, 'No changes')
})

test('live tenants no file declares are listed as unmanaged, and deleted only with --prune', async ({ sync, emulator }) => {
  assert.is((await sync('--apply')).code, 0)
  assert.ok((await sdkFor(emulator).tenant.createWithId('stray', 'Stray')).ok)
  const plan = await sync()
  assert.match(plan.stdout, 'Unmanaged')
  assert.match(plan.stdout, 'tenant "stray"')
  assert.match(plan.stdout, 'No changes')
  assert.is((await sync('--apply')).code, 0)
  assert.ok(emulator.state.tenants.stray, 'left alone without --prune')

  const pruned = await sync('--apply', '--prune')
  assert.is(pruned.code, 0, pruned.stderr)
  assert.match(pruned.stdout, '- delete tenant "stray"')
  assert.not.ok(emulator.state.tenants.stray)
})

const badInputs: Record<string, { file: string; expect: RegExp; env?: Record<string, string> }> = {
  'malformed YAML': { file: 'tenants:\n  - id: [acme\n', expect: /dev\.yaml: is not valid YAML at line \d+/ },
  'an unknown field': { file: `${TENANTS}  - id: x\n    name: X\n    enforceSso: true\n`, expect: /tenants\[3\]\.enforceSso: unknown field "enforceSso" \(fix: did you mean "enforceSSO"/ },
  'a wrong type': { file: 'tenants:\n  - id: acme\n    name: Acme\n    disabled: "no"\n', expect: /tenants\[0\]\.disabled: Invalid type: Expected boolean but received "no" \(fix: write true or false \(in YAML 1.2, yes, no, on and off are strings\)\)/ },
  'a duplicate tenant id': { file: `${TENANTS}  - id: acme\n    name: Acme Again\n`, expect: /tenants\[3\]: tenant "acme" is declared twice/ },
  'a domain claimed twice': { file: `${TENANTS}  - id: other\n    name: Other\n    selfProvisioningDomains: [acme.com]\n`, expect: /tenants\[3\]\.selfProvisioningDomains: domain "acme\.com" is claimed by tenants "acme" and "other"/ },
  'a missing ${VAR}': { file: `${TENANTS}  - id: x\n    name: \${TENANT_X_NAME}\n`, expect: /tenants\[3\]\.name: environment variable TENANT_X_NAME is not set \(fix: export TENANT_X_NAME=/ },
}

for (const [name, bad] of Object.entries(badInputs)) {
  test(`bad input, ${name}: one clear error, exit 3, nothing written`, async ({ project, emulator }) => {
    project.write('environments/dev.yaml', emulatorEnvironment(emulator, bad.file))
    const result = await runTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
    assert.is(result.code, 3, result.stderr)
    assert.match(result.stderr, bad.expect)
    assert.match(result.stderr, 'environments/dev.yaml')
    assert.is(result.stdout, '')
    assert.is(emulator.log.length, 0, 'not a single request was sent')
  })
}

test('a wrong management key: exit 1 with a 401 that says what to check, and never the key', async ({ project, emulator }) => {
  const result = await runTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: { EMULATOR_KEY: 'K-not-the-right-key' } })
  assert.is(result.code, 1)
  assert.match(result.stderr, /GET \/v1\/mgmt\/\w+\/all failed \(401/)
  assert.match(result.stderr, 'managementKey (environments/dev.yaml, from $EMULATOR_KEY)')
  assert.not.match(result.stderr + result.stdout, 'K-not-the-right-key')
  assert.is(writes(emulator).length, 0)
})

test('a secret-named variable outside a secret field is refused, its value shown neither in text nor in JSON', async ({ project, emulator }) => {
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'protected: ${EMULATOR_KEY}\ntenants: []\n'))
  const secret = 'K-secret-value-that-must-not-show'
  for (const args of [[], ['--json']]) {
    const result = await runTask('sync', ['--env', 'dev', ...args], { cwd: project.dir, env: { EMULATOR_KEY: secret } })
    assert.is(result.code, 3)
    assert.match(result.stderr + result.stdout, 'protected: uses $EMULATOR_KEY, whose name marks it as a secret')
    assert.not.match(result.stderr + result.stdout, secret)
  }
})

test('--json reports an error as a JSON document too', async ({ project, emulator }) => {
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenants:\n  - id: acme\n'))
  const result = await runTask('sync', ['--env', 'dev', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  assert.is(result.code, 3)
  const document = JSON.parse(result.stdout)
  assert.is(document.error.code, 'ENV_INVALID')
  assert.equal(document.error.issues.map((issue: { path: string }) => issue.path), ['tenants[0].name'])
})

test('a protected environment will not apply without --yes when nobody can type its name', async ({ project, emulator }) => {
  project.write('environments/prod.yaml', emulatorEnvironment(emulator, TENANTS))
  const env = { EMULATOR_KEY: emulator.managementKey }
  const refused = await runTask('sync', ['--env', 'prod', '--apply'], { cwd: project.dir, env })
  assert.is(refused.code, 3)
  assert.match(refused.stderr, 'environment "prod" is protected')
  assert.is(writes(emulator).length, 0)
  const applied = await runTask('sync', ['--env', 'prod', '--apply', '--yes'], { cwd: project.dir, env })
  assert.is(applied.code, 0, applied.stderr)
  assert.is(Object.keys(emulator.state.tenants).length, 3)
})

test('usage errors exit 3; --help explains every flag', async ({ sync }) => {
  const unknown = await sync('--aply')
  assert.is(unknown.code, 3)
  assert.match(unknown.stderr, 'unknown flag --aply')
  const help = await sync('--help')
  assert.is(help.code, 0)
  for (const flag of ['--env', '--apply', '--prune', '--yes', '--json', '--detailed-exitcode', 'Examples']) assert.match(help.stdout, flag)
})

test('a domain moving between tenants: the tenant giving it up is updated first', async ({ sync, emulator, project }) => {
  assert.is((await sync('--apply')).code, 0)
  emulator.log.length = 0
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, TENANTS
    .replace('selfProvisioningDomains: [acme.com]', 'selfProvisioningDomains: []')
    .replace('  - id: globex\n    name: Globex\n', '  - id: globex\n    name: Globex\n    selfProvisioningDomains: [acme.com]\n')))
  const result = await sync('--apply')
  assert.is(result.code, 0, result.stderr)
  const updates = emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/update').map((entry) => (entry.body as { id: string }).id)
  assert.equal(updates, ['acme', 'globex'])
})

test('taking a domain that a live tenant keeps is refused before anything is written', async ({ sync, emulator, project }) => {
  assert.ok((await sdkFor(emulator).tenant.createWithId('stray', 'Stray', ['globex.com'])).ok)
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, TENANTS.replace('  - id: globex\n    name: Globex\n', '  - id: globex\n    name: Globex\n    selfProvisioningDomains: [globex.com]\n')))
  emulator.log.length = 0
  const result = await sync('--apply')
  assert.is(result.code, 3)
  assert.match(result.stderr, 'tenants[1]: tenant "globex" claims domain "globex.com", which live tenant "stray" holds and will keep')
  assert.is(writes(emulator).length, 0)
})

test('works from a sub-directory of the project', async ({ project, emulator }) => {
  project.write('environments/notes/README', 'x')
  const result = await runTask('sync', ['--env', 'dev'], { cwd: `${project.dir}/environments/notes`, env: { EMULATOR_KEY: emulator.managementKey } })
  assert.is(result.code, 0, result.stderr)
  assert.match(result.stdout, 'Plan: 3 to create')
})

test.run()
