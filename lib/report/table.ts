// Rows of text as a report shows them: aligned columns for a terminal, or CSV for a
// spreadsheet. Cells come from live data and may be hostile: on a terminal every control and
// invisible character is shown as an escape, so a value cannot forge a line or recolour it; in
// CSV every cell is quoted as RFC 4180 says, and one a spreadsheet would run as a formula
// (=, +, -, @, a tab or a carriage return first: OWASP's "CSV injection") starts with a ' instead.
import { escapeInvisible } from './quote.ts'

/** The length of the longest text: a fold, since Math.max(...) spread over a project's 150,000 tenants overflows the stack. */
export const widest = (texts: Iterable<string | undefined>): number => {
  let width = 0
  for (const text of texts) width = Math.max(width, text?.length ?? 0)
  return width
}

/** Columns padded to their widest cell, two spaces apart; the last one is not padded. */
export function textTable(head: string[], rows: string[][]): string {
  const cells = [head, ...rows].map((row) => row.map(escapeInvisible))
  const widths = head.map((_, column) => widest(cells.map((row) => row[column])))
  return cells
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n')
}

/** What a spreadsheet takes for the start of a formula. */
const FORMULA = /^[=+\-@\t\r]/

/** One CSV document, lines ended with CRLF (RFC 4180); every cell quoted, formulas defused. */
export function csvTable(head: string[], rows: string[][]): string {
  const cell = (text: string) => `"${(FORMULA.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`
  return [head, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}
