import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { loadConfig } from '../lib/config/config.ts'
import { loadEnvironment } from '../lib/config/environment.ts'
import { ConfigError, type ConfigIssue } from '../lib/errors.ts'
import { resolveHandlers } from '../lib/engine/registry.ts'
import { readBaseSections } from '../lib/config/base-file.ts'
import { createProject, defaultConfig, type Project } from './helpers/project.ts'

const test = suite<{ project: Project }>('environment files')

test.before.each((context) => {
  context.project = createProject({
    'environments/base.yaml': 'tenants:\n  - id: acme\n    name: Acme\n',
    'environments/dev.yaml': 'extends: base.yaml\nprojectId: ${DEV_PROJECT}\nmanagementKey: ${DEV_KEY}\n',
  })
})
test.after.each((context) => context.project.remove())

async function load(project: Project, name: string, variables: Record<string, string> = {}) {
  const config = await loadConfig(project.dir)
  return loadEnvironment(name, config, resolveHandlers(config.plugins), variables)
}

async function issuesOf(project: Project, name: string, variables: Record<string, string> = {}): Promise<ConfigIssue[]> {
  try {
    await load(project, name, variables)
  } catch (error) {
    assert.instance(error, ConfigError)
    return (error as ConfigError).issues
  }
  assert.unreachable('expected a configuration error')
  return []
}

const vars = { DEV_PROJECT: 'P2devproject', DEV_KEY: 'K-dev-secret' }

test('loading the config again sees the file as it is now, not the module imported before', async ({ project }) => {
  assert.is((await loadConfig(project.dir)).throttle.limit, 1000)
  project.write('descope.config.ts', defaultConfig().replace('limit: 1000', 'limit: 7'))
  assert.is((await loadConfig(project.dir)).throttle.limit, 7)
})

test('extends a base file and substitutes ${VAR}', async ({ project }) => {
  const env = await load(project, 'dev', vars)
  assert.is(env.projectId, 'P2devproject')
  assert.is(env.managementKey, 'K-dev-secret')
  assert.equal(env.declared.get('tenant'), [{ id: 'acme', name: 'Acme' }])
  assert.ok(env.locate('tenant', 0).file.endsWith('environments/base.yaml'), 'the section came from the base file')
  assert.is(env.locate('tenant', 0, 'name').path, 'tenants[0].name')
  assert.ok(env.file.endsWith('environments/dev.yaml'))
  assert.is(env.protection(), undefined)
})

test('prod is protected by default; a file can say so too', async ({ project }) => {
  project.write('environments/prod.yaml', 'projectId: P2prod\nmanagementKey: ${K}\n')
  project.write('environments/qa.yaml', 'projectId: P2qa\nmanagementKey: ${K}\nprotected: true\n')
  assert.is((await load(project, 'prod', { K: 'K-long-enough-1234' })).protection(), 'protectedEnvironments names it')
  assert.is((await load(project, 'qa', { K: 'K-long-enough-1234' })).protection(), 'its file says protected: true')
})

test('a missing variable names the file, the field and the variable', async ({ project }) => {
  const issues = await issuesOf(project, 'dev', { DEV_PROJECT: 'P2devproject' })
  assert.is(issues.length, 1, JSON.stringify(issues))
  assert.match(issues[0]!.file, 'dev.yaml')
  assert.is(issues[0]!.path, 'managementKey')
  assert.match(issues[0]!.message, 'DEV_KEY is not set')
  assert.match(issues[0]!.fix!, 'export DEV_KEY=')
})

test('malformed YAML gives the line and column', async ({ project }) => {
  project.write('environments/dev.yaml', 'projectId: P2xyz\ntenants:\n  - id: [unclosed\n')
  const [issue] = await issuesOf(project, 'dev')
  assert.match(issue!.file, 'dev.yaml')
  assert.match(issue!.message, /not valid YAML at line \d+, column \d+/)
})

test('every problem is reported at once, each with its file and path', async ({ project }) => {
  project.write('environments/base.yaml', 'tenants:\n  - id: acme\n    name: 42\n    enforceSSO: "yes"\n    selfProvisoningDomains: [acme.com]\n')
  const issues = await issuesOf(project, 'dev', vars)
  const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue]))
  assert.equal(Object.keys(byPath).sort(), ['tenants[0].enforceSSO', 'tenants[0].name', 'tenants[0].selfProvisoningDomains'])
  for (const issue of issues) assert.match(issue.file, 'base.yaml', 'the section came from base.yaml')
  assert.match(byPath['tenants[0].selfProvisoningDomains']!.message, 'unknown field')
  assert.match(byPath['tenants[0].selfProvisoningDomains']!.fix!, 'did you mean "selfProvisioningDomains"')
  assert.match(byPath['tenants[0].name']!.message, 'Expected string')
})

test('an unknown top-level field is refused', async ({ project }) => {
  project.write('environments/dev.yaml', 'projectId: P2xyz\nmanagementKey: ${DEV_KEY}\nteants: []\n')
  const [issue] = await issuesOf(project, 'dev', vars)
  assert.is(issue!.path, 'teants')
  assert.match(issue!.fix!, 'did you mean "tenants"')
})

