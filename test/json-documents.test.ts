// Every --json document starts with `kind` and `formatVersion` (lib/report/json-document.ts), and
// field changes say `live` and `desired` in all of them. Each task that takes --json is run here;
// a task or shipped script that gains --json without a case here fails the last test.
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { JSON_FORMAT_VERSION, jsonDocument } from '../lib/report/json-document.ts'
import type { Command, CommandSet, Task } from '../lib/run/runner.ts'
import { createProject, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

const DECLARED = `tenants:
  - { id: acme, name: Acme }
roles:
  - { name: Viewer, description: reads }
`

interface Context { emulator: Emulator; project: Project; run(task: string, ...args: string[]): Promise<Record<string, any>> }
const test = suite<Context>('json documents')

/** `invocation` → the kind its --json document must say */
const covered = new Map<string, string>()
/** `invocation` → the documents its runs printed, for the --help check */
const printed = new Map<string, Record<string, any>[]>()

test.before(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment(context.emulator, DECLARED) })
  context.run = async (task, ...args) => {
    const result = await runTask(task, [...args, '--json'], { cwd: context.project.dir, env: { EMULATOR_KEY: context.emulator.managementKey } })
    let document: Record<string, any>
    try {
      document = JSON.parse(result.stdout)
    } catch {
      throw new Error(`${task} ${args.join(' ')} --json: stdout is not one JSON document:\n${result.stdout}\n${result.stderr}`)
    }
    assert.is(document.formatVersion, JSON_FORMAT_VERSION, `${task} ${args[0]}`)
    assert.equal(Object.keys(document).slice(0, 2), ['kind', 'formatVersion'], 'the envelope comes first')
    const command = task === 'backup' ? `backup ${args[0]}` : task.replace(/^scripts\/(.*)\.ts$/, '$1')
    if (document.kind !== 'error') covered.set(command, document.kind)
    if (document.kind !== 'error') printed.set(command, [...printed.get(command) ?? [], document])
    return document
  }
})
test.after(async ({ emulator, project }) => {
  await emulator.close()
  project.remove()
})

test('sync: a plan, then an apply; field changes say live and desired', async ({ run, emulator }) => {
  const plan = await run('sync', '--env', 'dev')
  assert.is(plan.kind, 'plan')
  assert.equal(plan.changes.find((change: any) => change.key === 'acme').fields[0], { path: 'id', desired: 'acme' })
  const applied = await run('sync', '--env', 'dev', '--apply')
  assert.is(applied.kind, 'apply')
  assert.is(applied.summary.applied, 2)

  const sdk = (await import('@descope/node-sdk')).default({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
  assert.ok((await sdk.tenant.update('acme', 'Acme Renamed')).ok)
  const again = await run('sync', '--env', 'dev')
  assert.equal(again.changes[0].fields, [{ path: 'name', live: 'Acme Renamed', desired: 'Acme' }])
  const drift = await run('drift', '--env', 'dev')
  assert.is(drift.kind, 'drift')
  assert.equal(drift.differences[0].fields, [{ path: 'name', live: 'Acme Renamed', desired: 'Acme' }])
  const matrix = await run('drift', '--env', 'dev', '--matrix')
  assert.is(matrix.kind, 'drift-matrix')
  assert.equal(matrix.rows.map((row: any) => [row.key, row.cells.dev.state, row.cells.dev.paths]), [['acme', 'changed', ['name']]])
})

test('export-flows and every backup command', async ({ run }) => {
  const exported = await run('export-flows', '--env', 'dev', '--theme', '--check')
  assert.is(exported.kind, 'export', JSON.stringify(exported))
  const backup = await run('backup', 'create', '--env', 'dev')
  assert.is(backup.kind, 'backup')
  assert.is((await run('backup', 'list')).kind, 'backup-list')
  assert.is((await run('backup', 'prune', '--dry-run')).kind, 'backup-prune')
  const restore = await run('backup', 'restore', backup.backup, '--env', 'dev')
  assert.is(restore.kind, 'plan')
})

test('validate', async ({ run }) => {
  const validated = await run('validate', '--env', 'dev')
  assert.is(validated.kind, 'validate')
  assert.is(validated.ok, true)
})

test('import', async ({ run }) => {
  const imported = await run('import', '--env', 'dev', '--out', 'environments/adopted.yaml')
  assert.is(imported.kind, 'import')
})

test('the shipped scripts', async ({ run }) => {
  assert.is((await run('scripts/tenant-report.ts', '--env', 'dev')).kind, 'tenant-report')
  assert.is((await run('scripts/rename-tenant-attribute.ts', '--env', 'dev', '--from', 'plan', '--to', 'tier')).kind, 'plan')
})

test('a failure is a document too', async ({ run }) => {
  const failed = await run('sync', '--env', 'nowhere')
  assert.is(failed.kind, 'error')
  assert.is(failed.error.code, 'ENV_NOT_FOUND')
  // a task of sub-commands, wrong before any command is chosen
  for (const args of [[], ['bogus'], ['--env', 'dev']]) {
    const usage = await run('backup', ...args)
    assert.equal([usage.kind, usage.error.code], ['error', 'USAGE'], `backup ${args.join(' ')} --json`)
  }
})

test('every command that takes --json has a case above', async () => {
  const withJson: string[] = []
  const files = ['tasks', 'scripts'].flatMap((dir) => fs.readdirSync(path.join(REPO, dir)).filter((name) => name.endsWith('.ts')).map((name) => path.join(REPO, dir, name)))
  for (const file of files) {
    const { task } = (await import(file)) as { task: Task | CommandSet }
    const commands: Array<[string, Command]> = 'commands' in task ? Object.entries(task.commands).map(([name, command]) => [`${task.name} ${name}`, command]) : [[task.name, task]]
    for (const [name, command] of commands) if (Object.hasOwn(command.flags, 'json')) withJson.push(name)
  }
  assert.equal(withJson.filter((name) => !covered.has(name)), [], 'commands whose --json no case runs')
})

test('a --help that spells out a document names its envelope and every field it has', async () => {
  const files = ['tasks', 'scripts'].flatMap((dir) => fs.readdirSync(path.join(REPO, dir)).filter((name) => name.endsWith('.ts')).map((name) => path.join(REPO, dir, name)))
  const stale: string[] = []
  for (const file of files) {
    const { task } = (await import(file)) as { task: Task | CommandSet }
    const commands: Array<[string, Command]> = 'commands' in task ? Object.entries(task.commands).map(([name, command]) => [`${task.name} ${name}`, command]) : [[task.name, task]]
    for (const [name, command] of commands) {
      // the shape is spelled out in the flag that asks for it: --json, or --matrix for drift's matrix
      const shapes = Object.values(command.flags).map((flag) => flag.description).filter((text) => text.includes('{ kind'))
      for (const document of printed.get(name) ?? []) {
        const shape = shapes.find((text) => text.includes(`kind: "${document.kind}"`)) ?? shapes.find((text) => text.includes('{ kind,'))
        if (!shape) continue
        const missing = ['kind', 'formatVersion', ...Object.keys(document)].filter((key) => !new RegExp(`\\b${key}\\b`).test(shape))
        if (missing.length) stale.push(`${name} (${document.kind}): ${[...new Set(missing)].join(', ')}`)
      }
    }
  }
  assert.equal(stale, [], 'fields a --json document has that its --help leaves out')
})

// type-checked, never run: a body cannot override the envelope (tsc fails if this compiles)
export const envelopeFirst = () => {
  // @ts-expect-error `kind` is the envelope's
  jsonDocument('plan', { kind: 'other' })
}

test.run()
