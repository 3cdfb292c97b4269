// Ctrl-C and SIGTERM during an apply: no new change starts, those in flight finish, the
// summary is printed (with the backup), the lock is released, exit 130 (143); a second Ctrl-C
// exits at once and still releases the lock; a re-run converges.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { waitFor } from './helpers/emulator-http.ts'
import { RELAYED_MS } from '../lib/run/interrupt.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, runTask, startTask, type Project } from './helpers/project.ts'
import { cuttingProxy } from './helpers/cutting-proxy.ts'
import { slowWritesProxy, type SlowWritesProxy } from './helpers/slow-writes-proxy.ts'
import fgaSchema from '../plugins/fga-schema.ts'

const COUNT = 40
const tenants = 'tenants:\n' + Array.from({ length: COUNT }, (_, i) => `  - { id: t${i}, name: Tenant ${i} }`).join('\n') + '\n'

const test = suite<{ emulator: Emulator; writes: SlowWritesProxy; project: Project }>('interrupt')

test.before.each(async (context) => {
  context.emulator = await startEmulator()
  // slow writes, so that Ctrl-C lands in the middle of the apply (reads need not wait)
  context.writes = await slowWritesProxy(context.emulator.url, 150)
  context.project = createProject({ 'environments/dev.yaml': emulatorEnvironment({ url: context.writes.url, projectId: context.emulator.projectId }, tenants) })
})
test.after.each(async (context) => {
  await context.writes.close()
  await context.emulator.close()
  context.project.remove()
})

const creates = (emulator: Emulator) => emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/create' && entry.status === 200)
const locks = (project: Project) => (fs.existsSync(path.join(project.dir, '.locks')) ? fs.readdirSync(path.join(project.dir, '.locks')) : [])
const env = (emulator: Emulator) => ({ EMULATOR_KEY: emulator.managementKey })

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${signal} mid-apply: the summary with the backup, the lock released, exit ${code}; a re-run converges`, async ({ emulator, writes, project }) => {
    const task = startTask('sync', ['--env', 'dev', '--apply', ...(signal === 'SIGTERM' ? ['--json'] : [])], { cwd: project.dir, env: env(emulator) })
    await waitFor(() => creates(emulator).length >= 4, 'a few creates', 20_000)
    task.child.kill(signal)
    const result = await task.done
    assert.is(result.code, code, result.stderr)
    const created = creates(emulator).length
    assert.ok(created < COUNT, `stopped early (${created} created)`)
    assert.match(result.stderr, `${signal}: starting no new changes`)
    if (signal === 'SIGTERM') {
      const document = JSON.parse(result.stdout)
      assert.is(document.interrupted, 'SIGTERM')
      assert.ok(fs.existsSync(document.backup), 'the backup path is in the document')
      assert.is(document.summary.applied, created)
      assert.is(document.summary.failed, 0, 'requests in flight were let finish')
      assert.is(document.summary.skipped, COUNT - created)
      assert.ok(document.changes.filter((change: { outcome: string }) => change.outcome === 'skipped').every((change: { detail: string }) => change.detail === 'not attempted: interrupted (SIGTERM)'))
    } else {
      assert.match(result.stdout, `Backup of "dev" taken before the first write: ${project.dir}`)
      assert.match(result.stdout, `Apply: ${created} applied, 0 failed, ${COUNT - created} skipped`)
      assert.match(result.stdout, `Stopped early: interrupted (${signal})`)
    }
    assert.equal(locks(project), [], 'the lock is released')

    // converging is all the re-run has to show: no need to wait on its writes
    writes.delayMs = 0
    const again = await runTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: env(emulator) })
    assert.is(again.code, 0, again.stderr)
    assert.is(Object.keys(emulator.state.tenants).length, COUNT)
    for (let i = 0; i < COUNT; i++) {
      assert.is(creates(emulator).filter((entry) => (entry.body as { id: string }).id === `t${i}`).length, 1, `t${i} created once`)
    }
  })
}

test('a second Ctrl-C exits at once, and the lock is still released', async ({ emulator, writes, project }) => {
  // answers slow enough that the requests in flight outlast a person's second press
  writes.delayMs = 1500
  const task = startTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: env(emulator) })
  // and the next on their way, with most of their wait still ahead: the second signal comes before they land
  await waitFor(() => creates(emulator).length >= 2 && writes.heldUntil - Date.now() > 1000, 'a few creates, and more in flight', 20_000)
  task.child.kill('SIGINT')
  await waitFor(() => task.output().stderr.includes('starting no new changes'), 'the first Ctrl-C is heard', 5000)
  // a person's second press: later than a relayed copy of the first could come
  await new Promise((resolve) => setTimeout(resolve, RELAYED_MS + 100))
  task.child.kill('SIGINT')
  const result = await task.done
  assert.is(result.code, 130, result.stderr)
  assert.match(result.stderr, 'SIGINT again: stopping now')
  assert.equal(locks(project), [])
})

test('SIGTERM after a Ctrl-C stops at once with SIGTERM\'s code (143): the last signal says why it ended', async ({ emulator, writes, project }) => {
  writes.delayMs = 1500
  const task = startTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: env(emulator) })
  await waitFor(() => creates(emulator).length >= 2 && writes.heldUntil - Date.now() > 1000, 'a few creates, and more in flight', 20_000)
  task.child.kill('SIGINT')
  await waitFor(() => task.output().stderr.includes('starting no new changes'), 'the Ctrl-C is heard', 5000)
  task.child.kill('SIGTERM')
  const result = await task.done
  assert.is(result.code, 143, result.stderr)
  assert.match(result.stderr, 'SIGTERM after SIGINT: stopping now')
})

test('one Ctrl-C that arrives twice (the terminal signals the group, npx tsx forwards it) is one: the apply still finishes its summary', async ({ emulator, project }) => {
  const task = startTask('sync', ['--env', 'dev', '--apply'], { cwd: project.dir, env: env(emulator) })
  await waitFor(() => creates(emulator).length >= 2, 'a few creates', 20_000)
  task.child.kill('SIGINT')
  await new Promise((resolve) => setTimeout(resolve, 20))
  task.child.kill('SIGINT')
  const result = await task.done
  assert.is(result.code, 130, result.stderr)
  assert.not.match(result.stderr, 'again: stopping now')
  assert.match(result.stdout, /Apply: \d+ applied/)
  assert.equal(locks(project), [])
})

test('Ctrl-C before the first write, while live is read from an API that does not answer: exit 130 at once', async ({ project }) => {
  const sockets: net.Socket[] = []
  const silent = net.createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`
    project.write('environments/silent.yaml', emulatorEnvironment({ url, projectId: 'P2emulatorLocalProject000001' }, tenants))
    const task = startTask('sync', ['--env', 'silent', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: 'K-emulator-local-management-key' } })
    await waitFor(() => sockets.length > 0, 'the first read to reach the API', 20_000)
    const started = Date.now()
    task.child.kill('SIGINT')
    const result = await task.done
    assert.is(result.code, 130, result.stderr)
    assert.ok(Date.now() - started < 5000, 'at once, not after a timeout')
    assert.is(JSON.parse(result.stdout).error.code, 'INTERRUPTED')
    assert.match(result.stderr, 'before anything was written')
    assert.equal(locks(project), [])
  } finally {
    for (const socket of sockets) socket.destroy()
    silent.close()
  }
})

