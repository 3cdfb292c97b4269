// tasks/drift.ts against emulators: files vs live, environment vs environment, several at once.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

const DECLARED = `permissions:
  - { name: projects.read }
  - { name: projects.write }
roles:
  - { name: Editor, permissionNames: [projects.read, projects.write] }
tenants:
  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com] }
flows: all
theme: true
`

interface Context { dev: Emulator; staging: Emulator; project: Project; run(...args: string[]): ReturnType<typeof runTask> }
const test = suite<Context>('drift')

test.before.each(async (context) => {
  context.dev = await startEmulator()
  context.staging = await startEmulator({ projectId: 'P2emulatorStagingProject0004' })
  context.project = createProject({}, defaultConfig("drift: { ignore: { tenant: { keys: ['sandbox'] } } },"))
  fs.cpSync(path.join(REPO, 'environments/exported'), path.join(context.project.dir, 'environments/exported'), { recursive: true })
  context.project.write('environments/dev.yaml', emulatorEnvironment(context.dev, DECLARED).replace('${EMULATOR_KEY}', '${DEV_KEY}'))
  context.project.write('environments/staging.yaml', emulatorEnvironment(context.staging, DECLARED).replace('${EMULATOR_KEY}', '${STAGING_KEY}'))
  const env = { DEV_KEY: context.dev.managementKey, STAGING_KEY: context.staging.managementKey }
  context.run = (...args) => runTask(args[0] === 'sync' ? 'sync' : 'drift', args[0] === 'sync' ? args.slice(1) : args, { cwd: context.project.dir, env })
  for (const name of ['dev', 'staging']) assert.is((await context.run('sync', '--env', name, '--apply')).code, 0)
  context.dev.log.length = 0
  context.staging.log.length = 0
})
test.after.each(async (context) => {
  await Promise.all([context.dev.close(), context.staging.close()])
  context.project.remove()
})

const sdkFor = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
/** it was read, and nothing but read */
const onlyReads = (emulator: Emulator) => emulator.log.length > 0 && emulator.log.every((entry) => entry.method === 'GET' || /\/(list|export|search)$/.test(entry.path))

test('after an apply nothing differs: exit 0', async ({ run, dev }) => {
  const result = await run('--env', 'dev')
  assert.is(result.code, 0, result.stderr)
  assert.match(result.stdout, 'nothing differs')
  assert.match(result.stdout, 'No drift.')
  assert.ok(dev.log.length > 0 && onlyReads(dev))
})

test('a tenant renamed and a permission removed from a role out of band: exit 2, exactly those, in every format', async ({ run, dev }) => {
  const sdk = sdkFor(dev)
  assert.ok((await sdk.tenant.update('acme', 'Acme Renamed', ['acme.com'])).ok)
  assert.ok((await sdk.role.update('Editor', 'Editor', '', ['projects.read'])).ok)
  dev.log.length = 0

  const text = await run('--env', 'dev')
  assert.is(text.code, 2)
  assert.match(text.stdout, '~ changed "acme"')
  assert.match(text.stdout, 'name: live "Acme Renamed", files "Acme"')
  assert.match(text.stdout, '~ changed "Editor"')
  assert.match(text.stdout, 'permissionNames: live ["projects.read"], files ["projects.read","projects.write"]')

  const json = await run('--env', 'dev', '--json')
  assert.is(json.code, 2)
  const document = JSON.parse(json.stdout)
  assert.equal(document.differences.map((d: { type: string; key: string; kind: string; paths: string[] }) => [d.type, d.key, d.kind, d.paths]), [
    ['role', 'Editor', 'changed', ['permissionNames']],
    ['tenant', 'acme', 'changed', ['name']],
  ])
  assert.equal(document.differences[1].fields, [{ path: 'name', live: 'Acme Renamed', desired: 'Acme' }])
  // the shape the README documents
  assert.equal(Object.keys(document).sort(), ['differences', 'environments', 'formatVersion', 'kind', 'notes', 'strict', 'summary'])
  assert.equal(document.summary, { changed: 2, missing: 0, unmanaged: 0, duplicate: 0, drift: 2, failed: 0 })
  assert.equal(document.environments, [{ environment: 'dev', projectId: dev.projectId, against: 'files', differences: 2 }])
  assert.equal(Object.keys(document.differences[1]).sort(), ['against', 'environment', 'fields', 'key', 'kind', 'paths', 'type'])

  const markdown = await run('--env', 'dev', '--markdown')
  assert.is(markdown.code, 2)
  assert.match(markdown.stdout, '| tenant | acme | changed | `name`: live `"Acme Renamed"`, files `"Acme"` |')
  assert.match(markdown.stdout, '| role | Editor | changed | `permissionNames`:')
  assert.ok(onlyReads(dev), 'drift never writes')

})

