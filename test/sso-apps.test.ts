// SSO applications (plugins/sso-apps.ts): OIDC and SAML apps keyed by name, applied to an emulated
// project, changed out of band through the official SDK and named by drift, restored into a
// second project with ids of its own; the default OIDC application is a built-in; the emulator's
// part starts as a real project's (or blank), and a state file of the version that kept the apps
// at its top level still loads.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import * as assert from 'uvu/assert'
import { restoreIntoSecond, runIn, twoProjectSuite, type TwoProjects } from './helpers/two-projects.ts'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import ssoApps from '../plugins/sso-apps.ts'
import { emulatorEnvironment } from './helpers/project.ts'
import { isWrite } from './helpers/emulator-http.ts'

const APPS = `ssoApplications:
  - name: Support desk
    type: oidc
    description: the helpdesk signs staff in with us
    loginPageUrl: https://auth.example.com/login
    forceAuthentication: true
  - name: Grafana
    type: saml
    entityId: https://grafana.example.com/saml/metadata
    acsUrl: https://grafana.example.com/saml/acs
    certificate: \${GRAFANA_SAML_CERT}
    attributeMapping:
      - { name: email, type: user_attribute, value: email }
      - { name: first, type: user_attribute, value: givenName }
    acsAllowedCallbacks: [https://grafana.example.com/saml/acs]
    subjectNameIdType: email
    defaultSignatureAlgorithm: sha256
`
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYm9ndXMgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----'

const test = twoProjectSuite('SSO applications', ssoApps, 'sso-apps', APPS)

type Stored = { id: string; name: string; description: string; enabled: boolean; appType: string; oidcSettings?: Record<string, unknown>; samlSettings?: Record<string, unknown> }
const apps = (emulator: Emulator) => Object.values((emulator.state.plugins['sso-apps'] as { apps: Record<string, Stored> }).apps)
const app = (emulator: Emulator, name: string) => apps(emulator).find((candidate) => candidate.name === name)!
const sdkOf = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
/** runIn with the certificate's variable set */
const run = (context: TwoProjects, env: 'a' | 'b', task: string, ...args: string[]) => {
  process.env.GRAFANA_SAML_CERT = CERTIFICATE
  return runIn(context, env, task, ...args)
}
const declare = (context: TwoProjects, body: string) => context.project.write('environments/a.yaml', emulatorEnvironment(context.a, body))
const driftPaths = async (context: TwoProjects) => {
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  return JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths])
}

test('OIDC and SAML apps are created with their settings; an SDK change is drift on exactly that field; sync puts it back by id', async (context) => {
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const oidc = app(context.a, 'Support desk')
  const saml = app(context.a, 'Grafana')
  assert.equal([oidc.appType, oidc.enabled, oidc.oidcSettings!.loginPageUrl, oidc.oidcSettings!.forceAuthentication], ['oidc', true, 'https://auth.example.com/login', true])
  assert.equal([saml.samlSettings!.entityId, saml.samlSettings!.certificate, saml.samlSettings!.defaultSignatureAlgorithm], ['https://grafana.example.com/saml/metadata', CERTIFICATE, 'sha256'])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])

  const sdk = sdkOf(context.a)
  const live = (await sdk.ssoApplication.load(saml.id)).data!
  assert.ok((await sdk.ssoApplication.updateSamlApplication({ ...live.samlSettings, id: saml.id, name: live.name, description: live.description, logo: live.logo, enabled: live.enabled, acsUrl: 'https://evil.example.com/acs' })).ok)
  assert.equal(await driftPaths(context), [['Grafana', ['acsUrl']]])
  assert.ok((await sdk.ssoApplication.updateOidcApplication({ id: oidc.id, name: 'Support desk', loginPageUrl: 'https://auth.example.com/login', description: 'the helpdesk signs staff in with us', forceAuthentication: false })).ok)
  assert.equal(await driftPaths(context), [['Support desk', ['forceAuthentication']], ['Grafana', ['acsUrl']]])

  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal([app(context.a, 'Grafana').id, app(context.a, 'Grafana').samlSettings!.acsUrl], [saml.id, 'https://grafana.example.com/saml/acs'])
  assert.equal([app(context.a, 'Support desk').id, app(context.a, 'Support desk').oidcSettings!.forceAuthentication], [oidc.id, true])
})

