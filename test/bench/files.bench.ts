// Benchmark: how fast hostile files are refused, beside a plain plan in the same run. A
// 337-byte alias bomb once ran 134 s into an out-of-memory abort, and a 50 MB environment file
// planned in 46 s; both must now cost no more than an ordinary plan (ratios near ×1).
import { performance } from 'node:perf_hooks'
import { startEmulator } from '../../lib/emulator/index.ts'
import { createProject, emulatorEnvironment, runTask } from '../helpers/project.ts'
import { ratio, seconds, type Bench } from './row.ts'

const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n')

const bench: Bench = async () => {
  const emulator = await startEmulator()
  const plain = `tenants:\n${Array.from({ length: 50 }, (_, i) => `  - { id: t${i}, name: Tenant ${i} }`).join('\n')}\n`
  const project = createProject({
    'environments/plain.yaml': emulatorEnvironment(emulator, plain),
    'environments/bomb.yaml': emulatorEnvironment(emulator, `${BOMB}\n${plain}`),
    'environments/huge.yaml': emulatorEnvironment(emulator, plain + '# padding padding padding padding padding padding padding padding\n'.repeat(800_000)),
  })
  try {
    const time: Record<string, number> = {}
    for (const [label, expected] of [['plain', 0], ['bomb', 3], ['huge', 3]] as const) {
      const started = performance.now()
      const result = await runTask('sync', ['--env', label], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, spawn: true })
      time[label] = performance.now() - started
      if (result.code !== expected) throw new Error(`${label}: exit ${result.code}, expected ${expected}: ${result.stderr}`)
    }
    const reference = `plain 50-tenant plan: ${seconds(time.plain!)}`
    return [
      { figure: '337-byte alias bomb refused (a whole task run): time ÷ plain plan', measured: seconds(time.bomb!), reference, ratio: ratio(time.bomb!, time.plain!), target: '≤ 1.5', ok: time.bomb! <= 1.5 * time.plain! },
      { figure: '50 MB environment file refused: time ÷ plain plan', measured: seconds(time.huge!), reference, ratio: ratio(time.huge!, time.plain!), target: '≤ 1.5', ok: time.huge! <= 1.5 * time.plain! },
    ]
  } finally {
    await emulator.close()
    project.remove()
  }
}
export default bench
