// What a plugin adds to the emulator is checked like the rest of a plugin: a route another
// plugin or the emulator itself serves, a route that is not "METHOD /path", two plugins of one
// name (they would share state) are configuration errors; a state file whose plugin part is
// damaged is refused, naming the plugin and the field.
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { resolveHandlers } from '../lib/engine/registry.ts'
import { ConfigError } from '../lib/errors.ts'
import type { Plugin } from '../lib/contract.ts'
import accessKeys from '../plugins/access-keys.ts'
import { configWithTestPlugins, createProject, runTask, type Project } from './helpers/project.ts'

const test = suite<{ project: Project }>('plugins in the emulator')
test.before.each((context) => {
  context.project = createProject({ 'environments/a.yaml': 'emulator: { persist: .state/a.json }\naccessKeys:\n  - { name: ci-deployer }\n' }, configWithTestPlugins({ 'access-keys': '' }))
})
test.after.each((context) => context.project.remove())

const refused = (plugins: Plugin[]) => {
  try {
    resolveHandlers(plugins)
  } catch (error) {
    assert.instance(error, ConfigError)
    return error as ConfigError
  }
  return assert.unreachable('should refuse') as never
}
const withRoutes = (name: string, routes: Record<string, unknown>): Plugin => ({ name, handlers: [], emulator: { state: () => ({}), routes: routes as never } })

test('two plugins of one name, or one route added twice, are refused when the config loads', () => {
  const twice = refused([accessKeys(), { ...accessKeys(), handlers: [] }])
  assert.is(twice.code, 'PLUGIN_CONFLICT')
  assert.match(twice.message, 'two plugins are named "access-keys"')
  const route = refused([accessKeys(), withRoutes('other', { 'POST /v1/mgmt/accesskey/search': { mutates: false, handle: () => ({}) } })])
  assert.is(route.code, 'PLUGIN_CONFLICT')
  assert.match(route.message, 'plugins "access-keys" and "other" both add the emulator route "POST /v1/mgmt/accesskey/search"')
})

test('a route that is not "METHOD /path", or not { mutates, handle }, breaks the contract', () => {
  const error = refused([withRoutes('sloppy', { 'post /v1/x': { mutates: false, handle: () => ({}) }, 'GET /v1/y': { handle: 'no' } })])
  assert.is(error.code, 'PLUGIN_INVALID')
  assert.equal(error.issues.map((issue) => issue.message), [
    'plugin "sloppy", emulator: route "post /v1/x" must look like "POST /v1/mgmt/widget/create" (an upper-case method, a space, a path)',
    'plugin "sloppy", emulator: route "GET /v1/y" must be { mutates: boolean, handle(request) }',
  ])
})

test('a route the emulator serves itself is refused as a plugin conflict, exit 3, before anything is read', async ({ project }) => {
  project.write('descope.config.ts', configWithTestPlugins({ 'access-keys': '' }).replace('export default defineConfig({', `const takes = { name: 'takes-tenants', handlers: [], emulator: { state: () => ({}), routes: { 'POST /v1/mgmt/tenant/create': { mutates: true, handle: () => ({}) } } } }\nexport default defineConfig({`).replace('plugin_access_keys()]', 'plugin_access_keys(), takes]'))
  const result = await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir })
  assert.is(result.code, 3, result.stderr)
  const { error } = JSON.parse(result.stdout)
  assert.is(error.code, 'PLUGIN_CONFLICT')
  assert.match(error.message, 'plugin "takes-tenants" adds the emulator route "POST /v1/mgmt/tenant/create", which the emulator serves itself')
})

test('a state file whose plugin part is damaged is refused, naming the plugin and the field', async ({ project }) => {
  assert.is((await runTask('sync', ['--env', 'a', '--apply', '--secrets-out', 'k.secrets.json'], { cwd: project.dir })).code, 0)
  const file = path.join(project.dir, '.state/a.json')
  const state = JSON.parse(fs.readFileSync(file, 'utf8'))
  state.plugins['access-keys'] = { keys: null }
  fs.writeFileSync(file, JSON.stringify(state))
  const result = await runTask('sync', ['--env', 'a', '--json'], { cwd: project.dir })
  assert.is(result.code, 1, result.stderr)
  const { error } = JSON.parse(result.stdout)
  assert.is(error.code, 'EMULATOR_STATE_CORRUPT')
  assert.match(error.message, 'plugin "access-keys"\'s part, keys:')
})

test.run()
