// The README's examples, followed literally. "Writing a plugin": its plugin saved as
// plugins/access-keys.ts, registered, a key declared in environments/local.yaml, and its command
// run; what the README says comes of it must (the plan, the secret in the --secrets-out file and
// nowhere else). "One-off scripts": its script, run against an environment with a trial tenant.
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startEmulator } from '../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, REPO, runTask, TSX, type Project } from './helpers/project.ts'

const test = suite<{ project: Project }>('README examples')

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## Writing a plugin'), readme.indexOf('\n## ', readme.indexOf('## Writing a plugin') + 1))
const plugin = /```ts\n(\/\/ plugins\/access-keys\.ts[\s\S]*?)```/.exec(section)![1]!
const declared = /declare a key in `environments\/local\.yaml`:\n\n```yaml\n([\s\S]*?)```/.exec(section)![1]!
const command = /and run it: `npx tsx tasks\/(\w+)\.ts ([^`]+)`/.exec(section)!

test.before.each((context) => {
  context.project = createProject({
    // the fixture has no lib/ of its own: the plugin's relative imports point at this repository's
    'plugins/access-keys.ts': plugin.replaceAll("'../lib/", `'${REPO}/lib/`),
    'environments/local.yaml': `emulator: { persist: .state/local.json }\n${declared}`,
  }, defaultConfig().replace('export default defineConfig({', "import accessKeys from './plugins/access-keys.ts'\nexport default defineConfig({")
    .replace('theme()]', 'theme(), accessKeys()]'))
  // a new user's plugin imports valibot from the project's own node_modules
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(context.project.dir, 'node_modules'))
})
test.after.each((context) => context.project.remove())

test('its plugin, registered and run with its command, does what it says', async ({ project }) => {
  const [, task, args] = command
  assert.equal([task, args], ['sync', '--apply --secrets-out ci-keys.secrets.json'])
  const result = await runTask(task!, args!.split(' '), { cwd: project.dir })
  assert.is(result.code, 0, result.stderr)
  assert.match(result.stdout, '+ create accessKey "ci-deployer"')
  const file = path.join(project.dir, 'ci-keys.secrets.json')
  assert.is(fs.statSync(file).mode & 0o777, 0o600)
  const [secret] = JSON.parse(fs.readFileSync(file, 'utf8')).secrets
  assert.equal([secret.type, secret.key, secret.name], ['accessKey', 'ci-deployer', 'cleartext'])
  assert.not.ok(`${result.stdout}${result.stderr}`.includes(secret.value), 'not in the output')
  const state = JSON.parse(fs.readFileSync(path.join(project.dir, '.state/local.json'), 'utf8'))
  const [key] = Object.values(state.plugins['access-keys'].keys) as { id: string; name: string; description: string }[]
  assert.equal({ name: key!.name, description: key!.description }, { name: 'ci-deployer', description: 'CI deploys' })
  // the next plan is empty, and the same command runs again: with nothing to create, the file is not needed
  assert.equal(JSON.parse((await runTask('sync', ['--json'], { cwd: project.dir })).stdout).changes, [])
  const again = await runTask(task!, args!.split(' '), { cwd: project.dir })
  assert.is(again.code, 0, again.stderr)
  assert.match(again.stdout, 'No changes')
  // and a change reaches the key by its id
  project.write('environments/local.yaml', `emulator: { persist: .state/local.json }\n${declared.replace('CI deploys', 'CI deploys to prod')}`)
  const updated = await runTask('sync', ['--apply'], { cwd: project.dir })
  assert.is(updated.code, 0, updated.stderr)
  const after = JSON.parse(fs.readFileSync(path.join(project.dir, '.state/local.json'), 'utf8')).plugins['access-keys'].keys
  assert.equal(Object.keys(after), [key!.id])
  assert.is(after[key!.id].description, 'CI deploys to prod')
})

test('without a place for the secret, the run is refused before anything is written', async ({ project }) => {
  const result = await runTask('sync', ['--apply'], { cwd: project.dir })
  assert.is(result.code, 3, result.stderr)
  assert.match(result.stderr, 'accessKey "ci-deployer" (cleartext), which Descope shows once')
  assert.match(result.stderr, 'pass --secrets-out <file>')
  const state = JSON.parse(fs.readFileSync(path.join(project.dir, '.state/local.json'), 'utf8'))
  assert.equal(state.plugins['access-keys'].keys, {})
})

test('the one-off script disables the free tenants, and keeps their other fields', async ({ project }) => {
  const script = /```ts\n(\/\/ scripts\/disable-free-tenants\.ts[\s\S]*?)```/.exec(readme)![1]!
  const emulator = await startEmulator()
  try {
    emulator.state.tenants.trial = { ...blankTenant('trial'), customAttributes: { plan: 'free' }, domains: ['trial.example'] }
    emulator.state.tenants.paying = { ...blankTenant('paying'), customAttributes: { plan: 'team' } }
    project.write('environments/dev.yaml', emulatorEnvironment(emulator))
    project.write('scripts/disable-free-tenants.ts', script.replaceAll("'../lib/", `'${REPO}/lib/`))
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, 'scripts/disable-free-tenants.ts', 'dev'], { cwd: project.dir, env: { ...process.env, EMULATOR_KEY: emulator.managementKey, NO_COLOR: '1' } })
    assert.match(stderr, 'disabled tenant "trial"')
    assert.match(stderr, '1 tenant(s) disabled in environment "dev"')
    assert.is(emulator.state.tenants.trial!.disabled, true)
    assert.equal(emulator.state.tenants.trial!.customAttributes, { plan: 'free' })
    assert.is(emulator.state.tenants.paying!.disabled, false)
  } finally {
    await emulator.close()
  }
})

function blankTenant(id: string) {
  return { id, name: id, selfProvisioningDomains: [], customAttributes: {}, authType: 'none' as const, domains: [], createdTime: 0, disabled: false, enforceSSO: false, enforceSSOExclusions: [], federatedAppIds: [], parent: '', defaultRoles: [], roleInheritance: '' as const }
}

test.run()
