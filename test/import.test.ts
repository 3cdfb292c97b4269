// tasks/import.ts: a project made by hand, adopted into files. The proof is the next plan: from
// the imported file alone it changes nothing and leaves nothing unmanaged, and the file holds no
// server id and no secret. Around it: no overwrite without --force (and no churn when nothing
// changed), --type, a base file, hostile keys and values, and the --json document.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import yaml from 'js-yaml'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { configWithTestPlugins, createProject, REPO, runTask, type Project } from './helpers/project.ts'

const test = suite<{ project: Project; secrets: string[] }>('import')

/** The repository's own descope.config.ts, its imports pointed back at the repository */
const shippedConfig = () => fs.readFileSync(path.join(REPO, 'descope.config.ts'), 'utf8').replace(/from '\.\/(lib|plugins)\//g, `from '${REPO}/$1/`)

/** quotes, a backslash and a dollar: a client secret as it comes out of a password manager */
const OIDC_SECRET = `s3cr"et\\with'quotes$x`
/** local, plus an OIDC tenant whose client secret is write-only */
const OIDC_TENANT = `
  globex-europe:
    protocol: oidc
    name: Globex EU Okta
    clientId: 0oa1globex
    clientSecret: \${GLOBEX_EU_OIDC_SECRET}
    authUrl: https://globex.okta.example/oauth2/v1/authorize
    tokenUrl: https://globex.okta.example/oauth2/v1/token
    scope: [openid, email]
    domains: [globex.eu]
`
const VARIABLE = 'IMPORTED_TENANTSSO_GLOBEX_EUROPE_CLIENTSECRET'

const run = (project: Project, task: string, args: string[], env: Record<string, string> = {}) =>
  runTask(task, args, { cwd: project.dir, env: { GLOBEX_EU_OIDC_SECRET: OIDC_SECRET, ...env } })
const read = (project: Project, file: string) => fs.readFileSync(path.join(project.dir, file), 'utf8')

// one project for the suite: `local` applied once (every shipped type), then imported in each test
test.before(async (context) => {
  context.project = createProject({}, shippedConfig())
  fs.cpSync(path.join(REPO, 'environments'), path.join(context.project.dir, 'environments'), { recursive: true })
  fs.appendFileSync(path.join(context.project.dir, 'environments/local.yaml'), OIDC_TENANT)
  const applied = await run(context.project, 'sync', ['--apply', '--secrets-out', 'local.secrets.json'])
  assert.is(applied.code, 0, applied.stderr)
  // the values shown once (the access key's and the inbound app's cleartext), and the write-only one
  const shown = (JSON.parse(read(context.project, 'local.secrets.json')) as { secrets: { value: string }[] }).secrets.map((secret) => secret.value)
  assert.is(shown.length, 2)
  // an access key's cleartext is <key id>:<secret>: both halves are looked for
  context.secrets = [...shown, ...shown.flatMap((value) => value.split(':')), OIDC_SECRET]
})
test.after((context) => context.project.remove())

/** Every id the emulator made (not one the files declared, as an IdP's client id): what a file must never carry across projects. */
function serverIds(project: Project): string[] {
  const state = JSON.parse(read(project, '.descope-emulator/local.json')) as Record<string, unknown>
  const declared = read(project, 'environments/local.yaml') + read(project, 'environments/base.yaml')
  const tenants = new Set(Object.keys(state.tenants as object))
  const ids = new Set<string>()
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (['id', 'clientId', 'ssoId'].includes(key) && typeof value === 'string' && value.length >= 6 && !tenants.has(value) && !declared.includes(value)) ids.add(value)
      walk(value)
    }
  }
  walk(state)
  return [...ids]
}

/** ids of the project's own apps and users on a tenant, as a console would have set them */
const APP_ID = 'app-7f3e9c2a1b'
const USER_ID = 'U2userExcluded000001'

