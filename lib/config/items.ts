// Checks a list of items of one type, wherever they come from (an environment file, a flow
// file, a backup): each with its plugin's schema, then the checks across items (duplicate keys,
// the plugin's own rules), every problem reported with its file and path.
import type { ConfigIssue } from '../errors.ts'
import type { ItemIssue, ResourceHandler } from '../contract.ts'
import { formatPath, validate } from './validate.ts'
import { quoted } from '../report/quote.ts'

type AnyHandler = ResourceHandler<any, any>

export interface Entry {
  raw: unknown
  /** the file the item is written in: the environment file, its own file (a flow), a backup */
  file: string
  /** where the item sits inside that file */
  at: (string | number)[]
}

/**
 * The validated items of a file, or undefined when any is invalid (the problems are added to
 * `issues`): each with the handler's declared schema, then the checks across items.
 */
export function validateItems(handler: AnyHandler, entries: Entry[], issues: ConfigIssue[], settings: Readonly<Record<string, unknown>> = {}): object[] | undefined {
  return checkEach(handler, entries, issues, settings, (entry) => {
    const owned = serverFieldsIn(handler, entry.raw)
    if (owned.length) {
      for (const field of owned) issues.push({ file: entry.file, path: formatPath([...entry.at, field]), message: `is assigned by Descope, differs in every environment, and cannot be declared`, fix: `remove it: a ${handler.type} is known by its key in every environment` })
      return undefined
    }
    return collectIssues(validate(handler.schema, entry.raw, () => entry.file, entry.at), issues).output
  })
}

const serverFieldsIn = (handler: AnyHandler, raw: unknown): string[] =>
  raw !== null && typeof raw === 'object' ? (handler.serverOwned ?? []).filter((field) => Object.hasOwn(raw, field)) : []

/**
 * The same for a backup, whose items are live items in their normalized form: each is checked
 * with the handler's liveSchema and normalized again (a live value a file could not declare, a
 * role name with a slash, restores all the same), and must have a key. A type with server ids
 * backs up no server field, which its liveSchema requires: its items are checked as declared.
 */
export function validateBackupItems(handler: AnyHandler, entries: Entry[], issues: ConfigIssue[]): object[] | undefined {
  return checkEach(handler, entries, issues, {}, (entry) => {
    if (handler.serverOwned?.length || handler.serverId) {
      if (serverFieldsIn(handler, entry.raw).length) {
        issues.push({ file: entry.file, path: formatPath(entry.at), message: `holds a field Descope assigns (${serverFieldsIn(handler, entry.raw).join(', ')}), which no backup holds`, fix: 'use another backup; this one was changed or damaged' })
        return undefined
      }
      return collectIssues(validate(handler.schema, entry.raw, () => entry.file, entry.at, false), issues).output
    }
    // a backup may be anyone's file: its values are not quoted back
    const { output } = collectIssues(validate(handler.liveSchema, entry.raw, () => entry.file, entry.at, false), issues)
    if (!output) return undefined
    const item = handler.normalize(output) as object
    const key = handler.key(item)
    if (typeof key === 'string' && key !== '') return item
    issues.push({ file: entry.file, path: formatPath(entry.at), message: `has no key (the plugin's key() gave ${JSON.stringify(key)})`, fix: 'use another backup; this one was changed or damaged' })
    return undefined
  })
}

function checkEach(handler: AnyHandler, entries: Entry[], issues: ConfigIssue[], settings: Readonly<Record<string, unknown>>, parse: (entry: Entry) => object | undefined): object[] | undefined {
  const valid: { item: object; entry: Entry }[] = []
  for (const entry of entries) {
    const item = parse(entry)
    if (item) valid.push({ item, entry })
  }
  const items = valid.map(({ item }) => item)
  const where = (index: number) => valid[index]!.entry
  for (const issue of [...duplicateKeys(handler, items, where), ...duplicateRenames(handler, items, where), ...(handler.check?.(items, settings) ?? [])]) {
    // an index a plugin's check() made up points at the section as a whole
    const { file, at } = valid[issue.index]?.entry ?? { file: entries[0]?.file ?? '', at: [] }
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

/** One live item can be renamed into one item: two that say `renamedFrom` the same would both update it. */
function duplicateRenames(handler: AnyHandler, items: object[], where: (index: number) => Entry): ItemIssue[] {
  if (!handler.renamedFrom) return []
  const first = new Map<string, number>()
  return items.flatMap((item, index) => {
    const from = handler.renamedFrom!(item)
    if (from === undefined) return []
    const earlier = first.get(from)
    if (earlier === undefined) {
      first.set(from, index)
      return []
    }
    const other = where(earlier)
    return [{ index, field: 'renamedFrom', message: `${handler.type} ${quoted(handler.key(item))} is renamed from ${handler.type} ${quoted(from)}, and so is the one at ${other.at.length ? formatPath(other.at) : other.file}`, fix: 'rename an item into one new item; declare the other anew, without renamedFrom' }]
  })
}

/** Keys identify items across environments, so two items with one key are always a mistake. */
function duplicateKeys(handler: AnyHandler, items: object[], where: (index: number) => Entry): ItemIssue[] {
  const first = new Map<string, number>()
  return items.flatMap((item, index) => {
    const key = handler.key(item)
    const earlier = first.get(key)
    if (earlier === undefined) {
      first.set(key, index)
      return []
    }
    const other = where(earlier)
    return [{ index, field: '', message: `${handler.type} ${quoted(key)} is declared twice (also at ${other.at.length ? formatPath(other.at) : other.file})`, fix: 'merge the two entries or give one another key' }]
  })
}