test('an update resets none of the fields only go-sdk sends: they go back as live holds them', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const { id } = app(context.a, 'Support desk')
  const client = sdkOf(context.a)
  // what go-sdk (or the console) sets beside node-sdk's fields
  const extra = { clientType: 'confidential', approvedRedirectUrls: ['https://desk.example.com/cb'], forcePkce: true }
  assert.ok((await client.ssoApplication.updateOidcApplication({ id, name: 'Support desk', loginPageUrl: 'https://auth.example.com/login', description: 'edited', forceAuthentication: true, ...extra } as never)).ok)
  assert.equal(await driftPaths(context), [['Support desk', ['description']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const settings = app(context.a, 'Support desk').oidcSettings!
  assert.equal([settings.clientType, settings.approvedRedirectUrls, settings.forcePkce, app(context.a, 'Support desk').description], [...Object.values(extra), 'the helpdesk signs staff in with us'])
})

test('a backup restored into another project: the same apps with ids of their own, the next plan empty, no id of the first project', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context)
  assert.equal(apps(context.b).map((stored) => stored.name).sort(), ['Grafana', 'OIDC default application', 'Support desk'])
  const first = apps(context.a).filter((stored) => stored.id !== 'descope-default-oidc').map((stored) => stored.id)
  const secondSide = [...outputs.flatMap((output) => [output.stdout, output.stderr]), JSON.stringify(context.b.state), fs.readFileSync(backup, 'utf8')]
  for (const id of first) assert.not.ok(secondSide.some((text) => text.includes(id)), `${id} of the first project reached the second`)
})

test('the default OIDC application is neither unmanaged nor pruned; a file may set its loginPageUrl, not its description', async (context) => {
  const pruned = await run(context, 'a', 'sync', '--apply', '--prune', '--json')
  assert.is(pruned.code, 0, pruned.stderr)
  assert.equal(JSON.parse(pruned.stdout).unmanaged, [])
  assert.ok(apps(context.a).some((stored) => stored.id === 'descope-default-oidc'))
  const builtIn = '  - { name: OIDC default application, type: oidc, loginPageUrl: https://auth.example.com/hosted }\n'
  declare(context, `${APPS}${builtIn}`)
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.is(app(context.a, 'OIDC default application').oidcSettings!.loginPageUrl, 'https://auth.example.com/hosted')
  declare(context, `${APPS}${builtIn.replace(' }', ', description: ours }')}`)
  const refused = await run(context, 'a', 'sync', '--json')
  assert.is(refused.code, 3, refused.stderr)
  const [issue] = JSON.parse(refused.stdout).error.issues
  assert.equal([issue.path, issue.message.includes('its description cannot be changed'), issue.message.includes('loginPageUrl, forceAuthentication')], ['ssoApplications[2]', true, true])
})

