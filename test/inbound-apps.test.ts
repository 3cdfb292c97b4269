// Inbound applications (plugins/inbound-apps.ts): keyed by name, their secret shown once and kept
// only in the secrets channel, changed out of band through the official SDK and named by drift,
// and restored into a second project with ids, client ids and secrets of its own.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import inboundApps from '../plugins/inbound-apps.ts'
import { emulatorEnvironment } from './helpers/project.ts'


const APPS = `inboundApps:
  - name: partner-portal
    description: the partner portal signs in with us
    loginPageUrl: https://partners.example.com/login
    approvedCallbackUrls: [https://partners.example.com/callback]
    permissionsScopes:
      - { name: read, description: read projects, values: [Viewer] }
    attributesScopes:
      - { name: email, description: the user's email, values: [email], optional: true }
`

const test = twoProjectSuite('inbound applications', inboundApps, 'inbound-apps', APPS)

const stored = (emulator: Emulator) => Object.values((emulator.state.plugins['inbound-apps'] as { apps: Record<string, { id: string; clientId: string; secret: string; name: string; description: string }> }).apps)
const run = runIn

test('an app is created with its scopes; its secret goes to the file only; an SDK change is drift on that field; sync puts it back by id', async (context) => {
  const applied = await run(context, 'a', 'sync', '--apply', '--secrets-out', 'a.secrets.json')
  assert.is(applied.code, 0, applied.stderr)
  const [app] = stored(context.a)
  const [secret] = JSON.parse(fs.readFileSync(path.join(context.project.dir, 'a.secrets.json'), 'utf8')).secrets
  assert.equal([secret.type, secret.key, secret.value], ['inboundApp', 'partner-portal', app!.secret])
  assert.not.ok(applied.stdout.includes(app!.secret) || applied.stderr.includes(app!.secret))
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
  const sdk = DescopeClient({ projectId: context.a.projectId, managementKey: context.a.managementKey, baseUrl: context.a.url }).management
  assert.ok((await sdk.inboundApplication.patchApplication({ id: app!.id, description: 'edited in the console' })).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['partner-portal', ['description']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const [after] = stored(context.a)
  assert.equal([after!.id, after!.description], [app!.id, 'the partner portal signs in with us'])
})

test('a backup restored into another project: new ids, client ids and secrets, the next plan empty, nothing of the first project\'s', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context, true)
  const [first] = stored(context.a)
  const secondSide = [...outputs.flatMap((output) => [output.stdout, output.stderr]), JSON.stringify(context.b.state), fs.readFileSync(backup, 'utf8'), fs.readFileSync(path.join(context.project.dir, 'b.secrets.json'), 'utf8')]
  for (const value of [first!.id, first!.clientId, first!.secret]) assert.not.ok(secondSide.some((text) => text.includes(value)), `${value.slice(0, 6)}… of the first project reached the second`)
})

test('apps made by hand with what the console allows (a relative callback, a logo as a data: URL) back up and restore', async (context) => {
  const sdk = DescopeClient({ projectId: context.a.projectId, managementKey: context.a.managementKey, baseUrl: context.a.url }).management
  assert.ok((await sdk.inboundApplication.createApplication({ name: 'by-hand', loginPageUrl: 'example.com/login', approvedCallbackUrls: ['/callback'], logo: `data:image/png;base64,${'A'.repeat(3000)}`, permissionsScopes: [{ name: 's', description: '', values: [''] }] })).ok)
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a))
  const backup = JSON.parse((await run(context, 'a', 'backup', 'create', '--json')).stdout).backup as string
  const restored = await run(context, 'b', 'backup', 'restore', backup, '--apply', '--secrets-out', 'b.secrets.json')
  assert.is(restored.code, 0, restored.stderr)
  assert.equal(JSON.parse((await run(context, 'b', 'backup', 'restore', backup, '--json')).stdout).changes, [])
})

test('two scopes of one name are refused in the file, naming the field', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'inboundApps:\n  - { name: x, permissionsScopes: [{ name: s }, { name: s, description: again }] }\n'))
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3)
  const [issue] = JSON.parse(result.stdout).error.issues
  assert.equal(issue.path, 'inboundApps[0].permissionsScopes')
  assert.match(issue.message, 'holds two scopes of one name')
})

test.run()
