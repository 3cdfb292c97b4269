// The fault soak: 200 items of every type (permissions, roles with tenant roles, tenants with
// sub-tenants and default roles, flows that name roles) applied through 500s, dropped
// connections, latency spikes and bursts of 429s, with the shipped retry policy: each item
// created exactly once, nothing failed, and the next plan empty.
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator } from '../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, REPO, runTask } from './helpers/project.ts'

const SEED = Number(process.env.FAULT_SEED ?? 7)
const PERMISSIONS = 30
const ROLES = 25
const TENANT_ROLES = 5
const PARENTS = 30
const CHILDREN = 100
const FLOWS = 10

function declared(): string {
  const lines = ['permissions:']
  for (let i = 0; i < PERMISSIONS; i++) lines.push(`  - { name: p${i}, description: Permission ${i} }`)
  lines.push('roles:')
  for (let i = 0; i < ROLES; i++) lines.push(`  - { name: r${i}, permissionNames: [p${i}, p${(i + 1) % PERMISSIONS}] }`)
  for (let i = 0; i < TENANT_ROLES; i++) lines.push(`  - { name: Local ${i}, tenantId: parent${i}, permissionNames: [p${i}] }`)
  lines.push('tenants:')
  for (let i = 0; i < PARENTS; i++) lines.push(`  - { id: parent${i}, name: Parent ${i}, selfProvisioningDomains: [parent${i}.example.com], defaultRoles: [r${i % ROLES}] }`)
  for (let i = 0; i < CHILDREN; i++) lines.push(`  - { id: child${i}, name: Child ${i}, parent: parent${i % PARENTS}, defaultRoles: [r${i % ROLES}], customAttributes: { n: ${i} } }`)
  lines.push('flows: all')
  return `${lines.join('\n')}\n`
}

// the shipped retry policy (descope.config.ts), not one tuned for the test
const config = defaultConfig().replace(/throttle: .*\n/, 'throttle: { limit: 200, intervalMs: 1000 },\n').replace(/retry: .*\n/, '')

test('200 items of every type through 500s, drops, latency spikes and 429 bursts: each created once, none failed', async () => {
  const emulator = await startEmulator({ errorRate: 0.15, dropRate: 0.05, latencySpikes: { rate: 0.05, ms: 400 }, rateLimitBursts: { rate: 0.01, ms: 1000 }, seed: SEED })
  const project = createProject({ 'environments/soak.yaml': emulatorEnvironment(emulator, declared()) }, config)
  // flows that name a role must find it: each names one of the roles above
  const template = JSON.parse(fs.readFileSync(path.join(REPO, 'environments/exported/flows/references-flow.json'), 'utf8'))
  for (let i = 0; i < FLOWS; i++) {
    project.write(`environments/exported/flows/soak-${i}.json`, JSON.stringify({ ...template, flowId: `soak-${i}`, references: { roles: { [`r${i}`]: '' } } }))
  }
  try {
    const run = (...args: string[]) => runTask('sync', ['--env', 'soak', '--json', ...args], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, timeoutMs: 120_000 })
    const started = Date.now()
    const applied = await run('--apply')
    const took = Date.now() - started
    assert.is(applied.code, 0, applied.stderr)
    const total = PERMISSIONS + ROLES + TENANT_ROLES + PARENTS + CHILDREN + FLOWS
    assert.equal(JSON.parse(applied.stdout).summary, { create: total, update: 0, delete: 0, applied: total, failed: 0, skipped: 0 })

    // creates that landed, one at a time or in a batch (`batch` names the list in its body)
    const landed = (route: string, key: (body: any) => string, batch?: string) => {
      const counts = new Map<string, number>()
      for (const entry of emulator.log) {
        if (entry.status !== 200) continue
        const items = entry.path === route ? [entry.body] : batch && entry.path === `${route}/batch` ? (entry.body as Record<string, unknown[]>)[batch]! : []
        for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
      }
      return counts
    }
    const once = (counts: Map<string, number>, expected: number, what: string) => {
      assert.is(counts.size, expected, `${what}: every one created`)
      for (const [key, count] of counts) assert.is(count, 1, `${what} ${key} created exactly once`)
    }
    once(landed('/v1/mgmt/permission/create', (body) => body.name, 'permissions'), PERMISSIONS, 'permission')
    once(landed('/v1/mgmt/role/create', (body) => `${body.tenantId ?? ''}/${body.name}`, 'roles'), ROLES + TENANT_ROLES, 'role')
    assert.ok(emulator.log.some((entry) => entry.path.endsWith('/create/batch') && entry.status === 200), 'permissions and roles went out in batches')
    once(landed('/v1/mgmt/tenant/create', (body) => body.id), PARENTS + CHILDREN, 'tenant')
    assert.is(Object.keys(emulator.state.flows).filter((id) => id.startsWith('soak-')).length, FLOWS)
    for (const fault of ['fault', 'rate-limited']) assert.ok(emulator.log.some((entry) => entry.outcome === fault), `the emulator injected ${fault}`)
    assert.ok(emulator.log.some((entry) => entry.outcome.startsWith('dropped')), 'connections were dropped')

    const next = await run('--detailed-exitcode')
    assert.is(next.code, 0, next.stderr)
    assert.equal(JSON.parse(next.stdout).changes, [])
    process.stdout.write(`  soak: ${total} items in ${(took / 1000).toFixed(1)} s, ${emulator.log.length} requests\n`)
  } finally {
    await emulator.close()
    project.remove()
  }
})

test.run()
