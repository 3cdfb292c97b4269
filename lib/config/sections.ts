// The sections of an environment file: each handler's items (a list, one object for a type of
// one per project, a map by parent for one per tenant, or files a section names) and its
// settings, each checked with its handler's schemas; and the write-only fields, which only a
// ${VAR} may fill.
import * as v from 'valibot'
import type { FileSource, ResourceHandler } from '../contract.ts'
import { displayPath, ConfigError, type ConfigIssue } from '../errors.ts'
import { collectIssues, validateItems, type Entry } from './items.ts'
import { dataRecord } from './schemas.ts'
import { singleReference } from './substitute.ts'
import { MIN_SECRET_LENGTH } from '../report/secrets.ts'
import { formatPath, validate } from './validate.ts'
import { quoted } from '../report/quote.ts'

/**
 * Validates a section item by item, so that one bad item does not hide a duplicate key or a
 * shared domain among the others: cross-item checks run on every item that is valid.
 */
export function validateSection(
  handler: ResourceHandler<any, any>,
  raw: unknown,
  fileFor: (at: (string | number)[]) => string,
  issues: ConfigIssue[],
  where: FileSource,
  settings: Readonly<Record<string, unknown>>,
): { items: object[]; entries: Entry[] } | undefined {
  const entries = sectionEntries(handler, raw, fileFor, issues, where)
  if (!entries) return undefined
  const before = issues.length
  const items = validateItems(handler, entries, issues, settings)
  if (!items) return undefined
  // resolved once, from valid items only (a follow of a tenant check() refused is not merged)
  return { items: handler.resolve && issues.length === before ? handler.resolve(items, settings) : items, entries }
}

/** What a file's sections declare, every handler's, as a plan reads them. */
export interface Sections {
  /** each handler's settings (top-level keys it owns), by type */
  settings: Map<string, Record<string, unknown>>
  /** the valid items of each section, by type */
  declared: Map<string, object[]>
  /** where each declared item was written, by type */
  origins: Map<string, Entry[]>
  /** the types a section declares only some of (`flows: [a, b]`) */
  partial: Set<string>
  /** what each section that names files says (`flows: all`), by type */
  selections: Map<string, unknown>
}

/**
 * Every handler's section of a file, each checked on its own, so one broken section does not
 * hide another's problems. `files` is where sections that name files read them; without it they
 * are kept as written (their selections) and not read.
 */
export function readSections(
  handlers: readonly ResourceHandler<any, any>[],
  record: Record<string, unknown>,
  fileFor: (at: (string | number)[]) => string,
  issues: ConfigIssue[],
  files: FileSource | undefined,
): Sections {
  const sections: Sections = { settings: new Map(), declared: new Map(), origins: new Map(), partial: new Set(), selections: new Map() }
  for (const handler of handlers) sections.settings.set(handler.type, handlerSettings(handler, record, fileFor, issues))
  for (const handler of handlers) {
    const value = record[handler.section]
    // `theme: false` undoes a base file's `theme: true`: extends can replace a key, not remove it
    if (value === undefined || (handler.files && value === false)) continue
    if (handler.files) sections.selections.set(handler.type, value)
    if (handler.files && !files) continue
    if (handler.files?.exhaustive?.(value) === false) sections.partial.add(handler.type)
    const section = validateSection(handler, value, fileFor, issues, files!, sections.settings.get(handler.type)!)
    if (!section) continue
    sections.declared.set(handler.type, section.items)
    sections.origins.set(handler.type, section.entries)
  }
  return sections
}

/** A handler's settings as the environment gives them, each checked with its schema. */
export function handlerSettings(
  handler: ResourceHandler<any, any>,
  record: Record<string, unknown>,
  fileFor: (at: (string | number)[]) => string,
  issues: ConfigIssue[],
): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null)
  for (const [key, schema] of Object.entries(handler.settings ?? {})) {
    if (record[key] === undefined) continue
    const { output } = collectIssues(validate(schema, record[key], fileFor, [key]), issues)
    if (output !== undefined) values[key] = output
  }
  return values
}

