// `${VAR}` from a git-ignored `.env` at the project root (lib/config/dotenv.ts): the process
// environment wins; the file is read like any other (a link out of the project, a huge file and
// a tracked file are refused); a secret with quotes and backslashes arrives whole and is never printed.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { createProject, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'

const test = suite<{ emulator: Emulator; project: Project; run(...args: string[]): ReturnType<typeof runTask> }>('.env')

test.before.each(async (context) => {
  context.emulator = await startEmulator({ managementKey: `K2key"with'quotes\\and$dollar` })
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment(context.emulator, 'tenants:\n  - { id: acme, name: Acme }\n') })
  // no EMULATOR_KEY in the task's environment: only the file can give it
  context.run = (...args) => runTask('sync', ['--env', 'dev', '--json', ...args], { cwd: context.project.dir, env: { EMULATOR_KEY: undefined } })
})
test.after.each(async (context) => {
  await context.emulator.close()
  context.project.remove()
})

/** a value with both kinds of quote goes in backticks, as Node's parser reads them */
const dotenv = (key: string) => `# the team's keys\nOTHER=1\nEMULATOR_KEY=\`${key}\`\n`

test('a variable the process lacks comes from .env, a secret with quotes, a backslash and a dollar whole; it is never printed', async ({ emulator, project, run }) => {
  project.write('.env', dotenv(emulator.managementKey))
  const applied = await run('--apply')
  assert.is(applied.code, 0, applied.stderr)
  assert.ok(Object.values(emulator.state.tenants).some((tenant) => tenant.name === 'Acme'))
  for (const output of [applied.stdout, applied.stderr]) assert.not.ok(output.includes(emulator.managementKey))
})

test('variable names that are object keys are data: toString comes from .env, __proto__ is reported as not set, nothing is polluted', async ({ emulator, project }) => {
  project.write('.env', `${dotenv(emulator.managementKey)}toString=Acme Corporation\n__proto__=polluted\n`)
  const run = (file: string) => {
    project.write('environments/dev.yaml', emulatorEnvironment(emulator, file))
    return runTask('sync', ['--env', 'dev', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: undefined } })
  }
  const named = await run('tenants:\n  - { id: acme, name: "${toString}" }\n')
  assert.is(named.code, 0, named.stderr)
  assert.is(JSON.parse(named.stdout).changes[0].fields.find((field: { path: string }) => field.path === 'name').desired, 'Acme Corporation')
  const proto = await run('tenants:\n  - { id: acme, name: "${__proto__}" }\n')
  assert.is(proto.code, 3)
  assert.match(proto.stdout, 'environment variable __proto__ is not set')
  assert.is(({} as { polluted?: unknown }).polluted, undefined)
})

test('the process environment wins over .env', async ({ emulator, project }) => {
  project.write('.env', `EMULATOR_KEY=K2wrong-key-from-the-file\n`)
  const result = await runTask('sync', ['--env', 'dev', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey } })
  assert.is(result.code, 0, result.stderr)
})

test('without .env and without the variable, the error names the file, the field and the variable', async ({ run }) => {
  const result = await run()
  assert.is(result.code, 3)
  assert.match(result.stdout, 'EMULATOR_KEY is not set')
})

test('a .env that git tracks is refused before any request, saying how to untrack it', async ({ emulator, project, run }) => {
  project.write('.env', dotenv(emulator.managementKey))
  execFileSync('git', ['init', '-q'], { cwd: project.dir })
  execFileSync('git', ['add', '.env'], { cwd: project.dir })
  const result = await run()
  assert.is(result.code, 3)
  const { error } = JSON.parse(result.stdout)
  assert.is(error.code, 'DOTENV_TRACKED')
  assert.match(error.issues[0].fix, 'git rm --cached .env')
  assert.not.ok(result.stdout.includes(emulator.managementKey))
  assert.equal(emulator.log.filter((entry) => entry.path !== '/v1/mgmt/license'), [], 'no request')
})

test('a .env that links out of the project, or is too big, is refused like any file the run reads', async ({ project, run }) => {
  const outside = path.join(path.dirname(project.dir), `outside-${path.basename(project.dir)}.env`)
  fs.writeFileSync(outside, 'EMULATOR_KEY=K2outside-the-project\n')
  try {
    fs.symlinkSync(outside, path.join(project.dir, '.env'))
    const linked = await run()
    assert.is(linked.code, 3)
    assert.is(JSON.parse(linked.stdout).error.code, 'FILE_OUTSIDE_PROJECT')
  } finally {
    fs.rmSync(outside, { force: true })
  }
  fs.rmSync(path.join(project.dir, '.env'))
  fs.writeFileSync(path.join(project.dir, '.env'), `PAD=${'x'.repeat(5 * 1024 * 1024)}\n`)
  const huge = await run()
  assert.is(huge.code, 3)
  assert.is(JSON.parse(huge.stdout).error.code, 'FILE_TOO_LARGE')
})

test.run()
