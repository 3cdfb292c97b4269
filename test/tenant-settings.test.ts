// A tenant's session settings (plugins/tenant-settings.ts) and its own password policy
// (plugins/password-policy.ts): one per tenant, a map by tenant id, updated never created, changed
// through the official SDK and named by drift, restored into a second project; the emulator's
// routes; and what a plan, an apply's backup and `backup create` read of 40 tenants.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import tenantSettings from '../plugins/tenant-settings.ts'
import passwordPolicy, { DEFAULT_PASSWORD_POLICY } from '../plugins/password-policy.ts'
import tenantSso from '../plugins/tenant-sso.ts'
import { apiClient, assertApiError } from './helpers/emulator-http.ts'
import { restoreIntoSecond, runIn as run, twoProjectSuite } from './helpers/two-projects.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, runTask } from './helpers/project.ts'

const BODY = `tenants:
  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com] }
  - { id: globex, name: Globex }
tenantSettings:
  acme: { enabled: true, sessionTokenExpiration: 10, sessionTokenExpirationUnit: hours, enableInactivity: true, inactivityTime: 2, inactivityTimeUnit: days, JITDisabled: true }
`

const test = twoProjectSuite('tenant settings', tenantSettings, 'tenant-settings', BODY)
const stored = (emulator: Emulator) => (emulator.state.plugins['tenant-settings'] as { tenants: Record<string, Record<string, unknown>> }).tenants
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management

test('settings are set after the tenant is created, its domains untouched; the next plan is empty', async (context) => {
  const plan = await run(context, 'a', 'sync')
  assert.match(plan.stdout, '~ update tenantSettings "acme"')
  assert.not.match(plan.stdout, 'tenantSettings "globex"')
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal([stored(context.a).acme!.sessionTokenExpiration, stored(context.a).acme!.sessionTokenExpirationUnit, stored(context.a).acme!.inactivityTime, stored(context.a).acme!.JITDisabled], [10, 'hours', 2, true])
  assert.equal(context.a.state.tenants.acme!.selfProvisioningDomains, ['acme.com'])
  assert.equal(Object.keys(stored(context.a)), ['acme'])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('changed through the SDK: drift names exactly that field, and sync puts it back', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const sdk = sdkOf(context.a)
  const current = (await sdk.tenant.getSettings('acme')).data!
  assert.ok((await sdk.tenant.configureSettings('acme', { ...current, inactivityTime: 5 } as never)).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['acme', ['inactivityTime']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.is(stored(context.a).acme!.inactivityTime, 2)
})

test('a tenant whose domains change in the same apply keeps the new domains', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, BODY.replace('[acme.com]', '[acme.io]').replace('inactivityTime: 2', 'inactivityTime: 3')))
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal(context.a.state.tenants.acme!.selfProvisioningDomains, ['acme.io'])
  assert.is(stored(context.a).acme!.inactivityTime, 3)
})

test('bad values are refused before any request, naming the field', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'tenants:\n  - { id: acme, name: Acme }\ntenantSettings:\n  acme: { sessionTokenExpiration: -1, sessionTokenExpirationUnit: years, domains: [acme.com] }\n'))
  const before = context.a.log.length
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3)
  const issues = JSON.parse(result.stdout).error.issues as { path: string; file: string }[]
  assert.equal(issues.map((issue) => issue.path).sort(), ['tenantSettings.acme.domains', 'tenantSettings.acme.sessionTokenExpiration', 'tenantSettings.acme.sessionTokenExpirationUnit'])
  assert.match(issues[0]!.file, 'a.yaml')
  assert.is(context.a.log.slice(before).filter((entry) => entry.path !== '/v1/mgmt/license').length, 0)
})

test('a list where the map by tenant id belongs is refused with the shape to write', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'tenants:\n  - { id: acme, name: Acme }\ntenantSettings:\n  - { tenantId: acme, enabled: true }\n'))
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3)
  const [issue] = JSON.parse(result.stdout).error.issues as { path: string; message: string; fix: string }[]
  assert.equal([issue!.path, issue!.message], ['tenantSettings', 'must be a map by tenant key, not a list'])
  assert.is(issue!.fix, 'write tenantSettings: { <tenant key>: { field: value, ... } }, e.g. acme: { ... }')
})

