// The audit log: every write an apply makes, fails or is refused, one JSON line each, per
// environment, beside its backups; never a secret; an apply that cannot write it writes nothing.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, defaultConfig, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

// a plugin whose create() has a bug for one item: the failure is recorded, and names the plugin
const CONFIG = defaultConfig().replace('plugins: [', `plugins: [{ name: 'flaky-widgets', handlers: [defineHandler({
    type: 'widget', section: 'widgets', key: (item) => item.name,
    schema: v.strictObject({ name: v.string() }), liveSchema: v.looseObject({ name: v.string() }),
    list: async () => [], normalize: (item) => item,
    create: async (_ctx, item) => { if (item.name === 'bad') (undefined as any).crash },
  })] }, `).replace("import { defineConfig } from", `import * as v from '${REPO}/node_modules/valibot/dist/index.mjs'\nimport { defineConfig, defineHandler } from`)

/** `emulator` is dev's project, `prod` another one */
const test = suite<{ emulator: Emulator; prod: Emulator; project: Project }>('audit log')
test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.prod = await startEmulator({ projectId: 'P2emulatorProdProject0000009' })
  const body = 'tenants:\n  - { id: acme, name: Acme }\nwidgets:\n  - { name: ok }\n  - { name: bad }\n'
  context.project = createProject({
    'environments/dev.yaml': emulatorEnvironment(context.emulator, body),
    'environments/prod.yaml': emulatorEnvironment(context.prod, body),
  }, CONFIG)
})
test.after.each(async (context) => {
  await Promise.all([context.emulator.close(), context.prod.close()])
  context.project.remove()
})

const run = ({ emulator, project }: { emulator: Emulator; project: Project }, ...args: string[]) =>
  runTask('sync', args, { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
const auditOf = (project: Project, emulator: Emulator, env: string) => path.join(project.dir, '.backups', emulator.projectId, `${env}.audit.jsonl`)
const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line))

test('every write of an apply is a line, failures with their error code', async (context) => {
  const { emulator, project } = context
  const result = await run(context, '--env', 'dev', '--apply')
  assert.is(result.code, 1, 'one change failed')
  assert.match(result.stdout, 'failed create widget "bad": plugin "flaky-widgets" failed in create() of widget "bad"')
  const file = auditOf(project, emulator, 'dev')
  assert.is(fs.statSync(file).mode & 0o777, 0o600)
  const records = lines(file)
  assert.equal(records.map((record) => `${record.op} ${record.type} ${record.key} ${record.outcome}`).sort(), ['create tenant acme applied', 'create widget bad failed', 'create widget ok applied'])
  const failed = records.find((record) => record.key === 'bad')
  assert.is(failed.errorCode, 'PLUGIN_FAILED')
  for (const record of records) {
    for (const field of ['time', 'user', 'host', 'environment', 'projectId', 'operation', 'planFingerprint', 'toolVersion']) assert.ok(record[field], `${field} in ${JSON.stringify(record)}`)
    assert.ok('gitCommit' in record)
    assert.is(record.host, os.hostname())
    assert.is(record.environment, 'dev')
    assert.is(record.operation, 'sync')
    assert.match(record.planFingerprint, /^sha256:/)
  }
  assert.not.match(fs.readFileSync(file, 'utf8'), emulator.managementKey)

  // the next run appends
  await run(context, '--env', 'dev', '--apply')
  assert.ok(lines(file).length > records.length)
})

test('a refused apply is a line too', async (context) => {
  const result = await run(context, '--env', 'prod', '--apply')
  assert.is(result.code, 3)
  const [record] = lines(auditOf(context.project, context.prod, 'prod'))
  assert.is(record.op, 'apply')
  assert.is(record.outcome, 'refused')
  assert.is(record.errorCode, 'PROTECTED')
})

test('an audit log that cannot be written stops the apply before any write', async (context) => {
  const { emulator, project } = context
  fs.mkdirSync(auditOf(project, emulator, 'dev'), { recursive: true })
  const result = await run(context, '--env', 'dev', '--apply')
  assert.is(result.code, 1)
  assert.match(result.stderr, 'could not open the audit log')
  assert.match(result.stderr, 'nothing was applied')
  assert.is(emulator.log.filter(isWrite).length, 0)
})

test.run()
