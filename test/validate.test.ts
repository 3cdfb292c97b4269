// tasks/validate.ts: the files checked as a sync checks them before its first request, offline.
// No emulator: nothing here may be reached, and the network tests prove nothing is.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { chalk } from 'zx/core'
import { JSON_FORMAT_VERSION } from '../lib/report/json-document.ts'
import { formatText } from '../lib/report/validate-report.ts'
import { createProject, defaultConfig, REPO, runTask, TSX, type Project } from './helpers/project.ts'

const run = promisify(execFile)
const GUARD = pathToFileURL(path.join(REPO, 'test/helpers/no-network.ts')).href

/** The variables a developer's shell or the real-API mode may have set: a run here sees none of them. */
const UNSET = Object.fromEntries(Object.keys(process.env).filter((name) => /^DESCOPE_.*_(PROJECT_ID|MANAGEMENT_KEY)$/.test(name)).map((name) => [name, undefined]))

/** A copy of this repository's own environments/ and descope.config.ts (its imports pointed back here). */
function shippedProject(): Project {
  const config = fs.readFileSync(path.join(REPO, 'descope.config.ts'), 'utf8').replace(/from '\.\/(lib|plugins)\//g, `from '${REPO}/$1/`)
  const project = createProject({}, config)
  fs.cpSync(path.join(REPO, 'environments'), path.join(project.dir, 'environments'), { recursive: true })
  return project
}

/** A project of the test plugins (permissions, roles, tenants, flows, theme) with these environment files. */
function projectWith(files: Record<string, string>, config = defaultConfig()): Project {
  const project = createProject(files, config)
  fs.cpSync(path.join(REPO, 'environments/exported'), path.join(project.dir, 'environments/exported'), { recursive: true })
  return project
}

const validate = (project: Project, args: string[], env: Record<string, string | undefined> = {}) =>
  runTask('validate', args, { cwd: project.dir, env: { ...UNSET, ...env } })

async function validateJson(project: Project, args: string[], env: Record<string, string | undefined> = {}) {
  const result = await validate(project, [...args, '--json'], env)
  return { ...result, document: JSON.parse(result.stdout) }
}

const REAL = `projectId: \${DEV_PROJECT_ID}\nmanagementKey: \${DEV_MANAGEMENT_KEY}\n`
const DECLARED = `permissions:
  - { name: projects.read }
  - { name: projects.write }
roles:
  - { name: Editor, permissionNames: [projects.read, projects.write] }
tenants:
  - { id: acme, name: Acme, selfProvisioningDomains: [acme.com] }
flows: all
theme: true
`

const test = suite('validate')

test('the shipped environments and config: --all exits 0 with no variable set, and lists the missing ones', async () => {
  const project = shippedProject()
  try {
    const { code, document, stderr } = await validateJson(project, ['--all'])
    assert.is(code, 0, stderr)
    assert.is(document.kind, 'validate')
    assert.is(document.formatVersion, JSON_FORMAT_VERSION)
    assert.is(document.ok, true)
    assert.equal(document.environments.map((entry: { environment: string }) => entry.environment), ['dev', 'devtest', 'local', 'prod', 'staging', 'test'])
    assert.ok(document.environments.every((entry: { ok: boolean }) => entry.ok))
    assert.equal(document.issues, [])
    // every real environment's id and key, with the file and field that use each; local needs none
    assert.is(document.missingVariables.length, 10)
    assert.ok(document.missingVariables.some((entry: object) => JSON.stringify(entry) === JSON.stringify({ environment: 'prod', name: 'DESCOPE_PROD_MANAGEMENT_KEY', file: 'environments/prod.yaml', path: 'managementKey' })))
    assert.not.ok(document.missingVariables.some((entry: { environment: string }) => entry.environment === 'local'))
    // what every project has is there without asking (base.yaml's user attribute names the User Admin permission)
    assert.not.ok(document.unchecked.some((entry: { message: string }) => entry.message.includes('"User Admin"')), JSON.stringify(document.unchecked))

    const text = await validate(project, ['--all'])
    assert.is(text.code, 0, text.stderr)
    assert.match(text.stdout, 'Validated 6 environments offline (no credentials, no network): 6 valid')
    assert.match(text.stdout, /DESCOPE_DEV_MANAGEMENT_KEY +environments\/dev\.yaml: managementKey \(dev\)/)
    // nothing left that only the live projects could answer
    assert.not.match(text.stdout, 'Not checked offline')
  } finally {
    project.remove()
  }
})

test('zero network connections: every connect, DNS lookup and listen throws and is logged, and the log stays empty', async () => {
  const project = shippedProject()
  const log = path.join(project.dir, 'network.log')
  // a real environment too, with its key set: nothing may try its URL
  project.write('environments/remote.yaml', `baseUrl: https://api.descope.example\nprojectId: P2remote\nmanagementKey: \${REMOTE_KEY}\n${DECLARED}`)
  try {
    const env = { ...process.env, ...Object.fromEntries(Object.keys(UNSET).map((name) => [name, ''])), NO_NETWORK_LOG: log, REMOTE_KEY: 'K-remote-key-1234567890', NO_COLOR: '1' }
    const { stdout } = await run(process.execPath, ['--import', TSX, '--import', GUARD, path.join(REPO, 'tasks/validate.ts'), '--all', '--json'], { cwd: project.dir, env })
    assert.is(JSON.parse(stdout).ok, true)
    assert.is(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '', '', 'no connection, lookup or listen was attempted')

    // and the guard would have seen one: the same preload, a fetch and a listen
    const probe = path.join(project.dir, 'probe.mjs')
    fs.writeFileSync(probe, "import net from 'node:net'\ntry { await fetch('http://127.0.0.1:8123/') } catch {}\ntry { net.createServer().listen(0) } catch {}\n")
    await run(process.execPath, ['--import', TSX, '--import', GUARD, probe], { cwd: project.dir, env })
    const attempts = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line).what)
    assert.equal(attempts, ['net.Socket.connect', 'net.Server.listen'])
  } finally {
    project.remove()
  }
})

