// Start-up: each task's --help (which loads only the task's declaration, not its work) beside
// `node -e 0` and beside tsx's own start, the floors under it.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { REPO, TSX } from '../helpers/project.ts'
import { ratio, seconds, type Bench, type BenchRow } from './row.ts'

/** the fastest of a few runs: start-up is what is left when nothing else gets in the way */
function fastest(args: string[], runs = 5): number {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const child = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'ignore' })
    if (child.status !== 0) throw new Error(`${args.join(' ')}: exit ${child.status}`)
    best = Math.min(best, performance.now() - started)
  }
  return best
}

const bench: Bench = async ({ quick }) => {
  const runs = quick ? 3 : 7
  const node = fastest(['-e', '0'], runs)
  const tsx = fastest(['--import', TSX, '-e', '0'], runs)
  const rows: BenchRow[] = []
  for (const task of ['sync', 'drift', 'export-flows', 'backup', 'emulator']) {
    const help = fastest(['--import', TSX, path.join(REPO, 'tasks', `${task}.ts`), '--help'], runs)
    rows.push({ figure: `${task} --help ÷ node -e 0`, measured: seconds(help), reference: `node ${seconds(node)}, node with tsx ${seconds(tsx)}`, ratio: ratio(help, node), target: '≤ tsx + 0.2 s', ok: help <= tsx + 200 })
  }
  return rows
}
export default bench
