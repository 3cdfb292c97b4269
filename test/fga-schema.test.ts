// The authorization (FGA) schema (plugins/fga-schema.ts): one per project, compared by what it
// says (a reformatted echo is no drift), changed out of band through the official SDK and named
// by drift field by field, and a change that drops what relations are stored under shown from the
// API's dry run and refused unless --prune (and the delete guard) allow it; applied, those
// relations are gone. Restored into a second project with an empty next plan.
import fs from 'node:fs'
import DescopeClient from '@descope/node-sdk'
import * as assert from 'uvu/assert'
import { restoreIntoSecond, runIn, twoProjectSuite, type TwoProjects } from './helpers/two-projects.ts'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import fgaSchema from '../plugins/fga-schema.ts'
import { contentHash } from '../lib/backup/format.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, runTask } from './helpers/project.ts'
import { cuttingProxy, type Refusal } from './helpers/cutting-proxy.ts'

const SCHEMA = `model AuthZ 1.0

type user

type group
  relation member: user

type doc
  relation owner: user | group#member
  relation viewer: user
  permission can_view: viewer | owner
`
const section = (dsl: string) => `authorizationSchema:\n  dsl: |\n${dsl.trimEnd().split('\n').map((line) => (line ? `    ${line}` : '')).join('\n')}\n`

const test = twoProjectSuite('authorization (FGA) schema', fgaSchema, 'fga-schema', section(SCHEMA))

const stored = (emulator: Emulator) => emulator.state.plugins['fga-schema'] as { dsl: string; version: string; relations: unknown[] }
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
const run = runIn
const declare = (context: TwoProjects, dsl: string) => context.project.write('environments/a.yaml', emulatorEnvironment(context.a, section(dsl)))

