// The shipped scripts (scripts/), run as a user runs them, against an emulator: the tenant
// report's table, CSV (parsed back, hostile values included) and JSON; the attribute rename's plan
// (nothing written), its apply (tenants renamed, a backup labelled with the script's name, audit
// records, the lock), a protected environment, the files that would undo it; flags as tasks
// take them. Then the README's "Writing a script", followed literally on a copy of `local`.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { parseBackup } from '../lib/backup/format.ts'
import { connect } from '../lib/run/context.ts'
import { edit } from '../lib/run/edit.ts'
import type { ConfigError } from '../lib/errors.ts'
import type { ResourceTypes } from '../lib/contract.ts'
import { textTable } from '../lib/report/table.ts'
import tenantSettings from '../plugins/tenant-settings.ts'
import tenantSso from '../plugins/tenant-sso.ts'
import { plainLog } from './helpers/output.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, REPO, runTask, type Project } from './helpers/project.ts'

const REPORT = 'scripts/tenant-report.ts'
const RENAME = 'scripts/rename-tenant-attribute.ts'

// what a team's live project holds, some of it hostile to a spreadsheet or a terminal
const SEED = `
roles:
  - { name: Viewer, description: Reads }
tenants:
  - id: acme
    name: 'Acme, "Inc"'
    selfProvisioningDomains: [acme.com, acme.io]
    customAttributes: { plan: enterprise, note: '=HYPERLINK("http://evil.example","x")', "a,b": "+1" }
    defaultRoles: [Viewer]
  - id: globex
    name: "+Globex"
    customAttributes: { plan: team, note: "line one\\nline two" }
  - id: initech
    name: "@Initech"
    parent: globex
    customAttributes: { note: "-2+3", __proto__: kept }
  - id: umbrella
    name: Umbrella
tenantSettings:
  acme: { enabled: true, sessionTokenExpiration: 10, sessionTokenExpirationUnit: minutes }
tenantSso:
  acme: { protocol: saml, idpMetadataUrl: "https://idp.acme.example/metadata" }
`

interface Context { emulator: Emulator; project: Project; key: Record<string, string> }
const test = suite<Context>('scripts')

test.before(async (context) => {
  context.emulator = await startEmulator({ plugins: [tenantSettings(), tenantSso()] })
  context.key = { EMULATOR_KEY: context.emulator.managementKey }
})
test.after(async ({ emulator }) => emulator.close())

test.before.each(async (context) => {
  const { emulator } = context
  context.project = createProject({
    'environments/seed.yaml': emulatorEnvironment(emulator, SEED),
    // manages nothing: every tenant is the script's alone
    'environments/dev.yaml': emulatorEnvironment(emulator),
  }, configWithTestPlugins({ 'tenant-settings': '', 'tenant-sso': '' }))
  for (const type of ['tenants', 'roles'] as const) for (const key of Object.keys(emulator.state[type])) delete emulator.state[type][key]
  const seeded = await runTask('sync', ['--env', 'seed', '--apply', '--yes'], { cwd: context.project.dir, env: context.key })
  assert.is(seeded.code, 0, seeded.stderr)
  fs.rmSync(path.join(context.project.dir, '.backups'), { recursive: true, force: true })
})
test.after.each(({ project }) => project.remove())

const run = (context: Context, script: string, ...args: string[]) => runTask(script, args, { cwd: context.project.dir, env: context.key })
const attributes = (emulator: Emulator, id: string) => emulator.state.tenants[id]!.customAttributes

