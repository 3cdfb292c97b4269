import * as assert from 'uvu/assert'
import { assertApiError, type ApiCall } from './helpers/emulator-http.ts'
import { FLOW_SAMPLES, sample } from './helpers/emulator-samples.ts'
import { emulatorSuite, withEmulator } from './helpers/emulator-suite.ts'

// Real HTTP against the emulator: flow list/delete, v2 and v1 export/import (node-sdk flow.ts,
// go-sdk mgmt/flow.go, OpenAPI ExportedFlow) with the real exports in
// test/fixtures/descope-samples, server-managed fields, and references that are per project.

const Flows = emulatorSuite('flows')

const ROLE_FLOW = 'flows-v2/test-roleflow-references-flow.json'
const SOURCE_ROLE_ID = 'ROL2kytoq1RRvE147xvkGxu6xXEJxY' // the id in the sample, from its source project

/** The sample as a v2 export should serve it: references default to {}, roles become local ids. */
function expectedExport(flow: any, localRoleId?: string) {
  const references = { ...(flow.references ?? {}) }
  if (localRoleId) references.roles = { 'My User Role': localRoleId }
  return { ...flow, references }
}

/** The served v2 flow with the server-managed fields taken out of metadata (as the toolkit strips them). */
function stripServerFields(flow: any) {
  const { version: _v, etag: _e, modifiedTime: _m, ...metadata } = flow.metadata
  return { ...flow, metadata }
}

async function importAllSamples(call: ApiCall): Promise<string> {
  const role = await call('POST', '/v1/mgmt/role/create', { name: 'My User Role' })
  for (const file of FLOW_SAMPLES) {
    const response = await call('POST', '/v2/mgmt/flow/import', { flow: sample(file) })
    assert.is(response.status, 200, `${file}: ${JSON.stringify(response.body)}`)
    assert.equal(response.body, {})
  }
  return role.body.id
}

Flows('v2 import then export serves every sample back, plus version/etag/modifiedTime in metadata', async ({ call }) => {
  const roleId = await importAllSamples(call)
  for (const file of FLOW_SAMPLES) {
    const original = sample(file)
    const exported = await call('POST', '/v2/mgmt/flow/export', { flowId: original.flowId })
    assert.is(exported.status, 200)
    const flow = exported.body.flow
    assert.equal(Object.keys(flow), ['flowId', 'metadata', 'contents', 'screens', 'references'])
    // the two references-flow samples share an id: the last import (roleflow) wins
    const expected = original.flowId === 'references-flow' ? sample(ROLE_FLOW) : original
    assert.equal(stripServerFields(flow), expectedExport(expected, expected.references?.roles && roleId), file)
    assert.type(flow.metadata.version, 'number')
    assert.match(flow.metadata.etag, /^[0-9a-f]{24}$/)
    assert.match(flow.metadata.modifiedTime, /^\d{13}$/)
  }
})

Flows('re-import bumps version, renews etag, moves modifiedTime; sent server fields are ignored', async ({ call, emulator }) => {
  const flow = sample('flows-v2/test-basicflow.json')
  await call('POST', '/v2/mgmt/flow/import', { flow })
  const first = (await call('POST', '/v2/mgmt/flow/export', { flowId: flow.flowId })).body.flow.metadata
  assert.is(first.version, 1)
  const before = Date.now()

  // an unstripped export imports cleanly: its server fields are not taken from the client
  const again = (await call('POST', '/v2/mgmt/flow/export', { flowId: flow.flowId })).body.flow
  again.metadata = { ...again.metadata, version: 99, etag: 'client', modifiedTime: '1' }
  assert.is((await call('POST', '/v2/mgmt/flow/import', { flow: again })).status, 200)
  const second = (await call('POST', '/v2/mgmt/flow/export', { flowId: flow.flowId })).body.flow.metadata
  assert.is(second.version, 2)
  assert.is.not(second.etag, first.etag)
  assert.is.not(second.etag, 'client')
  assert.ok(Number(second.modifiedTime) > Number(first.modifiedTime))
  assert.ok(Number(second.modifiedTime) >= before - 1000 && Number(second.modifiedTime) <= Date.now() + 1000, 'epoch ms')
  assert.equal(Object.keys(emulator.state.flows[flow.flowId]!.metadata).sort(), ['componentsVersion', 'description', 'name'])
})

