// sync --out saves the plan with fingerprints of live and the files; sync --plan --apply
// applies exactly that plan, or refuses (exit 3, nothing written) when anything changed.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { fingerprints } from '../lib/run/saved-plan.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'

const TENANTS = 'tenants:\n  - { id: acme, name: Acme }\n  - { id: globex, name: Globex }\n'

const test = suite<{ emulator: Emulator; project: Project; sync(...args: string[]): ReturnType<typeof runTask> }>('saved plans')

test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment(context.emulator, TENANTS), 'environments/other.yaml': emulatorEnvironment(context.emulator, TENANTS) })
  context.sync = (...args) => runTask('sync', ['--env', 'dev', ...args], { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator.managementKey } })
})
test.after.each(async (context) => {
  await context.emulator.close()
  context.project.remove()
})

const planFile = (project: Project) => path.join(project.dir, 'dev.plan.json')

test('--out saves the plan; --plan --apply applies exactly it', async ({ sync, emulator, project }) => {
  const saved = await sync('--out', 'dev.plan.json')
  assert.is(saved.code, 0, saved.stderr)
  assert.match(saved.stdout, 'Plan saved to dev.plan.json')
  const document = JSON.parse(fs.readFileSync(planFile(project), 'utf8'))
  assert.is(document.metadata.format, 'descope-mgmt-plan')
  assert.is(document.metadata.environment, 'dev')
  for (const print of ['live', 'files', 'plan']) assert.match(document.metadata.fingerprints[print], /^sha256:[0-9a-f]{64}$/)
  assert.equal(document.plan.changes.map((change: { op: string; key: string }) => `${change.op} ${change.key}`), ['create acme', 'create globex'])
  assert.is(emulator.log.filter(isWrite).length, 0, 'saving a plan writes nothing')

  const applied = await sync('--plan', 'dev.plan.json', '--apply', '--json')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal(JSON.parse(applied.stdout).fingerprints, document.metadata.fingerprints)
  assert.equal(Object.keys(emulator.state.tenants).sort(), ['acme', 'globex'])
})

test('a changed live state, changed files or an edited plan are refused: exit 3, nothing written', async ({ sync, emulator, project }) => {
  assert.is((await sync('--out', 'dev.plan.json')).code, 0)
  const original = fs.readFileSync(planFile(project), 'utf8')
  const refused = async (what: string, path: string) => {
    emulator.log.length = 0
    const result = await sync('--plan', 'dev.plan.json', '--apply', '--json')
    assert.is(result.code, 3, `${what}: ${result.stderr}`)
    const error = JSON.parse(result.stdout).error
    assert.is(error.code, 'PLAN_STALE', what)
    assert.equal(error.issues.map((issue: { path: string }) => issue.path), [path], what)
    assert.is(emulator.log.filter(isWrite).length, 0, `${what}: nothing written`)
  }

  const sdk = DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
  assert.ok((await sdk.tenant.createWithId('stray', 'Stray')).ok)
  await refused('live changed', 'metadata.fingerprints.live')
  assert.ok((await sdk.tenant.delete('stray')).ok)

  project.write('environments/dev.yaml', emulatorEnvironment(emulator, TENANTS.replace('Globex', 'Globex Corp')))
  await refused('files changed', 'metadata.fingerprints.files')
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, TENANTS))

  const edited = JSON.parse(original)
  edited.metadata.fingerprints.plan = `sha256:${'0'.repeat(64)}`
  fs.writeFileSync(planFile(project), JSON.stringify(edited))
  await refused('plan edited', 'metadata.fingerprints.plan')

  const hidden = JSON.parse(original)
  hidden.plan.changes = hidden.plan.changes.slice(1)
  fs.writeFileSync(planFile(project), JSON.stringify(hidden))
  await refused('a change hidden from the reviewer', 'plan.changes')

  fs.writeFileSync(planFile(project), original)
  assert.is((await sync('--plan', 'dev.plan.json', '--apply')).code, 0, 'unchanged again: it applies')
})

test('a plan for another environment, flags that would change it, and a damaged file are refused', async ({ sync, emulator, project }) => {
  assert.is((await sync('--out', 'dev.plan.json')).code, 0)
  const other = await runTask('sync', ['--env', 'other', '--plan', 'dev.plan.json', '--apply'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  assert.is(other.code, 3)
  assert.match(other.stderr, 'is a plan for environment "dev"')
  const pruned = await sync('--plan', 'dev.plan.json', '--apply', '--prune')
  assert.is(pruned.code, 3)
  assert.match(pruned.stderr, 'leave out --prune')
  const both = await sync('--out', 'x.json', '--apply')
  assert.is(both.code, 3)
  fs.writeFileSync(planFile(project), '{"metadata": {')
  const damaged = await sync('--plan', 'dev.plan.json', '--apply')
  assert.is(damaged.code, 3)
  assert.match(damaged.stderr, 'dev.plan.json: is not valid JSON')
  assert.is(emulator.log.filter(isWrite).length, 0)
})

test('a plan saved by a version of another plan format is refused, naming both versions', async ({ sync, emulator, project }) => {
  assert.is((await sync('--out', 'dev.plan.json')).code, 0)
  const saved = JSON.parse(fs.readFileSync(planFile(project), 'utf8'))
  saved.metadata.version = 1
  fs.writeFileSync(planFile(project), JSON.stringify(saved))
  const old = await sync('--plan', 'dev.plan.json', '--apply')
  assert.is(old.code, 3)
  assert.match(old.stderr, 'metadata.version: is a plan of format version 1, made by another version of descope-mgmt; this one reads version 2')
  assert.match(old.stderr, 'make the plan again with sync --out')
  assert.is(emulator.log.filter(isWrite).length, 0)
})

test('the live fingerprint does not depend on the order the API lists items in', () => {
  const env = { declared: new Map([['tenant', [{ id: 'a', name: 'A' }]]]), partial: new Set<string>() }
  const plan = { environment: 'dev', changes: [], unmanaged: [], duplicates: [], notes: [], types: ['tenant'] }
  const one = fingerprints(env, new Map([['tenant', [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]]]), plan)
  const other = fingerprints(env, new Map([['tenant', [{ id: 'b', name: 'B' }, { id: 'a', name: 'A' }]]]), plan)
  assert.equal(one, other)
  const changed = fingerprints(env, new Map([['tenant', [{ id: 'a', name: 'A' }, { id: 'b', name: 'B2' }]]]), plan)
  assert.is.not(changed.live, one.live)
})

test.run()
