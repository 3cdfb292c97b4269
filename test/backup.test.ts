// tasks/backup.ts and the automatic backups of sync and restore, against the emulator.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { BACKUP_FORMAT, BACKUP_VERSION, contentHash } from '../lib/backup/format.ts'
import { writeBackup } from '../lib/backup/store.ts'
import { createProject, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

const DECLARED = `permissions:
  - { name: projects.read }
  - { name: projects.write }
roles:
  - { name: Viewer, permissionNames: [projects.read] }
  - { name: Editor, permissionNames: [projects.read, projects.write] }
tenants:
  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com], defaultRoles: [Viewer] }
  - { id: globex, name: Globex }
flows: all
theme: true
`
const KEY = 'K-backup-test-secret-key'

interface Context {
  dev: Emulator
  copy: Emulator
  project: Project
  run(task: string, ...args: string[]): ReturnType<typeof runTask>
}
const test = suite<Context>('backups')

test.before.each(async (context) => {
  context.dev = await startEmulator({ managementKey: KEY })
  context.copy = await startEmulator({ managementKey: KEY, projectId: 'P2emulatorCopyProject0000003' })
  context.project = createProject()
  fs.cpSync(path.join(REPO, 'environments/exported'), path.join(context.project.dir, 'environments/exported'), { recursive: true })
  context.project.write('environments/dev.yaml', emulatorEnvironment(context.dev, DECLARED))
  context.project.write('environments/copy.yaml', emulatorEnvironment(context.copy, 'tenants: []\n'))
  context.run = (task, ...args) => runTask(task, args, { cwd: context.project.dir, env: { EMULATOR_KEY: KEY } })
})
test.after.each(async (context) => {
  await Promise.all([context.dev.close(), context.copy.close()])
  context.project.remove()
})

const backupsIn = (project: Project) => {
  const root = path.join(project.dir, '.backups')
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).map(String).filter((file) => file.endsWith('.json')).sort() : []
}
const hashOf = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).metadata.contentHash as string
const sdkFor = (emulator: Emulator) => DescopeClient({ projectId: emulator.projectId, managementKey: KEY, baseUrl: emulator.url }).management

test('back up, break things out of band, restore latest: live equals the backup again', async ({ run, dev, project }) => {
  assert.is((await run('sync', '--env', 'dev', '--apply')).code, 0)
  const created = await run('backup', 'create', '--env', 'dev', '--json')
  assert.is(created.code, 0, created.stderr)
  const original = JSON.parse(created.stdout).backup as string
  assert.ok(original.startsWith(path.join(project.dir, '.backups', dev.projectId)))
  assert.is(fs.statSync(original).mode & 0o777, 0o600)
  assert.is(fs.statSync(path.dirname(original)).mode & 0o777, 0o700)

  const sdk = sdkFor(dev)
  assert.ok((await sdk.tenant.delete('globex')).ok)
  assert.ok((await sdk.role.update('Editor', 'Editor', 'edited', ['projects.read'])).ok)
  const flow = await sdk.flow.export('references-flow')
  assert.ok((await sdk.flow.import('references-flow', { ...flow.data!.flow, name: 'Edited' }, flow.data!.screens)).ok)
  assert.ok((await sdk.tenant.createWithId('stray', 'Stray')).ok)

  const plan = await run('backup', 'restore', 'latest', '--env', 'dev', '--prune')
  assert.is(plan.code, 0, plan.stderr)
  assert.match(plan.stdout, '+ create tenant "globex"')
  assert.match(plan.stdout, '~ update role "Editor"')
  assert.match(plan.stdout, '~ update flow "references-flow"')
  assert.match(plan.stdout, '- delete tenant "stray"')

  const restored = await run('backup', 'restore', 'latest', '--env', 'dev', '--prune', '--apply')
  assert.is(restored.code, 0, restored.stderr)
  assert.match(restored.stdout, 'Apply: 4 applied, 0 failed, 0 skipped')
  assert.match((await run('sync', '--env', 'dev')).stdout, 'No changes')

  const after = JSON.parse((await run('backup', 'create', '--env', 'dev', '--json')).stdout).backup as string
  assert.is(hashOf(after), hashOf(original), 'the restored items equal the originals')
})

test('sync --apply with changes leaves a backup first; with no changes it leaves none', async ({ run }) => {
  const applied = await run('sync', '--env', 'dev', '--apply', '--json')
  assert.is(applied.code, 0, applied.stderr)
  const { backup } = JSON.parse(applied.stdout)
  assert.ok(fs.existsSync(backup))
  const listed = JSON.parse((await run('backup', 'list', '--json')).stdout).backups
  assert.equal(listed.map((entry: { file: string; operation: string }) => [entry.file, entry.operation]), [[backup, 'sync']])
  assert.equal(JSON.parse(fs.readFileSync(backup, 'utf8')).metadata.counts, { flow: 3, permission: 0, role: 1, tenant: 0, theme: 1 }, 'taken before the first write: a new project\'s default flows, theme and Tenant Admin')

  assert.is((await run('sync', '--env', 'dev', '--apply')).code, 0)
  assert.is(JSON.parse((await run('backup', 'list', '--json')).stdout).backups.length, 1, 'no changes, no backup')
})