test('an environment whose baseUrl is a loopback server that counts connections: validated without one', async () => {
  let connections = 0
  const server = http.createServer((_request, response) => response.end('{}'))
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const project = projectWith({ 'environments/dev.yaml': `baseUrl: http://127.0.0.1:${port}\nprojectId: P2loopback\nmanagementKey: \${DEV_KEY}\n${DECLARED}` })
  try {
    const { code, document, stderr } = await validateJson(project, ['--env', 'dev'], { DEV_KEY: 'K-loopback-key-1234567890' })
    assert.is(code, 0, stderr)
    assert.equal(document.setVariables, [{ environment: 'dev', name: 'DEV_KEY', file: 'environments/dev.yaml', path: 'managementKey' }])
    assert.is(connections, 0)
  } finally {
    server.close()
    project.remove()
  }
})

test('a broken file: exit 3 naming the file, the path and the fix; a base file\'s problem once for every environment', async () => {
  const project = projectWith({
    'environments/base.yaml': `${DECLARED.replace('name: Acme,', 'name: Acme, enforceSSO: maybe,')}`,
    'environments/dev.yaml': `extends: base.yaml\n${REAL}`,
    'environments/staging.yaml': `extends: base.yaml\nprojectId: P2staging\nmanagementKey: \${STAGING_KEY}\nthrottle: { limit: -1 }\n`,
  })
  try {
    const { code, document } = await validateJson(project, ['--all'])
    assert.is(code, 3)
    assert.is(document.ok, false)
    assert.equal(document.environments.map((entry: { environment: string; ok: boolean }) => [entry.environment, entry.ok]), [['dev', false], ['staging', false]])
    const sso = document.issues.filter((issue: { path: string }) => issue.path === 'tenants[0].enforceSSO')
    assert.equal(sso.map((issue: { environment: string; file: string; code: string }) => [issue.environment, issue.file, issue.code]), [['dev', 'environments/base.yaml', 'ENV_INVALID'], ['staging', 'environments/base.yaml', 'ENV_INVALID']])
    const throttle = document.issues.find((issue: { path: string }) => issue.path === 'throttle.limit')
    assert.is(throttle.environment, 'staging')
    assert.is(throttle.file, 'environments/staging.yaml')

    const text = await validate(project, ['--all'])
    assert.is(text.code, 3)
    assert.match(text.stdout, /dev, staging: environments\/base\.yaml: tenants\[0\]\.enforceSSO: .+/)
    assert.match(text.stdout, /staging: environments\/staging\.yaml: throttle\.limit: .+/)

    // a field no plugin knows gets its fix, as a sync would give it
    project.write('environments/dev.yaml', `extends: base.yaml\n${REAL}tenant: []\n`)
    const typo = await validateJson(project, ['--env', 'dev'])
    const unknown = typo.document.issues.find((issue: { path: string }) => issue.path === 'tenant')
    assert.match(unknown.fix, 'tenants')
  } finally {
    project.remove()
  }
})

