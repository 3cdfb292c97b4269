// The project's name and tags (plugins/project.ts): applied to an emulated project, changed out
// of band through the official SDK and named by drift, put back with only the changed field
// sent; restored into a second project. With a project management key (projects/list refused)
// a plan that declares `project:` fails saying what to do, while backups and plans of other
// types go on without it.
import fs from 'node:fs'
import DescopeClient from '@descope/node-sdk'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import project from '../plugins/project.ts'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, runTask } from './helpers/project.ts'
import { cuttingProxy } from './helpers/cutting-proxy.ts'

const PROJECT = `project:
  name: 'Acme "dev" \\ eu'
  tags: [eu, dev, eu]
`

const test = twoProjectSuite('project name and tags', project, 'project', PROJECT)
const run = runIn

type State = { name: string; tags: string[]; keyKind: 'company' | 'project' }
const stateOf = (emulator: Emulator) => emulator.state.plugins.project as State
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
const writes = (emulator: Emulator) => emulator.log.filter((entry) => entry.path.startsWith('/v1/mgmt/project/update/')).map((entry) => [entry.path, entry.body])
const jsonOf = (output: string) => JSON.parse(output)

test('the name and tags are set (tags as a set); the next plan is empty', async (context) => {
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal({ name: stateOf(context.a).name, tags: stateOf(context.a).tags }, { name: 'Acme "dev" \\ eu', tags: ['dev', 'eu'] })
  assert.equal(jsonOf((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('tags changed through the SDK: drift names exactly that field; sync sends only the tags back', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.ok((await sdkOf(context.a).project.updateTags(['prod'])).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(jsonOf(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['project', ['tags']]])
  context.a.log.length = 0
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal(writes(context.a), [['/v1/mgmt/project/update/tags', { tags: ['dev', 'eu'] }]])
  assert.equal(stateOf(context.a).tags, ['dev', 'eu'])
})

test('a backup restored into a second project leaves its name and tags (the first project\'s own); the next plan is empty and it does not drift from the first', async (context) => {
  const { outputs } = await restoreIntoSecond(context)
  assert.equal({ name: stateOf(context.b).name, tags: stateOf(context.b).tags }, { name: 'Emulated project', tags: [] })
  assert.match(outputs[0]!.stderr + outputs[0]!.stdout, 'per-project values (project name, tags) are not restored into P2emulatorSecondProject00001', outputs[0]!.stderr)
})

test('a backup restored into its own project puts the name and tags back', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const backup = jsonOf((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  Object.assign(stateOf(context.a), { name: 'renamed in the console', tags: ['x'] })
  const restored = await run(context, 'a', 'backup', 'restore', backup, '--apply')
  assert.is(restored.code, 0, restored.stderr)
  assert.equal({ name: stateOf(context.a).name, tags: stateOf(context.a).tags }, { name: 'Acme "dev" \\ eu', tags: ['dev', 'eu'] })
})

test('with a project key, a plan that declares project: fails naming the fix, writing nothing', async (context) => {
  stateOf(context.a).keyKind = 'project'
  for (const task of ['sync', 'drift']) {
    const result = await run(context, 'a', task, '--json')
    assert.is(result.code, 1, `${task}: ${result.stdout}`)
    const output = jsonOf(result.stdout)
    const error = task === 'sync' ? output.error : output.environments[0].error
    assert.is(error.code, 'LIVE_UNREADABLE', task)
    assert.match(error.message, 'cannot be read with environment "a"\'s management key')
    assert.match(error.message, 'Give the environment a company management key')
    assert.match(error.message, 'leave `project:` out of its file')
  }
  assert.equal(writes(context.a), [])
})

test('with a project key, other types are planned, applied and backed up without the project, and drift --against skips it', async (context) => {
  for (const emulator of [context.a, context.b]) stateOf(emulator).keyKind = 'project'
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'tenants:\n  - { id: acme, name: Acme }\n'))
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.match(applied.stderr, 'project not read, so left out')
  const backup = await run(context, 'a', 'backup', 'create', '--json')
  assert.is(backup.code, 0, backup.stderr)
  const items = JSON.parse(fs.readFileSync(jsonOf(backup.stdout).backup, 'utf8')).items
  assert.ok(Object.hasOwn(items, 'tenant'), 'the other types are backed up')
  assert.not.ok(Object.hasOwn(items, 'project'), 'the project is left out')
  stateOf(context.a).keyKind = 'company'
  const against = await run(context, 'b', 'drift', '--against', 'a', '--json')
  assert.equal(jsonOf(against.stdout).differences.filter((d: { type: string }) => d.type === 'project'), [])
})

test('a backup holding the project, restored into its project where the key cannot read it, fails saying how to restore the rest; that --type restores it', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `${PROJECT}tenants:\n  - { id: acme, name: Acme }\n`))
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const backup = jsonOf((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  const types = Object.keys(JSON.parse(fs.readFileSync(backup, 'utf8')).items).filter((type) => type !== 'project')
  context.a.state.tenants['acme']!.name = 'Renamed'
  stateOf(context.a).keyKind = 'project'
  const refused = await run(context, 'a', 'backup', 'restore', backup, '--apply', '--json')
  assert.is(refused.code, 1, refused.stdout)
  const { error } = jsonOf(refused.stdout)
  assert.is(error.code, 'LIVE_UNREADABLE')
  const passed = /to restore the rest of the backup without it, pass --type (\S+)$/.exec(error.message)?.[1]
  assert.equal(passed?.split(',').sort(), types.sort(), error.message)
  assert.not.match(error.message, 'out of its file', 'a restore has no file to leave it out of')
  assert.is(context.a.state.tenants['acme']!.name, 'Renamed', 'nothing was written')
  const restored = await run(context, 'a', 'backup', 'restore', backup, '--apply', '--type', passed!)
  assert.is(restored.code, 0, restored.stderr)
  assert.is(context.a.state.tenants['acme']!.name, 'Acme')
})

test('into another project whose key cannot read the project, the backup restores whole: the project\'s own values are not carried, so not read', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `${PROJECT}tenants:\n  - { id: acme, name: Acme }\n`))
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const backup = jsonOf((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  stateOf(context.b).keyKind = 'project'
  const restored = await run(context, 'b', 'backup', 'restore', backup, '--apply')
  assert.is(restored.code, 0, restored.stderr)
  assert.ok(Object.values(context.b.state.tenants).some((tenant) => tenant.name === 'Acme'))
  assert.is(stateOf(context.b).name, 'Emulated project', 'the project is left as it was')
})

test('a live project of an unexpected shape is an error naming it and the field', async (context) => {
  ;(stateOf(context.a) as unknown as { name: unknown }).name = 42
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 1, result.stdout)
  const error = jsonOf(result.stdout).error
  assert.is(error.code, 'LIVE_INVALID')
  assert.match(error.message, 'live project')
  assert.match(error.message, 'name')
})

test('a projects/list answer that is no list is live data of an unexpected shape, not a key that may not read it (a backup does not skip it)', async (context) => {
  const proxy = await cuttingProxy(context.a.url, () => false, (_method, path) => (path === '/v1/mgmt/projects/list' ? { status: 200, body: { projects: { id: context.a.projectId } } } : undefined))
  const fixture = createProject({ 'environments/a.yaml': emulatorEnvironment({ url: proxy.url, projectId: context.a.projectId }, PROJECT) }, configWithTestPlugins({ project: '' }))
  try {
    for (const args of [['sync', '--env', 'a', '--json'], ['backup', 'create', '--env', 'a', '--json']]) {
      const [task, ...rest] = args
      const result = await runTask(task!, rest, { cwd: fixture.dir, env: { EMULATOR_KEY: context.a.managementKey } })
      assert.is(result.code, 1, `${args.join(' ')}: ${result.stdout}`)
      const { error } = jsonOf(result.stdout)
      assert.is(error.code, 'LIVE_INVALID', args.join(' '))
      assert.match(error.message, 'projects is not a list')
    }
  } finally {
    await proxy.close()
    fixture.remove()
  }
})

test.run()
