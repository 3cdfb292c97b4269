// Start-up: each task's --help (which loads only the task's declaration, not its work) beside
// tsx's own start, the floor under it (and plain `node -e 0`, for scale).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/**
 * Each command run in turn, round after round, so that all see the same machine; a round's
 * ratio compares its --help with the tsx start beside it, and the median of the rounds' ratios
 * is what is judged: one slow start, on either side, moves it little.
 */
function inTurn(commands: string[][], runs: number): number[][] {
  const times = commands.map((): number[] => [])
  for (let i = 0; i < runs; i++) commands.forEach((args, index) => times[index]!.push(timed(args)))
  return times
}

/** Every task in tasks/: a new one is measured without a change here. */
const tasks = () => fs.readdirSync(path.join(REPO, 'tasks')).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -'.ts'.length)).sort()

const bench: Bench = async ({ quick }) => {
  const runs = quick ? 5 : 11
  const rows: BenchRow[] = []
  for (const task of tasks()) {
    const [node, tsx, help] = inTurn([['-e', '0'], ['--import', TSX, '-e', '0'], ['--import', TSX, path.join(REPO, 'tasks', `${task}.ts`), '--help']], runs) as [number[], number[], number[]]
    const overTsx = median(help.map((time, round) => time / tsx[round]!))
    rows.push({ figure: `${task} --help ÷ node with tsx (median of ${runs} rounds)`, measured: seconds(median(help)), reference: `node ${seconds(median(node))}, node with tsx ${seconds(median(tsx))}`, ratio: ratio(overTsx, 1), target: '≤ 1.6', ok: overTsx <= 1.6 })
  }
  return rows
}
export default bench