Flows('list: {}, {ids: []}, no body and an ids filter; total counts the answer', async ({ call }) => {
  await importAllSamples(call)
  const all = await call('POST', '/v1/mgmt/flow/list', {})
  assert.is(all.status, 200)
  assert.is(all.body.total, 8)
  assert.equal(all.body.flows.map((f: any) => f.id), [
    'basic-flow', 'idp-initiated-sso', 'preferred-mfa-flow', 'references-flow', 'sign-in', 'sign-up',
    'sign-up-or-in', 'sign-up-or-in-using-users-preferred-mfa-method',
  ])
  assert.equal(all.body.flows.find((f: any) => f.id === 'sign-in'), {
    id: 'sign-in', name: 'Sign In', description: sample('flows-v2/sign-in.json').metadata.description, disabled: false,
  })
  assert.equal(all.body.flows.find((f: any) => f.id === 'idp-initiated-sso').description, '', 'no description → ""')
  assert.equal((await call('POST', '/v1/mgmt/flow/list', { ids: [] })).body, all.body)
  assert.equal((await call('POST', '/v1/mgmt/flow/list')).body, all.body, 'Go sends no body')
  const some = await call('POST', '/v1/mgmt/flow/list', { ids: ['sign-in', 'nope', 'sign-up'] })
  assert.equal(some.body, { flows: some.body.flows, total: 2 })
  assert.equal(some.body.flows.map((f: any) => f.id), ['sign-in', 'sign-up'])
})

Flows('delete {ids}; an unknown id deletes nothing; export of a missing flow is 404', async ({ call }) => {
  await importAllSamples(call)
  assertApiError(await call('POST', '/v1/mgmt/flow/delete', { ids: ['sign-in', 'nope'] }), 404, 'E990404', 'nope')
  assert.is((await call('POST', '/v1/mgmt/flow/list', {})).body.total, 8)
  const deleted = await call('POST', '/v1/mgmt/flow/delete', { ids: ['sign-in', 'sign-up'] })
  assert.is(deleted.status, 200)
  assert.equal(deleted.body, {})
  assert.is((await call('POST', '/v1/mgmt/flow/list', {})).body.total, 6)
  assertApiError(await call('POST', '/v2/mgmt/flow/export', { flowId: 'sign-in' }), 404, 'E990404', 'sign-in')
  assertApiError(await call('POST', '/v1/mgmt/flow/export', { flowId: 'sign-in' }), 404, 'E990404', 'sign-in')
  assertApiError(await call('POST', '/v2/mgmt/flow/export', {}), 400, 'E011002', 'flowId')
  assertApiError(await call('POST', '/v1/mgmt/flow/delete', {}), 400, 'E011002', 'ids')
})

