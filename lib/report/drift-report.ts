// How drift reads: text grouped by environment and type (colour when the terminal allows),
// Markdown for a pull-request comment or a CI job summary, and one JSON document.
import { chalk } from 'zx/core'
import type { DriftResult } from '../run/drift-check.ts'
import { driftCount, type Difference, type DriftKind } from '../engine/drift.ts'
import { showChange } from './plan-report.ts'
import { escapeInvisible, markdownCell as cell, quoted } from './quote.ts'


export const SIGN: Record<DriftKind, string> = { changed: '~', missing: '+', unmanaged: '?', duplicate: '!' }
export const COLOUR: Record<DriftKind, (text: string) => string> = { changed: chalk.yellow, missing: chalk.green, unmanaged: chalk.dim, duplicate: chalk.red }

/** What a kind means, in the words of the comparison: files and live, or two environments. */
function meaning(kind: DriftKind, result: DriftResult): string {
  if (kind === 'duplicate') return 'more than one live item holds this key'
  if (result.against === 'files') return { changed: 'differs', missing: 'in the files, not live', unmanaged: 'live, not in the files' }[kind]
  return { changed: 'differs', missing: `in "${result.against}", not in "${result.environment}"`, unmanaged: `in "${result.environment}", not in "${result.against}"` }[kind]
}

/** "live X, files Y", or "staging X, dev Y" */
const sides = (result: DriftResult) => (result.against === 'files' ? ['live', 'files'] : [`"${result.environment}"`, `"${result.against}"`])
const heading = (result: DriftResult) =>
  `environment "${result.environment}"${result.projectId ? ` (project ${result.projectId})` : ''} against ${result.against === 'files' ? 'its files' : `environment "${result.against}"`}`

function groupByType(differences: Difference[]): Map<string, Difference[]> {
  const groups = new Map<string, Difference[]>()
  for (const difference of differences) groups.set(difference.type, [...(groups.get(difference.type) ?? []), difference])
  return groups
}

export function summarize(results: DriftResult[], strict: boolean) {
  const all = results.flatMap((result) => result.differences)
  const count = (kind: DriftKind) => all.filter((difference) => difference.kind === kind).length
  return {
    changed: count('changed'),
    missing: count('missing'),
    unmanaged: count('unmanaged'),
    duplicate: count('duplicate'),
    drift: driftCount(all, strict),
    failed: results.filter((result) => result.error).length,
  }
}

export function summaryLine(results: DriftResult[], strict: boolean): string {
  const s = summarize(results, strict)
  const unmanaged = s.unmanaged ? `, ${s.unmanaged} unmanaged${strict ? '' : ' (not drift without --strict)'}` : ''
  const found = `${s.changed} changed, ${s.missing} missing${s.duplicate ? `, ${s.duplicate} held by more than one live item` : ''}${unmanaged}`
  if (s.failed) return `Check incomplete: ${s.failed} environment(s) could not be checked; elsewhere ${found}`
  if (!s.drift && !s.unmanaged) return 'No drift.'
  return `${s.drift ? 'Drift' : 'No drift'}: ${found}`
}

export function formatText(results: DriftResult[], strict: boolean): string {
  const lines: string[] = []
  for (const result of results) {
    lines.push(chalk.bold(`Drift of ${heading(result)}`))
    if (result.error) lines.push(chalk.red(`  could not be checked: ${result.error.message.split('\n').join('\n  ')}`))
    else if (!result.differences.length) lines.push(`  nothing differs`)
    for (const [type, differences] of groupByType(result.differences)) {
      lines.push(`  ${type}`)
      for (const difference of differences) {
        const [here, there] = sides(result)
        lines.push(COLOUR[difference.kind](`    ${SIGN[difference.kind]} ${difference.kind} ${quoted(difference.key)} (${meaning(difference.kind, result)})`))
        for (const field of difference.fields ?? []) {
          const [live, desired] = showChange(field.live, field.desired, 80)
          lines.push(`        ${field.path}: ${here} ${live}, ${there} ${desired}`)
        }
      }
    }
    for (const item of result.notes) lines.push(chalk.yellow(`  note: ${item.type} ${quoted(item.key)}: ${item.notes.map(escapeInvisible).join('; ')}`))
    lines.push('')
  }
  lines.push(chalk.bold(summaryLine(results, strict)))
  return lines.join('\n')
}


export function formatMarkdown(results: DriftResult[], strict: boolean): string {
  const lines = [`## Descope drift`, '', `**${summaryLine(results, strict)}**`, '']
  for (const result of results) {
    lines.push(`### ${cell(heading(result))}`, '')
    if (result.error) {
      lines.push(`:x: could not be checked: ${cell(result.error.message)}`, '')
      continue
    }
    const notes = result.notes.map((item) => `- note: ${item.type} ${cell(quoted(item.key))}: ${cell(item.notes.join('; '))}`)
    if (!result.differences.length) {
      lines.push('Nothing differs.', '', ...(notes.length ? [...notes, ''] : []))
      continue
    }
    lines.push('| type | key | kind | differences |', '| --- | --- | --- | --- |')
    for (const difference of result.differences) {
      const [here, there] = sides(result)
      const fields = (difference.fields ?? []).map((field) => {
        const [live, desired] = showChange(field.live, field.desired, 80)
        return `\`${field.path}\`: ${cell(here!)} \`${cell(live)}\`, ${cell(there!)} \`${cell(desired)}\``
      }).join('<br>')
      lines.push(`| ${difference.type} | ${cell(difference.key)} | ${difference.kind} | ${fields || cell(meaning(difference.kind, result))} |`)
    }
    lines.push('', ...(notes.length ? [...notes, ''] : []))
  }
  return lines.join('\n')
}

export function driftDocument(results: DriftResult[], strict: boolean) {
  return {
    strict,
    summary: summarize(results, strict),
    environments: results.map(({ environment, projectId, against, error, differences }) => ({
      environment, projectId, against, ...(error ? { error } : { differences: differences.length }),
    })),
    notes: results.flatMap((result) => result.notes.map((item) => ({ environment: result.environment, ...item }))),
    differences: results.flatMap((result) => result.differences.map((difference) => ({
      environment: result.environment,
      against: result.against,
      type: difference.type,
      key: difference.key,
      kind: difference.kind,
      ...(difference.fields ? {
        paths: difference.fields.map((field) => field.path),
        fields: difference.fields.map(({ path, live, desired }) => ({ path, live, desired })),
      } : {}),
    }))),
  }
}
