// tasks/drift.ts --matrix: three emulated environments side by side, each against its own files.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { driftMatrix } from '../lib/report/drift-matrix.ts'
import { formatMatrixMarkdown, formatMatrixText } from '../lib/report/drift-matrix-report.ts'
import type { DriftResult } from '../lib/run/drift-check.ts'
import { createProject, defaultConfig, REPO, runTask, type Project } from './helpers/project.ts'

const BASE = `permissions:
  - { name: projects.read }
  - { name: projects.write }
roles:
  - { name: Editor, permissionNames: [projects.read, projects.write] }
  - { name: Viewer, permissionNames: [projects.read] }
tenants:
  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com] }
flows: all
theme: true
`
const NAMES = ['dev', 'staging', 'prod'] as const
const envFile = (emulator: Emulator, variable: string, extra = '') =>
  `extends: base.yaml\nbaseUrl: ${emulator.url}\nprojectId: ${emulator.projectId}\nmanagementKey: \${${variable}}\n${extra}`

interface Context { emulators: Record<string, Emulator>; project: Project; run(...args: string[]): ReturnType<typeof runTask> }
const test = suite<Context>('drift --matrix', {} as Context)

type Cell = { state: string; paths?: string[] }
type Row = { type: string; key: string; cells: Record<string, Cell> }
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '')
/** the cells of the text table's row `type key`, split at the column gaps */
const textRow = (stdout: string, type: string, key: string) =>
  plain(stdout).split('\n').find((line) => line.startsWith(`${type} `) && line.includes(key))?.split(/ {2,}/)

// One sync per environment for the whole suite: the tests only read.
test.before(async (context) => {
  context.emulators = {}
  for (const [index, name] of NAMES.entries()) context.emulators[name] = await startEmulator({ projectId: `P2emulatorMatrix${name.padEnd(7, '0')}0000${index}` })
  context.project = createProject({}, defaultConfig())
  fs.cpSync(path.join(REPO, 'environments/exported'), path.join(context.project.dir, 'environments/exported'), { recursive: true })
  context.project.write('environments/base.yaml', BASE)
  for (const name of NAMES) context.project.write(`environments/${name}.yaml`, envFile(context.emulators[name]!, `${name.toUpperCase()}_KEY`))
  const env = Object.fromEntries(NAMES.map((name) => [`${name.toUpperCase()}_KEY`, context.emulators[name]!.managementKey]))
  context.run = (...args) => runTask(args[0] === 'sync' ? 'sync' : 'drift', args[0] === 'sync' ? args.slice(1) : args, { cwd: context.project.dir, env })
  for (const name of NAMES) assert.is((await context.run('sync', '--env', name, '--apply', '--yes')).code, 0)

  // out of band: staging's Editor loses a permission, prod's references-flow a new name
  const sdk = (name: string) => DescopeClient({ projectId: context.emulators[name]!.projectId, managementKey: context.emulators[name]!.managementKey, baseUrl: context.emulators[name]!.url }).management
  assert.ok((await sdk('staging').role.update('Editor', 'Editor', '', ['projects.read'])).ok)
  const flow = await sdk('prod').flow.export('references-flow')
  assert.ok((await sdk('prod').flow.import('references-flow', { ...flow.data!.flow, name: 'Prod copy' }, flow.data!.screens)).ok)
  for (const name of NAMES) context.emulators[name]!.log.length = 0
})
test.after(async (context) => {
  await Promise.all(Object.values(context.emulators).map((emulator) => emulator.close()))
  context.project.remove()
})

test('three environments that differ in one role and one flow: exactly those two cells, every other in sync; exit 2', async ({ run, emulators }) => {
  const result = await run('--matrix', '--env', 'dev,staging,prod', '--all-rows', '--json')
  assert.is(result.code, 2, result.stderr)
  const document = JSON.parse(result.stdout)
  assert.is(document.kind, 'drift-matrix')
  assert.is(document.formatVersion, 1)
  assert.equal(document.environments, NAMES.map((name) => ({ name, projectId: emulators[name]!.projectId })))
  const rows: Row[] = document.rows
  const differing = rows.flatMap((row) => Object.entries(row.cells).filter(([, cell]) => cell.state !== 'ok').map(([env, cell]) => [row.type, row.key, env, cell]))
  assert.equal(differing, [
    ['role', 'Editor', 'staging', { state: 'changed', paths: ['permissionNames'] }],
    ['flow', 'references-flow', 'prod', { state: 'changed', paths: ['metadata.name'] }],
  ])
  // every declared item is a row, each with a cell per environment, in registry order then by key
  assert.equal(rows.filter((row) => row.type === 'role').map((row) => row.key), ['Editor', 'Viewer'])
  assert.equal([...new Set(rows.map((row) => row.type))], ['permission', 'role', 'tenant', 'flow', 'theme'])
  assert.ok(rows.every((row) => Object.keys(row.cells).join() === NAMES.join()))
  assert.equal(document.summary, { changed: 2, missing: 0, unmanaged: 0, duplicate: 0, drift: 2, failed: 0, rows: rows.length, inSync: rows.length - 2, declaredInSome: 0 })
  for (const emulator of Object.values(emulators)) {
    assert.ok(emulator.log.every((entry) => entry.method === 'GET' || /\/(list|export|search)$/.test(entry.path)), 'the matrix only reads')
  }
})