test('names are data: apps called __proto__ and toString are applied and plan nothing more', async (context) => {
  declare(context, 'ssoApplications:\n  - { name: __proto__, type: oidc }\n  - { name: toString, type: saml, entityId: urn:x }\n')
  const applied = await run(context, 'a', 'sync', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.equal(apps(context.a).map((stored) => stored.name).sort(), ['OIDC default application', '__proto__', 'toString'])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
})

const refusals: [string, string, string, string][] = [
  ['a client secret (not managed)', '  - { name: x, type: oidc, clientSecret: "${X}" }\n', 'ssoApplications[0]', 'clientSecret'],
  ['a SAML field on an OIDC app', '  - { name: x, type: oidc, entityId: urn:x }\n', 'ssoApplications[0]', 'entityId'],
  ['no type', '  - { name: x }\n', 'ssoApplications[0].type', '"oidc" | "saml"'],
]
for (const [what, item, at, says] of refusals) {
  test(`${what} is refused in the file, naming the field, with exit 3 and no request`, async (context) => {
    declare(context, `ssoApplications:\n${item}`)
    context.a.log.length = 0
    const result = await run(context, 'a', 'sync', '--json')
    assert.is(result.code, 3, result.stderr)
    const [issue] = JSON.parse(result.stdout).error.issues
    assert.ok(issue.path.startsWith(at), issue.path)
    assert.match(`${issue.path} ${issue.message}`, says, JSON.stringify(issue))
    assert.is(context.a.log.filter((entry) => entry.path.includes('/sso/idp/')).length, 0)
  })
}

test('an unknown field is answered with the fields of the app\'s own type, and a likely typo guessed', async (context) => {
  declare(context, 'ssoApplications:\n  - { name: x, type: oidc, loginPageURl: https://l.example }\n  - { name: y, type: saml, entityID: urn:y }\n  - { name: z, type: oidc, clientSecret: not-managed-here }\n')
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3, result.stderr)
  const fixes = Object.fromEntries(JSON.parse(result.stdout).error.issues.map((issue: { path: string; fix: string }) => [issue.path, issue.fix]))
  assert.match(fixes['ssoApplications[0].loginPageURl'], 'did you mean "loginPageUrl"?')
  assert.match(fixes['ssoApplications[1].entityID'], 'did you mean "entityId"?')
  assert.match(fixes['ssoApplications[2].clientSecret'], /^remove it; allowed: type, name, description, logo, enabled, loginPageUrl, forceAuthentication$/)
  assert.match(fixes['ssoApplications[1].entityID'], 'acsAllowedCallbacks')
})

test('another protocol is another app: changing type is refused, naming the fix', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  declare(context, APPS.replace('type: oidc', 'type: saml'))
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3, result.stderr)
  const [issue] = JSON.parse(result.stdout).error.issues
  assert.match(issue.message, 'type cannot be changed once created')
})

test('a live app of an unexpected shape is an error naming it (exit 1), with no write; a WS-Fed app is left alone', async (context) => {
  const state = context.a.state.plugins['sso-apps'] as { apps: Record<string, unknown> }
  state.apps.ws = { id: 'ws', name: 'Legacy portal', appType: 'wsfed', wsfedSettings: {} }
  const pruned = await run(context, 'a', 'sync', '--apply', '--prune', '--json')
  assert.is(pruned.code, 0, pruned.stderr)
  assert.ok(Object.hasOwn(state.apps, 'ws'), 'the WS-Fed app is not pruned')
  state.apps.broken = { id: 'broken', name: null, appType: 'saml' }
  context.a.log.length = 0
  const result = await run(context, 'a', 'sync', '--apply', '--prune', '--json')
  assert.is(result.code, 1, result.stderr)
  assert.is(JSON.parse(result.stdout).error.code, 'LIVE_INVALID')
  assert.match(result.stderr, 'name')
  assert.is(context.a.log.filter(isWrite).length, 0)
})

test('the emulator part: a new project holds the default app, a blank one none; a state file with the old top-level ssoApplications loads', async () => {
  const fresh = await startEmulator({ plugins: [ssoApps()] })
  const blank = await startEmulator({ plugins: [ssoApps()], blank: true })
  try {
    assert.equal(apps(fresh).map((stored) => stored.id), ['descope-default-oidc'])
    assert.equal(apps(blank), [])
  } finally {
    await Promise.all([fresh.close(), blank.close()])
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-apps-'))
  const file = path.join(dir, 'state.json')
  // what the previous version wrote: the apps at the top level, no part for this plugin
  const old = { tenants: {}, permissions: {}, roles: {}, flows: {}, theme: null, ssoApplications: { 'descope-default-oidc': { id: 'descope-default-oidc', name: 'OIDC default application', description: '', enabled: true, logo: '', appType: 'oidc', oidcSettings: { loginPageUrl: '' } } }, plugins: {} }
  fs.writeFileSync(file, JSON.stringify(old))
  try {
    const loaded = await startEmulator({ plugins: [ssoApps()], persistPath: file })
    const answer = await sdkOf(loaded).ssoApplication.loadAll()
    await loaded.close()
    assert.equal(answer.data!.map((stored) => stored.id), ['descope-default-oidc'])
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'))
    assert.not.ok('ssoApplications' in saved, 'the old key is dropped when the file is written again')
    assert.equal(Object.keys(saved.plugins['sso-apps'].apps), ['descope-default-oidc'])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
