// Access keys (plugins/access-keys.ts): declared by name, applied to an emulated project, changed
// out of band through the official SDK and seen by drift field by field, restored into a second
// project with an empty next plan, and no secret or server id of the first project anywhere in
// the second's files or outputs. An expired key is said so in plans and drift.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import accessKeys from '../plugins/access-keys.ts'
import { apiClient } from './helpers/emulator-http.ts'
import { emulatorEnvironment } from './helpers/project.ts'


const KEYS = `roles:
  - { name: Editor }
  - { name: Billing Admin, tenantId: acme }
tenants:
  - { id: acme, name: Acme }
accessKeys:
  - name: ci-deployer
    description: CI deploys
    roleNames: [Editor]
    permittedIps: [10.0.0.0/8]
    customClaims: { pipeline: deploy }
    active: true
  - name: billing-sync
    tenants: [{ tenantId: acme, roleNames: [Billing Admin] }]
    expireTime: 1830297600
`

const test = twoProjectSuite('access keys', accessKeys, 'access-keys', KEYS)

const keysOf = (emulator: Emulator) => Object.values((emulator.state.plugins['access-keys'] as { keys: Record<string, { id: string; name: string; description: string; status: string; roleNames: string[]; keyTenants: { tenantId: string }[] }> }).keys)
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
const run = runIn

test('declared keys are created with their roles, tenants, IPs and claims; the secret goes to the file only; the next plan is empty', async (context) => {
  const applied = await run(context, 'a', 'sync', '--apply', '--secrets-out', 'a.secrets.json')
  assert.is(applied.code, 0, applied.stderr)
  const keys = keysOf(context.a)
  assert.equal(keys.map((key) => key.name).sort(), ['billing-sync', 'ci-deployer'])
  const ci = keys.find((key) => key.name === 'ci-deployer')!
  assert.equal({ description: ci.description, roleNames: ci.roleNames }, { description: 'CI deploys', roleNames: ['Editor'] })
  assert.equal(keys.find((key) => key.name === 'billing-sync')!.keyTenants.map((tenant) => tenant.tenantId), ['acme'])
  const secrets = JSON.parse(fs.readFileSync(path.join(context.project.dir, 'a.secrets.json'), 'utf8')).secrets as { key: string; value: string }[]
  assert.equal(secrets.map((secret) => secret.key).sort(), ['billing-sync', 'ci-deployer'])
  assert.is(fs.statSync(path.join(context.project.dir, 'a.secrets.json')).mode & 0o777, 0o600)
  const next = await run(context, 'a', 'sync', '--json')
  assert.equal(JSON.parse(next.stdout).changes, [])
  // in no other output, and in no other file: the backup taken before the apply, the audit log beside it
  const others = filesUnder(context.project.dir).filter((file) => path.basename(file) !== 'a.secrets.json')
  assert.ok(others.some((file) => file.includes('.backups')), others.join())
  for (const { value } of secrets) {
    for (const text of [applied.stdout, applied.stderr, next.stdout, next.stderr]) assert.not.ok(text.includes(value))
    for (const file of others) assert.not.ok(fs.readFileSync(file, 'utf8').includes(value), file)
  }
})

/** every file under dir, links not followed */
const filesUnder = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : []
  })

test('a key changed and deactivated through the SDK: drift names exactly those fields; sync puts them back by the key\'s id', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply', '--secrets-out', 'a.secrets.json')).code, 0)
  const sdk = sdkOf(context.a)
  const ci = keysOf(context.a).find((key) => key.name === 'ci-deployer')!
  assert.ok((await sdk.accessKey.update(ci.id, 'ci-deployer', 'changed by hand', ['Editor'], undefined, { pipeline: 'deploy' }, ['10.0.0.0/8'])).ok)
  assert.ok((await sdk.accessKey.deactivate(ci.id)).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['ci-deployer', ['description', 'active']]])
  const fixed = await run(context, 'a', 'sync', '--apply')
  assert.is(fixed.code, 0, fixed.stderr)
  const after = keysOf(context.a).find((key) => key.name === 'ci-deployer')!
  assert.equal({ id: after.id, description: after.description, status: after.status }, { id: ci.id, description: 'CI deploys', status: 'active' })
})