test('a project without a schema gets one (an update, never a create); the next plan is empty', async (context) => {
  assert.equal(await sdkOf(context.a).fga.loadSchema().then((answer) => answer.data), { dsl: '' })
  const plan = await run(context, 'a', 'sync')
  assert.match(plan.stdout, '~ update authorizationSchema "project"')
  assert.match(plan.stdout, 'types: (none) → ')
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.match(stored(context.a).dsl, /^model AuthZ 1\.0\n\ntype doc\n {2}relation owner: user \| group#member\n/)
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('the same schema saved reformatted through the SDK (CRLF, blank lines, spacing, order) is no drift', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const reformatted = 'model AuthZ 1.0\r\n\r\n\r\ntype doc   \r\n    permission can_view:viewer|owner\r\n    relation viewer: user\r\n    relation owner:  user |\r\n      group#member\r\ntype group\r\n relation member: user\r\ntype user\r\n'
  assert.ok((await sdkOf(context.a).fga.saveSchema({ dsl: reformatted })).ok)
  assert.is(stored(context.a).dsl, reformatted, 'the emulator echoes the text as sent')
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 0, drift.stdout)
})

test('changed through the SDK: drift names exactly that relation, and sync puts it back', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.ok((await sdkOf(context.a).fga.saveSchema({ dsl: SCHEMA.replace('relation viewer: user', 'relation viewer: user | group#member') })).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['project', ['types.doc.relations.viewer']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.match(stored(context.a).dsl, '  relation viewer: user\n')
})

test('a change that drops a type and a relation: shown from the dry run, refused without --prune, and applied with it the relations under them are gone', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const sdk = sdkOf(context.a).fga
  const ownerByGroup = { resource: 'd1', resourceType: 'doc', relation: 'owner', target: 'g1', targetType: 'group' }
  const member = { resource: 'g1', resourceType: 'group', relation: 'member', target: 'u1', targetType: 'user' }
  const viewer = { resource: 'd1', resourceType: 'doc', relation: 'viewer', target: 'u2', targetType: 'user' }
  assert.ok((await sdk.createRelations([ownerByGroup, member, viewer])).ok)
  assert.equal((await sdk.check([{ ...viewer, relation: 'can_view' }])).data!.map((result) => result.allowed), [true])
  declare(context, 'model AuthZ 1.0\n\ntype user\n\ntype doc\n  relation viewer: user\n  permission can_view: viewer\n')

  const refused = await run(context, 'a', 'sync', '--json')
  assert.is(refused.code, 3, refused.stderr)
  const { error } = JSON.parse(refused.stdout)
  assert.is(error.code, 'PLAN_REFUSED')
  assert.equal(error.issues.map((issue: { path: string; message: string; fix: string }) => [issue.path, issue.message]), [['authorizationSchema', 'update of authorizationSchema "project" would delete type group, relation doc#owner, relation group#member']])
  assert.match(error.issues[0].fix, '--prune')

  const shown = await run(context, 'a', 'sync', '--prune')
  assert.is(shown.code, 0, shown.stderr)
  assert.match(shown.stdout, 'deletes type group')
  assert.match(shown.stdout, 'deletes relation doc#owner')
  assert.match(shown.stdout, 'deletes relation group#member')
  assert.match(shown.stdout, 'the update of authorizationSchema DELETES 3')
  const json = JSON.parse((await run(context, 'a', 'sync', '--prune', '--json')).stdout)
  assert.equal(json.changes.map((change: { preview?: object }) => change.preview), [{ notes: ['saving it deletes every relation stored under what it drops'], deletes: ['type group', 'relation doc#owner', 'relation group#member'] }])
  assert.equal(stored(context.a).relations.length, 3, 'a plan and a dry run change nothing')

  assert.is((await run(context, 'a', 'sync', '--prune', '--apply')).code, 0)
  assert.equal(stored(context.a).relations, [viewer])
  assert.equal((await sdk.check([viewer, ownerByGroup])).data!.map((result) => result.allowed), [true, false])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('a saved plan that drops a type: applied as reviewed; refused when its deletes were edited out, or live changed since', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  declare(context, SCHEMA.replace(/\ntype doc\n[^]*$/, '\n'))
  const planFile = `${context.project.dir}/a.plan.json`
  const save = async () => assert.is((await run(context, 'a', 'sync', '--prune', '--out', 'a.plan.json')).code, 0)
  const apply = () => run(context, 'a', 'sync', '--plan', 'a.plan.json', '--apply', '--json')
  const staleAt = async () => {
    const refused = await apply()
    assert.is(refused.code, 3, refused.stdout)
    const { error } = JSON.parse(refused.stdout)
    assert.is(error.code, 'PLAN_STALE')
    return error.issues.map((issue: { path: string }) => issue.path)
  }
  await save()
  const saved = JSON.parse(fs.readFileSync(planFile, 'utf8'))
  assert.equal(saved.plan.changes[0].preview.deletes, ['type doc', 'relation doc#owner', 'relation doc#viewer'])
  // the reviewer is shown no deletes: what is applied is not what the file shows
  saved.plan.changes[0].preview.deletes = []
  fs.writeFileSync(planFile, JSON.stringify(saved))
  assert.equal(await staleAt(), ['plan.changes'])
  await save()
  assert.ok((await sdkOf(context.a).fga.saveSchema({ dsl: SCHEMA.replace('relation member: user', 'relation member: user\n  permission is_member: member') })).ok)
  assert.equal(await staleAt(), ['metadata.fingerprints.live'])
  assert.match(stored(context.a).dsl, 'permission is_member: member')
  await save()
  const applied = await apply()
  assert.is(applied.code, 0, applied.stdout)
  assert.not.match(stored(context.a).dsl, 'type doc')
})

test('a change that keeps everything is not refused: a relation added, a permission changed', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  declare(context, `${SCHEMA.replace('permission can_view: viewer | owner', 'permission can_view: viewer')}  relation editor: user\n`)
  const plan = JSON.parse((await run(context, 'a', 'sync', '--json')).stdout)
  assert.equal(plan.changes.map((change: { fields: { path: string }[]; preview?: object }) => [change.fields.map((field) => field.path), change.preview]), [[['types.doc.permissions.can_view', 'types.doc.relations.editor'], undefined]])
})

/** Environment a, through a proxy that answers the dry run itself with `answer`, declaring `dsl`: runs sync with `args`. */
async function withDryRunAnswer(context: TwoProjects, answer: Refusal, dsl: string, ...args: string[]) {
  const proxy = await cuttingProxy(context.a.url, () => false, (_method, path) => (path.endsWith('/fga/schema/dryrun') ? answer : undefined))
  const project = createProject({ 'environments/a.yaml': emulatorEnvironment({ url: proxy.url, projectId: context.a.projectId }, section(dsl)) }, configWithTestPlugins({ 'fga-schema': '' }))
  try {
    return await runTask('sync', ['--env', 'a', ...args], { cwd: project.dir, env: { EMULATOR_KEY: context.a.managementKey } })
  } finally {
    await proxy.close()
    project.remove()
  }
}

test('what the schema drops is refused without --prune even when the dry run names none of it, or less of it', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const dropsDoc = SCHEMA.replace(/\ntype doc\n[^]*$/, '\n')
  for (const body of [{}, { deletesPreview: {} }, { deletesPreview: { hasDeletes: false } }, { deletesPreview: { hasDeletes: true, types: ['group'] } }]) {
    const refused = await withDryRunAnswer(context, { status: 200, body }, dropsDoc, '--json')
    assert.is(refused.code, 3, `${JSON.stringify(body)}: ${refused.stdout}`)
    assert.match(JSON.parse(refused.stdout).error.issues[0].message, /would delete (type group, )?type doc, relation /, JSON.stringify(body))
  }
  const planned = JSON.parse((await withDryRunAnswer(context, { status: 200, body: { deletesPreview: { hasDeletes: true, types: ['group'] } } }, dropsDoc, '--prune', '--allow-mass-delete', '--json')).stdout)
  assert.equal(planned.changes[0].preview.deletes, ['type group', 'type doc', 'relation group#member', 'relation doc#owner', 'relation doc#viewer'], 'what the dry run says, and what it left out')
  assert.is(stored(context.a).dsl.includes('type doc'), true, 'nothing was saved')
})