/** RFC 4180, read strictly: quoted cells with "" for a quote, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let at = 0
  while (at < text.length) {
    const row: string[] = []
    for (;;) {
      assert.is(text[at], '"', `a cell at ${at} is quoted`)
      let cell = ''
      at++
      for (;;) {
        const quote = text.indexOf('"', at)
        assert.ok(quote >= 0, 'a quoted cell ends')
        cell += text.slice(at, quote)
        at = quote + 1
        if (text[at] !== '"') break
        cell += '"'
        at++
      }
      row.push(cell)
      if (text[at] === ',') { at++; continue }
      assert.is(text.slice(at, at + 2), '\r\n', 'a record ends with CRLF')
      at += 2
      break
    }
    rows.push(row)
  }
  return rows
}

test('the report as CSV: every hostile value comes back as it is, formulas defused with a leading quote', async (context) => {
  const result = await run(context, REPORT, '--env', 'dev', '--format', 'csv')
  assert.is(result.code, 0, result.stderr)
  const [head, ...rows] = parseCsv(result.stdout)
  assert.equal(head, ['id', 'name', 'parent', 'disabled', 'domains', 'sso', 'session', 'attribute:__proto__', 'attribute:a,b', 'attribute:note', 'attribute:plan'])
  assert.equal(rows, [
    ['acme', 'Acme, "Inc"', '', 'no', 'acme.com acme.io', 'saml', 'session 10 minutes', '', "'+1", `'=HYPERLINK("http://evil.example","x")`, 'enterprise'],
    ['globex', "'+Globex", '', 'no', '', 'none', 'project\'s', '', '', 'line one\nline two', 'team'],
    ['initech', "'@Initech", 'globex', 'no', '', 'none', 'project\'s', 'kept', '', "'-2+3", ''],
    ['umbrella', 'Umbrella', '', 'no', '', 'none', 'project\'s', '', '', '', ''],
  ])
})

test('the report as a table: one line per tenant, a newline in a value shown as \\n', async (context) => {
  const result = await run(context, REPORT, '--env', 'dev')
  assert.is(result.code, 0, result.stderr)
  const lines = result.stdout.trimEnd().split('\n')
  assert.is(lines.length, 5)
  assert.match(lines[0]!, /^id +name +parent +disabled +domains +sso +session +attribute:__proto__ +attribute:a,b +attribute:note +attribute:plan$/)
  assert.match(lines[2]!, /^globex +\+Globex .* line one\\nline two +team$/)
  // --brief: one request, the tenants' own fields only
  const brief = await run(context, REPORT, '--env', 'dev', '--brief')
  assert.not.match(brief.stdout.split('\n')[0]!, 'sso')
})

test('the report\'s table takes as many tenants as a project holds: 200,000 rows, no stack overflow', () => {
  const table = textTable(['id', 'name'], Array.from({ length: 200_000 }, (_, index) => [`tenant-${index}`, 'Name']))
  assert.is(table.split('\n').length, 200_001)
  assert.is(table.split('\n')[1], 'tenant-0       Name')
})

test('the report as JSON: one document of kind tenant-report, attribute keys as data', async (context) => {
  const result = await run(context, REPORT, '--env', 'dev', '--json')
  assert.is(result.code, 0, result.stderr)
  const document = JSON.parse(result.stdout)
  assert.equal([document.kind, document.formatVersion, document.environment], ['tenant-report', 1, 'dev'])
  assert.equal(document.tenants.map((tenant: { id: string }) => tenant.id), ['acme', 'globex', 'initech', 'umbrella'])
  const [acme, , initech] = document.tenants
  assert.equal(acme, { id: 'acme', name: 'Acme, "Inc"', disabled: false, domains: ['acme.com', 'acme.io'], customAttributes: { 'a,b': '+1', note: '=HYPERLINK("http://evil.example","x")', plan: 'enterprise' }, sso: 'saml', session: { sessionToken: '10 minutes' } })
  assert.ok(Object.hasOwn(initech.customAttributes, '__proto__'), '__proto__ is a key like any other')
  assert.is(initech.parent, 'globex')
})

test('the report refuses a bad --format, --format with --json, and a value on a switch (exit 3)', async (context) => {
  for (const args of [['--format', 'xlsx'], ['--format', 'csv', '--json'], ['--json=yes'], ['--brief=no']]) {
    const result = await run(context, REPORT, '--env', 'dev', ...args)
    assert.is(result.code, 3, `${args.join(' ')}: ${result.stderr}`)
    assert.is(result.stdout.includes('"tenants"'), false)
  }
})

test('--help of each script names its own file and its flags', async (context) => {
  const report = await run(context, REPORT, '--help')
  assert.is(report.code, 0)
  assert.match(report.stdout, 'Usage: npx tsx scripts/tenant-report.ts [--env <name>]')
  assert.match(report.stdout, '--format <table|csv>')
  const rename = await run(context, RENAME, '-h')
  assert.match(rename.stdout, 'Usage: npx tsx scripts/rename-tenant-attribute.ts [--env <name>] --from <key> --to <key>')
  for (const flag of ['--apply', '--yes', '--backup-dir <dir>', '--json', '--verbose', '--quiet']) assert.match(rename.stdout, flag)
})

test('the rename without --apply: the plan, and nothing written (no backup, no write)', async (context) => {
  const { emulator } = context
  const writes = emulator.log.length
  const result = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier')
  assert.is(result.code, 0, result.stderr)
  assert.match(result.stdout, '~ update tenant "acme"\n      customAttributes.plan: "enterprise" → (none)\n      customAttributes.tier: (none) → "enterprise"')
  assert.match(result.stdout, 'Plan: 0 to create, 2 to update, 0 to delete')
  assert.not.match(result.stdout, 'initech')
  assert.ok(emulator.log.slice(writes).every((entry) => entry.method === 'GET'), 'only reads')
  assert.is(attributes(emulator, 'acme').plan, 'enterprise')
  const json = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier', '--json')
  assert.equal(JSON.parse(json.stdout).changes.map((change: { key: string; op: string }) => [change.key, change.op]), [['acme', 'update'], ['globex', 'update']])
  assert.not.ok(fs.existsSync(path.join(context.project.dir, '.backups')), 'no backup, no audit log')
})

test('the rename with --apply: tenants renamed, the rest kept, a backup and audit records labelled with the script', async (context) => {
  const { emulator, project } = context
  const result = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier', '--apply')
  assert.is(result.code, 0, result.stderr)
  assert.match(result.stdout, 'Apply: 2 applied, 0 failed, 0 skipped')
  assert.equal(attributes(emulator, 'acme'), { tier: 'enterprise', note: '=HYPERLINK("http://evil.example","x")', 'a,b': '+1' })
  assert.equal(attributes(emulator, 'globex'), { tier: 'team', note: 'line one\nline two' })
  // the tenant's other fields, its default roles (a role no file here declares) among them
  assert.equal([emulator.state.tenants.acme!.name, emulator.state.tenants.acme!.defaultRoles, emulator.state.tenants.acme!.selfProvisioningDomains], ['Acme, "Inc"', ['Viewer'], ['acme.com', 'acme.io']])
  const dir = path.join(project.dir, '.backups', emulator.projectId)
  const [backupFile] = fs.readdirSync(dir).filter((name) => name.endsWith('.json'))
  assert.match(backupFile!, /^\d{8}T\d{6}Z-dev-rename-tenant-attribute\.json$/)
  const backup = parseBackup(fs.readFileSync(path.join(dir, backupFile!), 'utf8'), backupFile!)
  assert.is(backup.metadata.operation, 'rename-tenant-attribute')
  // a label is lower-case words joined by -, so it can name a file: a planted one is refused
  const planted = JSON.stringify({ ...backup, metadata: { ...backup.metadata, operation: '../../x' } })
  assert.throws(() => parseBackup(planted, 'planted.json'), /metadata\.operation/)
  assert.equal((backup.items.tenant as { id: string; customAttributes: object }[]).find((tenant) => tenant.id === 'acme')!.customAttributes, { plan: 'enterprise', note: '=HYPERLINK("http://evil.example","x")', 'a,b': '+1' })
  const audit = fs.readFileSync(path.join(dir, 'dev.audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line))
  assert.equal(audit.map((record) => [record.operation, record.key, record.op, record.outcome]), [['rename-tenant-attribute', 'acme', 'update', 'applied'], ['rename-tenant-attribute', 'globex', 'update', 'applied']])
  // backup list shows the label
  const list = await runTask('backup', ['list', '--env', 'dev'], { cwd: project.dir, env: context.key })
  assert.match(list.stdout, 'rename-tenant-attribute')
  // done: the next run has nothing left to do
  const again = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier', '--apply')
  assert.match(again.stdout, 'No changes. Live matches what the script makes it.')
})

test('edit() refuses a label that is not a script\'s name, or is a built-in operation\'s, before anything', async () => {
  for (const label of ['sync', 'restore', 'manual', 'Rename', 'a b', '../x', '', 'x'.repeat(65)]) {
    await edit({} as never, { label, types: ['tenant'], change: () => ({}), apply: true }).then(
      () => assert.unreachable(`label ${label} is refused`),
      (error: Error) => assert.match(error.message, /label .* must be the script's name/, label),
    )
  }
})

test('edit() refuses what change() returns that is not items of its types (nothing, a string, a section\'s name, another type), rather than plan no change', async ({ project, key, emulator }) => {
  const ctx = await connect('dev', { cwd: project.dir, variables: key })
  const before = emulator.log.length
  try {
    const returns: [unknown, string][] = [
      [undefined, 'returned undefined'],
      ['garbage', 'returned a string'],
      [[{ id: 'acme', name: 'A' }], 'returned an array'],
      [{ tenants: [{ id: 'acme', name: 'A' }] }, '"tenants" (did you mean tenant?)'],
      [{ role: [{ name: 'Viewer' }] }, '"role"'],
    ]
    for (const [returned, says] of returns) {
      await edit(ctx, { label: 'careless', types: ['tenant'], change: () => returned as never, apply: true }).then(
        () => assert.unreachable(`${JSON.stringify(returned)} is refused`),
        (error: Error & { code?: string }) => {
          assert.is(error.code, 'USAGE', error.message)
          assert.match(error.message, says)
        },
      )
    }
    assert.ok(emulator.log.slice(before).every((entry) => entry.method === 'GET'), 'nothing written')
  } finally {
    await ctx.close()
  }
})

test('edit() refuses a changed item that clashes with one it left alone (a domain, a name), before any write: Descope would refuse it halfway', async ({ project, key, emulator }) => {
  const ctx = await connect('dev', { cwd: project.dir, variables: key })
  const before = emulator.log.length
  try {
    const clash = (tenants: ResourceTypes['tenant'][]) => tenants.map((tenant) => (tenant.id === 'globex' ? { ...tenant, name: 'Acme, "Inc"', selfProvisioningDomains: ['acme.io'] } : tenant))
    const refused = await edit(ctx, { label: 'clash', types: ['tenant'], change: ({ tenant }) => ({ tenant: clash(tenant) }), apply: true }).then(() => undefined, (error: ConfigError) => error)
    assert.is(refused?.code, 'PLAN_REFUSED')
    const messages = refused!.issues.map((issue) => issue.message)
    assert.ok(messages.some((message) => message.includes('domain "acme.io" is claimed by tenants "acme" and "globex"')), messages.join('\n'))
    assert.ok(messages.some((message) => message.includes('already used by tenant "acme"')), messages.join('\n'))
    assert.ok(refused!.issues.every((issue) => issue.path.startsWith('tenants["globex"]')), 'said of the changed tenant')
    assert.ok(emulator.log.slice(before).every((entry) => entry.method === 'GET'), 'nothing written')
  } finally {
    await ctx.close()
  }
})

test('a key named __proto__ is renamed like any other', async (context) => {
  const result = await run(context, RENAME, '--env', 'dev', '--from', '__proto__', '--to', 'legacy', '--apply')
  assert.is(result.code, 0, result.stderr)
  const renamed = attributes(context.emulator, 'initech')
  assert.equal([Object.hasOwn(renamed, '__proto__'), renamed.legacy, renamed.note], [false, 'kept', '-2+3'])
})

test('the rename holds the apply lock: a held lock refuses it (exit 1), nothing written, the refusal audited', async (context) => {
  const { emulator, project } = context
  // held by another live process of this machine (runTask's lock directory is the fixture's .locks)
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  try {
    fs.mkdirSync(path.join(project.dir, '.locks'), { recursive: true })
    fs.writeFileSync(path.join(project.dir, '.locks', `${emulator.projectId}.lock`), JSON.stringify({ pid: holder.pid, host: os.hostname(), since: new Date().toISOString(), token: 'theirs' }))
    const result = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier', '--apply')
    assert.is(result.code, 1, result.stderr)
    assert.match(result.stderr, `another apply to this project is running (pid ${holder.pid}`)
  } finally {
    holder.kill()
  }
  assert.is(attributes(emulator, 'acme').plan, 'enterprise')
  const audit = fs.readFileSync(path.join(project.dir, '.backups', emulator.projectId, 'dev.audit.jsonl'), 'utf8')
  assert.equal(JSON.parse(audit.trim()).operation, 'rename-tenant-attribute')
  assert.equal(JSON.parse(audit.trim()).outcome, 'refused')
})

test('on a protected environment: refused without --yes off a terminal (exit 3, nothing written); --yes applies', async (context) => {
  const { emulator } = context
  context.project.write('environments/prod.yaml', emulatorEnvironment(emulator))
  const refused = await run(context, RENAME, '--env', 'prod', '--from', 'plan', '--to', 'tier', '--apply')
  assert.is(refused.code, 3, refused.stderr)
  assert.match(refused.stderr, 'environment "prod" is protected')
  assert.is(attributes(emulator, 'acme').plan, 'enterprise')
  const confirmed = await run(context, RENAME, '--env', 'prod', '--from', 'plan', '--to', 'tier', '--apply', '--yes')
  assert.is(confirmed.code, 0, confirmed.stderr)
  assert.is(attributes(emulator, 'acme').tier, 'enterprise')
})

test('files that would undo the rename: refused (exit 3) naming the file, the path and what to write', async (context) => {
  const { emulator, project } = context
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: acme, name: \'Acme, "Inc"\', customAttributes: { plan: enterprise, note: \'=HYPERLINK("http://evil.example","x")\', "a,b": "+1" } }\n'))
  const refused = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier')
  assert.is(refused.code, 3, refused.stderr)
  assert.match(refused.stderr, 'environments/dev.yaml: tenants[0].customAttributes.plan: declares tenant "acme" with customAttributes.plan "enterprise", which the edit removes: the next sync would put it back')
  assert.match(refused.stderr, 'write customAttributes.tier: "enterprise" there')
  // the file changed as it says: the rename goes ahead, and agrees with the next sync
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: acme, name: \'Acme, "Inc"\', customAttributes: { tier: enterprise, note: \'=HYPERLINK("http://evil.example","x")\', "a,b": "+1" } }\n'))
  assert.is((await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier', '--apply')).code, 0)
  const sync = await runTask('sync', ['--env', 'dev', '--json'], { cwd: project.dir, env: context.key })
  assert.equal(JSON.parse(sync.stdout).changes, [])
})

test('a new key the environment\'s tenantAttributes does not define, a clash, bad keys: refused before anything is written', async (context) => {
  const { emulator, project } = context
  project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenantAttributes:\n  - { id: plan, type: string }\n'))
  const undefinedKey = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'tier', '--apply')
  assert.is(undefinedKey.code, 3)
  assert.match(undefinedKey.stderr, 'tenantAttributes does not define "tier"')
  project.write('environments/dev.yaml', emulatorEnvironment(emulator))
  const clash = await run(context, RENAME, '--env', 'dev', '--from', 'plan', '--to', 'note', '--apply')
  assert.is(clash.code, 3)
  assert.match(clash.stderr, 'tenant "acme", tenant "globex" already have "note" with another value than "plan"')
  for (const args of [['--from', 'plan'], ['--from', 'plan', '--to', 'plan'], ['--from', 'a b', '--to', 'tier'], ['--from', 'plan', '--to', 'tier', '--apply=yes']]) {
    assert.is((await run(context, RENAME, '--env', 'dev', ...args, '--apply')).code, 3, args.join(' '))
  }
  assert.equal(attributes(emulator, 'acme').plan, 'enterprise')
  assert.not.ok(fs.existsSync(path.join(project.dir, '.backups', emulator.projectId, 'dev.audit.jsonl')) && fs.readFileSync(path.join(project.dir, '.backups', emulator.projectId, 'dev.audit.jsonl'), 'utf8').includes('"applied"'))
})

test.run()

// ---- the README's "Writing a script", followed literally on a copy of the shipped project

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
const start = readme.indexOf('## Writing a script')
const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
/** The section's fenced blocks, in order. */
const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, body: body! }))

