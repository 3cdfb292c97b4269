// Benchmark: `sync --apply` of N tenants against a clean emulator and against a hostile one
// (500s, dropped connections, a rate limit at a tenth of the client's throttle), side by side
// in one run, with the shipped retry policy. Prints wall time, requests and retries, and the
// hostile/clean ratios. `npm run bench [-- 50]`
import { performance } from 'node:perf_hooks'
import { startEmulator, type EmulatorOptions } from '../../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, runTask } from '../helpers/project.ts'

const count = Number(process.argv[2] ?? 50)
const tenants = 'tenants:\n' + Array.from({ length: count }, (_, i) => `  - { id: t${i}, name: Tenant ${i}, selfProvisioningDomains: [t${i}.example.com] }`).join('\n')
const config = defaultConfig().replace(/throttle: .*\n/, 'throttle: { limit: 100, intervalMs: 1000 },\n').replace(/retry: .*\n/, '')

async function measure(label: string, faults: EmulatorOptions) {
  const emulator = await startEmulator(faults)
  const project = createProject({ 'environments/bench.yaml': emulatorEnvironment(emulator, tenants) }, config)
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

const clean = await measure('clean', {})
const hostile = await measure('hostile', { errorRate: 0.2, dropRate: 0.05, rateLimit: { requests: 10, windowMs: 1000 }, seed: 7 })
console.log(`sync --apply of ${count} tenants, client throttle 100/s, shipped retry policy`)
console.table([clean, hostile].map((row) => ({ ...row, seconds: Number(row.seconds.toFixed(2)) })))
console.log(`hostile/clean: time ×${(hostile.seconds / clean.seconds).toFixed(1)}, requests ×${(hostile.sent / clean.sent).toFixed(2)}`)
console.log(`each tenant created exactly once: ${hostile.landed === count && hostile.created === count ? 'yes' : 'NO'} (${hostile.landed} successful creates for ${count} tenants), failed: ${hostile.failed}`)
