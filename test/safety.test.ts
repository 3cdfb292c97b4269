// What keeps an apply safe whoever calls it: protection enforced in the library (a script
// cannot skip it by leaving an option out), and the guard on mass deletes.
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { backupStore, connect, createLogger, readBackup, restore, runPlan, sync, takeBackup, type Context } from '../lib/index.ts'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { acquireLock } from '../lib/run/lock.ts'
import { planChanges } from '../lib/engine/plan.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'
import { seedTenants } from './helpers/seed.ts'

/** `emulator` is prod's project, `dev` another one */
interface Shared { emulator: Emulator; dev: Emulator; project: Project; ctx?: Context }
const test = suite<Shared>('safety')

test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.dev = await startEmulator({ projectId: 'P2emulatorDevProject00000002' })
  context.project = createProject({
    'environments/prod.yaml': emulatorEnvironment(context.emulator, 'tenants:\n  - { id: keep, name: Keep }\n'),
    'environments/dev.yaml': emulatorEnvironment(context.dev, 'tenants:\n  - { id: keep, name: Keep }\n'),
  })
})
test.after.each(async (context) => {
  await context.ctx?.close()
  context.ctx = undefined
  await Promise.all([context.emulator.close(), context.dev.close()])
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
  await refusedWith(runPlan(ctx, { apply: true, operation: 'sync', read: { types: ['tenant'], only: new Map() }, plan: (live) => planChanges(ctx.handlers, ctx.env, live, { prune: false }), backupDir }), 'PROTECTED')
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

test('a copy of prod is prod: through extends, by project id, whatever the case of its name', async ({ emulator, dev, project }) => {
  project.write('environments/prodcopy.yaml', 'extends: prod.yaml\n')
  project.write('environments/sameproject.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: keep, name: Keep }\n'))
  project.write('environments/Prod.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: keep, name: Keep }\n'))
  fs.symlinkSync(path.join(project.dir, 'environments/prod.yaml'), path.join(project.dir, 'environments/shared.yaml'))
  project.write('environments/linked.yaml', 'extends: shared.yaml\nmanagementKey: ${OTHER_KEY}\n')
  // protected by its own file, not by the config's list: another file naming that project is protected too
  project.write('environments/vault.yaml', `${emulatorEnvironment(dev, '')}protected: true\n`)
  const because: Record<string, string> = {
    dev: 'it names the same project as the protected environment "vault"',
    prodcopy: 'it extends prod.yaml, a protected environment',
    sameproject: 'it names the same project as the protected environment "',
    linked: 'it extends prod.yaml, a protected environment',
    Prod: 'protectedEnvironments names it',
  }
  for (const [env, reason] of Object.entries(because)) {
    const result = await runTask('sync', ['--env', env, '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey, OTHER_KEY: emulator.managementKey } })
    assert.is(result.code, 3, `${env}: ${result.stderr}`)
    assert.is(JSON.parse(result.stdout).error.code, 'PROTECTED', env)
    assert.match(result.stderr, `(${reason}`)
  }
  assert.is(emulator.log.filter(isWrite).length + dev.log.filter(isWrite).length, 0)
  // a protected file that cannot be read now protects what it may name: fail closed
  fs.renameSync(path.join(project.dir, 'environments/vault.yaml'), path.join(project.dir, 'vault.yaml.aside'))
  const prodFile = path.join(project.dir, 'environments/prod.yaml')
  const prodText = fs.readFileSync(prodFile, 'utf8')
  fs.writeFileSync(prodFile, 'tenants: [\n')
  const unreadable = await runTask('sync', ['--env', 'dev', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  assert.is(unreadable.code, 3, unreadable.stderr)
  assert.match(unreadable.stderr, 'the protected environment "prod" cannot be read now (')
  assert.is(dev.log.filter(isWrite).length, 0)
  fs.writeFileSync(prodFile, prodText)
  // and a copy cannot unprotect itself
  project.write('environments/prodcopy.yaml', 'extends: prod.yaml\nprotected: false\n')
  const unprotected = await runTask('sync', ['--env', 'prodcopy'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  assert.is(unprotected.code, 3)
  assert.match(unprotected.stderr, 'protected: cannot be false: environment "prodcopy" is protected (it extends prod.yaml, a protected environment)')
})

test('one apply per project: another environment file for the same project waits its turn', async ({ dev: emulator, project }) => {
  const previous = process.env.DESCOPE_LOCK_DIR
  process.env.DESCOPE_LOCK_DIR = path.join(project.dir, '.locks')
  const release = acquireLock(emulator.projectId)
  try {
    // the lock is this test process's: the run must be another process
    const result = await runTask('sync', ['--env', 'dev', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, spawn: true })
    assert.is(result.code, 1, result.stderr)
    assert.is(JSON.parse(result.stdout).error.code, 'LOCKED')
    assert.match(result.stderr, `another apply to this project is running (pid ${process.pid}`)
  } finally {
    release()
    process.env.DESCOPE_LOCK_DIR = previous
  }
  assert.is(emulator.log.filter(isWrite).length, 0)
})

test('a prune that would delete most of a type is refused, naming the counts; --allow-mass-delete lets it through', async ({ dev: emulator, project }) => {
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

test('the share rule: 2 of 3 live tenants is too many, 1 of 3 is not; deletes stand out in the summary', async ({ dev: emulator, project }) => {
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
