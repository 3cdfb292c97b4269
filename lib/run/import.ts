// Import: a live project → the sections of its environment file, in the toolkit's own format,
// and the flow and theme files those sections name (written by the export, lib/run/export.ts).
// Left out: what every project has and nothing can change (built-ins), what the server owns
// (ids, times: normalized items hold none), and secrets: a write-only field becomes a ${VAR}
// the user sets, named predictably. With a base file, a section that already yields live is left
// to it; one that does not is written whole, since `extends` replaces a section, never merges it.
// Nothing is written here: planImport says what the file and the files would hold.
import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import * as v from 'valibot'
import type { Context } from './context.ts'
import type { ResourceHandler } from '../contract.ts'
import type { BaseSections } from '../config/base-file.ts'
import { fileValue } from '../config/render-env.ts'
import { validateSection } from '../config/sections.ts'
import { ConfigError, DescopeMgmtError, type ConfigIssue } from '../errors.ts'
import { findDrift } from '../engine/drift.ts'
import { readLive } from '../engine/live.ts'
import { withoutFields } from '../engine/normalize.ts'
import { own } from '../config/schemas.ts'
import { stableJson } from '../io/json-file.ts'
import { showChange } from '../report/plan-report.ts'
import { escapeInvisible } from '../report/quote.ts'
import { holdsSecret } from '../report/secrets.ts'
import { planExport, sectionOf, type ExportedFile } from './export.ts'

type AnyHandler = ResourceHandler<any, any>

export interface ImportOptions {
  /** the environment the file is for: the first part of its secrets' variable names */
  environment: string
  /** the file to write, as messages show it */
  file: string
  /** only these types (default: every configured type) */
  types?: string[]
  /** what the file's base declares: sections equal to live are left to it */
  base?: BaseSections
}

/** A write-only value the file names as `${name}`: the user sets the variable. */
export interface SecretVariable {
  name: string
  type: string
  key: string
  field: string
}

/** With a base: an item where the base's section and live part ways. */
export interface BaseDifference {
  key: string
  /** changed: fields differ; missing: the base declares it, live lacks it; added: live has it, the base does not */
  kind: 'changed' | 'missing' | 'added'
}

export interface ImportedSection {
  type: string
  section: string
  /** written: the file holds it; inherited: the base declares exactly live, so the file leaves it out */
  state: 'written' | 'inherited'
  /** items in the section (files, for a section that names them) */
  items: number
  /** the section's value as the file declares it (written only) */
  value?: unknown
  /** with a base, why a written section is not left to it */
  differs?: BaseDifference[]
}

export interface ImportPlan {
  /** in the registry's order (a type after those it depends on) */
  sections: ImportedSection[]
  variables: SecretVariable[]
  /** flow and theme files, relative to the environment's exportDir */
  files: ExportedFile[]
  /** the sections the import read, whose place in a file it takes (with --type, those types only) */
  covers: string[]
  /** what the user must know: types not read, sections left out, items a base cannot lose */
  notes: string[]
  /** sections the next plan still changes: the base declares them and the project has none, which a file cannot undo */
  unsettled: string[]
}

