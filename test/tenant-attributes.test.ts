// Tenant custom attributes must be defined in the project first (terraform-provider-descope
// attributes/tenant.go). A value the environment does not define is refused before any request
// (test/fixtures/bad-input/tenant-attribute-*); one it defines but the project does not is refused
// by Descope, and the error names the tenant, the attribute and the fix.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'

const test = suite<{ emulator: Emulator; project: Project }>('tenant attributes')

const DEFINED = `tenantAttributes:
  - { id: plan, type: singleselect, options: [free, team] }
  - { id: region, name: Region, type: string }
`

test.before.each(async (context) => {
  // the project defines plan only; the files expect region too
  context.emulator = await startEmulator({ tenantAttributes: [{ id: 'plan', type: 'singleselect', options: ['free', 'team'] }] })
  context.project = createProject()
})
test.after.each(async (context) => {
  await context.emulator.close()
  context.project.remove()
})

const sync = (context: { emulator: Emulator; project: Project }, tenants: string, ...args: string[]) => {
  context.project.write('environments/dev.yaml', emulatorEnvironment(context.emulator, `${DEFINED}tenants:\n${tenants}`))
  return runTask('sync', ['--env', 'dev', ...args], { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator.managementKey } })
}

test('an attribute the project does not define is refused by Descope, and the error says which and what to do', async (context) => {
  const result = await sync(context, '  - { id: acme, name: Acme, customAttributes: { plan: team, region: eu } }\n  - { id: globex, name: Globex, customAttributes: { plan: free } }\n', '--apply', '--json')
  assert.is(result.code, 1, result.stderr)
  const changes = JSON.parse(result.stdout).changes as { key: string; outcome: string; detail?: string }[]
  const acme = changes.find((change) => change.key === 'acme')!
  assert.is(acme.outcome, 'failed')
  assert.match(acme.detail!, 'tenant "acme": Descope refused custom attribute "region"')
  assert.match(acme.detail!, 'If "region" is not defined in this project, define it in the Descope console (Tenants → Custom Attributes)')
  assert.match(acme.detail!, '(custom attribute "region" is not defined for tenants in this project)')
  assert.is(acme.detail!.split('failed (400').length, 2, 'the API\'s words once, not twice')
  assert.is(changes.find((change) => change.key === 'globex')!.outcome, 'applied', 'the other tenant is not held back')
  assert.equal(Object.keys(context.emulator.state.tenants), ['globex'])
})

test('with the attribute defined in the project, the same files apply', async (context) => {
  context.emulator.state.tenantAttributes!.push({ id: 'region', type: 'string' })
  const result = await sync(context, '  - { id: acme, name: Acme, customAttributes: { plan: team, region: eu } }\n', '--apply')
  assert.is(result.code, 0, result.stderr)
  assert.equal(context.emulator.state.tenants.acme!.customAttributes, { plan: 'team', region: 'eu' })
  assert.ok(context.emulator.log.some(isWrite))
})

test.run()
