// README "Troubleshooting" shows each error as it prints. Each of its blocks is provoked here
// against an emulator and compared with what the task wrote, line by line, after only what
// differs from run to run (a port, a pid, a time, a lock's path, a count of attempts) is set aside.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { acquireLock } from '../lib/run/lock.ts'
import { createProject, REPO, runTask, type Project } from './helpers/project.ts'
import { seedTenants } from './helpers/seed.ts'
import { plainLog } from './helpers/output.ts'

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
const start = readme.indexOf('## Troubleshooting')
const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
/** The section's unlabelled fenced blocks: the messages, in the order the section gives them. */
const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map(([, body]) => body!.trim())

/** What a run varies: the address the API is at, which read went first, a lock's owner and path, a count of attempts; and how the log is drawn. */
const steady = (text: string) => plainLog(text)
  .replace(/(?:GET|POST) \/v1\/mgmt\/\S+ failed/g, '<request> failed')
  .replace(/(?:https?:\/\/)(?:api\.descope\.com|127\.0\.0\.1:\d+)/g, '<api>')
  .replace(/pid \d+ on \S+, since \S+\)/g, 'pid <pid>)')
  .replace(/delete \S+\.lock if/g, 'delete <lock> if')
  .replace(/\d+ attempts in a row/g, 'N attempts in a row')
  .split('\n').map((line) => line.trim()).filter(Boolean)

const DEV = (baseUrl: string, extra = '') => `projectId: \${DESCOPE_DEV_PROJECT_ID}\nmanagementKey: \${DESCOPE_DEV_MANAGEMENT_KEY}\nbaseUrl: ${baseUrl}\n${extra}`
const TENANTS = 'tenants:\n  - { id: a, name: A }\n  - { id: b, name: B }\n  - { id: c, name: C }\n'

interface Context { emulator: Emulator; project: Project; env: Record<string, string | undefined> }
const test = suite<Context>('README: Troubleshooting', {} as Context)

test.before(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({ 'environments/dev.yaml': DEV(context.emulator.url, TENANTS) })
  context.env = { DESCOPE_DEV_PROJECT_ID: context.emulator.projectId, DESCOPE_DEV_MANAGEMENT_KEY: context.emulator.managementKey, DESCOPE_LOCK_DIR: path.join(context.project.dir, '.locks') }
})
test.after(async ({ emulator, project }) => {
  await emulator.close()
  project.remove()
})

/** The task's stderr holds the block's lines, in order. */
function shows(stderr: string, block: string | undefined, what: string): void {
  assert.ok(block, `the README shows ${what}`)
  const printed = steady(stderr)
  const expected = steady(block!)
  let at = 0
  for (const line of expected) {
    const found = printed.indexOf(line, at)
    assert.ok(found >= 0, `${what}: the README's line\n  ${line}\nis not what the task printed:\n  ${printed.join('\n  ')}`)
    at = found + 1
  }
}

test('the blocks are the ones this file provokes, in this order', () => {
  assert.is(blocks.length, 6, 'unset variable, 401, a silent API, the lock, protection, the mass-delete guard')
})

test('a variable that is not set', async ({ project, env }) => {
  const result = await runTask('sync', ['--env', 'dev'], { cwd: project.dir, env: { ...env, DESCOPE_DEV_MANAGEMENT_KEY: undefined } })
  assert.is(result.code, 3)
  shows(result.stderr, blocks[0], 'an unset variable')
})

test('401: the key is wrong', async ({ project, env }) => {
  const result = await runTask('sync', ['--env', 'dev'], { cwd: project.dir, env: { ...env, DESCOPE_DEV_MANAGEMENT_KEY: 'not-the-key-of-this-project-but-as-long' } })
  assert.is(result.code, 1)
  shows(result.stderr, blocks[1], 'a 401')
})

test('the API stops answering', async ({ project, env }) => {
  // accepts connections, never answers: every attempt times out
  const silent = net.createServer(() => {})
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const port = (silent.address() as net.AddressInfo).port
  project.write('environments/silent.yaml', DEV(`http://127.0.0.1:${port}`, `timeouts: { requestMs: 300 }\nretry: { baseDelayMs: 10, maxDelayMs: 20, circuitBreakAfter: 2 }\n${TENANTS}`))
  try {
    const result = await runTask('sync', ['--env', 'silent'], { cwd: project.dir, env })
    assert.is(result.code, 1)
    shows(result.stderr, blocks[2], 'a silent API')
  } finally {
    silent.close()
  }
})

test('another apply holds the lock', async ({ project, env, emulator }) => {
  const previous = process.env.DESCOPE_LOCK_DIR
  process.env.DESCOPE_LOCK_DIR = env.DESCOPE_LOCK_DIR
  const release = acquireLock(emulator.projectId)
  try {
    // the lock is this test process's: the apply must be another process
    const result = await runTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env, spawn: true })
    assert.is(result.code, 1)
    shows(result.stderr, blocks[3], 'the lock held')
  } finally {
    release()
    process.env.DESCOPE_LOCK_DIR = previous
  }
})

test('a protected environment', async ({ project, env }) => {
  project.write('environments/staging.yaml', 'extends: dev.yaml\nprotected: true\ntenants:\n  - { id: a, name: A }\n')
  try {
    const result = await runTask('sync', ['--env', 'staging', '--apply'], { cwd: project.dir, env })
    assert.is(result.code, 3)
    shows(result.stderr, blocks[4], 'a protected environment')
  } finally {
    fs.rmSync(path.join(project.dir, 'environments/staging.yaml'))
  }
})

test('the mass-delete guard', async ({ project, env, emulator }) => {
  seedTenants(emulator, ['a', 'b', 'c', ...Array.from({ length: 30 }, (_, i) => `old-${i}`)])
  const result = await runTask('sync', ['--env', 'dev', '--apply', '--prune'], { cwd: project.dir, env })
  assert.is(result.code, 3)
  shows(result.stderr, blocks[5], 'the mass-delete guard')
  assert.ok(Object.keys(emulator.state.tenants).length >= 33, 'nothing deleted')
})

test.run()