export async function planImport(ctx: Context, options: ImportOptions): Promise<ImportPlan> {
  const selected = ctx.handlers.filter((handler) => !options.types || options.types.includes(handler.type))
  const inline = selected.filter((handler) => !handler.files)
  // a type that shows another's values until set (a tenant's password policy) is compared with it
  const inherited = inline.flatMap((handler) => (handler.inheritsFrom && ctx.handlers.has(handler.inheritsFrom) ? [handler.inheritsFrom] : []))
  const live = await readLive(ctx, [...new Set([...inline.map((handler) => handler.type), ...inherited])], undefined, 'skip')
  const notes: string[] = []
  const unsettled: string[] = []
  const covers = selected.filter((handler) => handler.files || live.has(handler.type)).map((handler) => handler.section)
  const sections: ImportedSection[] = []
  const wanted: { handler: AnyHandler; items: object[] }[] = []
  for (const handler of inline) {
    const items = live.get(handler.type)
    if (!items) {
      notes.push(`${handler.section}: not read (the environment's key may not read it), so left as it is`)
      continue
    }
    wanted.push({ handler, items: importable(handler, items, live, notes) })
  }
  const variables = secretVariables(ctx, wanted, options.environment)
  refuseUndeclarable(ctx, wanted, variables, options.file)
  for (const { handler, items } of wanted) {
    const section = inlineSection(handler, items, variables, options.base, notes, unsettled)
    if (section) sections.push(section)
  }
  const files: ExportedFile[] = []
  for (const handler of selected.filter((candidate) => candidate.files)) {
    const section = await fileSection(ctx, handler, options.base, files, notes, unsettled)
    if (section) sections.push(section)
  }
  // files meant for git: a secret someone pasted into a live field is never written out
  const leaking = sections.filter((section) => section.value !== undefined && holdsSecret(stableJson(section.value)))
  if (leaking.length) {
    throw new DescopeMgmtError('EXPORT_SECRET', `live ${leaking.map((section) => section.section).join(', ')} hold${leaking.length === 1 ? 's' : ''} a secret (the management key, or a secret variable's value) in a field; nothing was written. Remove it in the Descope console and import again`)
  }
  const order = ctx.handlers.map((handler) => handler.type)
  return { sections: sections.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type)), variables: variables.list, files, covers, notes, unsettled }
}

/**
 * The live items a file should declare: not those held by more than one live item (which one
 * is meant cannot be told; a plan leaves them alone too), nor, of a type that shows another's
 * values until set, those that show exactly those values (they follow it, and keep following),
 * nor those that hold nothing of their own (unset: a tenant without SSO).
 */
function importable(handler: AnyHandler, items: object[], live: Map<string, object[]>, notes: string[]): object[] {
  const count = new Map<string, number>()
  for (const item of items) count.set(handler.key(item), (count.get(handler.key(item)) ?? 0) + 1)
  for (const [key, times] of count) if (times > 1) notes.push(`${handler.type} ${JSON.stringify(key)}: held by ${times} live items, so left out until one is removed`)
  const source = handler.inheritsFrom ? live.get(handler.inheritsFrom)?.[0] : undefined
  const parentField = typeof handler.singleton === 'object' ? [handler.singleton.field] : []
  return items
    .filter((item) => count.get(handler.key(item)) === 1 && !handler.unset?.(item) && !(source && isDeepStrictEqual(withoutFields(item, parentField), source)))
    .map((item) => portable(handler, item, notes))
}

/**
 * Without the fields that are this project's alone (a tenant's federatedAppIds and
 * enforceSSOExclusions: ids of its apps and users), which a file shared by environments must not
 * carry; left out, they are not managed, and stay as they are live. An item made of nothing else
 * (the project's name and tags) is this environment's own, and is written whole.
 */
function portable(handler: AnyHandler, item: object, notes: string[]): object {
  const fields = handler.environmentSpecific ?? []
  const rest = withoutFields(item, fields)
  if (!Object.keys(rest).length) return item
  const held = fields.filter((field) => { const value = own(item, field); return value !== undefined && !(Array.isArray(value) && !value.length) && value !== '' })
  if (held.length) notes.push(`${handler.type} ${JSON.stringify(handler.key(item))}: ${held.join(', ')} left out (this project's own ids); they stay as they are live`)
  return rest
}

/** Each write-only field the item's schema takes, as `${ENV_TYPE_KEY_FIELD}`: sanitized, made unique. */
function secretVariables(ctx: Context, wanted: { handler: AnyHandler; items: object[] }[], environment: string) {
  const needs = wanted.flatMap(({ handler, items }) => (handler.writeOnly ?? []).flatMap((field) => items
    .filter((item) => takesField(handler, item, field, ctx.env.settings.get(handler.type) ?? {}))
    .map((item) => ({ handler, item, field, key: handler.key(item), name: variableName([environment, handler.type, handler.key(item), field]) }))))
  const taken = new Map<string, number>()
  for (const need of needs) taken.set(need.name, (taken.get(need.name) ?? 0) + 1)
  // two keys that read alike once sanitized (acme-eu, acme_eu) each get a suffix of their own
  for (const need of needs) if (taken.get(need.name)! > 1) need.name += `_${createHash('sha256').update(need.key).digest('hex').slice(0, 6).toUpperCase()}`
  const byItem = new Map<object, Map<string, string>>()
  for (const need of needs) byItem.set(need.item, (byItem.get(need.item) ?? new Map()).set(need.field, need.name))
  return {
    list: needs.map(({ handler, key, field, name }) => ({ name, type: handler.type, key, field })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    of: (item: object) => byItem.get(item),
  }
}

/** PROD_TENANTSSO_ACME_CLIENTSECRET: each part upper-cased, anything but A-Z and 0-9 an underscore. */
export function variableName(parts: string[]): string {
  const name = parts.map((part) => part.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '')).filter(Boolean).join('_')
  return /^[A-Z_]/.test(name) ? name : `_${name}`
}