test('local imported into a fresh file: the next plan from that file alone is empty, and it holds no server id and no secret', async ({ project, secrets }) => {
  const stateFile = path.join(project.dir, '.descope-emulator/local.json')
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'))
  Object.assign(state.tenants.acme, { federatedAppIds: [APP_ID], enforceSSOExclusions: [USER_ID] })
  fs.writeFileSync(stateFile, JSON.stringify(state))
  const imported = await run(project, 'import', ['--env', 'local', '--out', 'environments/imported.yaml', '--json'])
  assert.is(imported.code, 0, imported.stderr)
  const document = JSON.parse(imported.stdout)
  assert.is(document.kind, 'import')
  assert.is(document.formatVersion, 1)
  assert.is(document.state, 'written')
  assert.equal(document.variables, [{ name: VARIABLE, type: 'tenantSso', key: 'globex-europe', field: 'clientSecret' }])
  const written = document.sections.filter((section: { state: string }) => section.state === 'written').map((section: { section: string }) => section.section)
  for (const section of ['permissions', 'roles', 'tenants', 'flows', 'theme', 'accessKeys', 'inboundApps', 'ssoApplications', 'tenantSso', 'authorizationSchema', 'project']) assert.ok(written.includes(section), `${section} in ${written}`)

  const text = read(project, 'environments/imported.yaml')
  const values = yaml.load(text) as Record<string, any>
  assert.not.ok('extends' in values, 'a fresh file is whole')
  assert.equal(values.tenantSso['globex-europe'].clientSecret, `\${${VARIABLE}}`)
  assert.ok(text.includes(VARIABLE), 'the variable is named in the header too')
  // built-ins nothing can change are left out; what a file may change on one is kept
  assert.not.ok(values.permissions.some((permission: { name: string }) => permission.name === 'User Admin'), 'no system permission')
  assert.not.ok(/createdTime|systemDefault|"?ssoId"?:/.test(text), 'no server-owned field')
  const ids = serverIds(project)
  assert.ok(ids.length > 5, `ids to look for: ${ids}`)
  for (const id of [...ids, APP_ID, USER_ID]) assert.not.ok(text.includes(id), `server id ${id} in the imported file`)
  assert.ok(document.notes.some((note: string) => note.includes('tenant "acme": enforceSSOExclusions, federatedAppIds left out')), document.notes.join('\n'))
  for (const secret of secrets) {
    assert.not.ok(text.includes(secret), `a secret (${secret.slice(0, 4)}…) in the imported file`)
    assert.not.ok(imported.stdout.includes(secret) || imported.stderr.includes(secret), 'nor in the output')
  }
  // the proof: that file alone (no base) plans nothing and sees nothing unmanaged
  const plan = await run(project, 'sync', ['--env', 'imported', '--json'], { [VARIABLE]: OIDC_SECRET })
  assert.is(plan.code, 0, plan.stderr)
  const planned = JSON.parse(plan.stdout)
  assert.equal(planned.changes, [])
  assert.equal(planned.unmanaged, [])
  const missing = await run(project, 'sync', ['--env', 'imported'])
  assert.is(missing.code, 3, 'the secret\'s variable must be set')
  assert.match(missing.stderr, VARIABLE)
})

test('a secret variable\'s value pasted into a live field, as is, URL-encoded or in base64, refuses the import: nothing written, nothing printed', async ({ project }) => {
  const stateFile = path.join(project.dir, '.descope-emulator/local.json')
  const saved = fs.readFileSync(stateFile, 'utf8')
  try {
    for (const form of [OIDC_SECRET, encodeURIComponent(OIDC_SECRET), Buffer.from(`token ${OIDC_SECRET}`).toString('base64')]) {
      const state = JSON.parse(saved)
      const permission = Object.values(state.permissions as Record<string, { name: string; description: string }>).find((candidate) => candidate.name === 'projects.read')!
      permission.description = `pasted: ${form} (oops)`
      fs.writeFileSync(stateFile, JSON.stringify(state))
      const refused = await run(project, 'import', ['--out', 'environments/leaky.yaml', '--json'])
      assert.is(refused.code, 1, refused.stderr)
      assert.is(JSON.parse(refused.stdout).error.code, 'EXPORT_SECRET')
      assert.not.ok(`${refused.stdout}${refused.stderr}`.includes(form), 'not printed')
      assert.not.ok(fs.existsSync(path.join(project.dir, 'environments/leaky.yaml')), `nothing written (${form.slice(0, 6)}…)`)
    }
  } finally {
    fs.writeFileSync(stateFile, saved)
  }
})

