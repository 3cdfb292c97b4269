// The contract's harder shapes, each as a plugin with its own emulator routes (shipped, or a test
// plugin under test/plugins/): a server id, a write-only secret, a secret shown once, writes to a shared parent, one
// item per project and one per tenant. Each goes the whole way, as the built-in types do:
// create, plan, apply, drift (also --against), backup and restore into a second emulated
// project, with the next plan empty, and no server id or secret in any output or backup.
import fs from 'node:fs'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { pathToFileURL } from 'node:url'
import yaml from 'js-yaml'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator } from '../lib/emulator/index.ts'
import { waitFor } from './helpers/emulator-http.ts'
import { slowWritesProxy } from './helpers/slow-writes-proxy.ts'
import { DEFAULT_PASSWORD_POLICY } from '../plugins/password-policy.ts'
import { configWithTestPlugins, createProject, defaultConfig, emulatorEnvironment, pluginFile, REPO, runTask, startTask, type Project, type TaskResult } from './helpers/project.ts'

const test = suite<{ project: Project }>('plugin shapes')

const CONFIG = (tenantValues = '') => configWithTestPlugins({ 'access-keys': '', connectors: '', 'tenant-values': tenantValues, 'password-policy': '', 'tenant-settings': '' })

/** quotes, a backslash and a dollar: a secret as it comes out of a password manager */
const CONNECTOR_SECRET = `s3cr"et\\with'quotes$x`

test.before.each((context) => {
  context.project = createProject({}, CONFIG())
})
test.after.each(async (context) => {
  for (const close of closing.splice(0)) await close()
  context.project.remove()
})
/** what a test started (see slowWritesApi), closed after it whatever happened */
const closing: (() => Promise<void>)[] = []

const environment = (name: string, body = '', emulator = '') => `emulator: { persist: .state/${name}.json${emulator} }\n${body}`

interface Lifecycle {
  outputs: TaskResult[]
  state(env: string): Record<string, any>
  read(file: string): string
}

/** The whole way for `body` (sections of environment a): every step must exit 0. */
async function lifecycle(project: Project, body: string, secretsOut = false, emulator = ''): Promise<Lifecycle> {
  project.write('environments/a.yaml', environment('a', body, emulator))
  project.write('environments/b.yaml', environment('b'))
  const outputs: TaskResult[] = []
  const run = async (task: string, ...args: string[]) => {
    const result = await runTask(task, args, { cwd: project.dir, env: { CONNECTOR_SECRET } })
    outputs.push(result)
    assert.is(result.code, 0, `${task} ${args.join(' ')}: ${result.stderr}${result.stdout}`)
    return result
  }
  const secrets = (file: string) => (secretsOut ? ['--secrets-out', file] : [])
  await run('sync', '--env', 'a', '--apply', ...secrets('a-secrets.json'))
  const again = JSON.parse((await run('sync', '--env', 'a', '--json')).stdout)
  assert.equal(again.changes, [], 'the next plan is empty')
  await run('drift', '--env', 'a')
  const backup = JSON.parse((await run('backup', 'create', '--env', 'a', '--json')).stdout).backup as string
  await run('backup', 'restore', backup, '--env', 'b', '--apply', ...secrets('b-secrets.json'))
  const restored = JSON.parse((await run('backup', 'restore', backup, '--env', 'b', '--json')).stdout)
  assert.equal(restored.changes, [], 'after the restore, the next plan of b is empty')
  await run('drift', '--env', 'a', '--against', 'b')
  return {
    outputs,
    state: (env) => JSON.parse(fs.readFileSync(path.join(project.dir, '.state', `${env}.json`), 'utf8')),
    read: (file) => fs.readFileSync(path.resolve(project.dir, file), 'utf8'),
  }
}

/**
 * Environment a on an emulator of this process (with the plugins of CONFIG()), persisted where
 * a's own would be, behind a proxy that holds each write `delayMs` (the emulator's latencyMs, for
 * writes alone): an apply to interrupt, without the same wait on every read before it.
 */