test('live settings of an unexpected shape are an error naming the tenant and the field; nothing is written', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  stored(context.a).acme!.inactivityTime = 'soon'
  const result = await run(context, 'a', 'sync', '--apply', '--json')
  assert.is.not(result.code, 0)
  assert.match(result.stdout + result.stderr, /tenantSettings "acme".*inactivityTime/)
})

test('a backup restored into another project gives it the same settings; the next plan is empty', async (context) => {
  await restoreIntoSecond(context)
  assert.equal(stored(context.b).acme, stored(context.a).acme)
})

test.run()

// ---------------------------------------------------------------------------------------------
const Policies = twoProjectSuite('tenant password policies', passwordPolicy, 'password-policy', 'tenants:\n  - { id: acme, name: Acme }\n  - { id: __proto__, name: Proto }\ntenantPasswordPolicies:\n  acme: { minLength: 14 }\n  __proto__: { lockAttempts: 4, lock: true }\n')
const policies = (emulator: Emulator) => (emulator.state.plugins['password-policy'] as { tenants: Record<string, Record<string, unknown>> }).tenants

Policies('a tenant\'s own policy is set apart from the project\'s; drift names a field changed through the SDK', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal(policies(context.a).acme, { ...DEFAULT_PASSWORD_POLICY, minLength: 14 })
  assert.ok(Object.hasOwn(policies(context.a), '__proto__'))
  assert.equal(policies(context.a)['__proto__'], { ...DEFAULT_PASSWORD_POLICY, lock: true, lockAttempts: 4 })
  assert.is((context.a.state.plugins['password-policy'] as { project: { minLength: number } }).project.minLength, 8, 'the project\'s is untouched')
  const sdk = sdkOf(context.a)
  assert.ok((await sdk.password.configureSettings('acme', { ...(await sdk.password.getSettings('acme')).data!, minLength: 9, uppercase: false })).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['acme', ['minLength']]], 'a field the file does not declare is not managed')
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes.map((c: { key: string }) => c.key), ['acme'])
})

Policies('restored into another project: the same policies, the next plan empty', async (context) => {
  await restoreIntoSecond(context)
  assert.equal(policies(context.b).acme, policies(context.a).acme)
})

Policies('a tenant declared as the project\'s policy now keeps it when the project\'s changes in the same apply: one apply settles', async (context) => {
  // the project is at minLength 8; acme declares 8 too, and answers the project's until it has its own
  const files = 'passwordPolicy: { minLength: 10 }\ntenants:\n  - { id: acme, name: Acme }\n  - { id: other, name: Other }\ntenantPasswordPolicies:\n  acme: { minLength: 8 }\n'
  fs.writeFileSync(path.join(context.project.dir, 'environments/a.yaml'), emulatorEnvironment(context.a, files))
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const plan = await run(context, 'a', 'sync', '--json')
  assert.equal(JSON.parse(plan.stdout).changes, [], 'nothing left for a second apply')
  assert.is((context.a.state.plugins['password-policy'] as { project: { minLength: number } }).project.minLength, 10)
  assert.is(policies(context.a).acme!.minLength, 8, 'acme has its own policy, as declared')
  assert.not.ok(Object.hasOwn(policies(context.a), 'other'), 'an undeclared tenant still follows the project')
  // once written, it is not written again while the project's stays
  fs.writeFileSync(path.join(context.project.dir, 'environments/a.yaml'), emulatorEnvironment(context.a, files.replace('minLength: 10', 'minLength: 10, lock: true')))
  const next = JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes as { type: string; key: string; fields: unknown[]; reason?: string }[]
  assert.equal(next.map((change) => [change.type, change.key, change.fields.length, Boolean(change.reason)]), [['passwordPolicy', 'project', 1, false], ['tenantPasswordPolicy', 'acme', 0, true]])
  const text = await run(context, 'a', 'sync')
  assert.match(text.stdout, 'written as it is, so that it keeps these values when passwordPolicy changes')
})

Policies.run()

// ---------------------------------------------------------------------------------------------
const Emulated = twoProjectSuite('tenant settings in the emulator', tenantSettings, 'tenant-settings', '')