/** What differs from run to run: the emulator's port, where backups go and when; the log's colours, and its level's label (consola writes `[error]` under CI=true, ` ERROR ` on a terminal). */
const steady = (text: string) => plainLog(text)
  .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
  .replace(/\S+\/(P2\w+)\/\d{8}T\d{6}Z-/g, '<backups>/$1/<time>-')
  .split('\n').map((line) => line.trimEnd()).filter(Boolean).join('\n')

/** A diff block applied as a person would: context lines found in order, - lines removed, + lines added where they stand. */
function applyDiff(text: string, diff: string): string {
  const lines = text.split('\n')
  let at = 0
  for (const line of diff.trimEnd().split('\n')) {
    const body = line.slice(1)
    if (line.startsWith('+')) { lines.splice(at++, 0, body); continue }
    const found = lines.indexOf(body, at)
    assert.ok(found >= 0, `the diff's line ${JSON.stringify(body)} is in the file`)
    if (line.startsWith('-')) { lines.splice(found, 1); at = found } else at = found + 1
  }
  return lines.join('\n')
}

/** `jq -c '.tenants[] | [.id, .sso, .customAttributes]'`, the one filter the section uses. */
function jq(filter: string, stdout: string): string {
  assert.is(filter, '.tenants[] | [.id, .sso, .customAttributes]')
  return JSON.parse(stdout).tenants.map((tenant: { id: string; sso: string; customAttributes: object }) => JSON.stringify([tenant.id, tenant.sso, tenant.customAttributes])).join('\n')
}

