// Checks a list of items of one type, wherever they come from (an environment file, a flow
// file, a backup): each with its plugin's schema, then the checks across items (duplicate keys,
// the plugin's own rules), every problem reported with its file and path.
import type { ConfigIssue } from './errors.ts'
import type { ItemIssue, ResourceHandler } from './plugin.ts'
import { formatPath, validate } from './validate.ts'

export interface Entry {
  raw: unknown
  /** the file the item is written in: the environment file, its own file (a flow), a backup */
  file: string
  /** where the item sits inside that file */
  at: (string | number)[]
}

/** The validated items, or undefined when any is invalid (the problems are added to `issues`). */
export function validateItems(handler: ResourceHandler<any, any>, entries: Entry[], issues: ConfigIssue[]): object[] | undefined {
  const valid: { item: object; entry: Entry }[] = []
  for (const entry of entries) {
    const { output } = collectIssues(validate(handler.schema, entry.raw, () => entry.file, entry.at), issues)
    if (output) valid.push({ item: output, entry })
  }
  const items = valid.map(({ item }) => item)
  const where = (index: number) => valid[index]!.entry
  for (const issue of [...duplicateKeys(handler, items, where), ...(handler.check?.(items) ?? [])]) {
    const { file, at } = where(issue.index)
    issues.push({ file, path: formatPath([...at, ...(issue.field ? [issue.field] : [])]), message: issue.message, fix: issue.fix })
  }
  return valid.length === entries.length ? items : undefined
}

/** Adds validation issues, except at places already reported (a missing ${VAR} also fails the type check). */
export function collectIssues<T>(result: { output: T | undefined; issues: ConfigIssue[] }, into: ConfigIssue[]) {
  const place = (issue: ConfigIssue) => `${issue.file}\0${issue.path}`
  const reported = new Set(into.map(place))
  into.push(...result.issues.filter((issue) => !reported.has(place(issue))))
  return result
}

/** Keys identify items across environments, so two items with one key are always a mistake. */
function duplicateKeys(handler: ResourceHandler<any, any>, items: object[], where: (index: number) => Entry): ItemIssue[] {
  const first = new Map<string, number>()
  return items.flatMap((item, index) => {
    const key = handler.key(item)
    const earlier = first.get(key)
    if (earlier === undefined) {
      first.set(key, index)
      return []
    }
    const other = where(earlier)
    return [{ index, field: '', message: `${handler.type} "${key}" is declared twice (also at ${other.at.length ? formatPath(other.at) : other.file})`, fix: 'merge the two entries or give one another key' }]
  })
}