test('--strict: each missing variable is a problem naming it, its file and field, and the fix', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}${DECLARED}` })
  try {
    const lenient = await validateJson(project, ['--env', 'dev'])
    assert.is(lenient.code, 0, lenient.stderr)
    assert.equal(lenient.document.missingVariables.map((entry: { name: string }) => entry.name), ['DEV_PROJECT_ID', 'DEV_MANAGEMENT_KEY'])

    const strict = await validateJson(project, ['--env', 'dev', '--strict'])
    assert.is(strict.code, 3)
    assert.equal(strict.document.issues.map((issue: { path: string; message: string }) => [issue.path, issue.message]), [
      ['projectId', 'environment variable DEV_PROJECT_ID is not set'],
      ['managementKey', 'environment variable DEV_MANAGEMENT_KEY is not set'],
    ])
    assert.match(strict.document.issues[1].fix, 'export DEV_MANAGEMENT_KEY=... (or add it to the project\'s .env)')
    const text = await validate(project, ['--env', 'dev', '--strict'])
    assert.is(text.code, 3)
    assert.match(text.stdout, 'dev: environments/dev.yaml: managementKey: environment variable DEV_MANAGEMENT_KEY is not set (fix: export DEV_MANAGEMENT_KEY=')
    assert.not.match(text.stdout, 'Variables not set', 'each is said once, as a problem')

    // with every variable set, strict passes
    const set = await validate(project, ['--env', 'dev', '--strict'], { DEV_PROJECT_ID: 'P2dev', DEV_MANAGEMENT_KEY: 'K-dev-key-1234567890' })
    assert.is(set.code, 0, set.stdout)
  } finally {
    project.remove()
  }
})

test('variables from .env count as set, and no value is printed, however it is quoted', async () => {
  const secret = 'K-"quoted"\\back$lash-1234567890'
  const project = projectWith({
    'environments/dev.yaml': `${REAL}${DECLARED}`,
    '.env': `DEV_PROJECT_ID=P2fromdotenv\nDEV_MANAGEMENT_KEY='${secret}'\n`,
  })
  try {
    for (const format of [['--json'], ['--markdown'], []]) {
      const result = await validate(project, ['--env', 'dev', '--strict', ...format])
      assert.is(result.code, 0, result.stdout)
      assert.not.ok(`${result.stdout}${result.stderr}`.includes(secret), 'the key is not printed')
      assert.not.ok(`${result.stdout}${result.stderr}`.includes('P2fromdotenv'), 'no value is printed')
      assert.match(result.stdout, 'DEV_MANAGEMENT_KEY')
    }
  } finally {
    project.remove()
  }
})

test('a missing value gets a stand-in of its field\'s shape: what only the value could pass is listed as not checked, the rest is still checked', async () => {
  const project = projectWith({
    'environments/dev.yaml': `${REAL}baseUrl: \${DEV_URL}\n${DECLARED}\n`.replace('name: Acme,', 'name: "Acme ${REGION}",').replace('[acme.com]', '["${ACME_DOMAIN}"]'),
  })
  try {
    const { code, document, stderr } = await validateJson(project, ['--env', 'dev'])
    assert.is(code, 0, stderr)
    // the id, the key and the URL pass as stand-ins; a domain's cannot
    assert.equal(document.unchecked.filter((entry: { needs: string }) => entry.needs === 'value').map((entry: { path: string; variable: string }) => [entry.path, entry.variable]), [['tenants[0].selfProvisioningDomains[0]', 'ACME_DOMAIN']])
    assert.equal(document.missingVariables.map((entry: { name: string }) => entry.name).sort(), ['ACME_DOMAIN', 'DEV_MANAGEMENT_KEY', 'DEV_PROJECT_ID', 'DEV_URL', 'REGION'])
    const text = await validate(project, ['--env', 'dev'])
    assert.match(text.stdout, 'dev: environments/dev.yaml: tenants[0].selfProvisioningDomains[0]: not checked without $ACME_DOMAIN (a stand-in value fails:')

    // beside a stand-in, a real mistake is still found
    project.write('environments/dev.yaml', `${REAL}baseUrl: \${DEV_URL}\n${DECLARED.replace('{ name: Editor,', '{ name: Editor, colour: red,')}`)
    const broken = await validateJson(project, ['--env', 'dev'])
    assert.is(broken.code, 3)
    assert.equal(broken.document.issues.map((issue: { path: string }) => issue.path), ['roles[0].colour'])
  } finally {
    project.remove()
  }
})

test('a missing variable in exportDir or a flow\'s id: the files its stand-in would name are not checked, not problems', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}exportDir: \${DEV_EXPORTS}\n${DECLARED.replace('flows: all', 'flows: [sign-up-or-in, "\${DEV_FLOW}"]')}` })
  try {
    const { code, document, stderr } = await validateJson(project, ['--env', 'dev'])
    assert.is(code, 0, stderr)
    assert.equal(document.issues, [])
    const unchecked = document.unchecked.filter((entry: { needs: string }) => entry.needs === 'value')
    assert.ok(unchecked.length > 0)
    assert.ok(unchecked.every((entry: { variable: string }) => ['DEV_EXPORTS', 'DEV_FLOW'].includes(entry.variable)), JSON.stringify(unchecked))

    // with the directory set, only the flow named by the missing variable is left unchecked
    const set = await validateJson(project, ['--env', 'dev'], { DEV_EXPORTS: 'environments/exported' })
    assert.is(set.code, 0, set.stdout)
    assert.equal(set.document.unchecked.filter((entry: { needs: string }) => entry.needs === 'value').map((entry: { variable: string }) => entry.variable), ['DEV_FLOW'])
    // and a real mistake beside it is still found: a listed flow that has no file
    project.write('environments/dev.yaml', `${REAL}${DECLARED.replace('flows: all', 'flows: [no-such-flow, "\${DEV_FLOW}"]')}`)
    const broken = await validateJson(project, ['--env', 'dev'])
    assert.is(broken.code, 3)
    assert.equal(broken.document.issues.map((issue: { file: string }) => issue.file), ['environments/exported/flows/no-such-flow.json'])
  } finally {
    project.remove()
  }
})