async function slowWritesApi(project: Project, delayMs: number, body: string) {
  // the plugins of CONFIG(): the backup before the first write reads every type
  const plugins = await Promise.all(['access-keys', 'connectors', 'tenant-values', 'password-policy', 'tenant-settings'].map(async (name) => (await import(pathToFileURL(pluginFile(name)).href)).default()))
  const emulator = await startEmulator({ persistPath: path.join(project.dir, '.state/a.json'), plugins })
  const writes = await slowWritesProxy(emulator.url, delayMs)
  let open = true
  const close = async () => {
    if (!open) return
    open = false
    await writes.close()
    await emulator.close()
  }
  closing.push(close)
  project.write('environments/a.yaml', emulatorEnvironment({ url: writes.url, projectId: emulator.projectId }, body))
  return {
    env: { EMULATOR_KEY: emulator.managementKey },
    /** the keys made, read from the state file once the emulator has written it for the last time */
    async created() {
      await close()
      return (Object.values(JSON.parse(fs.readFileSync(path.join(project.dir, '.state/a.json'), 'utf8')).plugins['access-keys'].keys) as { name: string }[]).map((key) => key.name)
    },
  }
}

/** Nothing the runs printed, and no backup or audit log, holds any of `values`. */
function assertNowhere(project: Project, lifecycle: Lifecycle, values: string[], what: string) {
  const written = fs.readdirSync(path.join(project.dir, '.backups'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile()).map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
  const texts = [...lifecycle.outputs.flatMap((output) => [output.stdout, output.stderr]), ...written]
  for (const value of values) {
    assert.ok(value.length > 4, `${what}: ${value} is worth looking for`)
    assert.not.ok(texts.some((text) => text.includes(value)), `${what} ${JSON.stringify(value)} appears in an output, a backup or an audit log`)
  }
}

test('a type addressed by server ids: updates and deletes reach the live id, and no id leaves its environment', async ({ project }) => {
  const done = await lifecycle(project, 'accessKeys:\n  - { name: ci-deployer, description: CI }\n  - { name: auditor }\n', true)
  const idsOf = (env: string) => Object.keys(done.state(env).plugins['access-keys'].keys)
  assert.is(idsOf('a').length, 2)
  assert.is(idsOf('b').length, 2, 'restored into b as new keys, with ids of its own')
  assert.not.ok(idsOf('a').some((id) => idsOf('b').includes(id)))
  assertNowhere(project, done, [...idsOf('a'), ...idsOf('b')], 'server id')
  // an update goes to the live id: the description changes in place, the id stays
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: ci-deployer, description: CI deploys }\n  - { name: auditor }\n'))
  const updated = await runTask('sync', ['--env', 'a', '--apply', '--json'], { cwd: project.dir })
  assert.is(updated.code, 0, updated.stderr)
  assert.equal(JSON.parse(updated.stdout).changes.map((change: { op: string; key: string; outcome: string }) => `${change.op} ${change.key} ${change.outcome}`), ['update ci-deployer applied'])
  const keys = Object.values(done.state('a').plugins['access-keys'].keys) as { id: string; name: string; description: string }[]
  assert.equal(keys.find((key) => key.name === 'ci-deployer')!.description, 'CI deploys')
  assert.equal(keys.map((key) => key.id).sort(), idsOf('a').sort())
  // and a prune deletes by it
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: auditor }\n'))
  const pruned = await runTask('sync', ['--env', 'a', '--apply', '--prune', '--allow-mass-delete'], { cwd: project.dir })
  assert.is(pruned.code, 0, pruned.stderr)
  assert.equal((Object.values(done.state('a').plugins['access-keys'].keys) as { name: string }[]).map((key) => key.name), ['auditor'])
})