test('a tenant given a project role, nested attributes and keys that are data: applied, and the next plan is empty', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `roles:
  - { name: Editor }
tenants:
  - { id: acme, name: Acme }
accessKeys:
  - name: k
    tenants: [{ tenantId: acme, roleNames: [Editor] }]
    customAttributes: { nested: { deep: [1, 2] }, __proto__: kept, constructor: too }
    customClaims: { __proto__: claim }
`))
  const applied = await run(context, 'a', 'sync', '--apply', '--secrets-out', 'a.secrets.json')
  assert.is(applied.code, 0, applied.stderr)
  const again = await run(context, 'a', 'sync', '--json')
  assert.equal(JSON.parse(again.stdout).changes, [])
  const backup = JSON.parse((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  const restored = await run(context, 'b', 'backup', 'restore', backup, '--apply', '--secrets-out', 'b.secrets.json')
  assert.is(restored.code, 0, restored.stderr)
  assert.equal(JSON.parse((await run(context, 'b', 'backup', 'restore', backup, '--json')).stdout).changes, [])
})

test('an expiry cannot be changed by an update: the plan refuses it, naming the fix', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply', '--secrets-out', 'a.secrets.json')).code, 0)
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, KEYS.replace('expireTime: 1830297600', 'expireTime: 1861920000')))
  const plan = await run(context, 'a', 'sync', '--json')
  assert.is(plan.code, 3)
  const [issue] = JSON.parse(plan.stdout).error.issues
  assert.equal(issue.path, 'accessKeys[1].expireTime')
  assert.match(issue.message, 'expireTime cannot be changed once created')
})

test('an expired key is said so in the plan and in drift, without being drift', async (context) => {
  assert.is((await apiClient(context.a)('POST', '/v1/mgmt/accesskey/create', { name: 'old', expireTime: 1700000000 })).status, 200)
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'accessKeys:\n  - { name: old, expireTime: 1700000000 }\n'))
  const plan = await run(context, 'a', 'sync')
  assert.is(plan.code, 0, plan.stderr)
  assert.match(plan.stdout, 'accessKey "old": expired on 2023-11-14')
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 0, drift.stderr)
  assert.match(JSON.parse(drift.stdout).notes[0].notes[0], 'expired on 2023-11-14')
})

test('a backup of one project restored into another: new keys with ids and secrets of their own, the next plan empty, nothing of the first project\'s ids or secrets in the second\'s', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context, true)
  assert.equal(keysOf(context.b).map((key) => key.name).sort(), ['billing-sync', 'ci-deployer'])
  const firstIds = keysOf(context.a).map((key) => key.id)
  const firstSecrets = (JSON.parse(fs.readFileSync(path.join(context.project.dir, 'a.secrets.json'), 'utf8')).secrets as { value: string }[]).map((secret) => secret.value)
  const written = fs.readdirSync(path.join(context.project.dir, '.backups', context.b.projectId)).map((file) => fs.readFileSync(path.join(context.project.dir, '.backups', context.b.projectId, file), 'utf8'))
  const secondSide = [...outputs.flatMap((output) => [output.stdout, output.stderr]), ...written, fs.readFileSync(path.join(context.project.dir, 'b.secrets.json'), 'utf8'), JSON.stringify(context.b.state)]
  for (const value of [...firstIds, ...firstSecrets]) assert.not.ok(secondSide.some((text) => text.includes(value)), `${value.slice(0, 6)}… of the first project reached the second`)
  assert.not.ok(fs.readFileSync(backup, 'utf8').includes(firstIds[0]!), 'the backup holds no server id')
})

test.run()