/** Would a file declaring this write-only field on the item be valid (an OIDC client secret, not a SAML one)? */
function takesField(handler: AnyHandler, item: object, field: string, settings: Readonly<Record<string, unknown>>): boolean {
  const candidate = Object.fromEntries([...Object.entries(handler.asDeclared?.(item) ?? item), [field, 'x'.repeat(32)]])
  const parsed = v.safeParse(handler.schema, candidate)
  return parsed.success && !(handler.check?.([parsed.output], settings) ?? []).some((issue) => issue.field === field)
}

const UNDECLARABLE_FIX = 'change it in the Descope console and import again, or leave the type out with --type'

/**
 * Live values a file cannot declare (a tab or an escape code in a name, an id with a space: the
 * console takes what the file's schema refuses) are refused before anything is written: a file
 * the next plan cannot load, or would change (a name with spaces around it, which a file's
 * schema trims), is no adoption. Each section is checked as a load would check it, each secret
 * standing in for the value its variable will hold, then compared with live as a plan would.
 */
function refuseUndeclarable(ctx: Context, wanted: { handler: AnyHandler; items: object[] }[], variables: ReturnType<typeof secretVariables>, file: string): void {
  const issues: ConfigIssue[] = []
  for (const { handler, items } of wanted) {
    const placeheld = items.map((item) => {
      const secrets = variables.of(item)
      return secrets ? Object.fromEntries([...Object.entries(item), ...[...secrets.keys()].map((field) => [field, 'x'.repeat(32)])]) : item
    })
    const section = sectionOf(handler, placeheld)
    if (section === undefined) continue
    const found: ConfigIssue[] = []
    const declared = validateSection(handler, section, () => file, found, { dir: '', readJson: () => ({}) }, ctx.env.settings.get(handler.type) ?? {})
    // valid, it must still read back as live: a schema that trims a name would rename the item
    for (const difference of declared && !found.length ? findDrift([handler], new Map([[handler.type, declared.items]]), new Map([[handler.type, items]]), { ignore: {}, environmentSpecific: {} }) : []) {
      const where = `${handler.type} ${JSON.stringify(difference.key)} (as live holds it)`
      if (difference.kind === 'changed') {
        for (const field of difference.fields ?? []) {
          const [live, desired] = showChange(field.live, field.desired).map(escapeInvisible)
          issues.push({ file, path: handler.section, message: `${where}: ${field.path} ${live} would read back from a file as ${desired}`, fix: UNDECLARABLE_FIX })
        }
      } else if (difference.kind === 'missing') {
        issues.push({ file, path: handler.section, message: `${where}: its key would read back from a file as another`, fix: UNDECLARABLE_FIX })
      }
    }
    for (const issue of found) {
      // the path points into a file that is never written: the item is named by its key too
      const index = new RegExp(`^${handler.section}\\[(\\d+)\\]`).exec(issue.path)?.[1]
      const declared = index !== undefined && Array.isArray(section) ? section[Number(index)] : undefined
      const key = declared === undefined ? undefined : handler.key(declared)
      issues.push({ ...issue, message: `${key === undefined ? '' : `${handler.type} ${JSON.stringify(key)} `}(as live holds it): ${issue.message.replace(/; write it without$/, '')}`, fix: UNDECLARABLE_FIX })
    }
  }
  if (issues.length) throw new ConfigError('IMPORT_UNDECLARABLE', issues, { title: 'the project holds values an environment file cannot declare (nothing was written)' })
}

