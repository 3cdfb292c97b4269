// A dead or silent API ends a run within a bounded time instead of hanging it: a plan against
// an API that never answers fails within 30 s with the reason; an apply whose API dies stops
// scheduling and ends within 60 s, reporting the rest as not attempted; the run's own
// deadline does the same; a re-run against the API back up converges.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { waitFor } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, runTask, startTask, type Project, type TaskResult } from './helpers/project.ts'

const PROJECT_ID = 'P2emulatorLocalProject000001'
const KEY = 'K-emulator-local-management-key'
const tenants = (count: number) => 'tenants:\n' + Array.from({ length: count }, (_, i) => `  - { id: t${i}, name: Tenant ${i} }`).join('\n') + '\n'

/** An API that accepts connections and never answers. */
async function silentApi(): Promise<{ url: string; close(): void }> {
  const sockets: net.Socket[] = []
  const server = net.createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

/**
 * The plan against an API that never answers, with the defaults: a process of its own, started
 * before the first test, so that its 20 s wait passes while the other tests run.
 */
function planAgainstSilentApi(): Promise<{ result: TaskResult; took: number; url: string }> {
  const project = createProject()
  const run = async () => {
    const api = await silentApi()
    try {
      project.write('environments/silent.yaml', emulatorEnvironment({ url: api.url, projectId: PROJECT_ID }, tenants(3)))
      const started = Date.now()
      const result = await runTask('sync', ['--env', 'silent', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: KEY }, timeoutMs: 60_000, spawn: true })
      return { result, took: Date.now() - started, url: api.url }
    } finally {
      api.close()
      project.remove()
    }
  }
  const running = run()
  // awaited by its test, the last; a failure before then is not an unhandled rejection
  running.catch(() => {})
  return running
}

const test = suite<{ project: Project }>('deadlines')
let defaultsRun: ReturnType<typeof planAgainstSilentApi>
test.before(() => { defaultsRun = planAgainstSilentApi() })
test.before.each((context) => { context.project = createProject() })
test.after.each((context) => context.project.remove())

test('an API killed with 100 changes pending: the run ends within 60 s, the rest not attempted; a re-run converges', async ({ project }) => {
  const persist = path.join(project.dir, 'state.json')
  let emulator: Emulator = await startEmulator({ latencyMs: 20, persistPath: persist })
  const port = new URL(emulator.url).port
  const first = emulator
  try {
    project.write('environments/dev.yaml', emulatorEnvironment(emulator, tenants(110)))
    const task = startTask('sync', ['--env', 'dev', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: KEY }, timeoutMs: 90_000 })
    await waitFor(() => Object.keys(emulator.state.tenants).length >= 8, 'a few creates', 20_000)
    const killed = Date.now()
    await emulator.close()
    const result = await task.done
    const took = Date.now() - killed
    assert.is(result.code, 1, result.stderr)
    assert.ok(took < 60_000, `took ${took} ms after the kill`)
    const document = JSON.parse(result.stdout)
    assert.match(document.stopped, 'stopped answering')
    const notAttempted = document.changes.filter((change: { detail?: string }) => change.detail?.startsWith('not attempted: the API at'))
    assert.ok(notAttempted.length >= 90, `${notAttempted.length} not attempted`)
    assert.match(result.stderr, 'sending no more requests')
    assert.equal(fs.readdirSync(path.join(project.dir, '.locks')), [])

    emulator = await startEmulator({ port: Number(port), persistPath: persist })
    const again = await runTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: { EMULATOR_KEY: KEY } })
    assert.is(again.code, 0, again.stderr)
    assert.is(Object.keys(emulator.state.tenants).length, 110)
    const landed = [...first.log, ...emulator.log].filter((entry) => entry.path === '/v1/mgmt/tenant/create' && (entry.status === 200))
    const ids = landed.map((entry) => (entry.body as { id: string }).id)
    assert.is(new Set(ids).size, ids.length, 'no tenant was created twice')
  } finally {
    await emulator.close()
  }
})

// after a run in this process has loaded the tasks' modules: its bound is the wait's, not theirs
test('timeouts.unresponsiveMs is configurable per environment', async ({ project }) => {
  const api = await silentApi()
  try {
    project.write('environments/silent.yaml', emulatorEnvironment({ url: api.url, projectId: PROJECT_ID }, `timeouts: { unresponsiveMs: 1500 }\n${tenants(3)}`))
    const started = Date.now()
    const result = await runTask('sync', ['--env', 'silent'], { cwd: project.dir, env: { EMULATOR_KEY: KEY } })
    assert.is(result.code, 1)
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`)
    assert.match(result.stderr, 'gave no answer for 1.5 s')
  } finally {
    api.close()
  }
})

test('the run\'s deadline stops the scheduling of new changes and says so', async ({ project }) => {
  const emulator = await startEmulator({ latencyMs: 250 })
  try {
    project.write('environments/dev.yaml', emulatorEnvironment(emulator, `timeouts: { runMs: 2500 }\n${tenants(60)}`))
    const result = await runTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: { EMULATOR_KEY: KEY } })
    assert.is(result.code, 1, result.stderr)
    assert.match(result.stdout, "Stopped early: the run's deadline of 2.5 s (timeouts.runMs) passed")
    assert.match(result.stdout, /Apply: \d+ applied, 0 failed, \d+ skipped/)
    const created = Object.keys(emulator.state.tenants).length
    assert.ok(created > 0 && created < 60, `${created} created`)
  } finally {
    await emulator.close()
  }
})

test('a plan against an API that never answers fails within 30 s with the defaults, naming the reason', async () => {
  const { result, took, url } = await defaultsRun
  assert.is(result.code, 1, result.stderr)
  assert.ok(took < 30_000, `took ${took} ms`)
  assert.match(result.stderr, `the API at ${url} gave no answer for 20 s (timeouts.unresponsiveMs)`)
  assert.is(JSON.parse(result.stdout).error.code, 'API_NETWORK')
})

test.run()