test('a literal management key is refused', async ({ project }) => {
  project.write('environments/dev.yaml', 'projectId: P2xyz\nmanagementKey: K-pasted-secret\n')
  const [issue] = await issuesOf(project, 'dev')
  assert.is(issue!.path, 'managementKey')
  assert.match(issue!.message, 'written literally')
})

test('a real project needs projectId and managementKey', async ({ project }) => {
  project.write('environments/dev.yaml', 'tenants: []\n')
  const issues = await issuesOf(project, 'dev')
  assert.equal(issues.map((issue) => issue.path).sort(), ['managementKey', 'projectId'])
})

test('duplicate tenant ids, shared domains and duplicate names are refused before any request', async ({ project }) => {
  project.write('environments/base.yaml', [
    'tenants:',
    '  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com] }',
    '  - { id: acme, name: Acme Two }',
    '  - { id: other, name: Other, selfProvisioningDomains: [ACME.com] }',
    '  - { id: third, name: acme }',
    '  - { id: bad, name: Bad, selfProvisioningDomains: ["https://bad.com/x"] }',
  ].join('\n'))
  const issues = await issuesOf(project, 'dev', vars)
  const text = issues.map((issue) => `${issue.path}: ${issue.message}`)
  assert.ok(text.some((line) => line.startsWith('tenants[1]: tenant "acme" is declared twice')), text.join('\n'))
  assert.ok(text.some((line) => line.startsWith('tenants[2].selfProvisioningDomains: domain "acme.com" is claimed by tenants "acme" and "other"')), text.join('\n'))
  assert.ok(text.some((line) => line.startsWith('tenants[3].name:') && line.includes('already used by tenant "acme"')), text.join('\n'))
  assert.ok(text.some((line) => line.startsWith('tenants[4].selfProvisioningDomains[0]: must be a domain name')), text.join('\n'))
})

test('a tenant cannot be its own ancestor', async ({ project }) => {
  project.write('environments/base.yaml', 'tenants:\n  - { id: a, name: A, parent: b }\n  - { id: b, name: B, parent: a }\n')
  const issues = await issuesOf(project, 'dev', vars)
  assert.ok(issues.some((issue) => issue.path === 'tenants[0].parent' && issue.message.includes('its own ancestor')))
})

test('an unknown environment lists the ones that exist', async ({ project }) => {
  const [issue] = await issuesOf(project, 'staging')
  assert.match(issue!.message, 'environment "staging" does not exist')
  assert.match(issue!.fix!, 'dev')
  const [typo] = await issuesOf(project, 'dve')
  assert.match(typo!.fix!, 'did you mean dev? use one of: ')
  const [traversal] = await issuesOf(project, '../dev')
  assert.match(traversal!.message, '"../dev" is not an environment name')
  // a list is for the tasks that take one: drift and validate
  const [list] = await issuesOf(project, 'dev,staging')
  assert.match(list!.fix!, 'only tasks/drift.ts and tasks/validate.ts take a list')
})

test('an extends cycle is refused', async ({ project }) => {
  project.write('environments/base.yaml', 'extends: dev.yaml\n')
  const [issue] = await issuesOf(project, 'dev', vars)
  assert.match(issue!.message, 'cycle')
})

test('a ${VAR} in extends is refused as such: which files make up an environment is settled before any variable', async ({ project }) => {
  project.write('environments/base.yaml', 'extends: ${BASE_FILE}\n')
  const [issue] = await issuesOf(project, 'dev', { ...vars, BASE_FILE: 'dev.yaml' })
  assert.is(issue!.path, 'extends')
  assert.match(issue!.message, 'is ${BASE_FILE}, but variables are not replaced in extends')
  assert.match(issue!.fix!, 'name the file itself')
})

test('a base file\'s sections read as an environment\'s do: theme: false undoes a theme it extends, its items are checked', async ({ project }) => {
  project.write('environments/shared.yaml', 'theme: true\nflows: all\n')
  project.write('environments/base2.yaml', 'extends: shared.yaml\ntheme: false\ntenants:\n  - { id: acme, name: Acme }\n')
  const config = await loadConfig(project.dir)
  const base = readBaseSections(`${project.dir}/environments/base2.yaml`, config, resolveHandlers(config.plugins), {})
  assert.equal([...base.selections.keys()], ['flow'], 'theme: false declares no theme')
  assert.equal(base.declared.get('tenant'), [{ id: 'acme', name: 'Acme' }])
  project.write('environments/base2.yaml', 'tenants:\n  - { id: acme }\n')
  try {
    readBaseSections(`${project.dir}/environments/base2.yaml`, config, resolveHandlers(config.plugins), {})
    assert.unreachable('a tenant without a name is refused')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.match((error as ConfigError).issues[0]!.path, 'tenants[0]')
  }
})

test.run()