test('a tenant created out of band is unmanaged: exit 0, or 2 with --strict; an ignored key is not reported', async ({ run, dev }) => {
  assert.ok((await sdkFor(dev).tenant.createWithId('stray', 'Stray')).ok)
  assert.ok((await sdkFor(dev).tenant.createWithId('sandbox', 'Sandbox')).ok)
  const relaxed = await run('--env', 'dev', '--json')
  assert.is(relaxed.code, 0)
  assert.equal(JSON.parse(relaxed.stdout).differences.map((d: { key: string; kind: string }) => [d.key, d.kind]), [['stray', 'unmanaged']])
  assert.is((await run('--env', 'dev', '--strict')).code, 2)
})

test('--against: two environments that differ in one role and one flow report exactly those', async ({ run, staging, dev, project }) => {
  const sdk = sdkFor(staging)
  assert.ok((await sdk.role.update('Editor', 'Editor', 'staging only', ['projects.read', 'projects.write'])).ok)
  const flow = await sdk.flow.export('references-flow')
  assert.ok((await sdk.flow.import('references-flow', { ...flow.data!.flow, name: 'Staging copy' }, flow.data!.screens)).ok)
  // a field that differs by design is not reported
  staging.state.tenants.acme!.federatedAppIds = ['staging-app']
  staging.log.length = 0
  const result = await run('--env', 'staging', '--against', 'dev', '--json')
  assert.is(result.code, 2, result.stderr)
  const differences = JSON.parse(result.stdout).differences
  assert.equal(differences.map((d: { type: string; key: string; kind: string; paths: string[] }) => [d.type, d.key, d.kind, d.paths]), [
    ['role', 'Editor', 'changed', ['description']],
    ['flow', 'references-flow', 'changed', ['metadata.name']],
  ])
  assert.ok(onlyReads(staging))
  assert.ok(onlyReads(dev), 'the reference environment is only read too')
  void project
})

test('after a rename with renamedFrom, drift agrees with sync; a declared built-in is not missing', async ({ run, dev, project }) => {
  // a new project has User Admin built in; the file declares it as it is
  // rename a permission in place, and the role that names it, as a user would
  const renamed = DECLARED
    .replace('{ name: projects.write }', '{ name: projects.edit, renamedFrom: projects.write }\n  - { name: User Admin, description: Built-in User Admin permission }')
    .replace('[projects.read, projects.write]', '[projects.read, projects.edit]')
  project.write('environments/dev.yaml', emulatorEnvironment(dev, renamed).replace('${EMULATOR_KEY}', '${DEV_KEY}'))
  const before = await run('--env', 'dev', '--json')
  assert.equal(JSON.parse(before.stdout).differences.map((d: { key: string; kind: string; paths?: string[] }) => [d.key, d.kind, d.paths]), [
    ['projects.edit', 'changed', ['name']],
    ['Editor', 'changed', ['permissionNames']],
  ])
  assert.is((await run('sync', '--env', 'dev', '--apply')).code, 0)
  const after = await run('--env', 'dev')
  assert.is(after.code, 0, after.stdout)
  assert.match(after.stdout, 'No drift.')
})

test('several environments in one run: one report, one exit code; a failed check is exit 1 and does not hide the others', async ({ run, dev, project }) => {
  assert.ok((await sdkFor(dev).tenant.update('acme', 'Changed', ['acme.com'])).ok)
  const both = await run('--env', 'dev,staging', '--json')
  assert.is(both.code, 2)
  assert.equal(JSON.parse(both.stdout).environments.map((e: { environment: string; differences: number }) => [e.environment, e.differences]), [['dev', 1], ['staging', 0]])

  project.write('environments/broken.yaml', 'projectId: P2brokenproject\nmanagementKey: ${NOT_SET_ANYWHERE}\n')
  const broken = await run('--env', 'dev,broken', '--json')
  assert.is(broken.code, 3)
  const document = JSON.parse(broken.stdout)
  assert.is(document.environments[1].error.code, 'ENV_INVALID')
  assert.is(document.environments[0].differences, 1, 'dev was still checked')

  project.write('environments/down.yaml', 'baseUrl: http://127.0.0.1:9\nprojectId: P2downproject\nmanagementKey: ${DEV_KEY}\nretry: { limit: 0 }\ntenants: []\n')
  const down = await run('--env', 'dev,down')
  assert.is(down.code, 1)
  assert.match(down.stdout, 'could not be checked')
})

test('usage: --json with --markdown, and --against with several environments, exit 3', async ({ run }) => {
  assert.is((await run('--env', 'dev', '--json', '--markdown')).code, 3)
  const against = await run('--env', 'dev,staging', '--against', 'dev')
  assert.is(against.code, 3)
  assert.match(against.stderr, '--against compares one environment with another')
})

test.run()
