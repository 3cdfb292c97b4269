// `npm run bench [-- --quick] [-- --json]`: every benchmark, one after the other, printed as one
// table; each row a figure beside its reference measured in the same run, as a ratio, and the
// target it must meet. --quick uses fewer items (under a minute); --json prints a document;
// --only <bench> runs one (rate limit, faults, hostile files, scale, start-up).
// Exit 1 if a target is missed.
import os from 'node:os'
import { parseArgs } from 'node:util'
import type { Bench, BenchRow } from './row.ts'

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, only: { type: 'string' } } })
const benches: [string, () => Promise<{ default: Bench }>][] = [
  ['rate limit', () => import('./rate.bench.ts')],
  ['faults', () => import('./faults.bench.ts')],
  ['hostile files', () => import('./files.bench.ts')],
  ['scale', () => import('./scale.bench.ts')],
  ['start-up', () => import('./startup.bench.ts')],
]

const rows: (BenchRow & { bench: string })[] = []
for (const [name, load] of benches.filter(([name]) => !values.only || name === values.only)) {
  if (!values.json) process.stderr.write(`running ${name}...\n`)
  for (const row of await (await load()).default({ quick: values.quick })) rows.push({ bench: name, ...row })
}
const machine = { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? '?'}`, quick: values.quick }
if (values.json) {
  console.log(JSON.stringify({ version: 1, machine, rows }, null, 2))
} else {
  console.log(`descope-mgmt bench on ${machine.cpus}, ${machine.platform}, node ${machine.node}${values.quick ? ' (quick)' : ''}`)
  console.table(rows.map(({ figure, measured, reference, ratio, target, ok }) => ({ figure, measured, reference, ratio: ratio ?? '', target: target ?? '', ok: ok === undefined ? '' : ok ? 'yes' : 'NO' })))
}
process.exitCode = rows.some((row) => row.ok === false) ? 1 : 0