/** Where a write-only value goes before the YAML is made; replaced by its `${VAR}` after escaping. */
const MARK = '\u0000secret:'

function inlineSection(handler: AnyHandler, items: object[], variables: ReturnType<typeof secretVariables>, base: BaseSections | undefined, notes: string[], unsettled: string[]): ImportedSection | undefined {
  const declared = base?.declared.get(handler.type)
  const differs = declared ? fromBase(handler, declared, items) : undefined
  const count = sectionOf(handler, items)
  const size = Array.isArray(count) ? count.length : count && typeof count === 'object' && handler.singleton !== 'project' ? Object.keys(count).length : count ? 1 : 0
  if (differs && !differs.length) return { type: handler.type, section: handler.section, state: 'inherited', items: size }
  // nothing but what every project has (the default SSO application alone): nothing to adopt
  if (!declared && items.every((item) => handler.builtIn?.(item))) return undefined
  if (!size && handler.singleton === 'project') {
    notes.push(`${handler.section}: ${base!.file} declares it and the project has none; an environment file cannot take it away (extends replaces a key, never removes it), so the next plan sets it`)
    unsettled.push(handler.section)
    return undefined
  }
  for (const difference of differs ?? []) {
    if (difference.kind === 'missing') notes.push(`${handler.type} ${JSON.stringify(difference.key)}: ${base!.file} declares it and the project has none; this file's ${handler.section} (written whole, as extends replaces a section) leaves it out`)
  }
  const marked = items.map((item) => {
    const secrets = variables.of(item)
    return secrets ? Object.fromEntries([...Object.entries(item), ...[...secrets].map(([field, name]) => [field, MARK + name])]) : item
  })
  return { type: handler.type, section: handler.section, state: 'written', items: size, value: unmark(fileValue(sectionOf(handler, marked), handler.singleton === 'project' ? 0 : 1)), ...(differs ? { differs } : {}) }
}

const unmark = (value: unknown): unknown => {
  if (typeof value === 'string') return value.startsWith(MARK) ? `\${${value.slice(MARK.length)}}` : value
  if (Array.isArray(value)) return value.map(unmark)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, unmark(field)]))
}

/** Where the base's section and the live items part ways; none: the base yields exactly live. */
function fromBase(handler: AnyHandler, declared: object[], items: object[]): BaseDifference[] {
  const found = findDrift([handler], new Map([[handler.type, declared]]), new Map([[handler.type, items]]), { ignore: {}, environmentSpecific: {} })
  const differences: BaseDifference[] = found.flatMap((difference) => (difference.kind === 'changed' || difference.kind === 'missing' ? [{ key: difference.key, kind: difference.kind }] : []))
  // a built-in the base leaves out keeps its own values, and so does an undeclared tenant's
  // settings (one per parent): the base does not manage them, and a plan leaves them alone
  const keys = new Set(declared.map((item) => handler.key(item)))
  const added = typeof handler.singleton === 'object' ? [] : items.filter((item) => !keys.has(handler.key(item)) && !handler.builtIn?.(item))
  for (const item of added) differences.push({ key: handler.key(item), kind: 'added' })
  return differences.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** A section that names files (`flows: all`, `theme: true`): its files as the export writes them. */
async function fileSection(ctx: Context, handler: AnyHandler, base: BaseSections | undefined, files: ExportedFile[], notes: string[], unsettled: string[]): Promise<ImportedSection | undefined> {
  const selection = handler.singleton === 'project' ? true : 'all'
  const exported = await planExport(ctx, { dir: ctx.env.exportDir, selections: new Map([[handler.type, selection]]) })
  const items = exported.filter((file) => file.state !== 'removed').length
  if (!items) {
    if (base?.selections.has(handler.type)) {
      notes.push(`${handler.section}: ${base.file} declares it and the project has none; an environment file cannot take it away, so the next plan deploys the files`)
      unsettled.push(handler.section)
    }
    return undefined
  }
  if (base && isDeepStrictEqual(base.selections.get(handler.type), selection) && exported.every((file) => file.state === 'unchanged')) {
    return { type: handler.type, section: handler.section, state: 'inherited', items }
  }
  files.push(...exported)
  return { type: handler.type, section: handler.section, state: 'written', items, value: selection }
}
