import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import DescopeClient from '@descope/node-sdk'
import { startEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from '../lib/emulator/index.ts'
import { resetState, waitFor } from './helpers/emulator-http.ts'

// The official @descope/node-sdk 2.13.0 run against the emulator, for every tenant method the
// emulator serves: the SdkResponse ({ok, code, data, error}) must come out as descope-api.md §5
// describes. Faults use 500 and 429 only: node-sdk retries 503/52x with 5 s delays (§4.3).

type Sdk = ReturnType<typeof DescopeClient>

interface Context {
  emulator: Emulator
  mgmt: Sdk['management']
  handshake: RequestLogEntry | undefined
}

function clientFor(emulator: Emulator): Sdk {
  return DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url })
}

/** node-sdk fires the license handshake at construction without awaiting it (§1.3). */
async function licenseHandshake(emulator: Emulator): Promise<RequestLogEntry | undefined> {
  const find = () => emulator.log.find((entry) => entry.path === '/v1/mgmt/license')
  await waitFor(() => find() !== undefined, 'the license handshake')
  return find()
}

const Sdk = suite<Context>('node-sdk tenant methods', {} as Context)

Sdk.before(async (ctx) => {
  ctx.emulator = await startEmulator()
  ctx.mgmt = clientFor(ctx.emulator).management
  ctx.handshake = await licenseHandshake(ctx.emulator)
})
Sdk.before.each(({ emulator }) => resetState(emulator))
Sdk.after(async ({ emulator }) => emulator.close())

Sdk('the license handshake arrived and succeeded', ({ handshake }) => {
  assert.equal(handshake, { method: 'GET', path: '/v1/mgmt/license', status: 200, outcome: 'handled' })
})

Sdk('create → {id}; createWithId → {id}', async ({ mgmt }) => {
  const created = await mgmt.tenant.create('Acme', ['acme.com'], { plan: 'pro' }, true, false, undefined, 'userOnly')
  assert.is(created.ok, true)
  assert.is(created.code, 200)
  assert.match(created.data?.id ?? '', /^T2/)

  // node types createWithId's data as `never`; the emulator answers {id} as create does.
  const withId = await mgmt.tenant.createWithId('beta', 'Beta', [], {}, false, false, created.data?.id)
  assert.is(withId.ok, true)
  assert.is(withId.code, 200)
  assert.equal(withId.data as unknown, { id: 'beta' })
})

Sdk('load → the bare tenant; loadAll → data is the array', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme', ['acme.com'], { plan: 'pro', seats: 3 })
  await mgmt.tenant.createWithId('kid', 'Kid', undefined, undefined, undefined, undefined, 'acme')

  const loaded = await mgmt.tenant.load('acme')
  assert.is(loaded.ok, true)
  assert.is(loaded.code, 200)
  assert.is(loaded.data?.id, 'acme')
  assert.is(loaded.data?.name, 'Acme')
  assert.equal(loaded.data?.selfProvisioningDomains, ['acme.com'])
  assert.equal(loaded.data?.customAttributes, { plan: 'pro', seats: 3 })
  assert.type(loaded.data?.createdTime, 'number')
  // successors is in the wire shape (§3.1) but not in node's Tenant type
  assert.equal((loaded.data as unknown as { successors: string[] }).successors, ['kid'])

  const all = await mgmt.tenant.loadAll()
  assert.is(all.ok, true)
  assert.is(all.code, 200)
  assert.ok(Array.isArray(all.data))
  assert.equal(all.data?.map((tenant) => tenant.id), ['acme', 'kid'])
})

Sdk('update → ok, and replaces omitted fields', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme', ['acme.com'], { plan: 'pro' }, true)
  const updated = await mgmt.tenant.update('acme', 'Acme Corp')
  assert.is(updated.ok, true)
  assert.is(updated.code, 200)
  assert.equal(updated.data as unknown, {})
  const loaded = await mgmt.tenant.load('acme')
  assert.is(loaded.data?.name, 'Acme Corp')
  assert.equal(loaded.data?.selfProvisioningDomains, [])
  assert.is(loaded.data?.enforceSSO, false)
})

Sdk('updateDefaultRoles → ok, visible on load', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme')
  const response = await mgmt.tenant.updateDefaultRoles('acme', ['viewer'])
  assert.is(response.ok, true)
  assert.is(response.code, 200)
  assert.equal((await mgmt.tenant.load('acme')).data?.defaultRoles, ['viewer'])
})

Sdk('delete → ok, then load is a 404 error', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme')
  const deleted = await mgmt.tenant.delete('acme', true)
  assert.is(deleted.ok, true)
  assert.is(deleted.code, 200)

  const missing = await mgmt.tenant.load('acme')
  assert.is(missing.ok, false)
  assert.is(missing.code, 404)
  assert.is(missing.data, undefined)
  // E990404 is the emulator's invented code: the real not-found code is UNCONFIRMED (§4.2)
  assert.is(missing.error?.errorCode, 'E990404')
  assert.type(missing.error?.errorDescription, 'string')
  assert.match(missing.error?.errorMessage ?? '', 'acme')
})

Sdk('searchAll → data is the matching array', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('a', 'A', ['a.com'], { plan: 'pro' })
  await mgmt.tenant.createWithId('b', 'B', ['b.com'], { plan: 'free' })
  await mgmt.tenant.createWithId('c', 'C', [], { plan: 'pro' }, false, false, 'a')

  const byAttribute = await mgmt.tenant.searchAll(undefined, undefined, undefined, { plan: 'pro' })
  assert.is(byAttribute.ok, true)
  assert.is(byAttribute.code, 200)
  assert.equal(byAttribute.data?.map((tenant) => tenant.id), ['a', 'c'])
  assert.equal((await mgmt.tenant.searchAll(['a', 'b'], ['B'])).data?.map((t) => t.id), ['b'])
  assert.equal((await mgmt.tenant.searchAll(undefined, undefined, ['A.com'])).data?.map((t) => t.id), ['a'])
  assert.equal((await mgmt.tenant.searchAll(undefined, undefined, undefined, undefined, 'a')).data?.map((t) => t.id), ['c'])
  assert.equal((await mgmt.tenant.searchAll()).data?.length, 3)
})

