// `npm test`: every test/*.test.ts file through uvu under tsx, a few files at once (most of
// their time is spent waiting on child processes and timers), each file's output printed
// whole when it ends, then the totals in uvu's own words. Exit 1 if any file failed.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(fileURLToPath(import.meta.url))
const only = process.argv[2] ? new RegExp(process.argv[2]) : undefined
// The files that take longest (many task runs, or waits on purpose) start first, so that the
// short ones fill in at the end instead of one long file running alone.
const SLOW_FIRST = ['deadlines', 'soak', 'e2e-real-mode', 'interrupt', 'plugin-shapes', 'fga-schema', 'tenant-settings', 'validate', 'flows', 'bad-input', 'sync', 'drift', 'live-data', 'roles']
const rank = (name: string) => {
  const index = SLOW_FIRST.indexOf(name.replace(/\.test\.ts$/, ''))
  return index === -1 ? SLOW_FIRST.length : index
}
const all = fs.readdirSync(root).filter((name) => name.endsWith('.test.ts'))
const gone = SLOW_FIRST.filter((name) => !all.includes(`${name}.test.ts`))
if (gone.length) throw new Error(`test/run.ts: SLOW_FIRST names ${gone.join(', ')}, which no longer exist; keep the list true`)
const files = all.filter((name) => !only || only.test(name)).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))
const workers = Math.max(2, Math.min(4, os.availableParallelism() + 1))
const uvu = path.join(root, '..', 'node_modules', 'uvu', 'bin.js')
const escape = (name: string) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`

interface FileResult { total: number; passed: number; skipped: number; code: number | null }

function run(file: string): Promise<FileResult> {
  return new Promise((resolve) => {
    // locks of a test file's own library calls stay its own: never the user's, never another file's
    const locks = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-test-locks-'))
    const child = spawn(process.execPath, [uvu, '-r', 'tsx', path.relative(process.cwd(), root), escape(file)], { env: { ...process.env, DESCOPE_LOCK_DIR: locks } })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const began = Date.now()
    child.on('close', (code) => {
      fs.rmSync(locks, { recursive: true, force: true })
      // each file's own time, to see which ones to make cheaper
      process.stdout.write(output.replace(/\n\s*Total:[\s\S]*$/, `\n  ${file} took ${((Date.now() - began) / 1000).toFixed(1)} s\n`))
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '')
      const number = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0)
      resolve({ total: number('Total'), passed: number('Passed'), skipped: number('Skipped'), code })
    })
  })
}

const started = Date.now()
const queue = [...files]
const results: FileResult[] = []
await Promise.all(Array.from({ length: workers }, async () => {
  for (let file = queue.shift(); file; file = queue.shift()) results.push(await run(file))
}))
const sum = (key: 'total' | 'passed' | 'skipped') => results.reduce((total, result) => total + result[key], 0)
const crashed = results.filter((result) => result.code !== 0 && result.total === result.passed + result.skipped).length
process.stdout.write(`\n  Total:     ${sum('total') + crashed}\n  Passed:    ${sum('passed')}\n  Skipped:   ${sum('skipped')}\n  Duration:  ${Date.now() - started}ms\n  Files:     ${files.length}, ${workers} at a time\n\n`)
// uvu 0.5 swallows an error thrown in a before hook: the file exits 0 with tests not passed
process.exitCode = results.some((result) => result.code !== 0 || result.passed + result.skipped < result.total) || !files.length ? 1 : 0