test('an import that would replace a section the file declares is refused without --force, the file untouched; an unchanged project writes nothing', async ({ project }) => {
  assert.is((await run(project, 'import', ['--out', 'environments/again.yaml'])).code, 0)
  const first = read(project, 'environments/again.yaml')
  const same = await run(project, 'import', ['--out', 'environments/again.yaml'])
  assert.is(same.code, 0, same.stderr)
  assert.match(same.stdout, 'nothing written')
  assert.is(read(project, 'environments/again.yaml'), first, 'no churn: not even the date in the header')

  const edited = first.replace('name: Acme Corporation', 'name: Acme Renamed By Hand')
  project.write('environments/again.yaml', edited)
  const refused = await run(project, 'import', ['--out', 'environments/again.yaml', '--json'])
  assert.is(refused.code, 3)
  const error = JSON.parse(refused.stdout).error
  assert.is(error.code, 'IMPORT_EXISTS')
  assert.equal(error.issues.map((issue: { file: string; path: string }) => [issue.file, issue.path]), [['environments/again.yaml', 'tenants']])
  assert.match(error.issues[0].fix, '--force')
  assert.is(read(project, 'environments/again.yaml'), edited, 'untouched')

  const forced = await run(project, 'import', ['--out', 'environments/again.yaml', '--force'])
  assert.is(forced.code, 0, forced.stderr)
  assert.match(forced.stdout, 'replaced the file\'s tenants')
  assert.match(read(project, 'environments/again.yaml'), 'name: Acme Corporation')
})

test('a file whose own lines cannot be kept as written (an alias across keys) is refused without --force: rewriting it would drop its comments', async ({ project }) => {
  const aliased = [
    '# written by hand: this comment must survive',
    'emulator:',
    '  persist: .descope-emulator/local.json',
    '  seed: &n 42',
    'throttle: { limit: *n, intervalMs: 1000 }',
    '',
  ].join('\n')
  project.write('environments/aliased.yaml', aliased)
  const refused = await run(project, 'import', ['--out', 'environments/aliased.yaml', '--json'])
  assert.is(refused.code, 3, refused.stdout)
  const error = JSON.parse(refused.stdout).error
  assert.is(error.code, 'IMPORT_EXISTS')
  assert.equal(error.issues.map((issue: { file: string }) => issue.file), ['environments/aliased.yaml'])
  assert.match(error.issues[0].message, 'comments')
  assert.match(error.issues[0].fix, '--force')
  assert.is(read(project, 'environments/aliased.yaml'), aliased, 'untouched')

  const forced = await run(project, 'import', ['--out', 'environments/aliased.yaml', '--force'])
  assert.is(forced.code, 0, forced.stderr)
  assert.not.match(read(project, 'environments/aliased.yaml'), 'must survive')
  assert.equal((yaml.load(read(project, 'environments/aliased.yaml')) as { throttle: unknown }).throttle, { limit: 42, intervalMs: 1000 })
})

