// The rate limit used to the full: N tenant creates against an emulator that takes 20 requests
// per second, with the client's throttle at that limit and at twice it. The reference is the
// ideal: the requests the server accepted, spaced at its rate (the first window's go at once).
// Time is measured as the server saw it, first arrival to last. Beside it, a straightforward
// node-sdk script (one create after another, no throttle, no retry on 429) against the same limit.
import DescopeClient from '@descope/node-sdk'
import { performance } from 'node:perf_hooks'
import { startEmulator } from '../../lib/emulator/index.ts'
import { createProject, defaultConfig, emulatorEnvironment, runTask } from '../helpers/project.ts'
import { ratio, seconds, type Bench, type BenchRow } from './row.ts'

const SERVER = { requests: 20, windowMs: 1000 }

const tenantsOf = (count: number) => 'tenants:\n' + Array.from({ length: count }, (_, i) => `  - { id: t${i}, name: Tenant ${i} }`).join('\n') + '\n'

async function toolkit(count: number, throttle: number) {
  const emulator = await startEmulator({ blank: true, rateLimit: SERVER })
  const config = defaultConfig().replace(/throttle: .*\n/, `throttle: { limit: ${throttle}, intervalMs: ${SERVER.windowMs} },\n`).replace(/retry: .*\n/, '')
  const project = createProject({ 'environments/bench.yaml': emulatorEnvironment(emulator, tenantsOf(count)) }, config)
  try {
    const result = await runTask('sync', ['--env', 'bench', '--apply', '--json'], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, timeoutMs: 600_000, spawn: true })
    if (result.code !== 0) throw new Error(`throttle ${throttle}: exit ${result.code}: ${result.stderr}`)
    const log = emulator.log
    const accepted = log.filter((entry) => entry.outcome !== 'rate-limited').length
    const spanMs = log.at(-1)!.at - log[0]!.at
    const idealMs = Math.floor((accepted - 1) / SERVER.requests) * SERVER.windowMs
    return { spanMs, idealMs, limited: log.length - accepted, failed: JSON.parse(result.stdout).summary.failed as number, created: Object.keys(emulator.state.tenants).length }
  } finally {
    await emulator.close()
    project.remove()
  }
}

async function naiveSdk(count: number) {
  const emulator = await startEmulator({ blank: true, rateLimit: SERVER })
  try {
    const sdk = DescopeClient({ projectId: emulator.projectId, managementKey: emulator.managementKey, baseUrl: emulator.url }).management
    const started = performance.now()
    let failed = 0
    for (let i = 0; i < count; i++) if (!(await sdk.tenant.createWithId(`t${i}`, `Tenant ${i}`)).ok) failed++
    return { ms: performance.now() - started, failed }
  } finally {
    await emulator.close()
  }
}

const bench: Bench = async ({ quick }) => {
  const count = quick ? 60 : 200
  const matched = await toolkit(count, SERVER.requests)
  const twice = await toolkit(count, SERVER.requests * 2)
  const naive = await naiveSdk(count)
  const rows: BenchRow[] = []
  const matchedRatio = ratio(matched.spanMs, matched.idealMs)
  rows.push({ figure: `apply of ${count} tenants, throttle = server limit (20/s): time ÷ ideal`, measured: `${seconds(matched.spanMs)}, ${matched.limited} × 429`, reference: seconds(matched.idealMs), ratio: matchedRatio, target: '≤ 1.05, no 429', ok: matchedRatio <= 1.05 && matched.limited === 0 && matched.failed === 0 })
  const twiceRatio = ratio(twice.spanMs, twice.idealMs)
  rows.push({ figure: `apply of ${count} tenants, throttle = twice the limit (40/s): time ÷ ideal`, measured: `${seconds(twice.spanMs)}, ${twice.limited} × 429, ${twice.failed} failed`, reference: seconds(twice.idealMs), ratio: twiceRatio, target: '≤ 1.10, none failed', ok: twiceRatio <= 1.1 && twice.failed === 0 && twice.created === count })
  rows.push({ figure: `node-sdk script of ${count} creates (sequential, no throttle, no retry): failed`, measured: `${naive.failed} failed in ${seconds(naive.ms)}`, reference: `toolkit: ${matched.failed} failed`, ratio: null, target: 'toolkit 0', ok: matched.failed === 0 })
  return rows
}
export default bench
