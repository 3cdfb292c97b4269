// Flows and the theme as files: export-flows, --check, sync from files, promotion between two
// environments, and bad flow files.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

const ROLES = 'roles:\n  - { name: Editor }\n'

interface Context {
  source: Emulator
  target: Emulator
  project: Project
  run(task: string, env: string, ...args: string[]): ReturnType<typeof runTask>
}
const test = suite<Context>('flows and theme')

test.before.each(async (context) => {
  // blank projects: every flow and the theme is what the files put there (test/local.test.ts has a new project's own)
  context.source = await startEmulator({ blank: true })
  context.target = await startEmulator({ projectId: 'P2emulatorTargetProject00002', blank: true })
  context.project = createProject()
  // the source environment declares its flows from files the test copies in
  fs.mkdirSync(path.join(context.project.dir, 'environments/exported/flows'), { recursive: true })
  fs.cpSync(path.join(REPO, 'environments/exported'), path.join(context.project.dir, 'environments/exported'), { recursive: true })
  context.project.write('environments/source.yaml', emulatorEnvironment(context.source, `${ROLES}flows: all\ntheme: true\n`))
  context.project.write('environments/target.yaml', emulatorEnvironment(context.target, `${ROLES}flows: all\ntheme: true\nexportDir: promoted\n`))
  context.run = (task, env, ...args) => runTask(task, ['--env', env, ...args], {
    cwd: context.project.dir,
    env: { EMULATOR_KEY: env === 'source' ? context.source.managementKey : context.target.managementKey },
  })
})
test.after.each(async (context) => {
  await Promise.all([context.source.close(), context.target.close()])
  context.project.remove()
})