test('a live schema read as none yet (an answer without dsl) is still dry-run: what saving over the real one drops is refused without --prune', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const proxy = await cuttingProxy(context.a.url, () => false, (method, path) => (method === 'GET' && path === '/v1/mgmt/fga/schema' ? { status: 200, body: { schema: { dsl: stored(context.a).dsl } } } : undefined))
  const project = createProject({ 'environments/a.yaml': emulatorEnvironment({ url: proxy.url, projectId: context.a.projectId }, section('model AuthZ 1.0\n\ntype user\n')) }, configWithTestPlugins({ 'fga-schema': '' }))
  try {
    const refused = await runTask('sync', ['--env', 'a', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: context.a.managementKey } })
    assert.is(refused.code, 3, refused.stdout)
    assert.match(JSON.parse(refused.stdout).error.issues[0].message, 'would delete type doc, type group')
  } finally {
    await proxy.close()
    project.remove()
  }
  assert.match(stored(context.a).dsl, 'type doc')
})

test('a schema Descope\'s dry run refuses (400) is refused like bad input: exit 3, naming the file, the section and what Descope said', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const refusal = { status: 400, body: { errorCode: 'E074001', errorDescription: 'Invalid FGA schema', errorMessage: 'line 7: relation viewer: unexpected "user user"' } }
  const result = await withDryRunAnswer(context, refusal, SCHEMA.replace('relation viewer: user', 'relation viewer: user user'), '--apply', '--json')
  assert.is(result.code, 3, result.stdout)
  const { error } = JSON.parse(result.stdout)
  assert.is(error.code, 'PLAN_REFUSED')
  assert.equal([error.issues[0].file.endsWith('a.yaml'), error.issues[0].path], [true, 'authorizationSchema'])
  assert.match(error.issues[0].message, 'Descope\'s dry run refused it (400 E074001): Invalid FGA schema: line 7: relation viewer: unexpected "user user"')
  assert.not.match(stored(context.a).dsl, 'user user')
})