Flows('v2 import: top-level flowId accepted, skipRender/changelog ignored; what is not a flow is refused', async ({ call, emulator }) => {
  const { flowId: _id, ...withoutId } = sample('flows-v2/test-basicflow.json')
  const topLevel = await call('POST', '/v2/mgmt/flow/import', { flowId: 'custom', flow: withoutId, skipRender: true, changelog: 'x' })
  assert.is(topLevel.status, 200)
  assert.is((await call('POST', '/v2/mgmt/flow/export', { flowId: 'custom' })).body.flow.flowId, 'custom')

  const good = sample('flows-v2/test-basicflow.json')
  const refuse = async (flow: unknown, code: string, part: string, extra = {}) =>
    assertApiError(await call('POST', '/v2/mgmt/flow/import', { flow, ...extra }), 400, code, part)
  await refuse(undefined, 'E011002', 'flow')
  await refuse('flow', 'E011003', 'flow')
  await refuse(withoutId, 'E011002', 'flowId')
  await refuse(good, 'E011003', 'disagree', { flowId: 'other' })
  await refuse({ ...good, flowId: 5 }, 'E011003', 'flowId')
  await refuse({ ...good, contents: [] }, 'E011003', 'contents')
  await refuse({ ...good, contents: undefined }, 'E011003', 'contents')
  await refuse({ ...good, metadata: undefined }, 'E011003', 'metadata')
  await refuse({ ...good, metadata: { name: 7 } }, 'E011003', 'metadata.name')
  await refuse({ ...good, screens: {} }, 'E011003', 'screens')
  await refuse({ ...good, screens: undefined }, 'E011003', 'screens')
  await refuse({ ...good, screens: [{ contents: {} }] }, 'E011003', 'screens.0.screenId')
  await refuse({ ...good, references: [] }, 'E011003', 'references')
  await refuse({ ...good, references: { roles: ['My User Role'] } }, 'E011003', 'references.roles')
  await refuse(sample(ROLE_FLOW), 'E011003', '"My User Role"')
  assert.equal(Object.keys(emulator.state.flows), ['custom'])
})

Flows('references.roles: names → THIS project\'s ids, in each of two emulators', async ({ call: first }) => {
  const firstRole = (await first('POST', '/v1/mgmt/role/create', { name: 'My User Role' })).body.id
  await withEmulator({}, async (second, call) => {
    await call('POST', '/v1/mgmt/role/create', { name: 'unrelated' }) // ids differ whatever the order
    const secondRole = (await call('POST', '/v1/mgmt/role/create', { name: 'My User Role' })).body.id
    assert.is.not(firstRole, secondRole)
    for (const c of [first, call]) assert.is((await c('POST', '/v2/mgmt/flow/import', { flow: sample(ROLE_FLOW) })).status, 200)

    const refs = async (c: ApiCall) =>
      (await c('POST', '/v2/mgmt/flow/export', { flowId: 'references-flow' })).body.flow.references
    assert.equal(await refs(first), { roles: { 'My User Role': firstRole } })
    assert.equal(await refs(call), { roles: { 'My User Role': secondRole } })
    assert.equal(second.state.flows['references-flow']?.references, { roles: { 'My User Role': secondRole } })
    assert.is.not(firstRole, SOURCE_ROLE_ID)
  })
  // other kinds are kept as given: the emulator has no connectors to look up
  await first('POST', '/v2/mgmt/flow/import', { flow: sample('flows-v2/test-connectorflow-references-flow.json') })
  assert.equal(
    (await first('POST', '/v2/mgmt/flow/export', { flowId: 'references-flow' })).body.flow.references,
    { connectors: { 'My HTTP Connector': 'CI2kytoq1RRvE147xvkGxu6xXEJxY' } },
  )
})

Flows('a renamed project role is renamed in flow references (assumed cascade)', async ({ call }) => {
  const roleId = (await call('POST', '/v1/mgmt/role/create', { name: 'My User Role' })).body.id
  await call('POST', '/v2/mgmt/flow/import', { flow: sample(ROLE_FLOW) })
  await call('POST', '/v1/mgmt/role/update', { id: roleId, newName: 'Member' })
  const exported = (await call('POST', '/v2/mgmt/flow/export', { flowId: 'references-flow' })).body.flow
  assert.equal(exported.references, { roles: { Member: roleId } })
  assert.is((await call('POST', '/v2/mgmt/flow/import', { flow: exported })).status, 200, 'the export re-imports')
})