Sdk('configureSettings (node spelling) → ok; getSettings → the bare settings object', async ({ mgmt }) => {
  await mgmt.tenant.createWithId('acme', 'Acme', ['acme.com'])
  const configured = await mgmt.tenant.configureSettings('acme', {
    selfProvisioningDomains: ['acme.com', 'acme.io'],
    enabled: true,
    sessionTokenExpiration: 30,
    sessionTokenExpirationUnit: 'minutes',
    enableInactivity: true,
    InactivityTime: 2,
    InactivityTimeUnit: 'hours',
  })
  assert.is(configured.ok, true)
  assert.is(configured.code, 200)

  const settings = await mgmt.tenant.getSettings('acme')
  assert.is(settings.ok, true)
  assert.is(settings.code, 200)
  assert.equal(settings.data?.selfProvisioningDomains, ['acme.com', 'acme.io'])
  assert.is(settings.data?.enabled, true)
  assert.is(settings.data?.sessionTokenExpiration, 30)
  // Departure from node's type, on purpose: TenantSettings declares `InactivityTime`, but the
  // emulator answers with the OAS/Go spelling `inactivityTime` (§2.1, §3.2), so node callers
  // reading data.InactivityTime get undefined, as they presumably do against the real API.
  const wire = settings.data as unknown as Record<string, unknown>
  assert.is(wire.inactivityTime, 2)
  assert.is(wire.inactivityTimeUnit, 'hours')
  assert.is(settings.data?.InactivityTime, undefined)
})

Sdk('generateSSOConfigurationLink (v2) and revokeSSOConfigurationLink (v1)', async ({ mgmt, emulator }) => {
  await mgmt.tenant.createWithId('acme', 'Acme')
  const link = await mgmt.tenant.generateSSOConfigurationLink('acme', 60 * 60 * 24, 'sso1', 'admin@acme.com')
  assert.is(link.ok, true)
  assert.is(link.code, 200)
  assert.ok(link.data?.adminSSOConfigurationLink.startsWith(`${emulator.url}/`))

  const revoked = await mgmt.tenant.revokeSSOConfigurationLink('acme', 'sso1')
  assert.is(revoked.ok, true)
  assert.is(revoked.code, 200)
})

Sdk('validation and duplicate errors come back as ok:false with the error body', async ({ mgmt }) => {
  const noName = await mgmt.tenant.create('')
  assert.is(noName.ok, false)
  assert.is(noName.code, 400)
  assert.equal(noName.error, {
    errorCode: 'E011002',
    errorDescription: 'Missing arguments',
    errorMessage: 'missing required field(s): name',
  })

  await mgmt.tenant.createWithId('acme', 'Acme')
  const duplicate = await mgmt.tenant.createWithId('acme', 'Acme again')
  assert.is(duplicate.ok, false)
  // 409 E990409 is the emulator's choice: the real duplicate answer is UNCONFIRMED (§4.2)
  assert.is(duplicate.code, 409)
  assert.is(duplicate.error?.errorCode, 'E990409')
})

Sdk.run()

// ---------------------------------------------------------------------------------------------
const Faults = suite('node-sdk under faults')

async function withSdk(options: EmulatorOptions, fn: (emulator: Emulator, mgmt: Sdk['management']) => Promise<void>) {
  const emulator = await startEmulator(options)
  try {
    const mgmt = clientFor(emulator).management
    await licenseHandshake(emulator)
    await fn(emulator, mgmt)
  } finally {
    await emulator.close()
  }
}

Faults('a 429 gives ok:false, E130429 and a numeric error.retryAfter', async () => {
  // the handshake takes the first of the two requests in the window
  await withSdk({ rateLimit: { requests: 2, windowMs: 60_000 } }, async (_emulator, mgmt) => {
    assert.is((await mgmt.tenant.loadAll()).ok, true)
    const limited = await mgmt.tenant.loadAll()
    assert.is(limited.ok, false)
    assert.is(limited.code, 429)
    assert.is(limited.error?.errorCode, 'E130429')
    assert.is(limited.error?.errorMessage, 'API rate limit exceeded.')
    // typed string by core-js-sdk, but parsed with parseInt: a number (§4.3)
    const retryAfter: unknown = limited.error?.retryAfter
    assert.type(retryAfter, 'number')
    assert.is(retryAfter, 60)
  })
})

Faults('an injected 500 gives ok:false once, without SDK retries', async () => {
  await withSdk({ errorRate: 1 }, async (emulator, mgmt) => {
    const failed = await mgmt.tenant.create('Acme')
    assert.is(failed.ok, false)
    assert.is(failed.code, 500)
    assert.is(failed.error?.errorCode, 'E990500')
    assert.equal(emulator.state.tenants, {})
    assert.is(emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/create').length, 1)
  })
})

Faults('a dropped connection rejects the SDK promise (network errors are not wrapped)', async () => {
  // every request is dropped, the handshake too: node-sdk only logs that and carries on
  await withSdk({ dropRate: 1, seed: 1 }, async (emulator, mgmt) => {
    try {
      await mgmt.tenant.loadAll()
      assert.unreachable('a dropped request must reject')
    } catch (error) {
      assert.instance(error, TypeError)
    }
    assert.ok(emulator.log.every((entry) => entry.outcome.startsWith('dropped')))
  })
})

Faults.run()
