// Lists (plugins/lists.ts): IP and text lists keyed by name, applied to an emulated project,
// changed out of band through the official SDK and named by drift, restored into a second
// project (ids of its own, an empty next plan, none of the first project's ids).
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { restoreIntoSecond, runIn, twoProjectSuite } from './helpers/two-projects.ts'
import * as assert from 'uvu/assert'
import type { Emulator } from '../lib/emulator/index.ts'
import lists from '../plugins/lists.ts'
import { emulatorEnvironment } from './helpers/project.ts'


const LISTS = `lists:
  - { name: office-ips, description: where staff sign in from, type: ips, entries: [10.0.0.0/8, 192.168.1.10] }
  - { name: blocked-domains, type: texts, entries: [spam.example, junk.example] }
`

const test = twoProjectSuite('lists', lists, 'lists', LISTS)

const stored = (emulator: Emulator) => Object.values((emulator.state.plugins.lists as { lists: Record<string, { id: string; name: string; type: string; data: string[] }> }).lists)
const run = runIn

test('declared lists are created with their entries; an SDK change is drift on exactly that list and field; sync puts it back by id', async (context) => {
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  assert.equal(stored(context.a).map((list) => [list.name, list.type, [...list.data].sort()]).sort(), [
    ['blocked-domains', 'texts', ['junk.example', 'spam.example']],
    ['office-ips', 'ips', ['10.0.0.0/8', '192.168.1.10']],
  ])
  assert.equal(JSON.parse((await run(context, 'a', 'sync', '--json')).stdout).changes, [])
  const office = stored(context.a).find((list) => list.name === 'office-ips')!
  const sdk = DescopeClient({ projectId: context.a.projectId, managementKey: context.a.managementKey, baseUrl: context.a.url }).management
  assert.ok((await sdk.list.addIPs(office.id, ['172.16.0.1'])).ok)
  const drift = await run(context, 'a', 'drift', '--json')
  assert.is(drift.code, 2, drift.stderr)
  assert.equal(JSON.parse(drift.stdout).differences.map((d: { key: string; paths: string[] }) => [d.key, d.paths]), [['office-ips', ['entries']]])
  assert.is((await run(context, 'a', 'sync', '--apply')).code, 0)
  const after = stored(context.a).find((list) => list.name === 'office-ips')!
  assert.equal([after.id, [...after.data].sort()], [office.id, ['10.0.0.0/8', '192.168.1.10']])
})

test('a list of an unknown type, or an empty entry, is refused before any request', async (context) => {
  context.project.write('environments/a.yaml', emulatorEnvironment(context.a, 'lists:\n  - { name: x, type: emails, entries: [""] }\n'))
  const result = await run(context, 'a', 'sync', '--json')
  assert.is(result.code, 3)
  assert.equal(JSON.parse(result.stdout).error.issues.map((issue: { path: string }) => issue.path), ['lists[0].type', 'lists[0].entries[0]'])
})

test('a backup restored into another project: the same lists with ids of their own, the next plan empty', async (context) => {
  const { backup, outputs } = await restoreIntoSecond(context)
  const ids = stored(context.a).map((list) => list.id)
  const secondSide = [...outputs.flatMap((output) => [output.stdout, output.stderr]), JSON.stringify(context.b.state), fs.readFileSync(backup, 'utf8'),
    ...fs.readdirSync(path.join(context.project.dir, '.backups', context.b.projectId)).map((file) => fs.readFileSync(path.join(context.project.dir, '.backups', context.b.projectId, file), 'utf8'))]
  for (const id of ids) assert.not.ok(secondSide.some((text) => text.includes(id)), `${id} reached the second project`)
})

test.run()