test('by default only the differing rows, with a count of the rest; text and markdown mark the two cells', async ({ run }) => {
  const json = JSON.parse((await run('--matrix', '--env', 'dev,staging,prod', '--json')).stdout)
  assert.equal(json.rows.map((row: Row) => [row.type, row.key]), [['role', 'Editor'], ['flow', 'references-flow']])

  const text = await run('--matrix', '--env', 'dev,staging,prod')
  assert.is(text.code, 2)
  assert.equal(textRow(text.stdout, 'type', 'key'), ['type', 'key', 'dev', 'staging', 'prod'])
  assert.equal(textRow(text.stdout, 'role', '"Editor"'), ['role', '"Editor"', '✓', '~ changed', '✓'])
  assert.equal(textRow(text.stdout, 'flow', '"references-flow"'), ['flow', '"references-flow"', '✓', '✓', '~ changed'])
  assert.match(plain(text.stdout), 'role "Editor" in staging: permissionNames')
  assert.match(plain(text.stdout), 'flow "references-flow" in prod: metadata.name')
  assert.match(plain(text.stdout), `${json.summary.inSync} more item(s) show no drift (--all-rows lists them).`)
  assert.match(plain(text.stdout), 'Drift: 2 changed, 0 missing')

  const markdown = await run('--matrix', '--env', 'dev,staging,prod', '--markdown')
  assert.is(markdown.code, 2)
  assert.match(markdown.stdout, '| type | key | dev | staging | prod |')
  assert.match(markdown.stdout, '| role | `Editor` | ✓ | ~ changed: `permissionNames` | ✓ |')
  assert.match(markdown.stdout, '| flow | `references-flow` | ✓ | ✓ | ~ changed: `metadata.name` |')
})

test('an unreachable environment is an error column, exit 1; the others are still reported', async ({ run, project }) => {
  project.write('environments/down.yaml', 'extends: base.yaml\nbaseUrl: http://127.0.0.1:9\nprojectId: P2downproject\nmanagementKey: ${DEV_KEY}\nretry: { limit: 0 }\n')
  try {
    const json = await run('--matrix', '--env', 'dev,staging,down', '--json')
    assert.is(json.code, 1)
    const document = JSON.parse(json.stdout)
    assert.equal(document.environments.map((env: { name: string; error?: unknown }) => [env.name, Boolean(env.error)]), [['dev', false], ['staging', false], ['down', true]])
    assert.equal(document.rows.map((row: Row) => [row.key, row.cells.dev!.state, row.cells.staging!.state, row.cells.down!.state]), [['Editor', 'ok', 'changed', 'unchecked']])
    assert.is(document.summary.failed, 1)
    assert.equal([document.environments[2].error.code, document.environments[2].error.usage], ['API_NETWORK', false])

    const text = await run('--matrix', '--env', 'dev,staging,down')
    assert.is(text.code, 1)
    assert.match(plain(text.stdout), /down {5}could not be checked: /)
    assert.equal(textRow(text.stdout, 'role', '"Editor"'), ['role', '"Editor"', '✓', '~ changed', '×'])
    assert.match(plain(text.stdout), /\d+ more item\(s\) show no drift where checked/)
    // nothing differs where checked: every item said in sync there, not "none shows no drift"
    const alone = await run('--matrix', '--env', 'dev,down')
    assert.match(plain(alone.stdout), /All \d+ item\(s\) show no drift where checked \(--all-rows lists them\)\./)
    const markdown = await run('--matrix', '--env', 'dev,staging,down', '--markdown')
    assert.is(markdown.code, 1)
    assert.match(markdown.stdout, ':x: `down` could not be checked: ')
  } finally {
    fs.rmSync(path.join(project.dir, 'environments/down.yaml'))
  }
})

test('keys are data: an environment "constructor" and an item "__proto__" fill their cells; missing and not declared differ', async ({ run, project, emulators }) => {
  // dev's project again, with one tenant more in the files than live
  const extra = 'tenants:\n  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com] }\n  - { id: __proto__, name: Hostile }\n'
  project.write('environments/constructor.yaml', envFile(emulators.dev!, 'DEV_KEY', extra))
  try {
    const result = await run('--matrix', '--env', 'dev,constructor', '--json')
    assert.is(result.code, 2, result.stderr)
    const rows: Row[] = JSON.parse(result.stdout).rows
    assert.equal(rows.map((row) => [row.type, row.key, row.cells.dev, row.cells.constructor]), [
      ['tenant', '__proto__', { state: 'not-declared' }, { state: 'missing' }],
    ])
    const text = await run('--matrix', '--env', 'dev,constructor')
    assert.equal(textRow(text.stdout, 'tenant', '"__proto__"'), ['tenant', '"__proto__"', '·', '+ missing'])
  } finally {
    fs.rmSync(path.join(project.dir, 'environments/constructor.yaml'))
  }
})

