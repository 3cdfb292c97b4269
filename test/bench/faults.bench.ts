// `sync --apply` of N tenants against a clean emulator and against a hostile one (500s, dropped
// connections, a rate limit at a tenth of the client's throttle), side by side, with the
// shipped retry policy: the hostile run's time and requests beside the clean run's, and each
// tenant created exactly once.
import { performance } from 'node:perf_hooks'
import { startEmulator, type EmulatorOptions } from '../../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, runTask } from '../helpers/project.ts'
import { ratio, seconds, type Bench } from './row.ts'

const tenantsOf = (count: number) => 'tenants:\n' + Array.from({ length: count }, (_, i) => `  - { id: t${i}, name: Tenant ${i}, selfProvisioningDomains: [t${i}.example.com] }`).join('\n')
const config = defaultConfig().replace(/throttle: .*\n/, 'throttle: { limit: 100, intervalMs: 1000 },\n').replace(/retry: .*\n/, '')

async function measure(label: string, count: number, faults: EmulatorOptions) {
  const emulator = await startEmulator({ blank: true, ...faults })
  const project = createProject({ 'environments/bench.yaml': emulatorEnvironment(emulator, tenantsOf(count)) }, config)
  try {
    const started = performance.now()
    const result = await runTask('sync', ['--env', 'bench', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, timeoutMs: 600_000, spawn: true })
    const seconds = (performance.now() - started) / 1000
    if (result.code !== 0) throw new Error(`${label}: exit ${result.code}: ${result.stderr}`)
    const document = JSON.parse(result.stdout)
    const created = Object.keys(emulator.state.tenants).length
    const landed = emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/create' && entry.status === 200).length
    const outcome = (kind: string) => emulator.log.filter((entry) => entry.outcome.startsWith(kind)).length
    return { label, seconds, sent: document.requests.sent, retried: document.requests.retried, applied: document.summary.applied, failed: document.summary.failed, created, landed, faults: outcome('fault'), dropped: outcome('dropped'), limited: outcome('rate-limited') }
  } finally {
    await emulator.close()
    project.remove()
  }
}

const bench: Bench = async ({ quick }) => {
  const count = quick ? 20 : 50
  const clean = await measure('clean', count, {})
  const hostile = await measure('hostile', count, { errorRate: 0.2, dropRate: 0.05, rateLimit: { requests: 10, windowMs: 1000 }, seed: 7 })
  const once = hostile.landed === count && hostile.created === count && hostile.failed === 0
  return [
    { figure: `apply of ${count} tenants through 500s, drops and a 10/s limit: time ÷ clean`, measured: `${seconds(hostile.seconds * 1000)}, ${hostile.sent} requests (${hostile.faults} 500s, ${hostile.dropped} dropped, ${hostile.limited} × 429)`, reference: `${seconds(clean.seconds * 1000)}, ${clean.sent} requests`, ratio: ratio(hostile.seconds, clean.seconds) },
    { figure: `the same: each tenant created exactly once, none failed`, measured: `${hostile.landed} creates landed, ${hostile.created} tenants, ${hostile.failed} failed`, reference: `${count} tenants`, ratio: null, target: 'exactly once', ok: once },
  ]
}
export default bench
