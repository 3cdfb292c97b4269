// Several environments side by side: a row per item (type and key), a column per environment,
// each cell how that environment stands against its own files. Another view of the DriftResults
// the drift report shows: nothing is read or compared again.
import type { DriftResult } from '../run/drift-check.ts'
import type { DriftKind } from '../engine/drift.ts'
import { byCodeUnit } from '../engine/normalize.ts'
import { summarize } from './drift-report.ts'

/**
 * A drift kind; `ok`: compared and in sync; `ignored`: declared, and its key is one the config's
 * drift.ignore skips; `not-declared`: not part of that environment's files (which says nothing of
 * its live state, unlike `missing`); `unchecked`: its environment could not be checked.
 */
export type CellState = 'ok' | DriftKind | 'ignored' | 'not-declared' | 'unchecked'

export interface MatrixCell {
  state: CellState
  /** changed: the differing field paths */
  paths?: string[]
}

export interface MatrixRow {
  type: string
  key: string
  /** by environment name; a map with no prototype, so a name is data, never a property lookup */
  cells: Record<string, MatrixCell>
}

export interface MatrixOptions {
  /** resource types in registry order: the order of the rows */
  types: readonly string[]
  strict: boolean
  /** every row; by default only the rows where some environment differs */
  allRows: boolean
}

export type DriftMatrix = ReturnType<typeof driftMatrix>

/** The matrix, as the --json document's body shows it. */
export function driftMatrix(results: DriftResult[], options: MatrixOptions) {
  const all = rowsOf(results, options.types)
  const differing = all.filter(differs)
  return {
    strict: options.strict,
    allRows: options.allRows,
    summary: {
      ...summarize(results, options.strict),
      rows: all.length,
      inSync: all.length - differing.length,
      /** of those in sync, the ones some environment does not declare: what promoting may bring there */
      declaredInSome: all.filter((row) => !differs(row) && Object.values(row.cells).some((cell) => cell.state === 'not-declared')).length,
    },
    environments: results.map(({ environment, projectId, error }) => ({ name: environment, ...(projectId ? { projectId } : {}), ...(error ? { error } : {}) })),
    rows: options.allRows ? all : differing,
    notes: results.flatMap((result) => result.notes.map((item) => ({ environment: result.environment, ...item }))),
  }
}

const DRIFT_KINDS: ReadonlySet<CellState> = new Set<DriftKind>(['changed', 'missing', 'unmanaged', 'duplicate'])

/** Some environment differs from its files here (unmanaged included: drift shows those too, and counts them with --strict). */
export const differs = (row: MatrixRow) => Object.values(row.cells).some((cell) => DRIFT_KINDS.has(cell.state))

/** Every item any environment compared or found, in registry order of types, then by key (code unit). */
function rowsOf(results: DriftResult[], types: readonly string[]): MatrixRow[] {
  const rows = new Map<string, MatrixRow>()
  const rowOf = (type: string, key: string): MatrixRow => {
    const id = JSON.stringify([type, key])
    const row = rows.get(id) ?? { type, key, cells: blankCells(results) }
    rows.set(id, row)
    return row
  }
  for (const { environment, compared, differences } of results) {
    for (const { type, key, ignored } of compared) rowOf(type, key).cells[environment] = { state: ignored ? 'ignored' : 'ok' }
    for (const { type, key, kind, fields } of differences) {
      rowOf(type, key).cells[environment] = { state: kind, ...(fields ? { paths: fields.map((field) => field.path) } : {}) }
    }
  }
  const rank = (type: string) => (types.includes(type) ? types.indexOf(type) : types.length)
  return [...rows.values()].sort((a, b) => rank(a.type) - rank(b.type) || byCodeUnit(a.type, b.type) || byCodeUnit(a.key, b.key))
}

function blankCells(results: DriftResult[]): Record<string, MatrixCell> {
  const cells: Record<string, MatrixCell> = Object.create(null)
  for (const result of results) cells[result.environment] = { state: result.error ? 'unchecked' : 'not-declared' }
  return cells
}