test('a variable in a number or boolean field is a problem, set or not: a ${VAR} always gives text, which a sync refuses there', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}protected: \${DEV_PROTECTED}\nthrottle:\n  limit: \${DEV_LIMIT}\n${DECLARED}` })
  try {
    for (const env of [{}, { DEV_PROTECTED: 'true', DEV_LIMIT: '5' }]) {
      const { code, document } = await validateJson(project, ['--env', 'dev'], env)
      assert.is(code, 3, JSON.stringify(document.unchecked))
      assert.equal(document.issues.map((issue: { file: string; path: string }) => [issue.file, issue.path]), [['environments/dev.yaml', 'protected'], ['environments/dev.yaml', 'throttle.limit']])
      assert.not.ok(JSON.stringify(document.issues).includes('offline-'), 'no stand-in is shown as if it were the value')
    }
    const { document } = await validateJson(project, ['--env', 'dev'])
    assert.match(document.issues[1].message, 'a ${VAR} always gives text')
    assert.equal(document.unchecked, [])
  } finally {
    project.remove()
  }
})

test('a connection field its stand-in fails (projectId: P2\${ID}) leaves the file\'s other settings in force: exportDir still says where the flows are', async () => {
  const project = projectWith({ 'environments/dev.yaml': `projectId: "P2\${DEV_ID}"\nmanagementKey: \${DEV_MANAGEMENT_KEY}\nexportDir: elsewhere\nflows: [sign-in]\n` })
  try {
    const { code, document } = await validateJson(project, ['--env', 'dev'])
    assert.is(code, 3, JSON.stringify(document.unchecked))
    assert.equal(document.issues.map((issue: { file: string }) => issue.file), ['elsewhere/flows/sign-in.json'])
    assert.equal(document.unchecked.map((entry: { path: string; variable: string }) => [entry.path, entry.variable]), [['projectId', 'DEV_ID']])
  } finally {
    project.remove()
  }
})

test('a variable named like a secret in a field that is not one is refused, set or not', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}${DECLARED.replace('name: Acme,', 'name: "${ACME_SECRET}",')}` })
  try {
    const { code, document } = await validateJson(project, ['--env', 'dev'])
    assert.is(code, 3)
    assert.equal(document.issues.map((issue: { path: string }) => issue.path), ['tenants[0].name'])
    assert.match(document.issues[0].message, 'whose name marks it as a secret')
  } finally {
    project.remove()
  }
})