Flows('v1 export maps the v2 flow (convert.go mapping)', async ({ call }) => {
  const original = sample('flows-v2/sign-in.json')
  await call('POST', '/v2/mgmt/flow/import', { flow: original })
  const v2 = (await call('POST', '/v2/mgmt/flow/export', { flowId: 'sign-in' })).body.flow
  const exported = await call('POST', '/v1/mgmt/flow/export', { flowId: 'sign-in' })
  assert.is(exported.status, 200)
  const { flow, screens } = exported.body
  assert.equal(flow, {
    id: 'sign-in',
    name: 'Sign In',
    description: original.metadata.description,
    dsl: original.contents,
    disabled: false,
    etag: v2.metadata.etag,
    version: 1,
    modifiedTime: v2.metadata.modifiedTime,
    translate: false,
    fingerprint: false,
    widget: false,
    sharedInteractions: original.metadata.sharedInteractions,
    componentsVersion: '2.0.463', // no v1 field for it: carried as an extra key
  })
  assert.is(screens.length, original.screens.length)
  original.screens.forEach((screen: any, i: number) => {
    assert.equal(screens[i], {
      id: screen.screenId,
      flowId: 'sign-in',
      inputs: [],
      interactions: screen.interactions,
      htmlTemplate: screen.contents,
      version: 1,
      componentsVersion: '2.0.463',
    })
  })
})

Flows('v2 import → v1 export → v1 import → v2 export round-trips every sample', async ({ call }) => {
  const roleId = await importAllSamples(call)
  for (const file of FLOW_SAMPLES) {
    const flowId = sample(file).flowId
    const before = (await call('POST', '/v2/mgmt/flow/export', { flowId })).body.flow
    const v1 = (await call('POST', '/v1/mgmt/flow/export', { flowId })).body
    // as node's flow.import(flowId, flow, screens) sends it
    const imported = await call('POST', '/v1/mgmt/flow/import', { flowId, flow: v1.flow, screens: v1.screens })
    assert.is(imported.status, 200, file)
    assert.is(imported.body.flow.version, before.metadata.version + 1)
    const after = (await call('POST', '/v2/mgmt/flow/export', { flowId })).body.flow
    assert.equal(stripServerFields(after), stripServerFields(before), file)
    assert.equal(imported.body, (await call('POST', '/v1/mgmt/flow/export', { flowId })).body, 'import answers the stored flow')
  }
  // references survive the v1 leg, which carries none
  const refs = (await call('POST', '/v2/mgmt/flow/export', { flowId: 'references-flow' })).body.flow.references
  assert.equal(refs, { roles: { 'My User Role': roleId } })
})

Flows('v2 → v1 → v2 keeps every metadata field of a fully set flow', async ({ call }) => {
  const full = {
    flowId: 'full',
    metadata: {
      name: 'Full', description: 'Everything set', componentsVersion: '2.0.600', disabled: true, fingerprint: true, widget: true,
      translation: { enabled: true, connectorId: 'CI1', sourceLanguage: 'en', targetLanguages: ['fr', 'de'] },
      sharedInteractions: [{ id: '1.success', type: 'success' }], management: false, managementConfig: { triggers: {} },
    },
    contents: { startTask: 'a', tasks: { a: { id: 'a' } } },
    screens: [{ screenId: 's1', contents: { x: 1 }, interactions: [] }, { screenId: 's2', contents: {}, note: 'extra key' }],
    references: { oauth: ['google'] },
  }
  await call('POST', '/v2/mgmt/flow/import', { flow: full })
  const v1 = (await call('POST', '/v1/mgmt/flow/export', { flowId: 'full' })).body
  assert.equal(
    [v1.flow.translate, v1.flow.translateConnectorID, v1.flow.translateSourceLang, v1.flow.translateTargetLangs],
    [true, 'CI1', 'en', ['fr', 'de']],
  )
  assert.equal([v1.flow.disabled, v1.flow.fingerprint, v1.flow.widget], [true, true, true])
  assert.is(v1.screens[1].interactions, undefined, 'a screen without interactions stays without')
  await call('POST', '/v1/mgmt/flow/import', { flowId: 'full', flow: v1.flow, screens: v1.screens })
  const after = (await call('POST', '/v2/mgmt/flow/export', { flowId: 'full' })).body.flow
  assert.equal(stripServerFields(after), full)
})

