// Where the SDKs disagree on the real API's answers, or nobody has published them (descope-java,
// descope-dotnet TenantTests; go-sdk IsNotFoundError), the toolkit must work with each: tenant load
// bare or wrapped in { tenant }, and "not found" as 404 or 400. A write whose answer is lost after
// it landed is verified against live through either.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator, type EmulatorOptions } from '../lib/emulator/index.ts'
import { cuttingProxy, type CuttingProxy } from './helpers/cutting-proxy.ts'
import { createProject, runTask, type Project } from './helpers/project.ts'
import { seedTenants } from './helpers/seed.ts'

const test = suite<{ project: Project; emulator?: Emulator; proxy?: CuttingProxy }>('real API variants')

test.before.each((context) => {
  context.project = createProject()
})
test.after.each(async (context) => {
  await context.proxy?.close()
  await context.emulator?.close()
  context.project.remove()
})

async function setUp(context: { project: Project; emulator?: Emulator; proxy?: CuttingProxy }, variants: EmulatorOptions['variants'], cutPath: string, tenants: string) {
  context.emulator = await startEmulator({ variants })
  // the first answer to cutPath is lost after the write landed
  context.proxy = await cuttingProxy(context.emulator.url, (_method, path, count) => path === cutPath && count === 1)
  context.project.write('environments/dev.yaml', `baseUrl: ${context.proxy.url}\nprojectId: ${context.emulator.projectId}\nmanagementKey: \${EMULATOR_KEY}\ntenants:\n${tenants}`)
  return (...args: string[]) => runTask('sync', ['--env', 'dev', ...args], { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator!.managementKey } })
}

for (const tenantLoad of ['bare', 'wrapped', 'both'] as const) {
  test(`a create whose answer was lost is verified through a tenant load answered ${tenantLoad}`, async (context) => {
    const sync = await setUp(context, { tenantLoad }, '/v1/mgmt/tenant/create', '  - { id: acme, name: Acme }\n')
    const result = await sync('--apply', '--json')
    assert.is(result.code, 0, result.stderr)
    assert.equal(context.proxy!.cut, ['POST /v1/mgmt/tenant/create'])
    const [change] = JSON.parse(result.stdout).changes
    assert.is(change.outcome, 'applied')
    assert.match(change.detail, 'verified')
    assert.equal(Object.keys(context.emulator!.state.tenants), ['acme'])
  })
}

for (const notFoundStatus of [404, 400] as const) {
  test(`a delete whose answer was lost is verified gone when "not found" is a ${notFoundStatus}`, async (context) => {
    const sync = await setUp(context, { notFoundStatus }, '/v1/mgmt/tenant/delete', '  - { id: keep, name: Keep }\n')
    seedTenants(context.emulator!, ['keep', 'gone'])
    const result = await sync('--apply', '--prune', '--allow-mass-delete', '--json')
    assert.is(result.code, 0, result.stderr)
    assert.equal(context.proxy!.cut, ['POST /v1/mgmt/tenant/delete'])
    const change = JSON.parse(result.stdout).changes.find((item: { op: string }) => item.op === 'delete')
    assert.is(change.outcome, 'applied', change.detail)
    assert.equal(Object.keys(context.emulator!.state.tenants), ['keep'])
  })
}

test.run()
