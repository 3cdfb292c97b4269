// Benchmark: how fast hostile files are refused, beside a plain plan in the same run. A
// 337-byte alias bomb once ran 134 s into an out-of-memory abort, and a 50 MB environment file
// planned in 46 s; both must now cost no more than an ordinary plan (ratios near ×1).
import { performance } from 'node:perf_hooks'
import { startEmulator } from '../../lib/emulator/index.ts'
import { createProject, emulatorEnvironment, runTask } from '../helpers/project.ts'

const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n')

const emulator = await startEmulator()
const plain = `tenants:\n${Array.from({ length: 50 }, (_, i) => `  - { id: t${i}, name: Tenant ${i} }`).join('\n')}\n`
const project = createProject({
  'environments/plain.yaml': emulatorEnvironment(emulator, plain),
  'environments/bomb.yaml': emulatorEnvironment(emulator, `${BOMB}\n${plain}`),
  'environments/huge.yaml': emulatorEnvironment(emulator, plain + '# padding padding padding padding padding padding padding padding\n'.repeat(800_000)),
})
try {
  const rows = []
  for (const [label, expected] of [['plain', 0], ['bomb', 3], ['huge', 3]] as const) {
    const started = performance.now()
    const result = await runTask('sync', ['--env', label], { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, spawn: true })
    const seconds = (performance.now() - started) / 1000
    if (result.code !== expected) throw new Error(`${label}: exit ${result.code}, expected ${expected}: ${result.stderr}`)
    rows.push({ file: label, seconds: Number(seconds.toFixed(2)), exit: result.code })
  }
  console.log('\nhostile files against a plain 50-tenant plan, each a whole task run (node start included)')
  console.table(rows)
  const [base, bomb, huge] = rows
  console.log(`alias bomb / plain: ×${(bomb!.seconds / base!.seconds).toFixed(2)}; 50 MB file / plain: ×${(huge!.seconds / base!.seconds).toFixed(2)}`)
} finally {
  await emulator.close()
  project.remove()
}