Flows('v1 import of a new flow: translation, extras, inputs, defaults', async ({ call }) => {
  const imported = await call('POST', '/v1/mgmt/flow/import', {
    flowId: 'mgmt-flow',
    flow: {
      id: 'mgmt-flow', name: 'Mgmt', description: '', dsl: { startTask: 'a', tasks: {} }, disabled: true, etag: 'old',
      translate: true, translateTargetLangs: ['fr'], management: true,
    },
    screens: [
      { id: 's1', flowId: 'mgmt-flow', inputs: [{ name: 'email' }], interactions: [{ id: 'go' }], htmlTemplate: { a: 1 }, componentsVersion: '2.0.1' },
      { id: 's2', flowId: 'mgmt-flow', htmlTemplate: { b: 2 } },
    ],
  })
  assert.is(imported.status, 200)
  assert.is(imported.body.flow.etag === 'old', false, 'etag is the server\'s')
  assert.equal(imported.body.screens.map((s: any) => s.inputs), [[], []], 'inputs are not kept')

  const v2 = (await call('POST', '/v2/mgmt/flow/export', { flowId: 'mgmt-flow' })).body.flow
  assert.equal(stripServerFields(v2), {
    flowId: 'mgmt-flow',
    metadata: {
      management: true,
      name: 'Mgmt',
      componentsVersion: '2.0.1',
      disabled: true,
      translation: { enabled: true, targetLanguages: ['fr'] },
    },
    contents: { startTask: 'a', tasks: {} },
    screens: [
      { screenId: 's1', interactions: [{ id: 'go' }], contents: { a: 1 } },
      { screenId: 's2', contents: { b: 2 } },
    ],
    references: {},
  })
  assert.equal((await call('POST', '/v1/mgmt/flow/list', { ids: ['mgmt-flow'] })).body.flows, [
    { id: 'mgmt-flow', name: 'Mgmt', description: '', disabled: true },
  ])
  const v1 = (await call('POST', '/v1/mgmt/flow/export', { flowId: 'mgmt-flow' })).body.flow
  assert.equal([v1.translate, v1.translateConnectorID, v1.translateSourceLang, v1.translateTargetLangs], [true, '', '', ['fr']])
})

Flows('v1 import errors', async ({ call, emulator }) => {
  const flow = { id: 'f', name: 'F', dsl: {}, disabled: false }
  const refuse = async (body: unknown, code: string, part: string) =>
    assertApiError(await call('POST', '/v1/mgmt/flow/import', body), 400, code, part)
  await refuse({ flowId: 'f' }, 'E011002', 'flow')
  await refuse({ flow: { ...flow, id: undefined } }, 'E011002', 'flowId')
  await refuse({ flowId: 'f', flow: { ...flow, dsl: undefined } }, 'E011003', 'flow.dsl')
  await refuse({ flowId: 'f', flow: { ...flow, dsl: [] } }, 'E011003', 'flow.dsl')
  await refuse({ flowId: 'f', flow: { ...flow, disabled: 'no' } }, 'E011003', 'flow.disabled')
  await refuse({ flowId: 'f', flow, screens: [{ htmlTemplate: {} }] }, 'E011003', 'screens.0.id')
  await refuse({ flowId: 'f', flow, screens: {} }, 'E011003', 'screens')
  assert.equal(Object.keys(emulator.state.flows), [])
  // flowId falls back to flow.id; omitted screens mean none
  assert.is((await call('POST', '/v1/mgmt/flow/import', { flow })).status, 200)
  assert.equal(emulator.state.flows.f?.screens, [])
})

Flows.run()