test('a dry run that answers a list, or no object, is an unexpected shape: the run fails and saves nothing', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  for (const body of [[], { deletesPreview: [] }]) {
    const result = await withDryRunAnswer(context, { status: 200, body }, SCHEMA.replace('relation viewer: user', 'relation viewer: user | group#member'), '--apply', '--json')
    assert.is(result.code, 1, `${JSON.stringify(body)}: ${result.stdout}`)
    const { error } = JSON.parse(result.stdout)
    assert.is(error.code, 'LIVE_INVALID')
    assert.match(error.message, 'the FGA schema dry run answered in an unexpected shape')
  }
  assert.match(stored(context.a).dsl, '  relation viewer: user\n')
})

test('the delete guard counts what a schema change deletes: more than maxCount needs --allow-mass-delete', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const project = createProject({ 'environments/a.yaml': emulatorEnvironment(context.a, section('model AuthZ 1.0\n\ntype user\n')) }, configWithTestPlugins({ 'fga-schema': '' }, 'deleteGuard: { maxCount: 1 },'))
  try {
    const options = { cwd: project.dir, env: { EMULATOR_KEY: context.a.managementKey } }
    const refused = await runTask('sync', ['--env', 'a', '--prune', '--json'], options)
    assert.is(refused.code, 3, refused.stderr)
    const { error } = JSON.parse(refused.stdout)
    assert.is(error.code, 'MASS_DELETE')
    assert.match(error.issues[0].message, 'would delete type doc, type group, relation doc#owner, relation doc#viewer, relation group#member: 5 deletes, more than deleteGuard.maxCount (1)')
    assert.is((await runTask('sync', ['--env', 'a', '--prune', '--allow-mass-delete', '--apply'], options)).code, 0)
    assert.is(stored(context.a).dsl, 'model AuthZ 1.0\n\ntype user\n')
  } finally {
    project.remove()
  }
})

test('the delete guard weighs a dropped type with its relations: dropping most of a schema needs --allow-mass-delete, as most of any type would', async (context) => {
  const types = ['doc', 'folder', 'board', 'sheet'].map((name) => `type ${name}\n  relation owner: user\n  relation viewer: user\n`).join('\n')
  declare(context, `model AuthZ 1.0\n\ntype user\n\n${types}`)
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  declare(context, 'model AuthZ 1.0\n\ntype user\n\ntype doc\n  relation owner: user\n  relation viewer: user\n')
  const refused = await run(context, 'a', 'sync', '--prune', '--json')
  assert.is(refused.code, 3, refused.stdout)
  const { error } = JSON.parse(refused.stdout)
  assert.is(error.code, 'MASS_DELETE')
  assert.match(error.issues[0].message, '9 deletes, more than deleteGuard.maxShare (50%) of the 13 live')
  assert.match(error.issues[0].message, 'type board, type folder, type sheet, relation board#owner, relation board#viewer')
  const planned = await run(context, 'a', 'sync', '--prune', '--allow-mass-delete', '--json')
  assert.is(planned.code, 0, planned.stdout)
})

test('a backup restored into another project gives it the same schema; the next plan is empty; no version of the first', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context)
  assert.is(stored(context.b).dsl, stored(context.a).dsl)
  const version = stored(context.a).version
  assert.ok(version)
  for (const text of [...outputs.flatMap((output) => [output.stdout, output.stderr]), JSON.stringify(stored(context.b)), fs.readFileSync(backup, 'utf8')]) assert.not.ok(text.includes(version))
})

test('restoring a backup whose schema lacks a live type is refused without --prune, like any delete', async (context) => {
  const backup = (await restoreIntoSecond(context)).backup
  assert.ok((await sdkOf(context.b).fga.saveSchema({ dsl: `${SCHEMA}\ntype folder\n  relation owner: user\n` })).ok)
  const refused = await run(context, 'b', 'backup', 'restore', backup, '--json')
  assert.is(refused.code, 3)
  assert.match(JSON.parse(refused.stdout).error.issues[0].message, 'would delete type folder')
  assert.is((await run(context, 'b', 'backup', 'restore', backup, '--prune', '--apply')).code, 0)
})

