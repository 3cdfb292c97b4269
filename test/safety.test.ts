// What keeps an apply safe whoever calls it: protection enforced in the library (a script
// cannot skip it by leaving an option out), and the guard on mass deletes.
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { backupStore, connect, createLogger, readBackup, restore, runPlan, sync, takeBackup, type Context } from '../lib/index.ts'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { planChanges } from '../lib/plan.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'
import { seedTenants } from './helpers/seed.ts'

interface Shared { emulator: Emulator; project: Project; ctx?: Context }
const test = suite<Shared>('safety')

test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({
    'environments/prod.yaml': emulatorEnvironment(context.emulator, 'tenants:\n  - { id: keep, name: Keep }\n'),
    'environments/dev.yaml': emulatorEnvironment(context.emulator, 'tenants:\n  - { id: keep, name: Keep }\n'),
  })
})
test.after.each(async (context) => {
  await context.ctx?.close()
  context.ctx = undefined
  await context.emulator.close()
  context.project.remove()
})

const open = async (context: Shared, env: string) => {
  context.ctx = await connect(env, { cwd: context.project.dir, log: createLogger({ quiet: true }), variables: { EMULATOR_KEY: context.emulator.managementKey } })
  return context.ctx
}

async function refusedWith(work: Promise<unknown>, code: string): Promise<void> {
  try {
    await work
  } catch (error) {
    assert.is((error as { code?: string }).code, code, String(error))
    return
  }
  assert.unreachable(`expected ${code}`)
}

test('sync, restore and runPlan from lib/index.ts refuse a protected environment unless confirmed', async (context) => {
  const ctx = await open(context, 'prod')
  const { emulator } = context
  const backupDir = path.join(context.project.dir, '.backups')
  await refusedWith(sync(ctx, { apply: true, prune: false, backupDir }), 'PROTECTED')
  await refusedWith(runPlan(ctx, { apply: true, operation: 'sync', types: ['tenant'], plan: (live) => planChanges(ctx.handlers, ctx.env, live, { prune: false }), backupDir }), 'PROTECTED')
  // 'ask' needs a terminal, which a test (or a cron job) does not have
  await refusedWith(sync(ctx, { apply: true, prune: false, confirm: 'ask', backupDir }), 'PROTECTED')
  const file = await takeBackup(ctx, 'manual', { dir: backupDir })
  seedTenants(emulator, ['stray'])
  await refusedWith(restore(ctx, readBackup(backupStore(ctx.config, backupDir), file), file, { apply: true, prune: true, backupDir }), 'PROTECTED')
  assert.is(emulator.log.filter(isWrite).length, 0, 'nothing was written')

  const confirmed = await sync(ctx, { apply: true, prune: false, confirm: 'yes', backupDir })
  assert.equal(confirmed.outcomes?.map((outcome) => outcome.status), ['applied'])
  assert.ok(emulator.state.tenants.keep)
})

test('a prune that would delete most of a type is refused, naming the counts; --allow-mass-delete lets it through', async ({ emulator, project }) => {
  seedTenants(emulator, Array.from({ length: 2000 }, (_, i) => `t${i}`))
  const run = (...args: string[]) => runTask('sync', ['--env', 'dev', ...args], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  const refused = await run('--apply', '--prune', '--json')
  assert.is(refused.code, 3, refused.stderr)
  assert.is(JSON.parse(refused.stdout).error.code, 'MASS_DELETE')
  assert.match(refused.stderr, 'the plan would delete 2000 of 2000 live tenants (more than deleteGuard.maxCount (25), and more than deleteGuard.maxShare (50%) of them)')
  assert.match(refused.stderr, '--allow-mass-delete')
  assert.is(emulator.log.filter(isWrite).length, 0)
  assert.is(Object.keys(emulator.state.tenants).length, 2000)
  const plan = await run('--prune')
  assert.is(plan.code, 3, 'a plan that would be refused is refused when only shown, too')
})

test('the share rule: 2 of 3 live tenants is too many, 1 of 3 is not; deletes stand out in the summary', async ({ emulator, project }) => {
  seedTenants(emulator, ['keep', 'a', 'b'])
  const run = (...args: string[]) => runTask('sync', ['--env', 'dev', ...args], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  const refused = await run('--prune')
  assert.is(refused.code, 3)
  assert.match(refused.stderr, 'would delete 2 of 3 live tenants (more than deleteGuard.maxShare (50%) of them)')
  const allowed = await run('--prune', '--allow-mass-delete')
  assert.is(allowed.code, 0, allowed.stderr)
  assert.match(allowed.stdout, 'Plan: 0 to create, 1 to update, 2 to DELETE (2 tenant)')
  delete emulator.state.tenants.b
  const one = await run('--prune', '--apply')
  assert.is(one.code, 0, one.stderr)
  assert.not.ok(emulator.state.tenants.a)
})

test.run()
