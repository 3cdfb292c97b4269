// A sync --apply against a hostile API converges: every tenant created once, nothing failed.
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator } from '../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, runTask } from './helpers/project.ts'

const tenants = (count: number) => 'tenants:\n' + Array.from({ length: count }, (_, i) =>
  `  - { id: t${i}, name: Tenant ${i}, selfProvisioningDomains: [t${i}.example.com], customAttributes: { n: ${i} } }`).join('\n')

// the retry policy is the shipped default (descope.config.ts), not one tuned for the test
const config = defaultConfig().replace(/throttle: .*\n/, 'throttle: { limit: 100, intervalMs: 1000 },\n').replace(/retry: .*\n/, '')

const SEED = Number(process.env.FAULT_SEED ?? 2026)

test('50 tenants through 20% 500s, 5% dropped connections and a tenth of the throttle', async () => {
  // the configured throttle is 100 per second; the emulator allows 10
  const emulator = await startEmulator({ errorRate: 0.2, dropRate: 0.05, rateLimit: { requests: 10, windowMs: 1000 }, seed: SEED })
  const project = createProject({ 'environments/hostile.yaml': emulatorEnvironment(emulator, tenants(50)) }, config)
  try {
    const run = (...args: string[]) => runTask('sync', ['--env', 'hostile', '--json', ...args], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, timeoutMs: 120_000 })
    const applied = await run('--apply')
    assert.is(applied.code, 0, applied.stderr)
    const document = JSON.parse(applied.stdout)
    assert.equal(document.summary, { create: 50, update: 0, delete: 0, applied: 50, failed: 0, skipped: 0 })

    assert.is(Object.keys(emulator.state.tenants).length, 50)
    for (let i = 0; i < 50; i++) {
      const tenant = emulator.state.tenants[`t${i}`]
      assert.ok(tenant, `t${i} exists`)
      assert.is(tenant.name, `Tenant ${i}`)
      // a create that succeeded, whether its answer arrived or was dropped on the way back
      const landed = emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/create' &&
        (entry.body as { id?: string })?.id === `t${i}` && entry.status === 200)
      assert.is(landed.length, 1, `t${i} was created exactly once`)
    }
    const outcomes = new Set(emulator.log.map((entry) => entry.outcome))
    for (const fault of ['fault', 'rate-limited']) assert.ok(outcomes.has(fault as never), `the emulator injected ${fault}`)
    assert.ok(outcomes.has('dropped-before') || outcomes.has('dropped-after'), 'connections were dropped')
    assert.ok(document.requests.retried > 0)

    const next = await run('--detailed-exitcode')
    assert.is(next.code, 0, next.stderr)
    assert.equal(JSON.parse(next.stdout).changes, [])
  } finally {
    await emulator.close()
    project.remove()
  }
})

test('the fault options of an environment file reach its embedded emulator', async () => {
  const project = createProject({
    'environments/rehearsal.yaml': `emulator:\n  persist: state/rehearsal.json\n  errorRate: 0.3\n  dropRate: 0.05\n  seed: 11\n${tenants(10)}\n`,
  }, config)
  try {
    const applied = await runTask('sync', ['--env', 'rehearsal', '--apply', '--json'], { cwd: project.dir })
    assert.is(applied.code, 0, applied.stderr)
    const document = JSON.parse(applied.stdout)
    assert.is(document.summary.applied, 10)
    assert.ok(document.requests.retried > 0, 'injected faults were retried')
    const state = JSON.parse(fs.readFileSync(path.join(project.dir, 'state/rehearsal.json'), 'utf8'))
    assert.is(Object.keys(state.tenants).length, 10)
  } finally {
    project.remove()
  }
})

test.run()