test('a secret shown once goes to --secrets-out (0600) and nowhere else; without a place for it, nothing is created', async ({ project }) => {
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: ci-deployer }\n'))
  const refused = await runTask('sync', ['--env', 'a', '--apply', '--json'], { cwd: project.dir })
  assert.is(refused.code, 3, refused.stderr)
  assert.is(JSON.parse(refused.stdout).error.code, 'SECRETS_NOWHERE')
  assert.match(JSON.parse(refused.stdout).error.message, 'accessKey "ci-deployer" (cleartext)')
  assert.equal(JSON.parse(fs.readFileSync(path.join(project.dir, '.state/a.json'), 'utf8')).plugins['access-keys'].keys, {}, 'refused before any write')
  assert.not.ok(fs.readdirSync(path.join(project.dir, '.backups'), { recursive: true }).some((file) => String(file).endsWith('.json')), 'and before the backup')

  const done = await lifecycle(project, 'accessKeys:\n  - { name: ci-deployer }\n', true)
  const file = path.join(project.dir, 'a-secrets.json')
  assert.is(fs.statSync(file).mode & 0o777, 0o600)
  const [secret] = JSON.parse(done.read(file)).secrets as { type: string; key: string; name: string; value: string }[]
  assert.equal({ ...secret, value: undefined }, { type: 'accessKey', key: 'ci-deployer', name: 'cleartext', value: undefined })
  const restoredSecret = JSON.parse(done.read('b-secrets.json')).secrets[0].value as string
  assert.is.not(restoredSecret, secret!.value, 'the key made in b has a secret of its own')
  assertNowhere(project, done, [secret!.value, restoredSecret], 'a secret shown once')
  // an existing file is never overwritten: it may hold the only copy
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: ci-deployer }\n  - { name: other }\n'))
  const again = await runTask('sync', ['--env', 'a', '--apply', '--secrets-out', 'a-secrets.json'], { cwd: project.dir })
  assert.is(again.code, 3, again.stderr)
  assert.match(again.stderr, 'a-secrets.json exists; it is never overwritten')
  assert.equal(Object.keys(JSON.parse(fs.readFileSync(path.join(project.dir, '.state/a.json'), 'utf8')).plugins['access-keys'].keys).length, 1, 'nothing was created')
  assert.is(JSON.parse(done.read(file)).secrets[0].value, secret!.value)
})

test('Ctrl-C during an apply keeps every secret already shown once: the file is written as each arrives', async ({ project }) => {
  const keys = Array.from({ length: 20 }, (_, i) => `  - { name: key-${i} }`).join('\n')
  const api = await slowWritesApi(project, 150, `accessKeys:\n${keys}\n`)
  const file = path.join(project.dir, 'keys.json')
  const task = startTask('sync', ['--env', 'a', '--apply', '--secrets-out', 'keys.json'], { cwd: project.dir, env: api.env })
  await waitFor(() => fs.existsSync(file), 'the first secret', 30_000)
  task.child.kill('SIGINT')
  const result = await task.done
  assert.is(result.code, 130, result.stderr)
  const written = (JSON.parse(fs.readFileSync(file, 'utf8')).secrets as { key: string }[]).map((secret) => secret.key).sort()
  const created = (await api.created()).sort()
  assert.ok(created.length < 20, 'the run was cut short')
  assert.equal(written, created, 'every key made has its secret in the file')
})

test('a create the API cannot recognise again is never retried blind: through dropped answers, each key is made once, and a lost secret is said', async ({ project }) => {
  const keys = Array.from({ length: 12 }, (_, i) => `  - { name: key-${i} }`).join('\n')
  project.write('environments/a.yaml', environment('a', `accessKeys:\n${keys}\n`, ', dropRate: 0.3, seed: 4'))
  const applied = await runTask('sync', ['--env', 'a', '--apply', '--json', '--secrets-out', 'keys.json'], { cwd: project.dir })
  const stored = Object.values(JSON.parse(fs.readFileSync(path.join(project.dir, '.state/a.json'), 'utf8')).plugins['access-keys'].keys) as { name: string }[]
  const names = stored.map((key) => key.name)
  assert.equal(names.length, new Set(names).size, `no key made twice: ${names.sort().join(', ')}`)
  const changes = JSON.parse(applied.stdout).changes as { key: string; outcome: string; detail?: string }[]
  const lost = changes.filter((change) => change.detail?.includes('was lost with the answer'))
  assert.ok(lost.length > 0, 'some answers were dropped after the key was made')
  const saved = (JSON.parse(fs.readFileSync(path.join(project.dir, 'keys.json'), 'utf8')).secrets as { key: string }[]).map((secret) => secret.key)
  for (const change of lost) assert.not.ok(saved.includes(change.key), `${change.key}: no secret, and said so`)
  for (const change of changes.filter((c) => c.outcome === 'applied' && !lost.includes(c))) assert.ok(saved.includes(change.key), `${change.key} has its secret`)
})