test('--type imports those types only (by type or section name), keeping the file\'s settings; an unknown one is a usage error with a guess', async ({ project }) => {
  const typed = await run(project, 'import', ['--type', 'tenant,roles', '--out', 'environments/typed.yaml', '--json'])
  assert.is(typed.code, 0, typed.stderr)
  assert.equal(JSON.parse(typed.stdout).sections.map((section: { section: string }) => section.section), ['roles', 'tenants'])
  const values = yaml.load(read(project, 'environments/typed.yaml')) as Record<string, unknown>
  assert.equal(Object.keys(values).sort(), ['emulator', 'roles', 'tenants', 'throttle'])
  // written outside the project, to copy from: and again, over what the first run wrote
  const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-out-')), 'roles.yaml')
  for (const time of [1, 2]) {
    const again = await run(project, 'import', ['--type', 'role', '--out', outside, '--force'])
    assert.is(again.code, 0, `run ${time}: ${again.stderr}`)
  }
  assert.ok((yaml.load(fs.readFileSync(outside, 'utf8')) as { roles: unknown[] }).roles.length > 0)
  fs.rmSync(path.dirname(outside), { recursive: true })
  // written elsewhere, to copy from: no environment of that name to plan
  const elsewhere = await run(project, 'import', ['--type', 'role', '--out', 'roles-of-local.yaml'])
  assert.is(elsewhere.code, 0, elsewhere.stderr)
  assert.match(elsewhere.stdout, 'Wrote roles-of-local.yaml.')
  assert.not.match(elsewhere.stdout, 'Next:')
  const text = await run(project, 'import', ['--type', 'role', '--out', 'environments/roles.yaml'])
  assert.match(text.stdout, 'Next: npx tsx tasks/sync.ts --env roles (it should plan no change).')

  const unknown = await run(project, 'import', ['--type', 'tenantz', '--out', 'environments/never.yaml'])
  assert.is(unknown.code, 3)
  assert.match(unknown.stderr, 'did you mean tenant')
  assert.not.ok(fs.existsSync(path.join(project.dir, 'environments/never.yaml')))
})

test('with a base file, only what differs from it is written: a second environment with one tenant changed holds that section alone', async ({ project }) => {
  // the second project: base.yaml as it is, but globex renamed
  const base = read(project, 'environments/base.yaml')
  project.write('environments/second.yaml', `extends: base.yaml\nemulator: { persist: .descope-emulator/second.json }\ntenants:\n${yaml.dump((yaml.load(base) as { tenants: { id: string; name: string }[] }).tenants.map((tenant) => (tenant.id === 'globex' ? { ...tenant, name: 'Globex Corp' } : tenant)))}`)
  assert.is((await run(project, 'sync', ['--env', 'second', '--apply'])).code, 0)

  const imported = await run(project, 'import', ['--env', 'second', '--out', 'environments/second-imported.yaml', '--base', 'environments/base.yaml', '--json'])
  assert.is(imported.code, 0, imported.stderr)
  const document = JSON.parse(imported.stdout)
  assert.is(document.base, 'environments/base.yaml')
  const written = document.sections.filter((section: { state: string }) => section.state === 'written')
  // project (its name and tags) is per environment: base.yaml never declares it
  assert.equal(written.map((section: { section: string }) => section.section), ['tenants', 'project'])
  assert.equal(written[0].differs, [{ key: 'globex', kind: 'changed' }])
  const values = yaml.load(read(project, 'environments/second-imported.yaml')) as Record<string, any>
  assert.equal(Object.keys(values), ['extends', 'emulator', 'tenants', 'project'])
  assert.is(values.extends, 'base.yaml')
  assert.is(values.tenants.find((tenant: { id: string }) => tenant.id === 'globex').name, 'Globex Corp')
  const plan = await run(project, 'sync', ['--env', 'second-imported', '--json'])
  assert.is(plan.code, 0, plan.stderr)
  assert.equal(JSON.parse(plan.stdout).changes, [])
})