test('if the backup cannot be written, nothing is applied', async ({ run, dev, project }) => {
  project.write('not-a-directory', 'x')
  const result = await run('sync', '--env', 'dev', '--apply', '--backup-dir', path.join(project.dir, 'not-a-directory'))
  assert.is(result.code, 1)
  assert.match(result.stderr, 'could not write the backup into')
  assert.match(result.stderr, 'nothing was applied')
  assert.equal(dev.log.filter((entry) => entry.method === 'POST' && /create|update|import|delete/.test(entry.path) && !entry.path.includes('export')), [])
})

test('running the same restore latest again restores the same backup, not the snapshot the first run took', async ({ run, dev }) => {
  assert.is((await run('sync', '--env', 'dev', '--apply')).code, 0)
  const original = JSON.parse((await run('backup', 'create', '--env', 'dev', '--json')).stdout).backup as string
  assert.ok((await sdkFor(dev).tenant.delete('globex')).ok)
  assert.is((await run('backup', 'restore', 'latest', '--env', 'dev', '--apply')).code, 0)
  const again = await run('backup', 'restore', 'latest', '--env', 'dev', '--json')
  assert.is(again.code, 0, again.stderr)
  const document = JSON.parse(again.stdout)
  assert.is(document.restoring.file, original)
  assert.equal(document.changes, [], 'converged: nothing left to restore')
})

test('latest is a backup of this project, not of another one with the same environment name', async ({ run, dev, project }) => {
  assert.is((await run('backup', 'create', '--env', 'dev')).code, 0)
  // a newer backup of another project whose environment is also called dev
  const items = { tenant: [] }
  writeBackup(path.join(project.dir, '.backups'), {
    metadata: {
      format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date(Date.now() + 60_000).toISOString(), operation: 'manual',
      user: 'someone', gitCommit: null, environment: 'dev', projectId: 'P2someOtherProject', toolVersion: '0', counts: { tenant: 0 }, contentHash: contentHash(items),
    },
    items,
  })
  const result = await run('backup', 'restore', 'latest', '--env', 'dev', '--json')
  assert.is(result.code, 0, result.stderr)
  assert.is(JSON.parse(result.stdout).restoring.projectId, dev.projectId)
})

test('a backup of one environment restores into an empty other: every item reproduced', async ({ run }) => {
  assert.is((await run('sync', '--env', 'dev', '--apply')).code, 0)
  const source = JSON.parse((await run('backup', 'create', '--env', 'dev', '--json')).stdout).backup as string
  const plan = await run('backup', 'restore', source, '--env', 'copy')
  assert.match(plan.stdout, 'a backup of environment "dev"')
  assert.match(plan.stdout, 'another project (P2emulatorLocalProject000001 → P2emulatorCopyProject0000003): this makes "copy" a copy of "dev"')
  assert.is((await run('backup', 'restore', source, '--env', 'copy', '--apply')).code, 0)
  const copied = JSON.parse((await run('backup', 'create', '--env', 'copy', '--json')).stdout).backup as string
  assert.is(hashOf(copied), hashOf(source))
})

test('--type restores only that type: rolling back a flow touches nothing else', async ({ run, dev }) => {
  assert.is((await run('sync', '--env', 'dev', '--apply')).code, 0)
  assert.is((await run('backup', 'create', '--env', 'dev')).code, 0)
  const sdk = sdkFor(dev)
  const flow = await sdk.flow.export('references-flow')
  assert.ok((await sdk.flow.import('references-flow', { ...flow.data!.flow, name: 'Bad deploy' }, flow.data!.screens)).ok)
  assert.ok((await sdk.role.update('Editor', 'Editor', 'kept', ['projects.read'])).ok)
  const result = await run('backup', 'restore', 'latest', '--env', 'dev', '--type', 'flow', '--apply', '--json')
  assert.is(result.code, 0, result.stderr)
  assert.equal(JSON.parse(result.stdout).changes.map((change: { type: string; key: string }) => `${change.type} ${change.key}`), ['flow references-flow'])
  assert.is((await sdk.role.loadAll()).data?.find((role) => role.name === 'Editor')?.description, 'kept')
})

