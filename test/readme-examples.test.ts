// The README's examples, followed literally. "Writing a plugin": its plugin saved as
// plugins/access-keys.ts, registered, a key declared in environments/local.yaml, and its command
// run; what the README says comes of it must (the plan, the secret in the --secrets-out file and
// nowhere else). "Writing a script" is followed in test/scripts.test.ts.
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createProject, defaultConfig, REPO, runTask, type Project } from './helpers/project.ts'

const test = suite<{ project: Project }>('README examples')

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## Writing a plugin'), readme.indexOf('\n## ', readme.indexOf('## Writing a plugin') + 1))
const plugin = /```ts\n(\/\/ plugins\/outbound-apps\.ts[\s\S]*?)```/.exec(section)![1]!
const declared = /declare an app in `environments\/local\.yaml`:\n\n```yaml\n([\s\S]*?)```/.exec(section)![1]!
const command = /and run it: `(\w+)=(\S+) npx tsx tasks\/(\w+)\.ts ([^`]+)`/.exec(section)!

test.before.each((context) => {
  context.project = createProject({
    // the fixture has no lib/ of its own: the plugin's relative imports point at this repository's
    'plugins/outbound-apps.ts': plugin.replaceAll("'../lib/", `'${REPO}/lib/`),
    'environments/local.yaml': `emulator: { persist: .state/local.json }\n${declared}`,
  }, defaultConfig().replace('export default defineConfig({', "import outboundApps from './plugins/outbound-apps.ts'\nexport default defineConfig({")
    .replace('theme()]', 'theme(), outboundApps()]'))
  // a new user's plugin imports valibot from the project's own node_modules
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(context.project.dir, 'node_modules'))
})
test.after.each((context) => context.project.remove())

const stored = (project: Project) => JSON.parse(fs.readFileSync(path.join(project.dir, '.state/local.json'), 'utf8')).plugins['outbound-apps'].apps as Record<string, { id: string; name: string; description: string; clientSecret: string }>

test('its plugin, registered and run with its command, does what it says', async ({ project }) => {
  const [, variable, secret, task, args] = command
  assert.equal([variable, task, args], ['CRM_CLIENT_SECRET', 'sync', '--apply'])
  const env = { [variable!]: secret! }
  const result = await runTask(task!, args!.split(' '), { cwd: project.dir, env })
  assert.is(result.code, 0, result.stderr)
  assert.match(result.stdout, '+ create outboundApp "crm"')
  assert.match(result.stdout, 'clientSecret: "(secret)"')
  const [app] = Object.values(stored(project))
  assert.equal({ name: app!.name, description: app!.description, clientSecret: app!.clientSecret }, { name: 'crm', description: 'The CRM our flows call', clientSecret: secret })
  const backups = fs.readdirSync(path.join(project.dir, '.backups'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
  for (const text of [result.stdout, result.stderr, ...backups.map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))]) {
    assert.not.ok(text.includes(secret!), 'the secret is in no output, backup or audit log')
    assert.not.ok(text.includes(app!.id), 'nor the server id')
  }
  // the next plan is empty, and a change reaches the app by its id
  assert.equal(JSON.parse((await runTask('sync', ['--json'], { cwd: project.dir, env })).stdout).changes, [])
  project.write('environments/local.yaml', `emulator: { persist: .state/local.json }\n${declared.replace('The CRM our flows call', 'The CRM')}`)
  const updated = await runTask('sync', ['--apply'], { cwd: project.dir, env })
  assert.is(updated.code, 0, updated.stderr)
  assert.equal(Object.keys(stored(project)), [app!.id])
  assert.is(stored(project)[app!.id]!.description, 'The CRM')
})

test('a literal secret in the file is refused, as the README says', async ({ project }) => {
  project.write('environments/local.yaml', `emulator: { persist: .state/local.json }\n${declared.replace('"${CRM_CLIENT_SECRET}"', 'written-in-the-file')}`)
  const result = await runTask('sync', ['--apply'], { cwd: project.dir })
  assert.is(result.code, 3, result.stderr)
  assert.match(result.stderr, 'outboundApps[0].clientSecret: is a secret written literally')
})

test.run()
