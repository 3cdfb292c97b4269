// tasks/emulator.ts on its own: prints how to reach it, serves the official SDK, stops cleanly.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import path from 'node:path'
import DescopeClient from '@descope/node-sdk'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { configWithTestPlugins, createProject, REPO, runTask, TSX } from './helpers/project.ts'

test('prints its URL, project id and key; the node SDK can use it; --verbose logs each request; SIGTERM stops it', async () => {
  const child = spawn(process.execPath, ['--import', TSX, path.join(REPO, 'tasks/emulator.ts'), '--port', '0', '--seed', '1', '--latency-spikes', '0/400', '--rate-limit-bursts', '0/1000', '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  try {
    // ready once it says how to stop it; if it dies first, fail instead of waiting forever
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('Ctrl-C') && resolve())
      child.on('close', (code) => reject(new Error(`the emulator exited (${code}) before it was ready: ${stdout}`)))
    })
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
    const projectId = /project id:\s+(\S+)/.exec(stdout)?.[1]
    const managementKey = /management key:\s+(\S+)/.exec(stdout)?.[1]
    assert.ok(url && projectId && managementKey, stdout)
    assert.match(stdout, 'latency spikes 400 ms on 0, 429 bursts of 1000 ms on 0')
    // run from the repository: whatever plugins its config holds, the banner says what it serves
    assert.match(stdout, /plugin routes: {3}\S/)
    const sdk = DescopeClient({ projectId, managementKey, baseUrl: url }).management
    assert.ok((await sdk.tenant.createWithId('acme', 'Acme')).ok)
    assert.equal((await sdk.tenant.loadAll()).data?.map((tenant) => tenant.id), ['acme'])
  } finally {
    child.kill('SIGTERM')
  }
  const [code] = await once(child, 'close')
  assert.is(code, 0)
  assert.match(stdout, 'Descope emulator stopped.')
  assert.match(stderr, 'POST /v1/mgmt/tenant/create 200')
  assert.match(stderr, /GET \/v1\/mgmt\/tenant\/all 200/)
})

test('run in a project, it serves the routes its plugins add: node-sdk makes an access key through them', async () => {
  const project = createProject({}, configWithTestPlugins({ 'access-keys': '' }))
  const child = spawn(process.execPath, ['--import', TSX, path.join(REPO, 'tasks/emulator.ts'), '--port', '0'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('Ctrl-C') && resolve())
      child.on('close', (code) => reject(new Error(`the emulator exited (${code}) before it was ready: ${stdout}`)))
    })
    assert.match(stdout, 'plugin routes:   access-keys (11 routes); --verbose lists them')
    const [, url, projectId, managementKey] = /listening on (\S+)\n\s+project id:\s+(\S+)\n\s+management key:\s+(\S+)/.exec(stdout)!
    const sdk = DescopeClient({ projectId: projectId!, managementKey: managementKey!, baseUrl: url }).management
    const created = await sdk.accessKey.create('ci-deployer', 0)
    assert.ok(created.ok, JSON.stringify(created.error))
    assert.ok(created.data!.cleartext)
    assert.equal((await sdk.accessKey.searchAll()).data?.map((key) => key.name), ['ci-deployer'])
  } finally {
    child.kill('SIGTERM')
    project.remove()
  }
  const [code] = await once(child, 'close')
  assert.is(code, 0)
})

test('bad flags exit 3 with the reason', async () => {
  const result = await runTask('emulator', ['--error-rate', '2'], { cwd: REPO })
  assert.is(result.code, 3)
  assert.match(result.stderr, '--error-rate must be a ratio between 0 and 1')
  const directory = await runTask('emulator', ['--port', '0', '--persist', path.join(REPO, 'lib')], { cwd: REPO })
  assert.is(directory.code, 3)
  assert.match(directory.stderr, 'is a directory; name a file')
  const spikes = await runTask('emulator', ['--latency-spikes', '2/10'], { cwd: REPO })
  assert.is(spikes.code, 3)
  assert.match(spikes.stderr, '--latency-spikes must look like 0.05/400')
})

test('an unwritable --persist path fails at start, with the reason', async () => {
  const result = await runTask('emulator', ['--port', '0', '--persist', path.join(REPO, 'package.json', 'state.json')], { cwd: REPO })
  assert.is(result.code, 1)
  assert.match(result.stderr, 'could not save the emulator state to')
  assert.match(result.stderr, 'choose a writable path')
})

test('a port already in use is named, with the way out', async () => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  const { port } = taken.address() as net.AddressInfo
  try {
    const result = await runTask('emulator', ['--port', String(port)], { cwd: REPO })
    assert.is(result.code, 1)
    assert.match(result.stderr, `port ${port} on 127.0.0.1 is already in use`)
    assert.match(result.stderr, '--port 0 picks a free one')
    assert.not.match(result.stderr, /\s+at /, 'no stack trace')
  } finally {
    taken.close()
  }
})

test.run()