const walk = suite<{ project: Project }>('README: Writing a script')

walk.before(async (context) => {
  // the shipped config, plugins and environments, as a fresh clone has them
  const config = fs.readFileSync(path.join(REPO, 'descope.config.ts'), 'utf8').replaceAll("'./lib/", `'${REPO}/lib/`).replaceAll("'./plugins/", `'${REPO}/plugins/`)
  context.project = createProject({}, config)
  fs.cpSync(path.join(REPO, 'environments'), path.join(context.project.dir, 'environments'), { recursive: true })
  const setUp = await runTask('sync', ['--apply', '--secrets-out', 'local.secrets.json'], { cwd: context.project.dir })
  assert.is(setUp.code, 0, setUp.stderr)
})
walk.after(({ project }) => project.remove())

walk('its skeleton runs as a script of its own: --help, and the tenant ids of local', async ({ project }) => {
  const skeleton = blocks.find((block) => block.lang === 'ts' && block.body.includes('defineTask'))!.body
  project.write('scripts/skeleton.ts', skeleton.replaceAll("'../lib/", `'${REPO}/lib/`))
  const file = path.join(project.dir, 'scripts/skeleton.ts')
  assert.match((await runTask(file, ['--help'], { cwd: project.dir })).stdout, 'Usage: npx tsx scripts/tenant-report.ts [--env <name>] [--brief]')
  const result = await runTask(file, ['--env', 'local'], { cwd: project.dir })
  assert.equal([result.code, result.stdout], [0, 'acme\nglobex\nglobex-europe\n'])
})

