// Permissions and roles are created in batches (one request for the creates that are ready
// together), and still each item is created exactly once with an outcome of its own: a batch
// whose answer was lost is checked against live, and one refused whole is finished one by one.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { cuttingProxy, type CuttingProxy, type Refusal } from './helpers/cutting-proxy.ts'
import { createProject, runTask, type Project } from './helpers/project.ts'

const test = suite<{ project: Project; emulator: Emulator; proxy?: CuttingProxy }>('batch creates')

const PERMISSIONS = Array.from({ length: 12 }, (_, i) => `p${i}`)
const DECLARED = `permissions:\n${PERMISSIONS.map((name) => `  - { name: ${name}, description: ${name} }`).join('\n')}
roles:
  - { name: Reader, permissionNames: [p0] }
  - { name: Writer, permissionNames: [p0, p1] }
tenants:
  - { id: acme, name: Acme, defaultRoles: [Reader] }
`

test.before.each(async (context) => {
  context.project = createProject()
  context.emulator = await startEmulator({ blank: true })
})
test.after.each(async (context) => {
  await context.proxy?.close()
  await context.emulator.close()
  context.project.remove()
})

async function sync(context: { project: Project; emulator: Emulator; proxy?: CuttingProxy }, options: { cut?: string; refuse?: (path: string, count: number) => Refusal | undefined } = {}) {
  context.proxy = await cuttingProxy(context.emulator.url, (_method, path, count) => path === options.cut && count === 1, (_method, path, count) => options.refuse?.(path, count))
  context.project.write('environments/dev.yaml', `baseUrl: ${context.proxy.url}\nprojectId: ${context.emulator.projectId}\nmanagementKey: \${EMULATOR_KEY}\n${DECLARED}`)
  const result = await runTask('sync', ['--env', 'dev', '--apply', '--json'], { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator.managementKey } })
  return { result, document: JSON.parse(result.stdout) as { changes: { type: string; key: string; outcome: string; detail?: string }[]; summary: Record<string, number> } }
}

const writes = (emulator: Emulator) => emulator.log.filter(isWrite).map((entry) => entry.path.replace('/v1/mgmt/', ''))
const names = (emulator: Emulator) => Object.values(emulator.state.permissions).map((permission) => permission.name).sort()

test('the permissions go out in one request, the roles in another, each item with its own outcome', async (context) => {
  const { result, document } = await sync(context)
  assert.is(result.code, 0, result.stderr)
  assert.equal(writes(context.emulator), ['permission/create/batch', 'role/create/batch', 'tenant/create', 'tenant/updateDefaultRoles'])
  assert.equal(document.changes.filter((change) => change.type === 'permission').map((change) => change.outcome), PERMISSIONS.map(() => 'applied'))
  assert.equal(names(context.emulator), [...PERMISSIONS].sort())
})

test('a batch whose answer was lost after it landed is verified against live: nothing is created twice', async (context) => {
  const { result, document } = await sync(context, { cut: '/v1/mgmt/permission/create/batch' })
  assert.is(result.code, 0, result.stderr)
  assert.equal(context.proxy!.cut, ['POST /v1/mgmt/permission/create/batch'])
  const permissions = document.changes.filter((change) => change.type === 'permission')
  assert.ok(permissions.every((change) => change.outcome === 'applied' && /verified/.test(change.detail ?? '')), JSON.stringify(permissions))
  assert.not.ok(writes(context.emulator).includes('permission/create'), 'no item was sent again on its own')
  assert.equal(names(context.emulator), [...PERMISSIONS].sort())
})

test('a batch refused whole is finished one item at a time, and the one the API refuses fails alone', async (context) => {
  const { result, document } = await sync(context, {
    refuse: (path, count) => {
      if (path === '/v1/mgmt/permission/create/batch') return { status: 400, body: { errorCode: 'E011003', errorDescription: 'Request is invalid', errorMessage: 'batch refused' } }
      // the API refuses p3 on its own too; the rest it takes
      if (path === '/v1/mgmt/permission/create' && count === 4) return { status: 400, body: { errorCode: 'E011003', errorDescription: 'Request is invalid', errorMessage: 'permission p3 refused' } }
      return undefined
    },
  })
  assert.is(result.code, 1, result.stderr)
  const outcome = (key: string) => document.changes.find((change) => change.key === key)!
  assert.is(outcome('p3').outcome, 'failed')
  assert.match(outcome('p3').detail!, 'permission p3 refused')
  for (const name of PERMISSIONS.filter((name) => name !== 'p3')) assert.is(outcome(name).outcome, 'applied', name)
  assert.is(outcome('Reader').outcome, 'applied', 'a role whose permissions were all created goes on')
  assert.equal(names(context.emulator), PERMISSIONS.filter((name) => name !== 'p3').sort())
})

test('a batch refused for the rate limit fails whole: no item is sent again on its own', async (context) => {
  const { result, document } = await sync(context, {
    // a Retry-After past retry.maxRetryAfterMs: the client gives up at once
    refuse: (path) => (path === '/v1/mgmt/permission/create/batch' ? { status: 429, headers: { 'retry-after': '3600' }, body: { errorCode: 'E130429', errorDescription: 'https://docs.descope.com/rate-limit' } } : undefined),
  })
  assert.is(result.code, 1, result.stderr)
  const permissions = document.changes.filter((change) => change.type === 'permission')
  assert.ok(permissions.every((change) => change.outcome === 'failed' && /429/.test(change.detail ?? '')), JSON.stringify(permissions))
  assert.not.ok(writes(context.emulator).includes('permission/create'), 'no single create after a 429')
  assert.equal(names(context.emulator), [])
  assert.ok(document.changes.filter((change) => change.type === 'role').every((change) => change.outcome === 'skipped'), 'the roles that need them are skipped')
})

test.run()