test('a backup edited (its hash recomputed) so that its schema would render into other statements is refused before any request', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const backup = JSON.parse((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  const original = JSON.parse(fs.readFileSync(backup, 'utf8'))
  const edits: [string, (model: { conditions: Record<string, string>; types: Record<string, { relations: Record<string, string> }> }) => void][] = [
    ['items.authorizationSchema[0].types.doc.relations.viewer', (model) => { model.types.doc!.relations.viewer = 'user\ntype smuggled\n  relation admin: user' }],
    ['items.authorizationSchema[0].conditions.C', (model) => { model.conditions.C = '(x string) { true }\r\ntype smuggled' }],
    ['items.authorizationSchema[0].types', (model) => { model.types['doc\n  relation admin'] = { relations: {}, permissions: {} } as never }],
    ['items.authorizationSchema[0]', (model) => { model.types.doc!.relations.viewer = 'user // and so on' }],
  ]
  for (const [at, edit] of edits) {
    const edited = structuredClone(original)
    edit(edited.items.authorizationSchema[0])
    edited.metadata.contentHash = contentHash(edited.items)
    const file = `${context.project.dir}/edited.json`
    fs.writeFileSync(file, JSON.stringify(edited))
    context.b.log.length = 0
    const result = await run(context, 'b', 'backup', 'restore', file, '--apply', '--json')
    assert.is(result.code, 3, `${at}: ${result.stdout}`)
    const { error } = JSON.parse(result.stdout)
    assert.is(error.code, 'BACKUP_INVALID', at)
    assert.ok(error.issues[0].path.startsWith(at), `${at}: ${JSON.stringify(error.issues)}`)
    assert.equal(context.b.log.filter((entry) => entry.path.includes('/fga/')), [], 'no request was sent')
  }
  assert.is(stored(context.b).dsl, '')
})

test('names are data: a type "__proto__" with a relation "toString" is applied and compares', async (context) => {
  declare(context, 'model AuthZ 1.0\n\ntype user\n\ntype __proto__\n  relation toString: user\n  permission constructor: toString\n')
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.match(stored(context.a).dsl, 'type __proto__\n  relation toString: user\n  permission constructor: toString\n')
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('names are data in a backup too: types and relations "constructor", "prototype", "__proto__" are restored, not dropped', async (context) => {
  declare(context, 'model AuthZ 1.0\n\ntype user\n\ntype constructor\n  relation constructor: user\n  relation prototype: user\n\ntype __proto__\n  relation toString: user\n  permission constructor: toString\n')
  await restoreIntoSecond(context)
  assert.is(stored(context.b).dsl, stored(context.a).dsl)
  assert.match(stored(context.b).dsl, 'type constructor\n  relation constructor: user\n  relation prototype: user\n')
})

test('a name with "-" is one name in a permission too, as it is everywhere else; a spaced "-" is the operator', async (context) => {
  declare(context, 'model AuthZ 1.0\n\ntype user\n\ntype doc\n  relation co-owner: user\n  relation banned: user\n  permission can-edit: co-owner - banned\n  permission can_view: can-edit | co-owner\n')
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stdout + applied.stderr)
  const sdk = sdkOf(context.a).fga
  const coOwner = { resource: 'd1', resourceType: 'doc', relation: 'co-owner', target: 'u1', targetType: 'user' }
  assert.ok((await sdk.createRelations([coOwner])).ok)
  assert.equal((await sdk.check([{ ...coOwner, relation: 'can_view' }])).data!.map((result) => result.allowed), [true], 'the emulator follows a name with "-"')
  declare(context, 'model AuthZ 1.0\n\ntype user\n\ntype doc\n  relation co-owner: user\n  permission can_view: co-ownr\n')
  const refused = await run(context, 'a', 'sync', '--json')
  assert.is(refused.code, 3)
  assert.match(JSON.parse(refused.stdout).error.issues[0].message, 'permission can_view names "co-ownr", which is neither a relation nor a permission of doc')
})

test('a huge schema: a statement continued over one very long line is read, not a stack overflow', async (context) => {
  // 200,000 tokens on one continuation line: more than a function call may take as arguments
  declare(context, `model AuthZ 1.0\n\ntype user\n\ntype doc\n  relation owner: user\n    ${' | user'.repeat(100_000)}\n`)
  const plan = await run(context, 'a', 'sync', '--json')
  assert.is(plan.code, 0, plan.stderr)
  assert.equal(JSON.parse(plan.stdout).changes.map((change: { op: string }) => change.op), ['update'])
})

test('an authorization schema with an invisible or direction-changing character (Trojan Source) is refused before any request; CRLF and tabs are fine', async (context) => {
  for (const [dsl, code] of [['model AuthZ 1.0\ncondition C(x string) { x == "admin\u202e" }\ntype user\n', '202E'], ['model AuthZ 1.0\ntype user\ntype doc\n  relation owner: user \u200b| user\n', '200B']] as const) {
    context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `authorizationSchema:\n  dsl: ${JSON.stringify(dsl)}\n`))
    const result = await run(context, 'a', 'sync', '--json')
    assert.is(result.code, 3, result.stdout)
    const [issue] = JSON.parse(result.stdout).error.issues
    assert.is(issue.path, 'authorizationSchema.dsl')
    assert.match(issue.message, `U+${code}`)
  }
  assert.equal(context.a.log.filter((entry) => entry.path.includes('/fga/')), [], 'no request was sent')
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, `authorizationSchema:\n  dsl: ${JSON.stringify(SCHEMA.replace(/\n/g, '\r\n').replace(/ {2}/g, '\t'))}\n`))
  const crlf = await run(context, 'a', 'sync', '--json')
  assert.is(crlf.code, 0, crlf.stdout)
})

