// Checking an environment offline (tasks/validate.ts): no variable needs a value. A placeholder
// stands in for a missing one, shaped to pass its field's check where the field is known (the
// project id, the key, the URL, a secret), so that every check around it still runs; what the
// placeholder itself fails is set apart as "not checked without the value", not a problem.
import type { ConfigIssue } from '../errors.ts'
import type { OfflineVariables } from './substitute.ts'
import { formatPath, refusesText, unquoted } from './validate.ts'

/** What an offline check learns beside the Environment. */
export interface OfflineCheck {
  /** every ${VAR} reference: which variable, where, and whether it has a value (never the value) */
  variables: { name: string; file: string; path: string; set: boolean }[]
  /** problems of placeholders, which the real value may not have: `variable` is the one missing */
  unchecked: (ConfigIssue & { variable: string })[]
}

/** A placeholder put in for a missing variable, by the file and path of the field it fills. */
export type Placeholders = Map<string, { variable: string; standIn: string }>

/** Records each reference, and gives each missing value its placeholder (remembered in `placeholders` by file and path). */
export function offlineVariables(
  offline: OfflineCheck,
  fileFor: (at: (string | number)[]) => string,
  secretField: (at: (string | number)[]) => boolean,
  placeholders: Placeholders,
): OfflineVariables {
  return {
    seen: (variable, at, set) => offline.variables.push({ name: variable, file: fileFor(at), path: formatPath(at), set }),
    placeholder: (variable, at, whole) => {
      const standIn = standInFor(variable, at.length === 1 ? at[0] : undefined, whole, secretField(at))
      placeholders.set(`${fileFor(at)}\0${formatPath(at)}`, { variable, standIn })
      return standIn
    },
  }
}

function standInFor(variable: string, field: string | number | undefined, whole: boolean, secret: boolean): string {
  if (whole && field === 'projectId') return 'P2offlinePlaceholder00000000'
  if (whole && field === 'baseUrl') return 'https://offline.invalid'
  if (whole && (field === 'managementKey' || secret)) return 'offline-placeholder-secret'
  // distinct enough that no real file's name holds it: setApart matches it in file names
  return `offline-stand-in-${variable.toLowerCase().replace(/_/g, '-')}`
}

/**
 * Takes out of `issues` those at (or inside) a field a placeholder filled, and those about a file
 * a placeholder named (a flow's id, the exportDir): the real value may pass, or name another file.
 * Kept, and said plainly, is a field that takes no text (a number, a boolean): a ${VAR} always
 * gives text, so no value passes there.
 */
export function setApart(issues: ConfigIssue[], placeholders: Placeholders): (ConfigIssue & { variable: string })[] {
  const apart: (ConfigIssue & { variable: string })[] = []
  const kept: ConfigIssue[] = []
  for (const issue of issues) {
    const found = placeholderOf(issue, placeholders)
    if (!found) kept.push(issue)
    else if (found.refusesText) kept.push({ ...issue, message: `${unquoted(issue.message)}: a \${VAR} always gives text, whatever $${found.variable} holds`, fix: 'write the value itself; a variable can fill only a text field' })
    else apart.push({ ...issue, variable: found.variable })
  }
  issues.splice(0, issues.length, ...kept)
  return apart
}

function placeholderOf(issue: ConfigIssue, placeholders: Placeholders): { variable: string; refusesText: boolean } | undefined {
  for (const [place, { variable, standIn }] of placeholders) {
    const [file, at] = place.split('\0') as [string, string]
    const inField = issue.file === file && (issue.path === at || issue.path.startsWith(`${at}.`) || issue.path.startsWith(`${at}[`))
    if (inField || issue.file.includes(standIn)) return { variable, refusesText: issue.path === at && refusesText(issue) }
  }
  return undefined
}
