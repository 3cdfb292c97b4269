// The end-to-end suite: the tasks in the order a user runs them (plan, apply, drift, a backup, a
// change made by hand through @descope/node-sdk that drift names and a restore plan puts back,
// then cleanup), on an emulator of its own, or on a real project when DESCOPE_TEST_PROJECT_ID
// and DESCOPE_TEST_MANAGEMENT_KEY are set (test/helpers/target.ts; README "Running the
// end-to-end tests against a real project"). Each test builds on the one before.
//
// So that it can run on a project others use, the suite declares only permissions, roles and
// tenants, each under this run's prefix: no project-wide singleton (theme, password policy,
// project name) and nothing that makes a secret (access keys). It never passes --prune: the
// project's other items are unmanaged, which sync leaves alone and drift without --strict only
// lists. What it asserts, it asserts about its own items; on the emulator, about everything.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { redact } from '../lib/report/secrets.ts'
import { createProject, REPO, runTask, type Project, type TaskResult } from './helpers/project.ts'
import { eventually, liveOurs, openTarget, sdkCall, targetSettings, type Target } from './helpers/target.ts'

// half a configuration stops the file here, before any test: uvu 0.5 would swallow it in a
// `before` hook (its runner returns from `finally`) and exit 0 with nothing run
const settings = targetSettings()

interface Context { target: Target; project: Project; backup: string; setupFailed?: unknown }
const test = suite<Context>('end to end')

/** the shipped throttle and retry on a real project (100 requests a minute, Retry-After waited out); the tests' quick ones on the emulator */
const config = (mode: Target['mode']) => `
import { defineConfig } from '${REPO}/lib/index.ts'
import permissions from '${REPO}/plugins/permissions.ts'
import roles from '${REPO}/plugins/roles.ts'
import tenants from '${REPO}/plugins/tenants.ts'
export default defineConfig({
  plugins: [permissions(), roles(), tenants()],
  ${mode === 'real'
    ? 'throttle: { limit: 100, intervalMs: 60_000 },\n  retry: { limit: 6, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000 },'
    : 'throttle: { limit: 1000, intervalMs: 1000 },\n  retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 10000 },'}
})
`

/** environments/e2e.yaml: this run's items only, the key by reference (never in a file) */
const environment = ({ baseUrl, projectId, prefix: p }: Target) => `baseUrl: ${baseUrl}
projectId: ${projectId}
managementKey: \${E2E_MANAGEMENT_KEY}
permissions:
  - { name: ${p}docs.read, description: read the documents }
  - { name: ${p}docs.write }
roles:
  - { name: ${p}Reader, permissionNames: [${p}docs.read] }
  - { name: ${p}Writer, description: writes, permissionNames: [${p}docs.read, ${p}docs.write] }
tenants:
  - { id: ${p}acme, name: ${p}Acme, defaultRoles: [${p}Reader] }
  - { id: ${p}globex, name: ${p}Globex }
`

test.before(async (context) => {
  try {
    context.target = await openTarget(settings)
    const { mode, projectId, baseUrl, prefix } = context.target
    if (mode === 'real') {
      process.stdout.write(`\n  e2e: real project ${projectId} at ${baseUrl}, items under ${prefix}\n`)
      const swept = await context.target.cleanUp()
      if (swept.length) process.stdout.write(`  e2e: removed ${swept.length} leftovers of earlier runs, over an hour old: ${swept.join(', ')}\n`)
    }
    context.project = createProject({ 'environments/e2e.yaml': environment(context.target) }, config(mode))
  } catch (error) {
    context.setupFailed = error
  }
})
// a set-up that failed (the project unreachable, the key refused) fails every test, loudly
test.before.each((context) => {
  if (context.setupFailed) throw context.setupFailed
})

// whatever failed before: nothing of this run stays on the project
test.after(async (context) => {
  try {
    if (context.target) await context.target.cleanUp()
  } catch (error) {
    // said, not thrown: uvu would end the file on it without reporting the tests' failures
    process.exitCode = 1
    process.stderr.write(redact(`\n  e2e: the cleanup failed (${String(error)}): items under ${context.target.prefix} may be left on the project; the next run removes them once they are an hour old\n`))
  } finally {
    context.project?.remove()
    await context.target?.close()
  }
})

