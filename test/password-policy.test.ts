// The password policy (plugins/password-policy.ts): one per project, declared as a mapping,
// updated in place, changed out of band through the official SDK and named by drift field by
// field, and restored into a second project with an empty next plan.
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import passwordPolicy, { DEFAULT_PASSWORD_POLICY } from '../plugins/password-policy.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'

const test = suite<{ a: Emulator; b: Emulator; project: Project }>('password policy')

const POLICY = 'passwordPolicy: { minLength: 12, nonAlphaNumeric: true, lock: true, lockAttempts: 5 }\n'

test.before.each(async (context) => {
  context.a = await startEmulator({ plugins: [passwordPolicy()] })
  context.b = await startEmulator({ plugins: [passwordPolicy()], projectId: 'P2emulatorSecondProject00001' })
  context.project = createProject({
    'environments/a.yaml': emulatorEnvironment(context.a, POLICY),
    'environments/b.yaml': emulatorEnvironment(context.b),
  }, configWithTestPlugins({ 'password-policy': '' }))
})
test.after.each(async (context) => {
  await Promise.all([context.a.close(), context.b.close()])
  context.project.remove()
})

const policyOf = (emulator: Emulator) => (emulator.state.plugins['password-policy'] as { project: Record<string, unknown> }).project
const run = (context: { a: Emulator; b: Emulator; project: Project }, env: 'a' | 'b', task: string, ...args: string[]) => {
  const [command, rest] = task === 'backup' ? [[args[0]!], args.slice(1)] : [[], args]
  return runTask(task, [...command, '--env', env, ...rest], { cwd: context.project.dir, env: { EMULATOR_KEY: (env === 'a' ? context.a : context.b).managementKey } })
}

test('the policy is updated (never created), the fields left out keep their values, and the next plan is empty', async (context) => {
  const plan = await run(context, 'a', 'sync')
  assert.match(plan.stdout, '~ update passwordPolicy "project"')
  assert.match(plan.stdout, 'minLength: 8 → 12')
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal(policyOf(context.a), { ...DEFAULT_PASSWORD_POLICY, minLength: 12, nonAlphaNumeric: true, lock: true, lockAttempts: 5 })
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

test('changed through the SDK: drift names exactly that field, and sync puts it back', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const sdk = DescopeClient({ projectId: context.a.projectId, managementKey: context.a.managementKey, baseUrl: context.a.url }).management
  const current = await sdk.password.getSettings('')
  assert.ok(current.ok)
  assert.ok((await sdk.password.configureSettings('', { ...current.data!, lockAttempts: 9 })).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['project', ['lockAttempts']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.is(policyOf(context.a).lockAttempts, 5)
})

test('a policy that is not a mapping, or out of range, is refused before any request', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'passwordPolicy: { minLength: 2, lockAttempts: 0 }\n'))
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3)
  assert.equal(JSON.parse(result.stdout).error.issues.map((issue: { path: string }) => issue.path), ['passwordPolicy.minLength', 'passwordPolicy.lockAttempts'])
})

test('a backup restored into another project gives it the same policy; the next plan is empty', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const backup = JSON.parse((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  assert.is((await run(context, 'b', 'backup', 'restore', backup, '--apply')).code, 0)
  assert.equal(policyOf(context.b), policyOf(context.a))
  assert.equal(JSON.parse((await run(context, 'b', 'backup', 'restore', backup, '--json')).stdout).changes, [])
  assert.is((await run(context, 'b', 'drift', '--against', 'a')).code, 0)
})

test.run()
