// JWT templates (plugins/jwt-templates.ts): keyed by name, applied to an emulated project,
// changed out of band through the official SDK and named by drift, restored into a second
// project (ids of its own, an empty next plan, none of the first project's ids).
import fs from 'node:fs'
import DescopeClient from '@descope/node-sdk'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import jwtTemplates from '../plugins/jwt-templates.ts'


const TEMPLATES = `jwtTemplates:
  - name: partner-api
    description: tokens our partner API reads
    template: { partnerId: "{{user.customAttributes.partnerId}}", plan: "{{tenant.customAttributes.plan}}" }
    addJti: true
    tags: [partners]
`

const test = twoProjectSuite('JWT templates', jwtTemplates, 'jwt-templates', TEMPLATES)

const stored = (emulator: Emulator) => Object.values((emulator.state.plugins['jwt-templates'] as { templates: Record<string, { id: string; name: string; description: string; addJti: boolean; template: object }> }).templates)
const run = runIn

test('a template is created with its claims and flags; an SDK change is drift on exactly that field; sync puts it back by id', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const [template] = stored(context.a)
  assert.equal([template!.name, template!.addJti, template!.template], ['partner-api', true, { partnerId: '{{user.customAttributes.partnerId}}', plan: '{{tenant.customAttributes.plan}}' }])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
  const sdk = DescopeClient({ projectId: context.a.projectId, managementKey: context.a.managementKey, baseUrl: context.a.url }).management
  const loaded = (await sdk.jwtTemplate.load(template!.id)).data!
  assert.ok((await sdk.jwtTemplate.update({ ...loaded, description: 'edited in the console' })).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['partner-api', ['description']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const [after] = stored(context.a)
  assert.equal([after!.id, after!.description], [template!.id, 'tokens our partner API reads'])
})

test('a backup restored into another project: the same template with an id of its own, the next plan empty', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context)
  const id = stored(context.a)[0]!.id
  for (const text of [...outputs.flatMap((output) => [output.stdout, output.stderr]), JSON.stringify(context.b.state), fs.readFileSync(backup, 'utf8')]) assert.not.ok(text.includes(id))
})

test.run()