test('a plugin that returns a secret without declaring it: kept in --secrets-out all the same; with no place for it, the run fails and says which', async ({ project }) => {
  // a careless copy of the access keys plugin: it returns the cleartext without declaring it
  project.write('descope.config.ts', configWithTestPlugins({ 'access-keys': '' }).replace('export default defineConfig({', `const careless = plugin_access_keys()
careless.handlers = careless.handlers.map(({ shownOnce: _undeclared, ...handler }) => handler)
export default defineConfig({`).replace('plugin_access_keys()]', 'careless]'))
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: ci-deployer }\n'))
  const kept = await runTask('sync', ['--env', 'a', '--apply', '--secrets-out', 'k.secrets.json'], { cwd: project.dir })
  assert.is(kept.code, 0, kept.stderr)
  assert.match(kept.stderr, 'returned cleartext without declaring it in shownOnce')
  assert.is(JSON.parse(fs.readFileSync(path.join(project.dir, 'k.secrets.json'), 'utf8')).secrets[0].key, 'ci-deployer')
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: ci-deployer }\n  - { name: other }\n'))
  const lost = await runTask('sync', ['--env', 'a', '--apply', '--json'], { cwd: project.dir })
  assert.is(lost.code, 1, lost.stderr)
  assert.equal(JSON.parse(lost.stdout).secretsLost, [{ type: 'accessKey', key: 'other', name: 'cleartext' }])
  assert.match(lost.stderr, 'the cleartext of accessKey "other" was shown once and could not be kept: replace it in the Descope console')
})

test('a second Ctrl-C with --json --show-secrets still prints the secrets received, as a document of their own', async ({ project }) => {
  const keys = Array.from({ length: 16 }, (_, i) => `  - { name: key-${i} }`).join('\n')
  const api = await slowWritesApi(project, 800, `accessKeys:\n${keys}\n`)
  const task = startTask('sync', ['--env', 'a', '--apply', '--json', '--show-secrets'], { cwd: project.dir, env: api.env })
  await waitFor(() => task.output().stderr.includes('is in the --json document'), 'the first secret', 30_000)
  task.child.kill('SIGINT')
  await new Promise((resolve) => setTimeout(resolve, 300))
  task.child.kill('SIGINT')
  const result = await task.done
  assert.is(result.code, 130, result.stderr)
  const printed = JSON.parse(result.stdout) as { interrupted: string; secrets: { key: string }[] }
  assert.is(printed.interrupted, 'SIGINT')
  const created = await api.created()
  assert.ok(printed.secrets.length > 0)
  for (const secret of printed.secrets) assert.ok(created.includes(secret.key), secret.key)
})

test('--json --show-secrets is the one document that carries them', async ({ project }) => {
  project.write('environments/a.yaml', environment('a', 'accessKeys:\n  - { name: ci-deployer }\n'))
  const shown = await runTask('sync', ['--env', 'a', '--apply', '--json', '--show-secrets'], { cwd: project.dir })
  assert.is(shown.code, 0, shown.stderr)
  const document = JSON.parse(shown.stdout)
  const value = document.secrets[0].value as string
  assert.match(value, /^K/)
  assert.not.ok(shown.stdout.replace(`"value": "${value}"`, '').includes(value), 'in the secrets field only')
  assert.not.ok(shown.stderr.includes(value), 'never in a log line')
})

test('a write-only secret comes from ${VAR}, is sent, never compared, shown as (secret); --send-secrets sets it again', async ({ project }) => {
  const body = 'connectors:\n  - { name: billing, url: "https://billing.example.com/hook", secret: "${CONNECTOR_SECRET}" }\n'
  const done = await lifecycle(project, body)
  const connector = (env: string) => Object.values(done.state(env).plugins['test-connectors'].connectors)[0] as { id: string; secret: string | null }
  assert.is(connector('a').secret, CONNECTOR_SECRET, 'sent on create, as it is')
  assert.match(done.outputs[0]!.stdout, 'secret: "(secret)"')
  assertNowhere(project, done, [CONNECTOR_SECRET, connector('a').id, connector('b').id], 'a write-only secret or a server id')
  // a backup holds no secret: the item restored into b has none, until the files send it
  assert.is(connector('b').secret, null)
  project.write('environments/b.yaml', environment('b', body))
  const plain = await runTask('sync', ['--env', 'b', '--json'], { cwd: project.dir, env: { CONNECTOR_SECRET } })
  assert.equal(JSON.parse(plain.stdout).changes, [], 'it cannot be compared, so it is not a change')
  const sent = await runTask('sync', ['--env', 'b', '--apply', '--send-secrets'], { cwd: project.dir, env: { CONNECTOR_SECRET } })
  assert.is(sent.code, 0, sent.stderr)
  assert.match(sent.stdout, 'update connector "billing"')
  assert.is(connector('b').secret, CONNECTOR_SECRET)
  assert.not.ok(sent.stdout.includes(CONNECTOR_SECRET) || sent.stderr.includes(CONNECTOR_SECRET))
})

