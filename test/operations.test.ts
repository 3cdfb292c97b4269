// Typed operations for scripts (ctx.ops): the same handlers, checks and client a sync uses,
// typed per configured type, so a field name with a typo does not type-check (tsc runs on this
// file in CI: the @ts-expect-error lines fail the build if the typo ever type-checks).
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import type { ConfigError as ConfigErrorClass } from '../lib/errors.ts'
import type { Context } from '../lib/run/context.ts'
import accessKeys from '../plugins/access-keys.ts'
import connectors from './plugins/connectors.ts'
import type { Operations } from '../lib/run/operations.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, REPO, type Project } from './helpers/project.ts'

// loaded as the config and its plugins are (an ES module through tsx), so that the plugins'
// `instanceof ApiError` sees the client's errors: one copy of lib/, as a script run by tsx has
const lib = async () => ({
  connect: (await import(pathToFileURL(path.join(REPO, 'lib/run/context.ts')).href)).connect as typeof import('../lib/run/context.ts').connect,
  ConfigError: (await import(pathToFileURL(path.join(REPO, 'lib/errors.ts')).href)).ConfigError as typeof ConfigErrorClass,
})

const test = suite<{ emulator: Emulator; project: Project; ctx: Context }>('typed operations')

test.before.each(async (context) => {
  context.emulator = await startEmulator({ plugins: [accessKeys(), connectors()] })
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment(context.emulator) },
    configWithTestPlugins({ 'access-keys': '', connectors: '' }))
  context.ctx = await (await lib()).connect('dev', { cwd: context.project.dir, variables: { EMULATOR_KEY: context.emulator.managementKey } })
})
test.after.each(async (context) => {
  await context.ctx.close()
  await context.emulator.close()
  context.project.remove()
})

test('create, list, get, update and delete a tenant, typed as Tenant', async ({ ctx, emulator }) => {
  const tenants = ctx.ops('tenant')
  await tenants.create({ id: 'acme', name: 'Acme', customAttributes: { plan: 'trial' } })
  const [acme] = (await tenants.list()).filter((tenant) => tenant.id === 'acme')
  assert.is(acme!.name, 'Acme')
  // @ts-expect-error a typo in a field name does not type-check
  assert.is(acme!.nmae, undefined)
  // update sets what it declares and keeps the rest, as a sync does
  await tenants.update({ id: 'acme', name: 'Acme', disabled: true })
  assert.equal(emulator.state.tenants.acme!.customAttributes, { plan: 'trial' })
  assert.is(emulator.state.tenants.acme!.disabled, true)
  assert.is((await tenants.get('acme'))!.item.disabled, true)
  await tenants.delete('acme')
  assert.is(await tenants.get('acme'), undefined)
})

test('an item of the wrong shape is refused before any request, naming the field', async ({ ctx, emulator }) => {
  const { ConfigError } = await lib()
  const before = emulator.log.length
  try {
    // @ts-expect-error name must be a string
    await ctx.ops('tenant').create({ id: 'acme', name: 42 })
    assert.unreachable('should refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.is((error as ConfigErrorClass).code, 'ITEM_INVALID')
    assert.is((error as ConfigErrorClass).issues[0]!.path, 'name')
  }
  assert.is(emulator.log.length, before)
})

test('a type with server ids: get() gives the id, and update() and delete() reach it', async ({ ctx, emulator }) => {
  const connectors = ctx.ops('connector')
  await connectors.create({ name: 'billing', url: 'https://billing.example.com/hook' })
  const current = await connectors.get('billing')
  // read anew each time: a change replaces the plugin's state whole
  const stored = () => (emulator.state.plugins['test-connectors'] as { connectors: Record<string, { url: string }> }).connectors
  assert.equal(Object.keys(stored()), [current!.id])
  assert.not.ok('id' in current!.item, 'the normalized item holds no server field')
  await connectors.update({ name: 'billing', url: 'https://billing.example.com/v2' })
  assert.is(stored()[current!.id!]!.url, 'https://billing.example.com/v2')
  await connectors.delete('billing')
  assert.equal(Object.keys(stored()), [])
  // @ts-expect-error a type no plugin declares is not an operation
  assert.throws(() => ctx.ops('conector'), /no configured plugin handles "conector"/)
})

test('a value shown once by a create is kept out of every log line from then on', async ({ ctx }) => {
  const { redact } = await import(pathToFileURL(path.join(REPO, 'lib/report/secrets.ts')).href) as typeof import('../lib/report/secrets.ts')
  // access keys are not in ResourceTypes (see test/plugins/access-keys.ts): untyped here
  const keys = (ctx.ops as unknown as (type: string) => Operations<{ name: string }>)('accessKey')
  const created = await keys.create({ name: 'ci-deployer' })
  const cleartext = (created as { secrets: { cleartext: string } }).secrets.cleartext
  assert.is(redact(`the key is ${cleartext}`), 'the key is [redacted]')
})

test.run()
