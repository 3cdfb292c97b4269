// How the drift matrix reads: aligned text (colour when the terminal allows) and a GitHub table
// for a CI job summary. Keys are quoted (text) or code spans (Markdown): they are data.
import { chalk } from 'zx/core'
import type { DriftResult } from '../run/drift-check.ts'
import { COLOUR, SIGN, summaryLine } from './drift-report.ts'
import { driftMatrix, type CellState, type DriftMatrix, type MatrixCell, type MatrixOptions } from './drift-matrix.ts'
import { escapeInvisible, markdownCell as cell, quoted } from './quote.ts'
import { printJson } from './json-document.ts'
import { print } from './print.ts'
import { widest } from './table.ts'

const MARK: Record<CellState, string> = { ok: '✓', ...SIGN, ignored: '-', 'not-declared': '·', unchecked: '×' }
const PAINT: Record<CellState, (text: string) => string> = { ok: (text) => text, ...COLOUR, ignored: chalk.dim, 'not-declared': chalk.dim, unchecked: chalk.red }
/** what each mark means, for the legend */
const SAYS: Record<CellState, string> = {
  ok: 'in sync',
  changed: 'changed: live differs from the files',
  missing: 'missing: in the files, not live',
  unmanaged: 'unmanaged: live, not in the files',
  duplicate: 'duplicate: more than one live item holds the key',
  ignored: 'ignored: drift.ignore skips its key',
  'not-declared': "not in that environment's files",
  unchecked: 'could not be checked',
}
/** marks that stand alone in a cell; the drift kinds are spelled out */
const BARE: ReadonlySet<CellState> = new Set(['ok', 'ignored', 'not-declared', 'unchecked'])

/** `✓`, `·`, `×`, or the kind spelled out: `~ changed` */
const label = ({ state }: MatrixCell) => (BARE.has(state) ? MARK[state] : `${MARK[state]} ${state}`)

/** Paths of a changed cell, a few of them: the rest are in the JSON document. */
function fewPaths(paths: string[], show: (path: string) => string): string {
  const shown = paths.slice(0, 3).map(show).join(', ')
  return paths.length > 3 ? `${shown} +${paths.length - 3} more` : shown
}

/** The marks the shown rows use, with what each means. */
function legend(matrix: DriftMatrix): string[] {
  const used = new Set(matrix.rows.flatMap((row) => Object.values(row.cells).map((item) => item.state)))
  return (Object.keys(MARK) as CellState[]).filter((state) => used.has(state)).map((state) => `${MARK[state]} ${SAYS[state]}`)
}

/** "8 more item(s) show no drift, 1 of them not declared in every environment (--all-rows lists them)." */
function hiddenLine(matrix: DriftMatrix): string | undefined {
  const hidden = matrix.summary.rows - matrix.rows.length
  if (!hidden) return matrix.rows.length ? undefined : 'No items.'
  const some = matrix.summary.declaredInSome ? `, ${matrix.summary.declaredInSome} of them not declared in every environment` : ''
  // an environment that could not be checked showed nothing: "no drift" holds only where checked
  const where = matrix.environments.some((environment) => environment.error) ? ' where checked' : ''
  return `${matrix.rows.length ? `${hidden} more item(s) show` : `All ${hidden} item(s) show`} no drift${where}${some} (--all-rows lists them).`
}

export function formatMatrixText(results: DriftResult[], options: MatrixOptions): string {
  const matrix = driftMatrix(results, options)
  const names = results.map((result) => result.environment)
  const lines = [chalk.bold(`Drift matrix of ${names.length} environment(s), each against its own files`)]
  const nameWidth = Math.max(...names.map((name) => name.length))
  for (const result of results) {
    const message = result.error?.message.split('\n').map(escapeInvisible).join(`\n  ${' '.repeat(nameWidth)}  `)
    const about = result.error ? chalk.red(`could not be checked: ${message}`) : `project ${result.projectId}`
    lines.push(`  ${result.environment.padEnd(nameWidth)}  ${about}`)
  }
  lines.push('')
  if (matrix.rows.length) {
    const table = [
      { head: ['type', 'key', ...names], paint: [] as ((text: string) => string)[] },
      ...matrix.rows.map((row) => ({
        head: [row.type, quoted(row.key), ...names.map((name) => label(row.cells[name]!))],
        paint: [(text: string) => text, (text: string) => text, ...names.map((name) => PAINT[row.cells[name]!.state])],
      })),
    ]
    const widths = table[0]!.head.map((_, column) => widest(table.map((line) => line.head[column])))
    for (const { head, paint } of table) {
      const padded = head.map((text, column) => (paint[column] ?? chalk.bold)(column === head.length - 1 ? text : text.padEnd(widths[column]!)))
      lines.push(padded.join('  '))
    }
    const changed = matrix.rows.flatMap((row) => names.filter((name) => row.cells[name]!.paths)
      .map((name) => `  ${row.type} ${quoted(row.key)} in ${name}: ${row.cells[name]!.paths!.map(escapeInvisible).join(', ')}`))
    if (changed.length) lines.push('', 'Changed fields:', ...changed)
    lines.push('', chalk.dim(legend(matrix).join('   ')))
  }
  for (const item of matrix.notes) lines.push(chalk.yellow(`note: ${item.environment}: ${item.type} ${quoted(item.key)}: ${item.notes.map(escapeInvisible).join('; ')}`))
  const hidden = hiddenLine(matrix)
  if (hidden) lines.push(hidden)
  lines.push(chalk.bold(summaryLine(results, options.strict)))
  return lines.join('\n')
}

/** A code span (no Markdown or HTML inside), fenced with more backticks than the text holds, pipes escaped for the table. */
function code(text: string): string {
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1)
  const padded = /^`|`$/.test(text) ? ` ${text} ` : text
  return `${fence}${cell(padded)}${fence}`
}

export function formatMatrixMarkdown(results: DriftResult[], options: MatrixOptions): string {
  const matrix = driftMatrix(results, options)
  const names = results.map((result) => result.environment)
  const lines = ['## Descope drift matrix', '', `**${summaryLine(results, options.strict)}**`, '']
  for (const result of results) if (result.error) lines.push(`:x: \`${result.environment}\` could not be checked: ${cell(result.error.message)}`, '')
  if (matrix.rows.length) {
    lines.push(`| type | key | ${names.join(' | ')} |`, `| --- | --- |${names.map(() => ' :---: |').join('')}`)
    for (const row of matrix.rows) {
      const cells = names.map((name) => {
        const item = row.cells[name]!
        return item.paths ? `${label(item)}: ${fewPaths(item.paths, code)}` : label(item)
      })
      lines.push(`| ${row.type} | ${code(row.key)} | ${cells.join(' | ')} |`)
    }
    lines.push('', legend(matrix).map(cell).join(' &nbsp; '), '')
  }
  for (const item of matrix.notes) lines.push(`- note: \`${item.environment}\`: ${item.type} ${code(item.key)}: ${cell(item.notes.join('; '))}`)
  const hidden = hiddenLine(matrix)
  if (hidden) lines.push(...(matrix.notes.length ? [''] : []), hidden)
  return lines.join('\n')
}

/** The matrix on stdout, in the format the flags chose. */
export function printMatrix(results: DriftResult[], options: MatrixOptions, format: { json: boolean; markdown: boolean }): void {
  if (format.json) printJson('drift-matrix', driftMatrix(results, options))
  else print(format.markdown ? formatMatrixMarkdown(results, options) : formatMatrixText(results, options))
}
