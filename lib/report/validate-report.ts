// How validate reads: text for a terminal or a CI log, Markdown for a pull-request comment or a
// job summary, and the body of one JSON document. A line a shared base file causes in every
// environment is shown once, with the environments it holds for. No variable's value is shown:
// only its name, and whether it is set.
import { chalk } from 'zx/core'
import type { EnvironmentCheck, Problem, Unchecked, ValidateResult } from '../run/validate-offline.ts'
import { escapeInvisible, markdownCell as cell } from './quote.ts'
import { widest } from './table.ts'

/** What environment the config's own problems are shown under. */
const CONFIG = '(config)'

export function summarize(result: ValidateResult) {
  const failed = result.environments.filter((check) => check.failure).length
  const invalid = result.environments.filter((check) => !check.failure && check.problems.length).length
  return {
    environments: result.environments.length,
    ok: result.environments.length - failed - invalid,
    invalid,
    failed,
    problems: result.config.length + result.environments.reduce((sum, check) => sum + check.problems.length, 0),
    missingVariables: new Set(result.environments.flatMap((check) => check.variables.filter((variable) => !variable.set).map((variable) => variable.name))).size,
  }
}

/** Valid: nothing to correct, and nothing failed. */
export const isValid = (result: ValidateResult) => {
  const summary = summarize(result)
  return summary.problems === 0 && summary.failed === 0
}