test('no fingerprint a plan publishes can confirm a guess of a write-only secret', async ({ project }) => {
  project.write('environments/a.yaml', environment('a', 'connectors:\n  - { name: billing, url: "https://billing.example.com/hook", secret: "${CONNECTOR_SECRET}" }\n'))
  const prints = async (secret: string) => JSON.parse((await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir, env: { CONNECTOR_SECRET: secret } })).stdout).fingerprints
  const one = await prints('aaaaaaaaaaaa')
  const other = await prints('bbbbbbbbbbbb')
  assert.equal(one, other)
})

test('a create cut at the end of the grace period may have made its key: its lost secret is said, not "it converges" alone', async ({ project }) => {
  const keys = Array.from({ length: 12 }, (_, i) => `  - { name: key-${i} }`).join('\n')
  const api = await slowWritesApi(project, 1500, `accessKeys:\n${keys}\ntimeouts: { graceMs: 300 }\n`)
  const task = startTask('sync', ['--env', 'a', '--apply', '--json', '--secrets-out', 'keys.secrets.json'], { cwd: project.dir, env: api.env })
  await waitFor(() => fs.existsSync(path.join(project.dir, 'keys.secrets.json')), 'the apply to start', 30_000)
  await new Promise((resolve) => setTimeout(resolve, 200))
  task.child.kill('SIGINT')
  const result = await task.done
  assert.is(result.code, 130, result.stderr)
  assert.match(result.stderr, 'letting the requests in flight finish (at most 300 ms)')
  const cut = (JSON.parse(result.stdout).changes as { outcome: string; detail?: string }[]).filter((change) => change.outcome === 'failed')
  assert.ok(cut.length > 0, result.stdout)
  for (const change of cut) assert.match(change.detail!, 'it may have been made before the answer was lost: if live shows accessKey')
})

test('a write-only field written literally is refused, naming the file, the field and the fix', async ({ project }) => {
  project.write('environments/a.yaml', environment('a', 'connectors:\n  - { name: billing, url: "https://billing.example.com/hook", secret: hunter2hunter2 }\n'))
  const result = await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir })
  assert.is(result.code, 3)
  const [issue] = JSON.parse(result.stdout).error.issues
  assert.equal({ file: issue.file, path: issue.path }, { file: 'environments/a.yaml', path: 'connectors[0].secret' })
  assert.match(issue.fix, 'write secret: ${SOME_VARIABLE}')
  assert.not.ok(result.stdout.includes('hunter2hunter2') || result.stderr.includes('hunter2hunter2'))
})

const THREE_VALUES = 'tenants:\n  - { id: acme, name: Acme }\ntenantValues:\n  - { tenant: acme, attribute: plan, value: team }\n  - { tenant: acme, attribute: region, value: eu }\n  - { tenant: acme, attribute: seats, value: "25" }\n'

test('three values stored on one tenant are all applied, one at a time, and the next plan is empty', async ({ project }) => {
  // a little latency, so that writes would overlap if nothing kept them apart
  const done = await lifecycle(project, THREE_VALUES, false, ', latencyMs: 20')
  assert.equal(done.state('a').plugins['test-tenant-values'].values.acme, { plan: 'team', region: 'eu', seats: '25' })
  assert.equal(done.state('b').plugins['test-tenant-values'].values.acme, { plan: 'team', region: 'eu', seats: '25' })
})

test('the same without a group loses writes: the hazard the group is for', async ({ project }) => {
  project.write('descope.config.ts', CONFIG('{ grouped: false }'))
  project.write('environments/a.yaml', `emulator: { persist: .state/a.json, latencyMs: 20 }\n${THREE_VALUES}`)
  const applied = await runTask('sync', ['--env', 'a', '--apply', '--json'], { cwd: project.dir })
  assert.is(applied.code, 0, applied.stderr)
  assert.is(JSON.parse(applied.stdout).summary.applied, 4, 'every write said it applied')
  const next = JSON.parse((await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir })).stdout)
  assert.ok(next.changes.length > 0, 'and yet some were lost')
})