/** The raw items of a section: inline in the environment file, or read from their own files. */
function sectionEntries(
  handler: ResourceHandler<any, any>,
  raw: unknown,
  fileFor: (at: (string | number)[]) => string,
  issues: ConfigIssue[],
  where: FileSource,
): Entry[] | undefined {
  if (handler.files) {
    const { output, issues: found } = validate(handler.files.section, raw, fileFor, [handler.section])
    collectIssues({ output, issues: found }, issues)
    if (found.length) return undefined
    try {
      return handler.files.expand(output, where).map(({ item, file }) => ({ raw: item, file: displayPath(file), at: [] }))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues.push(...error.issues)
      return undefined
    }
  }
  if (handler.singleton === 'project') {
    const at = [handler.section]
    // one per project: the fields themselves, never a list of them
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      issues.push({ file: fileFor(at), path: formatPath(at), message: `must be a mapping of the ${handler.type}'s fields (a project has one), not ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`, fix: `write ${handler.section}: { field: value, ... }` })
      return undefined
    }
    return [{ raw, file: fileFor(at), at }]
  }
  if (handler.singleton) {
    const { per, field } = handler.singleton
    // a map by the parent's key: a list (of items naming their parent) is the likely mistake
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      issues.push({ file: fileFor([handler.section]), path: handler.section, message: `must be a map by ${per} key, not ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`, fix: `write ${handler.section}: { <${per} key>: { field: value, ... } }, e.g. acme: { ... }` })
      return undefined
    }
    const byParent = collectIssues(validate(dataRecord(v.unknown()), raw, fileFor, [handler.section]), issues).output
    if (!byParent) return undefined
    return Object.entries(byParent).flatMap(([parent, item]) => {
      const at = [handler.section, parent]
      if (parent === '') {
        issues.push({ file: fileFor(at), path: formatPath([handler.section]), message: `has an entry under an empty key, which names no ${per}`, fix: `key each entry by the ${per}'s key` })
        return []
      }
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        issues.push({ file: fileFor(at), path: formatPath(at), message: `must be a mapping of the ${handler.type}'s fields for ${per} ${quoted(parent)}, not ${Array.isArray(item) ? 'a list' : JSON.stringify(item)}`, fix: `write ${parent}: { field: value, ... }` })
        return []
      }
      if (Object.hasOwn(item, field) && (item as Record<string, unknown>)[field] !== parent) {
        issues.push({ file: fileFor(at), path: formatPath([...at, field]), message: `names ${per} ${JSON.stringify((item as Record<string, unknown>)[field])} inside the entry of ${per} ${quoted(parent)}`, fix: `leave ${field} out: the key of the entry says which ${per} it is` })
        return []
      }
      // the key of the entry is the parent's: the item carries it like any other field
      return [{ raw: { ...item, [field]: parent }, file: fileFor(at), at }]
    })
  }
  const list = collectIssues(validate(v.array(v.unknown()), raw, fileFor, [handler.section]), issues).output
  return list?.map((item, index) => ({ raw: item, file: fileFor([handler.section, index]), at: [handler.section, index] }))
}

/** How deep a section's items sit: `password: {...}` at once, `tenants: [...]` and `sessions: { acme: {...} }` one down. */
const itemDepth = (handler: ResourceHandler<any, any>) => (handler.singleton === 'project' ? 1 : 2)

/** Is `at` a write-only field of a declared item (an SSO application's client secret)? */
export function isWriteOnly(handlers: readonly ResourceHandler<any, any>[], at: (string | number)[]): boolean {
  const handler = handlers.find((candidate) => candidate.section === at[0])
  if (!handler?.writeOnly || handler.files) return false
  const depth = itemDepth(handler)
  return at.length === depth + 1 && handler.writeOnly.includes(String(at[depth]))
}

/** Every write-only field a section's items hold: where it is, and its value. */
function writeOnlyValues(handlers: readonly ResourceHandler<any, any>[], values: Record<string, unknown>): { at: (string | number)[]; value: unknown }[] {
  const found: { at: (string | number)[]; value: unknown }[] = []
  for (const handler of handlers) {
    const section = values[handler.section]
    if (!handler.writeOnly?.length || handler.files || section === null || typeof section !== 'object') continue
    const items: [(string | number)[], unknown][] = handler.singleton === 'project'
      ? [[[handler.section], section]]
      : Object.entries(section).map(([at, item]) => [[handler.section, Array.isArray(section) ? Number(at) : at], item])
    for (const [at, item] of items) {
      if (item === null || typeof item !== 'object') continue
      for (const field of handler.writeOnly) {
        if (Object.hasOwn(item, field)) found.push({ at: [...at, field], value: (item as Record<string, unknown>)[field] })
      }
    }
  }
  return found
}

/** A write-only value (a secret) written out in the file: refused, as a literal management key is. */
export function literalSecrets(handlers: readonly ResourceHandler<any, any>[], values: Record<string, unknown>, fileFor: (at: (string | number)[]) => string): ConfigIssue[] {
  return writeOnlyValues(handlers, values).filter(({ value }) => !singleReference(value)).map(({ at, value }) => ({
    file: fileFor(at),
    path: formatPath(at),
    message: typeof value === 'string' && value.includes('${')
      ? 'must be exactly one ${VARIABLE} reference: a secret is never pieced together from text in the file'
      : 'is a secret written literally; secrets must not live in files under git',
    fix: `write ${at[at.length - 1]}: \${SOME_VARIABLE} and export that variable`,
  }))
}

/** A write-only value too short to be cut out of every output (its variable holds a few characters). */
export function shortSecrets(handlers: readonly ResourceHandler<any, any>[], values: Record<string, unknown>, fileFor: (at: (string | number)[]) => string, raw: Record<string, unknown>): ConfigIssue[] {
  const written = new Map(writeOnlyValues(handlers, raw).map((entry) => [formatPath(entry.at), entry.value]))
  return writeOnlyValues(handlers, values).flatMap(({ at, value }) => {
    if (typeof value !== 'string' || value.length >= MIN_SECRET_LENGTH || singleReference(value)) return []
    const variable = singleReference(written.get(formatPath(at)))
    return [{ file: fileFor(at), path: formatPath(at), message: `holds ${value.length} characters; a secret this short could not be kept out of the output`, fix: `check that $${variable ?? 'the variable'} holds the whole secret` }]
  })
}