function summaryLine(result: ValidateResult): string {
  const summary = summarize(result)
  if (result.config.length) return `descope.config.ts or its plugins have ${count(summary.problems, 'problem')}: no environment was checked`
  const parts = [`${summary.ok} valid`, summary.invalid && `${summary.invalid} with problems (${count(summary.problems, 'problem')})`, summary.failed && `${summary.failed} could not be checked`].filter(Boolean)
  return `Validated ${count(summary.environments, 'environment')} offline (no credentials, no network): ${parts.join(', ')}`
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

interface Line { environments: string[]; file: string; path: string; text: string }

/** Lines the same in several environments (a base file's), once each, with the environments they hold for. */
function grouped<T extends { file: string; path: string }>(result: ValidateResult, pick: (check: EnvironmentCheck) => T[], text: (entry: T) => string): Line[] {
  const lines = new Map<string, Line>()
  for (const check of result.environments) {
    for (const entry of pick(check)) {
      const line = { file: entry.file, path: entry.path, text: text(entry) }
      const id = JSON.stringify(line)
      const known = lines.get(id)
      if (known) known.environments.push(check.environment)
      else lines.set(id, { environments: [check.environment], ...line })
    }
  }
  return [...lines.values()]
}

const problemText = (problem: Problem) => `${problem.message}${problem.fix ? ` (fix: ${problem.fix})` : ''}`
const uncheckedText = (entry: Unchecked) => (entry.needs === 'value' ? `not checked without $${entry.variable} (a stand-in value fails: ${entry.message})` : entry.message)

function sections(result: ValidateResult) {
  const problems: Line[] = [
    ...result.config.map((problem) => ({ environments: [CONFIG], file: problem.file, path: problem.path, text: problemText(problem) })),
    ...grouped(result, (check) => check.problems, problemText),
  ]
  const failures = result.environments.filter((check) => check.failure)
  const missing = grouped(result, (check) => check.variables.filter((variable) => !variable.set), (variable) => variable.name)
  const set = [...new Set(result.environments.flatMap((check) => check.variables.filter((variable) => variable.set).map((variable) => variable.name)))].sort()
  const unchecked = grouped(result, (check) => check.unchecked, uncheckedText)
  return { problems, failures, missing, set, unchecked }
}

const where = (line: Line) => `${line.file}${line.path ? `: ${line.path}` : ''}`
/** Names and messages quote keys from files (a newline, ESC): on one line each, so none can forge a line of the report. */
const oneLine = escapeInvisible

export function formatText(result: ValidateResult): string {
  const { problems, failures, missing, set, unchecked } = sections(result)
  const valid = isValid(result)
  const out = [(valid ? chalk.green : chalk.red)(summaryLine(result)), '']
  const width = Math.max(0, ...result.environments.map((check) => oneLine(check.environment).length)) + 2
  for (const check of result.environments) {
    const state = check.failure ? chalk.red('could not be checked') : check.problems.length ? chalk.red(count(check.problems.length, 'problem')) : chalk.green('ok')
    out.push(`  ${oneLine(check.environment).padEnd(width)}${state}${check.types.length ? chalk.dim(`  ${count(check.items, 'item')} of ${count(check.types.length, 'type')}`) : ''}`)
  }
  if (result.environments.length) out.push('')
  if (problems.length) {
    out.push(chalk.red('Problems:'))
    for (const line of problems) out.push(oneLine(`  ${line.environments.join(', ')}: ${where(line)}: ${line.text}`))
    out.push('')
  }
  for (const check of failures) out.push(chalk.red(oneLine(`${check.environment}: could not be checked (${check.failure!.code}): ${check.failure!.message}`)), '')
  // with --strict each is a problem above already, with its fix
  if (missing.length && !result.strict) {
    out.push('Variables not set (listed, not errors; --strict makes them errors):')
    const column = widest(missing.map((line) => line.text)) + 2
    for (const line of missing) out.push(`  ${line.text.padEnd(column)}${oneLine(where(line))}${chalk.dim(oneLine(` (${line.environments.join(', ')})`))}`)
    out.push('')
  }
  if (set.length) out.push(`Variables set (values not shown): ${set.join(', ')}`, '')
  if (unchecked.length) {
    out.push('Not checked offline (a sync checks these with the values and against the live project):')
    for (const line of unchecked) out.push(oneLine(`  ${line.environments.join(', ')}: ${where(line)}: ${line.text}`))
    out.push('')
  }
  return out.join('\n').trimEnd()
}


export function formatMarkdown(result: ValidateResult): string {
  const { problems, failures, missing, set, unchecked } = sections(result)
  const out = ['## Descope validate', '', `${isValid(result) ? ':white_check_mark:' : ':x:'} **${cell(summaryLine(result))}**`, '']
  if (result.environments.length) {
    out.push('| environment | result | variables not set |', '| --- | --- | --- |')
    for (const check of result.environments) {
      const state = check.failure ? ':x: could not be checked' : check.problems.length ? `:x: ${count(check.problems.length, 'problem')}` : ':white_check_mark: ok'
      out.push(`| ${cell(check.environment)} | ${state} | ${new Set(check.variables.filter((variable) => !variable.set).map((variable) => variable.name)).size} |`)
    }
    out.push('')
  }
  const table = (title: string, lines: Line[], open: boolean, what = 'what') => {
    if (!lines.length) return
    out.push(open ? `### ${title}` : `<details><summary>${title}</summary>`, '', `| environments | file | path | ${what} |`, '| --- | --- | --- | --- |')
    for (const line of lines) out.push(`| ${cell(line.environments.join(', '))} | ${cell(line.file)} | ${line.path ? `\`${cell(line.path)}\`` : ''} | ${cell(line.text)} |`)
    out.push('', ...(open ? [] : ['</details>', '']))
  }
  table(`Problems (${problems.length})`, problems, true)
  for (const check of failures) out.push(`:x: ${cell(check.environment)} could not be checked (${check.failure!.code}): ${cell(check.failure!.message)}`, '')
  table(`Variables not set (${missing.length})${result.strict ? '' : ': listed, not errors'}`, missing, result.strict, 'variable')
  if (set.length) out.push(`Variables set (values not shown): ${set.map((name) => `\`${cell(name)}\``).join(', ')}`, '')
  table(`Not checked offline (${unchecked.length})`, unchecked, false)
  return out.join('\n').trimEnd()
}

/** The body of the `validate` JSON document (printJson adds kind and formatVersion). */
export function validateDocument(result: ValidateResult) {
  const environments = result.environments
  return {
    ok: isValid(result),
    strict: result.strict,
    summary: summarize(result),
    environments: environments.map((check) => ({
      environment: check.environment,
      ok: !check.failure && !check.problems.length,
      problems: check.problems.length,
      types: check.types,
      items: check.items,
      ...(check.failure ? { failure: check.failure } : {}),
    })),
    issues: [
      ...result.config.map((problem) => ({ environment: null, ...issueOf(problem) })),
      ...environments.flatMap((check) => check.problems.map((problem) => ({ environment: check.environment, ...issueOf(problem) }))),
    ],
    missingVariables: environments.flatMap((check) => check.variables.filter((variable) => !variable.set).map(({ name, file, path }) => ({ environment: check.environment, name, file, path }))),
    setVariables: environments.flatMap((check) => check.variables.filter((variable) => variable.set).map(({ name, file, path }) => ({ environment: check.environment, name, file, path }))),
    unchecked: environments.flatMap((check) => check.unchecked.map((entry) => ({ environment: check.environment, ...entry }))),
  }
}

const issueOf = ({ code, file, path, message, fix }: Problem) => ({ code, file, path, message, ...(fix ? { fix } : {}) })