test('truncated, newer-format and missing files: clear errors, and list still lists the rest', async ({ run, project }) => {
  assert.is((await run('backup', 'create', '--env', 'dev')).code, 0)
  const dir = path.join(project.dir, '.backups', 'P2emulatorLocalProject000001')
  const [good] = backupsIn(project)
  const full = fs.readFileSync(path.join(project.dir, '.backups', good!), 'utf8')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'truncated-dev-manual.json'), full.slice(0, full.length / 2))
  fs.writeFileSync(path.join(dir, 'truncated-prod-manual.json'), full.slice(0, full.length / 2))
  fs.writeFileSync(path.join(dir, 'future.json'), JSON.stringify({ metadata: { format: BACKUP_FORMAT, version: BACKUP_VERSION + 1 }, items: {} }))
  const cases: [string, RegExp][] = [
    [path.join(dir, 'truncated-dev-manual.json'), /truncated-dev-manual\.json: is not valid JSON: .*\(line \d+, column \d+\)|truncated-dev-manual\.json: is not valid JSON: it ends too early/],
    [path.join(dir, 'future.json'), /future\.json: is format version 2; this descope-mgmt reads version 1 and older \(fix: upgrade descope-mgmt/],
    [path.join(dir, 'missing.json'), /missing\.json: does not exist/],
  ]
  for (const [file, message] of cases) {
    const result = await run('backup', 'restore', file, '--env', 'dev')
    assert.is(result.code, 3, file)
    assert.match(result.stderr, message)
  }
  // a newer unreadable backup of this project is passed over out loud, not in silence
  const latest = await run('backup', 'restore', 'latest', '--env', 'dev')
  assert.is(latest.code, 0, latest.stderr)
  assert.match(latest.stderr, /passing over .*truncated-dev-manual\.json, newer but unreadable/)
  // another environment's unreadable file is not this one's concern
  assert.not.match(latest.stderr, /truncated-prod-manual/)
  fs.symlinkSync(path.join(dir, 'gone.json'), path.join(dir, 'dangling.json'))
  const listed = await run('backup', 'list')
  assert.is(listed.code, 0, listed.stderr)
  assert.match(listed.stdout, /UNREADABLE .*no such file/)
  assert.match(listed.stdout, /UNREADABLE .*is not valid JSON/)
  assert.match(listed.stdout, /UNREADABLE .*format version 2/)
  assert.match(listed.stdout, /dev\s+P2emulator\w+\s+manual/)
})

test('the management key is in no backup, list output or log', async ({ project }) => {
  // no secret registered by an earlier run may hide a leak
  const run = (task: string, ...args: string[]) => runTask(task, args, { cwd: project.dir, env: { EMULATOR_KEY: KEY }, freshSecrets: true })
  const outputs = [
    await run('sync', '--env', 'dev', '--apply', '--verbose'),
    await run('backup', 'create', '--env', 'dev', '--verbose'),
    await run('backup', 'list'),
    await run('backup', 'list', '--json'),
    await run('backup', 'restore', 'latest', '--env', 'dev', '--verbose'),
  ]
  for (const output of outputs) assert.not.match(output.stdout + output.stderr, KEY)
  const files = backupsIn(project)
  assert.is(files.length, 2)
  for (const file of files) assert.not.match(fs.readFileSync(path.join(project.dir, '.backups', file), 'utf8'), KEY)
})

test('prune removes backups past the retention period, but keeps the newest few of each environment', async ({ run, project }) => {
  const root = path.join(project.dir, '.backups')
  const day = 86_400_000
  const write = (environment: string, daysAgo: number) => {
    const items = { tenant: [{ id: 't', name: 'T' }] }
    return writeBackup(root, {
      metadata: {
        format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date(Date.now() - daysAgo * day).toISOString(), operation: 'manual',
        user: 'test', gitCommit: null, environment, projectId: `P2${environment}`, toolVersion: '0', counts: { tenant: 1 }, contentHash: contentHash(items),
      },
      items,
    })
  }
  const dev = [1, 10, 40, 50, 60].map((days) => write('dev', days))
  const prod = [70, 80].map((days) => write('prod', days))
  const dry = await run('backup', 'prune', '--keep', '2', '--dry-run', '--json')
  assert.equal(JSON.parse(dry.stdout).removed.sort(), [dev[2], dev[3], dev[4]].sort())
  assert.ok(dev.every((file) => fs.existsSync(file)), '--dry-run removes nothing')
  assert.match((await run('backup', 'prune', '--keep', '2', '--dry-run')).stdout, '3 backups would be removed (older than')
  const pruned = await run('backup', 'prune', '--keep', '2')
  assert.is(pruned.code, 0, pruned.stderr)
  assert.match(pruned.stdout, '3 backups removed (older than')
  assert.equal([...dev, ...prod].filter((file) => fs.existsSync(file)), [dev[0], dev[1], prod[0], prod[1]], 'the newest 2 of prod are kept however old')
})

test.run()