walk('each command prints what the section shows, in order, with the files edited as it says', async ({ project }) => {
  let ran = 0
  for (const [index, block] of blocks.entries()) {
    if (block.lang === 'diff') {
      const file = path.join(project.dir, 'environments/base.yaml')
      fs.writeFileSync(file, applyDiff(fs.readFileSync(file, 'utf8'), block.body))
      continue
    }
    if (block.lang !== 'sh') continue
    const shown = blocks[index + 1]!
    assert.is(shown.lang, '', `a command's output follows it: ${block.body}`)
    const outputs: { code: number | null; stdout: string; stderr: string }[] = []
    for (const line of block.body.trim().split('\n')) {
      const match = /^npx tsx (\S+) ([^|]+?)(?: \| jq -c '(.+)')?$/.exec(line)
      assert.ok(match, `a command of the section is run as written: ${line}`)
      const result = await runTask(match[1]!, match[2]!.split(' '), { cwd: project.dir })
      outputs.push(match[3] ? { ...result, stdout: jq(match[3], result.stdout) } : result)
      ran++
    }
    const last = outputs.at(-1)!
    if (last.code === 3) {
      assert.is(steady(last.stderr), steady(shown.body), block.body)
      continue
    }
    outputs.forEach((output) => assert.is(output.code, 0, `${block.body}: ${output.stderr}`))
    assert.is(steady(last.stdout), steady(shown.body), block.body)
    // the earlier commands of a block (the plan) print the start of what the last one does
    for (const output of outputs.slice(0, -1)) assert.ok(steady(last.stdout).startsWith(steady(output.stdout)), block.body)
  }
  assert.is(ran, 6)
  // "npx tsx tasks/sync.ts then says ..."
  assert.match(section, '`npx tsx tasks/sync.ts` then says "No changes. Live matches the files."')
  assert.match((await runTask('sync', [], { cwd: project.dir })).stdout, 'No changes. Live matches the files.')
})

walk.run()