test('with applyGroup, a tenant\'s values go in one call', async ({ project }) => {
  project.write('descope.config.ts', CONFIG('{ oneCall: true }'))
  const done = await lifecycle(project, THREE_VALUES)
  assert.equal(done.state('a').plugins['test-tenant-values'].values.acme, { plan: 'team', region: 'eu', seats: '25' })
  assert.match(done.outputs[0]!.stderr, 'in one call for tenant:acme, with 2 more')
})

test('one item per project: its section is an object, updated in place, never created or deleted', async ({ project }) => {
  const done = await lifecycle(project, 'passwordPolicy: { minLength: 12, uppercase: true }\n')
  assert.match(done.outputs[0]!.stdout, '~ update passwordPolicy "project"')
  assert.match(done.outputs[0]!.stdout, 'Plan: 0 to create, 1 to update, 0 to delete')
  for (const env of ['a', 'b']) assert.equal(done.state(env).plugins['password-policy'].project, { ...DEFAULT_PASSWORD_POLICY, minLength: 12, uppercase: true })
  project.write('environments/a.yaml', environment('a', 'passwordPolicy:\n  - { minLength: 12 }\n'))
  const list = await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir })
  assert.is(list.code, 3)
  assert.equal(JSON.parse(list.stdout).error.issues[0].path, 'passwordPolicy')
})

/** A tenant's stored session settings in the emulator: the defaults, with `changed` over them. */
const SETTINGS = (changed: Record<string, unknown> = {}) => ({
  enabled: false, enableInactivity: false, JITDisabled: false,
  sessionTokenExpiration: 0, refreshTokenExpiration: 0, stepupTokenExpiration: 0, inactivityTime: 0,
  sessionTokenExpirationUnit: 'minutes', refreshTokenExpirationUnit: 'minutes', stepupTokenExpirationUnit: 'minutes', inactivityTimeUnit: 'minutes',
  ssoSetupSuiteSettings: { enabled: false, styleId: '', disabledFeatures: { saml: false, oidc: false, scim: false, ssoDomains: false, groupMapping: false } },
  ...changed,
})

test('one item per tenant: a map by tenant id, set after the tenant is created, gone with it', async ({ project }) => {
  const done = await lifecycle(project, 'tenants:\n  - { id: acme, name: Acme }\n  - { id: globex, name: Globex }\ntenantSettings:\n  acme: { sessionTokenExpiration: 60, JITDisabled: true }\n')
  const plan = done.outputs[0]!.stdout
  assert.ok(plan.indexOf('create tenant "acme"') < plan.indexOf('update tenantSettings "acme"'), plan)
  assert.not.match(plan, 'tenantSettings "globex"', 'an undeclared tenant\'s settings are not managed, not unmanaged')
  for (const env of ['a', 'b']) assert.equal(done.state(env).plugins['tenant-settings'].tenants.acme, SETTINGS({ sessionTokenExpiration: 60, JITDisabled: true }))
  project.write('environments/a.yaml', environment('a', 'tenants:\n  - { id: acme, name: Acme }\ntenantSettings:\n  initech: { sessionTokenExpiration: 60 }\n  acme: { tenantId: globex }\n'))
  const wrong = await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir })
  assert.is(wrong.code, 3)
  assert.equal(JSON.parse(wrong.stdout).error.issues.map((issue: { path: string }) => issue.path), ['tenantSettings.acme.tenantId'])
})

test('a tenant called __proto__ has its settings like any other: keys are data, in the files and in a plugin\'s emulator state', async ({ project }) => {
  const done = await lifecycle(project, 'tenants:\n  - { id: __proto__, name: Proto }\n  - { id: toString, name: ToString }\ntenantSettings:\n  __proto__: { sessionTokenExpiration: 61 }\n  toString: { refreshTokenExpiration: 3 }\ntenantValues:\n  - { tenant: __proto__, attribute: __proto__, value: kept }\n')
  const sessions = done.state('a').plugins['tenant-settings'].tenants
  assert.ok(Object.hasOwn(sessions, '__proto__'))
  assert.is(sessions['__proto__'].sessionTokenExpiration, 61)
  assert.is(sessions.toString.refreshTokenExpiration, 3)
  const values = done.state('b').plugins['test-tenant-values'].values
  assert.ok(Object.hasOwn(values, '__proto__') && Object.hasOwn(values['__proto__'], '__proto__'))
  assert.is(values['__proto__']['__proto__'], 'kept')
})

