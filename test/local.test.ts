// The shipped environments: `local` works on a fresh clone with no credentials, and the
// examples for real projects ask for their variables instead of guessing.
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createProject, REPO, runTask, type Project } from './helpers/project.ts'

const test = suite<{ project: Project }>('shipped environments')

/** The repository's own descope.config.ts, its imports pointed back at the repository: its plugins, whatever a user added */
const shippedConfig = () => fs.readFileSync(path.join(REPO, 'descope.config.ts'), 'utf8').replace(/from '\.\/(lib|plugins)\//g, `from '${REPO}/$1/`)

/** a plugin a user added may create values shown once (an access key): an apply needs a place for them */
const SECRETS_OUT = ['--secrets-out', 'local.secrets.json']

test.before.each((context) => {
  context.project = createProject({}, shippedConfig())
  fs.cpSync(path.join(REPO, 'environments'), path.join(context.project.dir, 'environments'), { recursive: true })
})
test.after.each((context) => context.project.remove())

// the README's main command as a user runs it; the apply a process of its own, so that the state
// it leaves is read back by another, and a process warning would be seen
test('local: plan, apply, then "No changes", with state kept between runs', async ({ project }) => {
  const plan = await runTask('sync', [], { cwd: project.dir })
  assert.is(plan.code, 0, plan.stderr)
  assert.match(plan.stdout, 'environment "local"')
  // a new project already has the default sign-up-or-in flow and a theme, as the files hold them;
  // its password policies, a tenant's own settings, SSO settings the FGA schema and the project's name and tags are updated, never created
  assert.match(plan.stdout, /Plan: \d+ to create, \d+ to update, 0 to delete/)
  assert.match(plan.stdout, '~ update passwordPolicy "project"')
  assert.match(plan.stdout, '~ update tenantPasswordPolicy "acme"')
  assert.match(plan.stdout, '~ update tenantSettings "acme"')
  assert.match(plan.stdout, '~ update authorizationSchema "project"')
  assert.match(plan.stdout, '~ update tenantSso "globex"')
  assert.match(plan.stdout, '~ update project "project"')

  const applied = await runTask('sync', ['--apply', ...SECRETS_OUT], { cwd: project.dir, spawn: true })
  assert.is(applied.code, 0, applied.stderr)
  assert.match(applied.stdout, /Apply: \d+ applied, 0 failed, 0 skipped/)
  // many reads at once (a tenant's settings each) are a busy run, never reported as a leak
  assert.not.match(applied.stderr, 'MaxListenersExceededWarning')
  assert.ok(fs.existsSync(path.join(project.dir, '.descope-emulator/local.json')), 'state persisted')

  const again = await runTask('sync', ['--detailed-exitcode'], { cwd: project.dir })
  assert.is(again.code, 0, again.stderr)
  assert.match(again.stdout, 'No changes')
})

test('local is a new project as Descope makes one, and its built-ins are neither pruned nor unmanaged', async ({ project }) => {
  const state = () => JSON.parse(fs.readFileSync(path.join(project.dir, '.descope-emulator/local.json'), 'utf8')) as Record<string, Record<string, { name?: string; flowId?: string; tenantId?: string }>>
  const names = (items: Record<string, { name?: string }>) => Object.values(items).map((item) => item.name).sort()
  assert.is((await runTask('sync', ['--apply', ...SECRETS_OUT], { cwd: project.dir })).code, 0)
  const fresh = state()
  assert.ok(names(fresh.roles!).includes('Tenant Admin'), names(fresh.roles!).join())
  assert.ok(['Impersonate', 'SSO Admin', 'User Admin'].every((name) => names(fresh.permissions!).includes(name)), names(fresh.permissions!).join())
  assert.ok(['sign-in', 'sign-up', 'sign-up-or-in'].every((id) => id in fresh.flows!), Object.keys(fresh.flows!).join())
  const ssoApps = (fresh.plugins!['sso-apps'] as unknown as { apps: Record<string, { id: string; name: string }> }).apps
  assert.ok(Object.values(ssoApps).some((app) => app.id === 'descope-default-oidc' && app.name === 'OIDC default application'), JSON.stringify(ssoApps))

  // base.yaml's roles: and flows: all name none of them: --prune deletes nothing
  const pruned = await runTask('sync', ['--apply', '--prune', '--json', ...SECRETS_OUT], { cwd: project.dir })
  assert.is(pruned.code, 0, pruned.stderr)
  assert.equal(JSON.parse(pruned.stdout).changes, [])
  assert.equal(names(state().roles!), names(fresh.roles!))
  assert.equal(Object.keys(state().flows!).sort(), Object.keys(fresh.flows!).sort())
  const drift = await runTask('drift', ['--env', 'local', '--strict', '--json'], { cwd: project.dir })
  assert.is(drift.code, 0, drift.stdout)
  assert.equal(JSON.parse(drift.stdout).differences, [])
})

for (const env of ['test', 'devtest', 'dev', 'staging', 'prod']) {
  test(`${env}: without its variables, an error naming them and exit 3`, async ({ project }) => {
    const prefix = `DESCOPE_${env.toUpperCase()}`
    const result = await runTask('sync', ['--env', env], { cwd: project.dir, env: { [`${prefix}_PROJECT_ID`]: undefined, [`${prefix}_MANAGEMENT_KEY`]: undefined } })
    assert.is(result.code, 3)
    assert.match(result.stderr, `environments/${env}.yaml: projectId: environment variable ${prefix}_PROJECT_ID is not set`)
    assert.match(result.stderr, `environments/${env}.yaml: managementKey: environment variable ${prefix}_MANAGEMENT_KEY is not set`)
  })
}

test.run()