test('a reference to an item no file declares: listed as needing live state, refused when it is a near miss of a declared one', async () => {
  const project = projectWith({
    'environments/dev.yaml': `${REAL}${DECLARED.replace('[projects.read, projects.write]', '[projects.read, billing.manage]')}`,
  })
  try {
    const { code, document, stderr } = await validateJson(project, ['--env', 'dev'])
    assert.is(code, 0, stderr)
    const [reference] = document.unchecked.filter((entry: { needs: string }) => entry.needs === 'live')
    assert.is(reference.path, 'roles[0]')
    assert.is(reference.message, 'role "Editor" references permission "billing.manage", which no file declares: sync accepts it only if the project has it')

    // a typo the first plan would refuse (unless live had that very name)
    project.write('environments/dev.yaml', `${REAL}${DECLARED.replace('[projects.read, projects.write]', '[projects.read, projects.wrte]')}`)
    const typo = await validateJson(project, ['--env', 'dev'])
    assert.is(typo.code, 3)
    assert.equal(typo.document.issues.map((issue: { code: string; file: string; path: string }) => [issue.code, issue.file, issue.path]), [['PLAN_REFUSED', 'environments/dev.yaml', 'roles[0]']])
    assert.match(typo.document.issues[0].message, 'role "Editor" references permission "projects.wrte", which no file declares (did you mean "projects.write"?)')
    assert.match(typo.document.issues[0].fix, 'name permission "projects.write", or declare permission "projects.wrte" if the project has it')

    // a built-in every project has is there; a near miss of one is a typo too
    project.write('environments/dev.yaml', `${REAL}${DECLARED.replace('[projects.read, projects.write]', '[projects.read, User Admin]')}`)
    const builtIn = await validateJson(project, ['--env', 'dev'])
    assert.is(builtIn.code, 0, builtIn.stderr)
    assert.equal(builtIn.document.unchecked.filter((entry: { needs: string }) => entry.needs === 'live'), [])
    project.write('environments/dev.yaml', `${REAL}${DECLARED.replace('[projects.read, projects.write]', '[projects.read, User Admn]')}`)
    const nearBuiltIn = await validateJson(project, ['--env', 'dev'])
    assert.is(nearBuiltIn.code, 3)
    assert.match(nearBuiltIn.document.issues[0].message, '(did you mean "User Admin"?)')

    // a key declared twice: the checks across items run offline
    project.write('environments/dev.yaml', `${REAL}${DECLARED.replace('flows: all', '  - { id: acme, name: Acme again }\nflows: all')}`)
    const twice = await validateJson(project, ['--env', 'dev'])
    assert.is(twice.code, 3)
    assert.match(twice.document.issues.map((issue: { message: string }) => issue.message).join('\n'), 'tenant "acme" is declared twice')
  } finally {
    project.remove()
  }
})