test('a write-only value too short to be redacted is refused, naming the variable', async ({ project }) => {
  project.write('environments/a.yaml', environment('a', 'connectors:\n  - { name: billing, url: "https://billing.example.com/hook", secret: "${SHORT}" }\n'))
  const result = await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir, env: { SHORT: 'abc' } })
  assert.is(result.code, 3)
  const issues = JSON.parse(result.stdout).error.issues as { path: string; message: string; fix: string }[]
  assert.equal(issues.map((issue) => issue.path), ['connectors[0].secret'])
  assert.match(issues[0]!.message, 'holds 3 characters')
  assert.match(issues[0]!.fix, '$SHORT')
})

test('each section\'s YAML form (sectionOf), written back as an environment file, plans no change', async ({ project }) => {
  const body = `tenants:\n  - { id: acme, name: Acme }\naccessKeys:\n  - { name: ci-deployer, description: CI }\nconnectors:\n  - { name: billing, url: "https://billing.example.com/hook", secret: "\${CONNECTOR_SECRET}" }\n${THREE_VALUES.replace('tenants:\n  - { id: acme, name: Acme }\n', '')}passwordPolicy: { minLength: 12 }\ntenantSettings:\n  acme: { sessionTokenExpiration: 60 }\n`
  project.write('environments/a.yaml', environment('a', body))
  assert.is((await runTask('sync', ['--env', 'a', '--apply', '--secrets-out', 'k.secrets.json'], { cwd: project.dir, env: { CONNECTOR_SECRET } })).code, 0)
  // as a script would: the same module graph as the config's plugins (see test/operations.test.ts)
  const lib = await import(pathToFileURL(path.join(REPO, 'lib/index.ts')).href) as typeof import('../lib/index.ts')
  const types = ['tenant', 'accessKey', 'connector', 'tenantValue', 'passwordPolicy', 'tenantSettings']
  const sections = await lib.withContext('a', { cwd: project.dir, log: lib.createLogger({ quiet: true }), variables: { CONNECTOR_SECRET } }, async (ctx) => {
    const live = await lib.readLive(ctx, types)
    return Object.fromEntries(types.map((type) => [ctx.handlers.get(type).section, lib.sectionOf(ctx.handlers.get(type), live.get(type)!)]))
  })
  assert.equal((sections.tenantSettings as Record<string, unknown>).acme, SETTINGS({ sessionTokenExpiration: 60 }), 'every setting, without the tenant id (the key of the entry)')
  assert.not.ok(JSON.stringify(sections).includes(CONNECTOR_SECRET) || JSON.stringify(sections).includes('"id":"K'), 'no secret, no server id')
  project.write('environments/c.yaml', environment('a', yaml.dump(sections)))
  const again = await runTask('sync', ['--env', 'c', '--json'], { cwd: project.dir })
  assert.is(again.code, 0, again.stderr)
  assert.equal(JSON.parse(again.stdout).changes, [])
})

test('two live items with one key (two access keys named alike, made with node-sdk): the plan names both and leaves them alone', async ({ project }) => {
  const emulator = await startEmulator({ plugins: [(await import('../plugins/access-keys.ts')).default()] })
  try {
    const sdk = DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
    for (let i = 0; i < 2; i++) assert.ok((await sdk.accessKey.create('ci-deployer', 0)).ok)
    assert.is((await sdk.accessKey.searchAll()).data!.length, 2)
    project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'accessKeys:\n  - { name: ci-deployer, description: changed }\n'))
    const result = await runTask('sync', ['--env', 'dev', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
    assert.is(result.code, 0, result.stderr)
    const plan = JSON.parse(result.stdout)
    assert.equal(plan.duplicates, [{ type: 'accessKey', key: 'ci-deployer', count: 2 }])
    assert.equal(plan.changes, [])
  } finally {
    await emulator.close()
  }
})

test('a plugin\'s emulator state persists beside the built-in one, and survives a run without the plugin', async ({ project }) => {
  const done = await lifecycle(project, 'passwordPolicy: { minLength: 14 }\n')
  project.write('descope.config.ts', defaultConfig())
  project.write('environments/a.yaml', environment('a', 'tenants:\n  - { id: acme, name: Acme }\n'))
  const other = await runTask('sync', ['--env', 'a', '--apply'], { cwd: project.dir })
  assert.is(other.code, 0, other.stderr)
  assert.is(done.state('a').plugins['password-policy'].project.minLength, 14, 'kept, though no plugin of this run knows it')
})

test.run()
