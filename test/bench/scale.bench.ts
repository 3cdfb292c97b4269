// Linear at scale: the requests of a no-op plan against the API's floor; a plan of many tenants
// (half of them sub-tenants) against one of half as many, as whole task runs less start-up (the
// same run of an environment that declares no tenant), with peak memory; loading and validating an environment file of 5,000 tenants against one of 500;
// the emulator's tenant list at 10,000 against 1,000. A ratio near the size ratio is linear.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../../lib/config/config.ts'
import { startEmulator, type Emulator } from '../../lib/emulator/index.ts'
import { loadEnvironment } from '../../lib/config/environment.ts'
import { resolveHandlers } from '../../lib/engine/registry.ts'
import { apiClient } from '../helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, REPO, TSX, type Project } from '../helpers/project.ts'
import { seedTenants } from '../helpers/seed.ts'
import { ratio, seconds, type Bench, type BenchRow } from './row.ts'

const PEAK = path.join(REPO, 'test/bench/peak-memory.ts')

/** tenants t0..t(n-1), every odd one a sub-tenant of the one before, each with a default role */
const tenantLines = (count: number) => Array.from({ length: count }, (_, i) =>
  `  - { id: t${i}, name: Tenant ${i}, selfProvisioningDomains: [t${i}.example.com], defaultRoles: [Viewer]${i % 2 ? `, parent: t${i - 1}` : ''} }`).join('\n')

function runSync(project: Project, emulator: Emulator, args: string[]): Promise<{ ms: number; peakMb: number; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', TSX, '--import', PEAK, path.join(REPO, 'tasks/sync.ts'), ...args], {
      cwd: project.dir, env: { ...process.env, EMULATOR_KEY: emulator.managementKey, NO_COLOR: '1', DESCOPE_BACKUP_DIR: path.join(project.dir, '.backups'), DESCOPE_LOCK_DIR: path.join(project.dir, '.locks') }, stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stderr, peakMb: Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? 0) / 1024 }))
  })
}

function seedRolesAndTenants(emulator: Emulator, count: number) {
  seedTenants(emulator, Array.from({ length: count }, (_, i) => `t${i}`))
  for (let i = 0; i < count; i++) {
    const tenant = emulator.state.tenants[`t${i}`]!
    Object.assign(tenant, { name: `Tenant ${i}`, selfProvisioningDomains: [`t${i}.example.com`], defaultRoles: ['Viewer'], parent: i % 2 ? `t${i - 1}` : '' })
  }
}

async function planOf(count: number) {
  const emulator = await startEmulator({ blank: true })
  try {
    await apiClient(emulator)('POST', '/v1/mgmt/role/create', { name: 'Viewer' })
    seedRolesAndTenants(emulator, count)
    const project = createProject({ 'environments/big.yaml': emulatorEnvironment(emulator, `roles:\n  - { name: Viewer }\ntenants:\n${tenantLines(count)}\n`) })
    try {
      const plan = await runSync(project, emulator, ['--env', 'big', '--detailed-exitcode'])
      if (plan.code !== 0) throw new Error(`plan of ${count}: exit ${plan.code}: ${plan.stderr}`)
      // start-up: the same task run (modules, config, a request) of an environment without tenants
      project.write('environments/empty.yaml', emulatorEnvironment(emulator, 'roles:\n  - { name: Viewer }\n'))
      const startup = await runSync(project, emulator, ['--env', 'empty'])
      return { ms: plan.ms - startup.ms, peakMb: plan.peakMb }
    } finally {
      project.remove()
    }
  } finally {
    await emulator.close()
  }
}

async function loadOf(count: number): Promise<number> {
  const project = createProject({ 'environments/big.yaml': `projectId: P2benchproject00000000000000\nmanagementKey: \${BENCH_KEY}\ntenants:\n${tenantLines(count)}\n` })
  try {
    const config = await loadConfig(project.dir)
    const handlers = resolveHandlers(config.plugins)
    const started = performance.now()
    loadEnvironment('big', config, handlers, { BENCH_KEY: 'K-bench-key-long-enough' })
    return performance.now() - started
  } finally {
    project.remove()
  }
}