test('a broken flow file: exit 3 naming it, never its content', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}${DECLARED}` })
  project.write('environments/exported/flows/broken.json', '{ "flowId": "broken", root:x:0:0 }')
  try {
    const { code, document } = await validateJson(project, ['--env', 'dev'])
    assert.is(code, 3)
    const [issue] = document.issues
    assert.match(issue.file, 'broken.json')
    assert.match(issue.message, 'is not valid JSON')
    assert.not.ok(JSON.stringify(document).includes('root:x'))
  } finally {
    project.remove()
  }
})

test('descope.config.ts with a wrong value: exit 3, reported in the validate document', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}${DECLARED}` }, defaultConfig('concurrency: 0,'))
  try {
    const { code, document } = await validateJson(project, ['--all'])
    assert.is(code, 3)
    assert.is(document.kind, 'validate')
    assert.equal(document.environments, [])
    assert.equal(document.issues.map((issue: { environment: null; code: string; path: string }) => [issue.environment, issue.code, issue.path]), [[null, 'CONFIG_INVALID', 'concurrency']])
    assert.match(document.issues[0].file, 'descope.config.ts')
  } finally {
    project.remove()
  }
})

test('a plugin\'s own code that throws: exit 1, the other environments still reported', async () => {
  const config = defaultConfig(`plugins: [permissions(), { name: 'buggy', handlers: [{ type: 'widget', section: 'widgets', schema: permissions().handlers[0].schema, liveSchema: permissions().handlers[0].liveSchema, key: (item) => item.name, normalize: (item) => item, list: async () => [], check: () => (undefined as any).rules }] }],`)
  const project = projectWith({ 'environments/dev.yaml': `${REAL}widgets: [{ name: w }]\n`, 'environments/staging.yaml': `${REAL}permissions: []\n` }, config.replace(/\n  plugins: \[permissions\(\), roles\(\).*\n/, '\n'))
  try {
    const { code, document, stderr } = await validateJson(project, ['--all'])
    assert.is(code, 1, stderr)
    assert.equal(document.environments.map((entry: { environment: string; ok: boolean }) => [entry.environment, entry.ok]), [['dev', false], ['staging', true]])
    assert.is(document.environments[0].failure.code, 'PLUGIN_FAILED')
    assert.match(stderr, 'plugin "buggy" failed in check()')
  } finally {
    project.remove()
  }
})

test('the text report in colour (a terminal, FORCE_COLOR in CI): colours as colours, a hostile key still escaped', () => {
  const saved = chalk.level
  chalk.level = 1
  try {
    const text = formatText({
      strict: false,
      config: [],
      environments: [{ environment: 'dev', types: [], items: 0, variables: [], unchecked: [], problems: [{ code: 'ENV_INVALID', file: 'environments/dev.yaml', path: 'x\u001b[2K', message: 'unknown field "x\u001b[2K\nforged"' }] }],
    })
    assert.ok(text.includes('\u001b[31m'), 'red, as a colour')
    assert.not.ok(text.includes('\\u001b[31m'), 'no colour code shown as text')
    assert.ok(text.includes('x\\u001b[2K\\nforged'), 'the key escaped')
    assert.not.ok(text.includes('\u001b[2K'), 'no raw control from the file')
  } finally {
    chalk.level = saved
  }
})

test('--markdown: a table per environment and the problems, fit for a job summary', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}${DECLARED.replace('name: Acme,', 'name: "Acme | Co", colour: red,')}` })
  try {
    const { code, stdout } = await validate(project, ['--env', 'dev', '--markdown'])
    assert.is(code, 3)
    assert.match(stdout, '## Descope validate')
    assert.match(stdout, '| dev | :x: 1 problem | 2 |')
    assert.match(stdout, '| dev | environments/dev.yaml | `tenants[0].colour` |')
  } finally {
    project.remove()
  }
})

test('usage: one of --json and --markdown, one of --env and --all, a known environment', async () => {
  const project = projectWith({ 'environments/dev.yaml': `${REAL}${DECLARED}` })
  try {
    assert.is((await validate(project, ['--json', '--markdown'])).code, 3)
    assert.is((await validate(project, ['--env', 'dev', '--all'])).code, 3)
    assert.is((await validate(project, ['--strict=yes'])).code, 3)
    const unknown = await validateJson(project, ['--env', 'dev,nope'])
    assert.is(unknown.code, 3)
    assert.equal(unknown.document.issues.map((issue: { environment: string; code: string }) => [issue.environment, issue.code]), [['nope', 'ENV_NOT_FOUND']])
    const help = await validate(project, ['--help'])
    assert.match(help.stdout, 'Not checked, since only the live project knows')
  } finally {
    project.remove()
  }
})

test.run()