const read = (project: Project, file: string) => fs.readFileSync(path.join(project.dir, file), 'utf8')
const snapshot = (dir: string) => Object.fromEntries(fs.readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => [path.relative(dir, path.join(entry.parentPath, entry.name)), fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')]))

test('sync deploys flows and the theme from files, after the roles they reference; then no changes', async ({ run, source }) => {
  const applied = await run('sync', 'source', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.match(applied.stdout, '+ create flow "sign-up-or-in"')
  assert.match(applied.stdout, '~ update theme "theme"')
  const roleCreated = source.log.findIndex((entry) => entry.path === '/v1/mgmt/role/create')
  const flowImported = source.log.findIndex((entry) => entry.path === '/v2/mgmt/flow/import' && JSON.stringify(entry.body).includes('references-flow'))
  assert.ok(roleCreated >= 0 && roleCreated < flowImported, 'the role a flow references exists first')
  const again = await run('sync', 'source', '--detailed-exitcode')
  assert.is(again.code, 0, again.stdout)
  assert.match(again.stdout, 'No changes')
})

test('export twice gives identical bytes; --check passes; an out-of-band change fails it and re-export changes that file only', async ({ run, project, source }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  const out = path.join(project.dir, 'out')
  const first = await run('export-flows', 'source', '--out', out)
  assert.is(first.code, 0, first.stderr)
  const before = snapshot(out)
  assert.equal(Object.keys(before).sort(), ['flows/references-flow.json', 'flows/sign-in.json', 'flows/sign-up-or-in.json', 'flows/sign-up.json', 'theme.json'])
  assert.ok(Object.values(before).every((content) => content.endsWith('}\n')))

  const second = await run('export-flows', 'source', '--out', out)
  assert.match(second.stdout, 'No changes.')
  assert.equal(snapshot(out), before, 'byte-identical')
  assert.is((await run('export-flows', 'source', '--out', out, '--check')).code, 0)

  // change one flow through the official SDK (v1 export/import, as node-sdk does it)
  const sdk = DescopeClient({ projectId: source.projectId, managementKey: source.managementKey, baseUrl: source.url }).management
  const exported = await sdk.flow.export('references-flow')
  assert.ok(exported.ok, JSON.stringify(exported.error))
  const changed = await sdk.flow.import('references-flow', { ...exported.data!.flow, name: 'References Flow, edited' }, exported.data!.screens)
  assert.ok(changed.ok, JSON.stringify(changed.error))

  const check = await run('export-flows', 'source', '--out', out, '--check', '--json')
  assert.is(check.code, 2)
  const differing = JSON.parse(check.stdout).files.filter((file: { state: string }) => file.state !== 'matches')
  assert.equal(differing, [{ file: 'flows/references-flow.json', state: 'differs' }])
  assert.equal(snapshot(out), before, '--check writes nothing')

  assert.is((await run('export-flows', 'source', '--out', out)).code, 0)
  const after = snapshot(out)
  for (const file of Object.keys(before)) {
    if (file === 'flows/references-flow.json') assert.is.not(after[file], before[file])
    else assert.is(after[file], before[file], `${file} unchanged`)
  }
  assert.match(after['flows/references-flow.json']!, '"name": "References Flow, edited"')

  // a file that is not there is missing, not different
  fs.rmSync(path.join(out, 'flows/sign-in.json'))
  const missing = await run('export-flows', 'source', '--out', out, '--check', '--json')
  assert.is(missing.code, 2)
  assert.equal(JSON.parse(missing.stdout).files.filter((file: { state: string }) => file.state !== 'matches'), [{ file: 'flows/sign-in.json', state: 'missing' }])
})

test('promotion: export from one environment, sync another from the files; then they are equal', async ({ run, project }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  assert.is((await run('export-flows', 'source', '--out', 'promoted')).code, 0)
  const applied = await run('sync', 'target', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const plan = await run('sync', 'target', '--detailed-exitcode')
  assert.is(plan.code, 0, plan.stdout)
  // the target's own export equals the source's, byte for byte
  assert.is((await run('export-flows', 'target', '--out', 'from-target')).code, 0)
  assert.equal(snapshot(path.join(project.dir, 'from-target')), snapshot(path.join(project.dir, 'promoted')))
})

test('promotion converges when a flow stops referencing a role: the file is the whole flow', async ({ run, project }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  assert.is((await run('export-flows', 'source', '--out', 'promoted')).code, 0)
  assert.is((await run('sync', 'target', '--apply')).code, 0)
  // the flow drops its role reference in the source environment, through the files
  const file = path.join(project.dir, 'environments/exported/flows/references-flow.json')
  const flow = JSON.parse(fs.readFileSync(file, 'utf8'))
  delete flow.references
  fs.writeFileSync(file, JSON.stringify(flow))
  const changed = await run('sync', 'source', '--apply', '--json')
  assert.is(changed.code, 0, changed.stderr)
  assert.equal(JSON.parse(changed.stdout).changes[0].fields, [{ path: 'references', live: { roles: { Editor: '' } } }])
  assert.is((await run('export-flows', 'source', '--out', 'promoted')).code, 0)
  assert.is((await run('sync', 'target', '--apply')).code, 0)
  assert.is((await run('export-flows', 'target', '--out', 'promoted', '--check')).code, 0, 'the target now matches the promoted files')
})

test('export-flows works when the flow files it is meant to write are missing or broken', async ({ run, project }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  project.write('environments/exported/flows/sign-up-or-in.json', '{ broken')
  fs.rmSync(path.join(project.dir, 'environments/exported/theme.json'))
  const exported = await run('export-flows', 'source')
  assert.is(exported.code, 0, exported.stderr)
  assert.match(exported.stdout, 'written   flows/sign-up-or-in.json')
  assert.is((await run('sync', 'source', '--detailed-exitcode')).code, 0, 'the mended files match live')
})

test('a flow list deploys those flows and never prunes the others', async ({ run, project, source }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  project.write('environments/source.yaml', read(project, 'environments/source.yaml').replace('flows: all', 'flows: [sign-up-or-in]'))
  source.log.length = 0
  const plan = await run('sync', 'source')
  assert.is(plan.code, 0, plan.stderr)
  // a plan reads the listed flows only: one list, one export (with --prune it reads them all, to
  // see that no role a flow names is deleted)
  assert.equal(source.log.filter((entry) => entry.path.includes('/flow/')).map((entry) => `${entry.path} ${JSON.stringify(entry.body)}`), [
    '/v1/mgmt/flow/list {}',
    '/v2/mgmt/flow/export {"flowId":"sign-up-or-in"}',
  ])
  // an apply's backup still holds every flow
  const flowFile = 'environments/exported/flows/sign-up-or-in.json'
  project.write(flowFile, read(project, flowFile).replace('"name": "Sign Up or In"', '"name": "Sign Up or In, edited"'))
  const result = await run('sync', 'source', '--apply', '--prune', '--json')
  assert.is(result.code, 0, result.stderr)
  assert.equal(JSON.parse(result.stdout).changes.map((change: { key: string; outcome: string }) => `${change.key} ${change.outcome}`), ['sign-up-or-in applied'])
  const backup = JSON.parse(fs.readFileSync(JSON.parse(result.stdout).backup, 'utf8'))
  assert.equal(backup.items.flow.map((flow: { flowId: string }) => flow.flowId).sort(), ['references-flow', 'sign-in', 'sign-up', 'sign-up-or-in'])
  assert.ok(source.state.flows['references-flow'], 'an unlisted flow stays')
})

test('theme: false undoes a base file\'s theme: true; a role renamed under a flow is refused until the flow names the new role', async ({ run, project, source }) => {
  project.write('environments/base.yaml', 'theme: true\n')
  project.write('environments/source.yaml', read(project, 'environments/source.yaml').replace('theme: true', 'extends: base.yaml\ntheme: false'))
  const plan = await run('sync', 'source', '--json')
  assert.is(plan.code, 0, plan.stderr)
  assert.not.ok(JSON.parse(plan.stdout).changes.some((change: { type: string }) => change.type === 'theme'))

  assert.is((await run('sync', 'source', '--apply')).code, 0)
  source.log.length = 0
  project.write('environments/source.yaml', read(project, 'environments/source.yaml').replace('  - { name: Editor }', '  - { name: Editors, renamedFrom: Editor }'))
  // the rename alone would leave the flow naming a role that no longer exists: refused, nothing written
  const refused = await run('sync', 'source', '--apply')
  assert.is(refused.code, 3, refused.stderr)
  assert.match(refused.stderr, 'flow "references-flow" references role "Editor", which the plan renames to "Editors"')
  assert.match(refused.stderr, 'name role "Editors" in the flow instead (edit its file, or change it in the console and export it again)')
  assert.equal(source.log.filter(isWrite), [])
  // with the flow naming the new role, the rename runs first and the flow follows it
  const flowFile = 'environments/exported/flows/references-flow.json'
  project.write(flowFile, read(project, flowFile).replace('"Editor": ""', '"Editors": ""'))
  const applied = await run('sync', 'source', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const sent = source.log.filter(isWrite).map((entry) => entry.path)
  assert.ok(sent.indexOf('/v1/mgmt/role/update') < sent.indexOf('/v2/mgmt/flow/import'), sent.join(', '))
  assert.match((await run('sync', 'source')).stdout, 'No changes')
})

test('with flows: [a, b], a role renamed under a flow the list leaves out is refused: that flow is read to see it', async ({ run, project, source }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  source.log.length = 0
  project.write('environments/source.yaml', read(project, 'environments/source.yaml')
    .replace('flows: all', 'flows: [sign-up-or-in]')
    .replace('  - { name: Editor }', '  - { name: Editors, renamedFrom: Editor }'))
  const refused = await run('sync', 'source', '--apply')
  assert.is(refused.code, 3, refused.stderr)
  assert.match(refused.stderr, 'the plan renames role "Editor" to "Editors", which live flow "references-flow" still references by its old name (not declared in this environment)')
  assert.ok(source.log.some((entry) => String(JSON.stringify(entry.body)).includes('references-flow')), 'the unlisted flow was read')
  assert.equal(source.log.filter(isWrite), [])
})

test('a flow that names a role neither declared nor live points at re-exporting it', async ({ run, project, source }) => {
  assert.is((await run('sync', 'source', '--apply')).code, 0)
  const flowFile = 'environments/exported/flows/references-flow.json'
  project.write(flowFile, read(project, flowFile).replace('"Editor": ""', '"Gone": ""'))
  source.log.length = 0
  const next = await run('sync', 'source', '--apply')
  assert.is(next.code, 3)
  assert.match(next.stderr, 'flow "references-flow" references role "Gone", which is neither declared nor live')
  assert.match(next.stderr, 'export the flow again (tasks/export-flows.ts)')
  assert.equal(source.log.filter(isWrite), [])
  assert.is((await run('export-flows', 'source', '--flow', 'references-flow')).code, 0)
  assert.match((await run('sync', 'source')).stdout, 'No changes')
})

const badFlows: Record<string, { setup(project: Project): void; expect: RegExp }> = {
  'a flow file that is not valid JSON': {
    setup: (project) => project.write('environments/exported/flows/broken.json', '{ "flowId": "broken", '),
    expect: /flows\/broken\.json: is not valid JSON/,
  },
  'a file that is not a flow': {
    setup: (project) => project.write('environments/exported/flows/not-a-flow.json', '{ "flowId": "not-a-flow", "hello": "world" }'),
    expect: /flows\/not-a-flow\.json: metadata: is required/,
  },
  'a flow listed with no file': {
    setup: (project) => project.write('environments/source.yaml', read(project, 'environments/source.yaml').replace('flows: all', 'flows: [sign-up-or-in, missing-flow]')),
    expect: /flows\/missing-flow\.json: flow "missing-flow" is listed but has no file/,
  },
  'an unsafe flow id in the list': {
    setup: (project) => project.write('environments/source.yaml', read(project, 'environments/source.yaml').replace('flows: all', 'flows: [../escape]')),
    expect: /flows\[0\]: must be a safe file name/,
  },
}

for (const [name, bad] of Object.entries(badFlows)) {
  test(`bad input, ${name}: exit 3, nothing written`, async ({ run, project, source }) => {
    bad.setup(project)
    const result = await run('sync', 'source', '--apply')
    assert.is(result.code, 3, result.stderr)
    assert.match(result.stderr, bad.expect)
    assert.is(source.log.length, 0, 'not a single request')
  })
}

test('export refuses a live flow id that would escape the directory, and writes nothing', async ({ run, project, source }) => {
  const sdk = DescopeClient({ projectId: source.projectId, managementKey: source.managementKey, baseUrl: source.url }).management
  const flow = JSON.parse(read(project, 'environments/exported/flows/sign-up-or-in.json'))
  const imported = await sdk.flow.import('../../escape', { id: '../../escape', name: 'Escape', disabled: false, dsl: flow.contents }, [])
  assert.ok(imported.ok, JSON.stringify(imported.error))
  const result = await run('export-flows', 'source', '--out', 'out')
  assert.is(result.code, 3)
  assert.match(result.stderr, 'flow id "../../escape" is not a safe file name')
  assert.not.ok(fs.existsSync(path.join(project.dir, 'out')), 'nothing written')
  assert.not.ok(fs.existsSync(path.join(project.dir, 'escape.json')))
})

test.run()