async function tenantListOf(count: number): Promise<number> {
  const emulator = await startEmulator({ blank: true })
  try {
    seedRolesAndTenants(emulator, count)
    const started = performance.now()
    const answer = await apiClient(emulator)('GET', '/v1/mgmt/tenant/all')
    if (answer.status !== 200) throw new Error(`tenant/all: ${answer.status}`)
    return performance.now() - started
  } finally {
    await emulator.close()
  }
}

async function noOpRequests(): Promise<{ sent: number; floor: number }> {
  const emulator = await startEmulator({ blank: true })
  const permissions = Array.from({ length: 50 }, (_, i) => `p${i}`)
  const roles = Array.from({ length: 50 }, (_, i) => `r${i}`)
  const call = apiClient(emulator)
  for (const name of permissions) await call('POST', '/v1/mgmt/permission/create', { name })
  for (const [i, name] of roles.entries()) await call('POST', '/v1/mgmt/role/create', { name, permissionNames: [permissions[i]] })
  seedTenants(emulator, Array.from({ length: 1000 }, (_, i) => `t${i}`))
  const project = createProject()
  try {
    const flowsDir = path.join(project.dir, 'environments/exported/flows')
    fs.mkdirSync(flowsDir, { recursive: true })
    const sample = JSON.parse(fs.readFileSync(path.join(REPO, 'environments/exported/flows/sign-up-or-in.json'), 'utf8'))
    for (let i = 0; i < 10; i++) {
      const flow = { ...sample, flowId: `flow-${i}` }
      fs.writeFileSync(path.join(flowsDir, `flow-${i}.json`), JSON.stringify(flow))
      await call('POST', '/v2/mgmt/flow/import', { flow })
    }
    const body = [
      'permissions:', ...permissions.map((name) => `  - { name: ${name} }`),
      'roles:', ...roles.map((name, i) => `  - { name: ${name}, permissionNames: [${permissions[i]}] }`),
      'tenants:', ...Array.from({ length: 1000 }, (_, i) => `  - { id: t${i}, name: Tenant t${i} }`),
      'flows: all',
    ].join('\n')
    project.write('environments/noop.yaml', emulatorEnvironment(emulator, `${body}\n`))
    emulator.log.length = 0
    const result = await runSync(project, emulator, ['--env', 'noop', '--detailed-exitcode'])
    if (result.code !== 0) throw new Error(`no-op plan: exit ${result.code}: ${result.stderr}`)
    // the floor: one list per type, and one export per flow
    return { sent: emulator.log.length, floor: 4 + 10 }
  } finally {
    project.remove()
    await emulator.close()
  }
}

const bench: Bench = async ({ quick }) => {
  const rows: BenchRow[] = []
  const noop = await noOpRequests()
  rows.push({ figure: 'no-op plan of 1,000 tenants, 50 permissions, 50 roles, 10 flows: requests ÷ floor', measured: `${noop.sent} requests`, reference: `${noop.floor} (a list per type, an export per flow)`, ratio: ratio(noop.sent, noop.floor), target: '1', ok: noop.sent === noop.floor })
  const big = quick ? 4000 : 10_000
  const [half, full] = [await planOf(big / 2), await planOf(big)]
  rows.push({ figure: `plan of ${big.toLocaleString('en')} tenants (half sub-tenants) ÷ of ${(big / 2).toLocaleString('en')}, less start-up`, measured: `${seconds(full.ms)}, peak ${Math.round(full.peakMb)} MB`, reference: `${seconds(half.ms)}, peak ${Math.round(half.peakMb)} MB`, ratio: ratio(full.ms, half.ms), target: quick ? '≈ 2 (linear)' : '≈ 2; < 2 s and < 200 MB', ok: full.ms / half.ms < 2.6 && (quick || (full.ms < 2000 && full.peakMb < 200)) })
  const [load500, load5000] = [await loadOf(500), await loadOf(5000)]
  rows.push({ figure: 'load and validation of 5,000 tenants ÷ of 500', measured: seconds(load5000), reference: seconds(load500), ratio: ratio(load5000, load500), target: '≈ 10 (linear)', ok: load5000 / load500 < 14 })
  const [list1k, list10k] = [await tenantListOf(1000), await tenantListOf(10_000)]
  rows.push({ figure: 'emulator GET tenant/all of 10,000 ÷ of 1,000', measured: seconds(list10k), reference: seconds(list1k), ratio: ratio(list10k, list1k), target: '≈ 10; < 0.5 s', ok: list10k < 500 && list10k / list1k < 14 })
  return rows
}
export default bench