test('Ctrl-C while the plan waits on a dry run (the FGA schema\'s preview): exit 130, nothing written', async () => {
  const emulator = await startEmulator({ plugins: [fgaSchema()] })
  const proxy = await cuttingProxy(emulator.url, () => false, undefined, (_method, route) => route === '/v1/mgmt/fga/schema/dryrun')
  const project = createProject({
    'environments/dev.yaml': emulatorEnvironment({ url: proxy.url, projectId: emulator.projectId }, 'authorizationSchema:\n  dsl: |\n    model AuthZ 1.0\n    type user\n    type doc\n      relation owner: user\n'),
  }, configWithTestPlugins({ 'fga-schema': '' }))
  try {
    const task = startTask('sync', ['--env', 'dev', '--apply', '--json'], { cwd: project.dir, env: env(emulator) })
    await waitFor(() => emulator.log.some((entry) => entry.path === '/v1/mgmt/fga/schema'), 'the schema to be read', 20_000)
    await new Promise((resolve) => setTimeout(resolve, 300))
    task.child.kill('SIGINT')
    const result = await task.done
    assert.is(result.code, 130, result.stderr)
    assert.is(JSON.parse(result.stdout).error.code, 'INTERRUPTED')
    assert.match(result.stderr, 'before anything was written')
    assert.not.ok(emulator.log.some((entry) => entry.method === 'POST' && entry.path === '/v1/mgmt/fga/schema'), 'no schema saved')
  } finally {
    await proxy.close()
    await emulator.close()
    project.remove()
  }
})

test.run()
