// The password policy (plugins/password-policy.ts): one per project, declared as a mapping,
// updated in place, changed out of band through the official SDK and named by drift field by
// field, and restored into a second project with an empty next plan.
import DescopeClient from '@descope/node-sdk'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import passwordPolicy, { DEFAULT_PASSWORD_POLICY } from '../plugins/password-policy.ts'
import { emulatorEnvironment } from './helpers/project.ts'


const POLICY = 'passwordPolicy: { minLength: 12, nonAlphaNumeric: true, lock: true, lockAttempts: 5 }\n'

const test = twoProjectSuite('password policy', passwordPolicy, 'password-policy', POLICY)

const policyOf = (emulator: Emulator) => (emulator.state.plugins['password-policy'] as { project: Record<string, unknown> }).project
const run = runIn

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
  await restoreIntoSecond(context)
  assert.equal(policyOf(context.b), policyOf(context.a))
})

test.run()