test('a schema that is not one is refused before any request, naming the file, the field and the line', async (context) => {
  const cases: [string, string][] = [
    ['type user\n', 'line 1: a schema starts with "model AuthZ 1.0"'],
    ['model AuthZ 1.0\ntype doc\n  relation owner user\n', 'line 3: relation "owner" needs a colon'],
    ['model AuthZ 1.0\ntype doc\n  relation owner: usr\n', 'type doc: relation owner names type "usr", which is not defined: define it, or correct the name'],
    ['model AuthZ 1.0\ntype doc\n  relation owner: doc\n  permission edit: owner | editor\n', 'type doc: permission edit names "editor"'],
  ]
  for (const [dsl, message] of cases) {
    declare(context, dsl)
    const result = await run(context, 'a', 'sync', '--json')
    assert.is(result.code, 3, dsl)
    const [issue] = JSON.parse(result.stdout).error.issues
    assert.equal([issue.file.endsWith('a.yaml'), issue.path], [true, 'authorizationSchema.dsl'])
    assert.match(issue.message, message)
  }
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'authorizationSchema:\n  dsl: ""\n'))
  assert.match(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).error.issues[0].message, 'is empty')
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'authorizationSchema: "model AuthZ 1.0"\n'))
  assert.is((await run(context, 'a', 'sync')).code, 3)
  assert.equal(context.a.log.filter((entry) => entry.path.includes('/fga/')), [], 'no request was sent')
})

test('a live schema this plugin cannot read fails the run naming it, and changes nothing', async (context) => {
  stored(context.a).dsl = 'model AuthZ 1.0\ntype doc\n  relation ~~~\n'
  const result = await run(context, 'a', 'sync', '--apply')
  assert.is(result.code, 1)
  assert.match(result.stderr, "the project's FGA schema, as the API answers it, is not one this plugin can read (line 3")
  assert.is(stored(context.a).dsl, 'model AuthZ 1.0\ntype doc\n  relation ~~~\n')
})

test('an emulator state file whose schema text is damaged is refused at start, naming the plugin and the field, not answered 500 on every call', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fga-state-'))
  try {
    const file = path.join(dir, 'state.json')
    await (await startEmulator({ persistPath: file, plugins: [fgaSchema()] })).close()
    const state = JSON.parse(fs.readFileSync(file, 'utf8'))
    state.plugins['fga-schema'].dsl = 'model AuthZ 1.0\ntype doc\n  relation ~~~\n'
    fs.writeFileSync(file, JSON.stringify(state))
    const error = await startEmulator({ persistPath: file, plugins: [fgaSchema()] }).then((emulator) => emulator.close(), (reason: unknown) => reason) as { code?: string; message?: string } | undefined
    assert.is(error?.code, 'EMULATOR_STATE_CORRUPT')
    assert.match(error!.message!, 'plugin "fga-schema"\'s part, dsl: line 3')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
