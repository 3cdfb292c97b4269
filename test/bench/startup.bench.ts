// Start-up: each task's --help (which loads only the task's declaration, not its work) beside
// `node -e 0` and beside tsx's own start, the floors under it.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { REPO, TSX } from '../helpers/project.ts'
import { ratio, seconds, type Bench, type BenchRow } from './row.ts'

/** one run's wall time */
function timed(args: string[]): number {
  const started = performance.now()
  const child = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'ignore' })
  if (child.status !== 0) throw new Error(`${args.join(' ')}: exit ${child.status}`)
  return performance.now() - started
}

/**
 * The fastest of a few runs of each, taken in turn, so that both see the same machine: start-up
 * is what is left when nothing else gets in the way.
 */
function fastestInTurn(commands: string[][], runs: number): number[] {
  const best = commands.map(() => Number.POSITIVE_INFINITY)
  for (let i = 0; i < runs; i++) commands.forEach((args, index) => (best[index] = Math.min(best[index]!, timed(args))))
  return best
}

const bench: Bench = async ({ quick }) => {
  const runs = quick ? 3 : 7
  const rows: BenchRow[] = []
  for (const task of ['sync', 'drift', 'export-flows', 'backup', 'emulator']) {
    const [node, tsx, help] = fastestInTurn([['-e', '0'], ['--import', TSX, '-e', '0'], ['--import', TSX, path.join(REPO, 'tasks', `${task}.ts`), '--help']], runs) as [number, number, number]
    rows.push({ figure: `${task} --help ÷ node -e 0`, measured: seconds(help), reference: `node ${seconds(node)}, node with tsx ${seconds(tsx)}`, ratio: ratio(help, node), target: '≤ 1.6 × node with tsx', ok: help <= 1.6 * tsx })
  }
  return rows
}
export default bench
