// The end-to-end suite's real-API mode, checked the only way possible without a Descope account:
// test/e2e.test.ts is run as a user would run it against their project (the two variables set),
// pointed at an emulator on loopback that stands for a project someone else configured. That
// project has items of its own, which must come out untouched; its reads lag its writes and it
// rate-limits, as a real one may; and nothing of the run may be left on it, nor its key printed.
import { spawn } from 'node:child_process'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator } from '../lib/emulator/index.ts'
import { laggingProxy } from './helpers/lagging-proxy.ts'
import { REPO, type TaskResult } from './helpers/project.ts'
import { isOurs, LEFTOVER_AGE_MS, runPrefix, sdkCall, targetSettings } from './helpers/target.ts'

const test = suite('e2e real-API mode')

const ID = 'P2e2eForeignProject000000001'
// a key with a quote, a backslash and a space in it: it reaches the child through its environment
const KEY = `K-foreign "proj\\ect' key-0123456789`

test('the variables: both or neither; half of them, or a base URL alone or in clear, is refused', () => {
  assert.equal(targetSettings({}), { mode: 'emulator' })
  assert.equal(targetSettings({ DESCOPE_TEST_PROJECT_ID: ID, DESCOPE_TEST_MANAGEMENT_KEY: KEY }), {
    mode: 'real', baseUrl: 'https://api.descope.com', projectId: ID, managementKey: KEY,
  })
  // the region in a longer project id, as node-sdk derives it
  assert.is((targetSettings({ DESCOPE_TEST_PROJECT_ID: `Puse1${ID.slice(1)}`, DESCOPE_TEST_MANAGEMENT_KEY: KEY }) as { baseUrl: string }).baseUrl, 'https://api.use1.descope.com')
  const refused = (env: NodeJS.ProcessEnv, message: string) => {
    try {
      targetSettings(env)
      assert.unreachable(`${JSON.stringify(Object.keys(env))} accepted`)
    } catch (error) {
      assert.instance(error, Error)
      assert.match((error as Error).message, message)
      assert.not.match((error as Error).message, KEY)
    }
  }
  refused({ DESCOPE_TEST_PROJECT_ID: ID }, 'DESCOPE_TEST_MANAGEMENT_KEY is not set but DESCOPE_TEST_PROJECT_ID is')
  refused({ DESCOPE_TEST_MANAGEMENT_KEY: KEY }, 'DESCOPE_TEST_PROJECT_ID is not set but DESCOPE_TEST_MANAGEMENT_KEY is')
  refused({ DESCOPE_TEST_BASE_URL: 'http://127.0.0.1:1' }, 'DESCOPE_TEST_BASE_URL is set but DESCOPE_TEST_PROJECT_ID and DESCOPE_TEST_MANAGEMENT_KEY are not')
  refused({ DESCOPE_TEST_PROJECT_ID: 'acme', DESCOPE_TEST_MANAGEMENT_KEY: KEY }, 'must be a Descope project id')
  refused({ DESCOPE_TEST_PROJECT_ID: ID, DESCOPE_TEST_MANAGEMENT_KEY: KEY, DESCOPE_TEST_BASE_URL: 'http://api.example.com' }, 'must be an https:// URL')
})

test('a leftover of this suite is removed once an hour old; another run\'s fresh items and lookalikes never', () => {
  const now = Date.now()
  const prefix = runPrefix(now)
  assert.match(prefix, /^e2e-[0-9a-z]{6,}-[0-9a-f]{6}-$/)
  assert.ok(isOurs(`${prefix}acme`, prefix, now))
  assert.ok(isOurs(`${runPrefix(now - LEFTOVER_AGE_MS - 1000)}acme`, prefix, now))
  assert.not.ok(isOurs(`${runPrefix(now - 60_000)}acme`, prefix, now), 'a run in progress elsewhere')
  for (const key of ['acme', 'e2e-acme', 'e2e-0-abc-x', 'my-e2e-000001-abcdef-x', 'E2E-000001-abcdef-x']) assert.not.ok(isOurs(key, prefix, now), key)
})

test('the suite in real mode on a project of someone else\'s: its own items only, all removed, the rest untouched, the key never printed', async () => {
  // the raw API's 100 a minute, scaled down so that the waits it causes are short
  const foreign = await startEmulator({ projectId: ID, managementKey: KEY, rateLimit: { requests: 5, windowMs: 1000 } })
  const proxy = await laggingProxy(foreign.url, 800)
  try {
    const sdk = DescopeClient({ projectId: ID, managementKey: KEY, baseUrl: foreign.url }).management
    const stale = `${runPrefix(Date.now() - 2 * LEFTOVER_AGE_MS)}acme`
    const running = `${runPrefix()}acme`
    await sdkCall('seed', () => sdk.permission.create('projects.read', 'theirs'))
    await sdkCall('seed', () => sdk.role.create('Viewer', 'theirs', ['projects.read']))
    await sdkCall('seed', () => sdk.tenant.createWithId('acme', 'Acme', ['acme.com']))
    await sdkCall('seed', () => sdk.tenant.createWithId(stale, 'left by a run killed two hours ago'))
    await sdkCall('seed', () => sdk.tenant.createWithId(running, 'a run in progress elsewhere'))
    const before = structuredClone(foreign.state)
    foreign.log.length = 0

    const result = await runE2e({ DESCOPE_TEST_PROJECT_ID: ID, DESCOPE_TEST_MANAGEMENT_KEY: KEY, DESCOPE_TEST_BASE_URL: proxy.url })
    const printed = `${result.stdout}\n${result.stderr}`
    assert.is(result.code, 0, printed)
    assert.match(result.stdout, 'Passed:    6')
    const prefix = /items under (e2e-\S+-)/.exec(result.stdout)?.[1]
    assert.ok(prefix, `the run names its prefix:\n${printed}`)
    assert.match(result.stdout, `removed 1 leftovers of earlier runs, over an hour old: tenant ${stale}`)
    for (const form of [KEY, JSON.stringify(KEY).slice(1, -1), encodeURIComponent(KEY)]) assert.not.ok(printed.includes(form), 'the key is never printed')

    // it ran against this project, through its lag and its rate limit
    const writes = foreign.log.filter((entry) => entry.method === 'POST' && entry.outcome === 'handled' && !/\/(search|list|export|load)$/.test(entry.path))
    assert.ok(writes.length >= 14, `${writes.length} writes`)
    assert.ok(proxy.stale.length > 0, 'some reads came back from before a write, and the suite waited them out')
    assert.ok(foreign.log.some((entry) => entry.outcome === 'rate-limited'), 'some requests were refused with a 429 and retried')
    for (const entry of writes) {
      const body = JSON.stringify(entry.body)
      assert.ok(body.includes(prefix!) || body.includes(stale), `${entry.path} wrote outside the run's prefix: ${body}`)
    }

    // the project as its owner left it, less the old leftover
    delete before.tenants[stale]
    assert.equal(foreign.state.tenants, before.tenants)
    assert.equal(foreign.state.roles, before.roles)
    assert.equal(foreign.state.permissions, before.permissions)
    assert.equal(foreign.state, before, 'nothing else in the project changed either')
  } finally {
    await proxy.close()
    await foreign.close()
  }
})

/** `node uvu -r tsx test e2e.test.ts` as a developer runs it, with their variables */
function runE2e(variables: Record<string, string>): Promise<TaskResult> {
  const child = spawn(process.execPath, [path.join(REPO, 'node_modules/uvu/bin.js'), '-r', 'tsx', 'test', '^e2e\\.test\\.ts$'], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...variables },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

test.run()