Emulated('defaults, both InactivityTime spellings, replace semantics, the tenant\'s own fields refused', async ({ a }) => {
  const call = apiClient(a)
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme', selfProvisioningDomains: ['acme.com'] })
  const defaults = (await call('GET', '/v1/mgmt/tenant/settings?id=acme')).body
  assert.equal([defaults.selfProvisioningDomains, defaults.authType, defaults.enabled, defaults.inactivityTimeUnit], [['acme.com'], 'none', false, 'minutes'])
  assert.is((await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', enabled: true, InactivityTime: 15, InactivityTimeUnit: 'days', selfProvisioningDomains: ['ACME.com'] })).status, 200)
  let settings = (await call('GET', '/v1/mgmt/tenant/settings?id=acme')).body
  assert.equal([settings.enabled, settings.inactivityTime, settings.inactivityTimeUnit, settings.InactivityTime], [true, 15, 'days', undefined])
  // Go's zero values: null lists, '' units and auth type
  assert.is((await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', inactivityTime: 20, inactivityTimeUnit: '', authType: '', domains: null, selfProvisioningDomains: null })).status, 200)
  settings = (await call('GET', '/v1/mgmt/tenant/settings?id=acme')).body
  assert.equal([settings.enabled, settings.inactivityTime, settings.inactivityTimeUnit, settings.selfProvisioningDomains], [false, 20, 'minutes', ['acme.com']])
  assertApiError(await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', selfProvisioningDomains: ['acme.io'] }), 400, 'E011003', 'selfProvisioningDomains')
  assertApiError(await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', authType: 'saml' }), 400, 'E011003', 'authType')
  assertApiError(await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', sessionTokenExpirationUnit: 'years' }), 400, 'E011003', 'sessionTokenExpirationUnit')
  assertApiError(await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', sessionTokenExpiration: -1 }), 400, 'E011003', 'sessionTokenExpiration')
  assertApiError(await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'x' }), 404, 'E990404')
  assertApiError(await call('GET', '/v1/mgmt/tenant/settings'), 400, 'E011003', 'tenant id')
  assert.is(stored(a).acme!.inactivityTime, 20, 'a refused POST changes nothing')
})

Emulated('a tenant deleted and created again under the same id starts with the defaults', async ({ a }) => {
  const call = apiClient(a)
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  await call('POST', '/v1/mgmt/tenant/settings', { tenantId: 'acme', enabled: true })
  await call('POST', '/v1/mgmt/tenant/delete', { id: 'acme' })
  assert.equal(Object.keys(stored(a)), [])
  await call('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  assert.is((await call('GET', '/v1/mgmt/tenant/settings?id=acme')).body.enabled, false)
})

Emulated('a state file of the previous version, with tenantSettings at the top, still loads into the plugin\'s part', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tenant-settings-'))
  try {
    const file = join(dir, 'old.json')
    const old = { enabled: true, refreshTokenExpiration: 0, refreshTokenExpirationUnit: 'minutes', sessionTokenExpiration: 9, sessionTokenExpirationUnit: 'hours', stepupTokenExpiration: 0, stepupTokenExpirationUnit: 'minutes', enableInactivity: false, inactivityTime: 0, inactivityTimeUnit: 'minutes', JITDisabled: false, ssoSetupSuiteSettings: { enabled: false, styleId: '', disabledFeatures: { saml: false, oidc: false, scim: false, ssoDomains: false, groupMapping: false } } }
    const tenant = { id: 'acme', name: 'Acme', selfProvisioningDomains: [], customAttributes: {}, authType: 'none', domains: [], createdTime: 1, disabled: false, enforceSSO: false, enforceSSOExclusions: [], federatedAppIds: [], parent: '', defaultRoles: [], roleInheritance: '' }
    await writeFile(file, JSON.stringify({ tenants: { acme: tenant }, tenantSettings: { acme: old } }))
    const emulator = await startEmulator({ persistPath: file, plugins: [tenantSettings()] })
    try {
      const settings = (await apiClient(emulator)('GET', '/v1/mgmt/tenant/settings?id=acme')).body
      assert.equal([settings.enabled, settings.sessionTokenExpiration, settings.sessionTokenExpirationUnit], [true, 9, 'hours'])
      assert.not.ok(Object.hasOwn(emulator.state, 'tenantSettings'), 'never written again at the top')
    } finally {
      await emulator.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

Emulated.run()

// ---------------------------------------------------------------------------------------------
const Cost = suite('what is read of 40 tenants')

Cost('2 declared settings and policies: the plan reads 2 of each, the apply\'s backup no more, backup create 40', async () => {
  const emulator = await startEmulator({ plugins: [tenantSettings(), passwordPolicy()] })
  const call = apiClient(emulator)
  const ids = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`)
  for (const id of ids) await call('POST', '/v1/mgmt/tenant/create', { id, name: id })
  const project = createProject({
    'environments/a.yaml': emulatorEnvironment(emulator, 'tenantSettings:\n  t01: { inactivityTime: 3 }\n  t02: { enabled: true }\ntenantPasswordPolicies:\n  t01: { minLength: 10 }\n  t03: { minLength: 11 }\n'),
  }, configWithTestPlugins({ 'tenant-settings': '', 'password-policy': '' }))
  try {
    const reads = async (task: string, ...args: string[]) => {
      const from = emulator.log.length
      const result = await runTask(task, [...args, '--env', 'a'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
      assert.is(result.code, 0, result.stderr)
      const gets = (path: string) => emulator.log.slice(from).filter((entry) => entry.method === 'GET' && entry.path === path).length
      return [gets('/v1/mgmt/tenant/settings'), gets('/v1/mgmt/password/settings'), gets('/v1/mgmt/tenant/all')]
    }
    // the tenants listed once, though both per-tenant types and the tenants' own list ask at once
    assert.equal(await reads('sync'), [2, 2, 1], 'the plan')
    // the apply: the plan's reads, the fresh read before each settings POST, and for its backup
    // no tenant's more (only the project's own policy, a type the plan did not read)
    assert.equal(await reads('sync', '--apply'), [2 + 2, 2 + 1, 1])
    assert.equal(await reads('drift'), [2, 2, 1], 'drift against the files')
    assert.equal(await reads('backup', 'create'), [40, 40 + 1, 1], 'backup create: every tenant (and the project\'s policy)')
  } finally {
    project.remove()
    await emulator.close()
  }
})

Cost.run()

// ---------------------------------------------------------------------------------------------
const Shared = suite('tenant settings and tenant SSO on one tenant')

Shared('an SSO write never lands between the settings\' read and their POST, which carries the tenant\'s SSO domains and auth type', async () => {
  // slow enough that, were they not one group, the SSO POST would arrive inside the settings' read-then-write
  const emulator = await startEmulator({ plugins: [tenantSettings(), tenantSso()], latencyMs: 150 })
  await apiClient(emulator)('POST', '/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  const project = createProject({
    'environments/a.yaml': emulatorEnvironment(emulator, 'tenantSettings:\n  acme: { enabled: true }\ntenantSso:\n  acme: { protocol: saml, idpMetadataUrl: https://idp.example/m, domains: [acme.com] }\n'),
  }, configWithTestPlugins({ 'tenant-settings': '', 'tenant-sso': '' }))
  try {
    const from = emulator.log.length
    const result = await runTask('sync', ['--apply', '--env', 'a'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
    assert.is(result.code, 0, result.stderr)
    const log = emulator.log.slice(from)
    const post = log.find((entry) => entry.method === 'POST' && entry.path === '/v1/mgmt/tenant/settings')!
    const read = log.filter((entry) => entry.method === 'GET' && entry.path === '/v1/mgmt/tenant/settings' && entry.at <= post.at).at(-1)!
    const sso = log.find((entry) => entry.method === 'POST' && entry.path === '/v1/mgmt/sso/saml/metadata')!
    assert.ok(post && read && sso, JSON.stringify(log.map((entry) => `${entry.method} ${entry.path}`)))
    assert.ok(sso.at < read.at || sso.at > post.at, `the SSO POST (at ${sso.at}) came between the settings' GET (${read.at}) and POST (${post.at})`)
  } finally {
    project.remove()
    await emulator.close()
  }
})

Shared.run()