const run = (context: Context, task: string, ...args: string[]): Promise<TaskResult> => {
  const [command, rest] = task === 'backup' ? [[args[0]!], args.slice(1)] : [[], args]
  return runTask(task, [...command, '--env', 'e2e', ...rest], {
    cwd: context.project.dir,
    env: { E2E_MANAGEMENT_KEY: context.target.managementKey },
    timeoutMs: context.target.mode === 'real' ? 600_000 : 60_000,
  })
}
const json = (result: TaskResult) => JSON.parse(result.stdout)
/** what a failure shows: the task's output, no key in it */
const output = (result: TaskResult) => redact(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
const mine = (context: Context) => (entry: { key: string }) => entry.key.startsWith(context.target.prefix)
/** this run's changes; on the emulator, which nobody else writes to, there must be no others */
function changesOf(context: Context, result: TaskResult) {
  const all = json(result).changes as Array<{ op: string; type: string; key: string; outcome?: string }>
  if (context.target.mode === 'emulator') assert.equal(all.filter((change) => !mine(context)(change)), [], output(result))
  return all.filter(mine(context))
}

test('sync plans the creates of exactly the declared items and writes nothing', async (context) => {
  const p = context.target.prefix
  const plan = await run(context, 'sync', '--json')
  assert.is(plan.code, 0, output(plan))
  const all = json(plan).changes as Array<{ op: string; type: string; key: string }>
  assert.equal(all.filter((change) => !mine(context)(change)), [], 'nothing outside the prefix is planned')
  assert.equal(all.map((change) => `${change.op} ${change.type} ${change.key}`).sort(), [
    `create permission ${p}docs.read`, `create permission ${p}docs.write`,
    `create role ${p}Reader`, `create role ${p}Writer`,
    `create tenant ${p}acme`, `create tenant ${p}globex`,
  ])
  assert.equal(await liveOurs(context.target), [], 'a plan writes nothing')
})

test('sync --apply creates them; the next plan is empty', async (context) => {
  const applied = await run(context, 'sync', '--apply', '--json')
  assert.is(applied.code, 0, output(applied))
  const changes = changesOf(context, applied)
  assert.is(changes.length, 6, output(applied))
  assert.ok(changes.every((change) => change.outcome === 'applied'), output(applied))
  const next = await eventually(context.target, () => run(context, 'sync', '--json'), (result) => result.code === 0 && !json(result).changes.length)
  assert.is(next.code, 0, output(next))
  assert.equal(json(next).changes, [], output(next))
})

test('drift: the declared items match; the project\'s other items are unmanaged, exit 0', async (context) => {
  const drift = await run(context, 'drift', '--json')
  assert.is(drift.code, 0, output(drift))
  const differences = json(drift).differences as Array<{ key: string; kind: string }>
  assert.equal(differences.filter(mine(context)), [])
  assert.ok(differences.every((difference) => difference.kind === 'unmanaged'), output(drift))
})

test('backup create holds the items', async (context) => {
  const created = await run(context, 'backup', 'create', '--json')
  assert.is(created.code, 0, output(created))
  context.backup = json(created).backup
  const restore = await run(context, 'backup', 'restore', context.backup, '--json')
  assert.is(restore.code, 0, output(restore))
  assert.equal(changesOf(context, restore), [], 'restoring a backup just taken changes nothing')
})

test('a role changed by hand through node-sdk: drift names exactly it, a restore plan and sync put it back', async (context) => {
  const p = context.target.prefix
  const { sdk } = context.target
  await sdkCall('update role', () => sdk.role.update(`${p}Writer`, `${p}Writer`, 'writes', [`${p}docs.read`]))

  const drift = await eventually(context.target, () => run(context, 'drift', '--json'), (result) => result.code === 2)
  assert.is(drift.code, 2, output(drift))
  const differences = (json(drift).differences as Array<{ type: string; key: string; kind: string; paths: string[] }>).filter(mine(context))
  assert.equal(differences.map((d) => [d.type, d.key, d.kind, d.paths]), [['role', `${p}Writer`, 'changed', ['permissionNames']]])

  const restore = await run(context, 'backup', 'restore', context.backup, '--json')
  assert.is(restore.code, 0, output(restore))
  assert.equal(changesOf(context, restore).map((c) => `${c.op} ${c.type} ${c.key}`), [`update role ${p}Writer`],
    'the plan back to the backup is that role (on a shared project, only a restore plan: an apply could write what others changed since)')

  const fixed = await run(context, 'sync', '--apply', '--json')
  assert.is(fixed.code, 0, output(fixed))
  assert.equal(changesOf(context, fixed).map((c) => `${c.op} ${c.type} ${c.key} ${c.outcome}`), [`update role ${p}Writer applied`])
  const after = await eventually(context.target, () => run(context, 'drift', '--json'), (result) => result.code === 0)
  assert.is(after.code, 0, output(after))
})

test('cleanup removes every item of this run', async (context) => {
  const removed = await context.target.cleanUp()
  assert.is(removed.filter((key) => key.split(' ')[1]!.startsWith(context.target.prefix)).length, 6, removed.join(', '))
  const left = await eventually(context.target, () => liveOurs(context.target), (keys) => !keys.length)
  assert.equal(left, [])
})

test.run()