test('a one-per-project section the base declares and the project lacks: the import says the next plan still sets it, not that it plans nothing', async ({ project }) => {
  project.write('environments/fresh.yaml', 'extends: base.yaml\nemulator: { persist: .descope-emulator/fresh.json }\n')
  const imported = await run(project, 'import', ['--env', 'fresh', '--type', 'tenant,authorizationSchema'])
  assert.is(imported.code, 0, imported.stderr)
  assert.match(imported.stdout, 'authorizationSchema: environments/base.yaml declares it and the project has none')
  assert.match(imported.stdout, 'Next: npx tsx tasks/sync.ts --env fresh (it plans only what the notes say of authorizationSchema).')
  const json = JSON.parse((await run(project, 'import', ['--env', 'fresh', '--type', 'tenant,authorizationSchema', '--json', '--force'])).stdout)
  assert.equal(json.unsettled, ['authorizationSchema'])
})

test('--base naming the file written, or a file that extends it, is a usage error before the project is read: the file would extend itself', async ({ project }) => {
  assert.is((await run(project, 'import', ['--out', 'environments/self.yaml'])).code, 0)
  const before = read(project, 'environments/self.yaml')
  project.write('environments/child.yaml', 'extends: self.yaml\n')
  for (const base of ['environments/self.yaml', 'environments/child.yaml']) {
    const refused = await run(project, 'import', ['--out', 'environments/self.yaml', '--base', base, '--force', '--json'])
    assert.is(refused.code, 3, refused.stderr)
    assert.is(JSON.parse(refused.stdout).error.code, 'USAGE', base)
    assert.match(JSON.parse(refused.stdout).error.message, '--base')
    assert.is(read(project, 'environments/self.yaml'), before, `untouched (--base ${base})`)
  }
})

test('a file written outside environments/ (or as .yml) is no environment yet: the report says where to put it, not a sync that cannot find it', async ({ project }) => {
  for (const out of ['adopted/eu.yaml', 'environments/eu.yml']) {
    const imported = await run(project, 'import', ['--out', out])
    assert.is(imported.code, 0, imported.stderr)
    assert.not.match(imported.stdout, '--env eu', out)
    assert.match(imported.stdout, 'environments/eu.yaml', out)
  }
})

test('hostile: tenants called __proto__ and toString, and text with quotes, backslashes, newlines and ${...}, round-trip exactly', async () => {
  const project = createProject({}, configWithTestPlugins({ 'tenant-settings': '' }))
  try {
    const tricky = 'line one\nsays "hi" \\ back\\slash, $${HOME} and $$${PATH}'
    project.write('environments/h.yaml', [
      'emulator: { persist: .state/h.json }',
      'permissions:',
      `  - { name: tricky, description: ${JSON.stringify(tricky)} }`,
      'tenants:',
      '  - { id: __proto__, name: Proto }',
      '  - { id: toString, name: "To \\"String\\" \\\\ x" }',
      'tenantSettings:',
      '  __proto__: { enabled: true, sessionTokenExpiration: 5, sessionTokenExpirationUnit: minutes }',
      '',
    ].join('\n'))
    assert.is((await runTask('sync', ['--env', 'h', '--apply'], { cwd: project.dir })).code, 0)
    const imported = await runTask('import', ['--env', 'h', '--out', 'environments/h2.yaml'], { cwd: project.dir })
    assert.is(imported.code, 0, imported.stderr)
    const values = yaml.load(fs.readFileSync(path.join(project.dir, 'environments/h2.yaml'), 'utf8')) as Record<string, any>
    assert.ok(Object.hasOwn(values.tenantSettings, '__proto__'), 'a key, not a prototype')
    assert.equal(values.tenants.map((tenant: { id: string }) => tenant.id), ['__proto__', 'toString'])
    // the live text has a literal ${HOME}: the file escapes it, so a load does not substitute it
    assert.is(values.permissions.find((permission: { name: string }) => permission.name === 'tricky').description, 'line one\nsays "hi" \\ back\\slash, $${HOME} and $$${PATH}')
    const plan = await runTask('sync', ['--env', 'h2', '--json'], { cwd: project.dir })
    assert.is(plan.code, 0, plan.stderr)
    assert.equal(JSON.parse(plan.stdout).changes, [])
    assert.equal(JSON.parse(plan.stdout).unmanaged, [])
  } finally {
    project.remove()
  }
})

test.run()