test('usage: --matrix with --against, and --all-rows without --matrix, exit 3 with the fix', async ({ run }) => {
  const against = await run('--matrix', '--env', 'staging', '--against', 'dev')
  assert.is(against.code, 3)
  assert.match(against.stderr, '--matrix shows each environment against its own files')
  assert.match(against.stderr, 'drop one')
  const rows = await run('--env', 'dev', '--all-rows')
  assert.is(rows.code, 3)
  assert.match(rows.stderr, 'add --matrix')
})

test('hostile keys stay in their cells; rows by registry order, then code unit; unmanaged shown, counted only with --strict; a key drift.ignore skips is ignored, not undeclared', () => {
  const result = (environment: string, parts: Partial<DriftResult>): DriftResult => ({ environment, projectId: 'P2x', against: 'files', differences: [], compared: [], notes: [], ...parts })
  const results = [
    result('toString', {
      compared: [{ type: 'tenant', key: 'a|b`c' }, { type: 'tenant', key: 'B' }, { type: 'role', key: 'evil\u001b[2K\u202e' }, { type: 'tenant', key: 'sandbox', ignored: true }],
      differences: [{ type: 'tenant', key: 'stray', kind: 'unmanaged' }, { type: 'role', key: 'evil\u001b[2K\u202e', kind: 'duplicate' }],
    }),
    result('hasOwnProperty', { compared: [{ type: 'tenant', key: 'a|b`c' }], differences: [{ type: 'tenant', key: 'a|b`c', kind: 'missing' }] }),
  ]
  const options = { types: ['role', 'tenant'], strict: false, allRows: true }
  const matrix = driftMatrix(results, options)
  const stateIn = (cells: Record<string, { state: string }>, env: string) => cells[env]!.state
  assert.equal(matrix.rows.map((row) => [row.type, row.key, stateIn(row.cells, 'toString'), stateIn(row.cells, 'hasOwnProperty')]), [
    ['role', 'evil\u001b[2K\u202e', 'duplicate', 'not-declared'],
    ['tenant', 'B', 'ok', 'not-declared'],
    ['tenant', 'a|b`c', 'ok', 'missing'],
    ['tenant', 'sandbox', 'ignored', 'not-declared'],
    ['tenant', 'stray', 'unmanaged', 'not-declared'],
  ])
  assert.match(formatMatrixText(results, options), '- ignored: drift.ignore skips its key')
  assert.is(matrix.summary.drift, 2, 'unmanaged is not drift without --strict')
  assert.is(driftMatrix(results, { ...options, strict: true }).summary.drift, 3)
  // "B" is in sync where declared, and only one environment declares it: counted, shown with --all-rows
  assert.equal(driftMatrix(results, { ...options, allRows: false }).rows.map((row) => row.key), ['evil\u001b[2K\u202e', 'a|b`c', 'stray'])
  assert.match(formatMatrixText(results, { ...options, allRows: false }), '2 more item(s) show no drift, 2 of them not declared in every environment (--all-rows lists them).')

  const markdown = formatMatrixMarkdown(results, options)
  assert.match(markdown, '| tenant | ``a\\|b`c`` | ✓ | + missing |')
  assert.match(markdown, '| role | `evil\\u001b[2K\\u202e` | ! duplicate | · |')
  const text = formatMatrixText(results, options)
  assert.ok(!/[\u001b\u202e]/.test(plain(text).replace(/\x1b\[[0-9;]*m/g, '')), 'no raw control or bidi character reaches the terminal')
  assert.equal(textRow(text, 'role', 'evil'), ['role', '"evil\\u001b[2K\\u202e"', '! duplicate', '·'])
})

test('the text matrix takes as many rows as a project has: 200,000 missing tenants, no stack overflow', () => {
  const compared = Array.from({ length: 200_000 }, (_, i) => ({ type: 'tenant', key: `t${i}` }))
  const differences = compared.map(({ type, key }) => ({ type, key, kind: 'missing' as const }))
  const text = formatMatrixText([{ environment: 'dev', projectId: 'P2x', against: 'files', differences, compared, notes: [] }], { types: ['tenant'], strict: false, allRows: false })
    .replace(/\u001b\[[0-9;]*m/g, '')
  assert.match(text, 'tenant  "t99999"   + missing')
  assert.match(text, 'Drift: 0 changed, 200000 missing')
})

test.run()
