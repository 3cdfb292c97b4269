// The plan: what must change so that live matches what the environment declares. Pure: it
// takes the declared and the (normalized) live items and returns changes, or refuses with
// configuration issues when the change could not be carried out safely.
import { DELETE_GUARD_DEFAULTS, type Config } from '../config/config.ts'
import type { Environment } from '../config/environment.ts'
import { ConfigError, type ConfigIssue } from '../errors.ts'
import { CycleError, dependencyGraph } from './dependencies.ts'
import { compareItem, describeNew, SECRET_SHOWN } from './diff.ts'
import { own } from '../config/schemas.ts'
import { matchItems } from './match.ts'
import type { Reference, ResourceHandler } from '../contract.ts'
import type { Change, LiveState, Noted, Plan } from './change.ts'
import { inDependencyOrder } from './graph.ts'
import { currentOf } from './live.ts'
import type { Registry } from './registry.ts'
import { quoted } from '../report/quote.ts'

export interface PlanOptions {
  /** delete live items that no file declares */
  prune: boolean
  /**
   * refuse more deletes of one type than `maxCount`, or more than `maxShare` of its live items
   * (when that is more than one item); `false` lets any number through (--allow-mass-delete)
   */
  deleteGuard?: DeleteGuard | false
  /**
   * send the write-only values (client secrets) of every declared item again (--send-secrets):
   * they cannot be compared, so this is how one is rotated, or set on a restored item
   */
  sendSecrets?: boolean
}

export type DeleteGuard = Config['deleteGuard']

type AnyHandler = ResourceHandler<any, any>

export function planChanges(
  handlers: Registry,
  env: Pick<Environment, 'name' | 'declared' | 'locate'> & { partial?: Set<string> },
  live: LiveState,
  options: PlanOptions,
): Plan {
  const issues: ConfigIssue[] = []
  const forward: Change[] = []
  const deletes: Change[] = []
  const unmanaged: Reference[] = []
  const duplicates: Plan['duplicates'] = []
  const managed = handlers.filter((handler) => env.declared.has(handler.type))
  /** what each matched live item will be once the plan is applied, by type/key */
  const afterApply = new Map<string, object>()
  /** declared items that match live, of types that show another type's values (inheritsFrom) */
  const matching: Change[] = []

  for (const handler of managed) {
    const { matches, leftovers, duplicates: twins } = matchItems(handler, env.declared.get(handler.type) ?? [], live.get(handler.type) ?? [])
    for (const { key, items } of twins) duplicates.push({ type: handler.type, key, count: items.length })
    for (const { index, key, item, live: current } of matches) {
      const at = (field?: string) => env.locate(handler.type, index, field)
      if (!current && handler.singleton) {
        // there is always one (a new tenant's settings come with it): set what the file declares
        if (!handler.update && !handler.applyGroup) issues.push({ ...at(), message: `${handler.type} ${quoted(key)} cannot be set by this plugin`, fix: 'set it by hand or remove it from the file' })
        forward.push({ op: 'update', type: handler.type, key, fields: describeNew(item, handler.writeOnly), item })
        continue
      }
      if (!current) {
        if (!handler.create && !handler.applyGroup) issues.push({ ...at(), message: `${handler.type} ${quoted(key)} does not exist and this plugin cannot create it`, fix: 'create it by hand or remove it from the file' })
        forward.push({ op: 'create', type: handler.type, key, fields: describeNew(item, handler.writeOnly), item })
        continue
      }
      const compared = compareItem(handler, item, current)
      const { state } = compared
      const secrets = options.sendSecrets ? (handler.writeOnly ?? []).filter((field) => own(item, field) !== undefined) : []
      const fields = [...compared.fields, ...secrets.map((path) => ({ path, live: SECRET_SHOWN, desired: SECRET_SHOWN }))]
      afterApply.set(`${handler.type}/${key}`, state)
      if (!fields.length) {
        if (handler.inheritsFrom) matching.push({ op: 'update', type: handler.type, key, fields: [], item: state, live: current, current: currentOf(current), reason: `written as it is, so that it keeps these values when ${handler.inheritsFrom} changes` })
        continue
      }
      if (handler.builtIn?.(current)) {
        const changeable = handler.builtInChangeable ?? []
        const refused = changeable === 'all' ? [] : fields.filter((field) => !changeable.includes(field.path.split('.')[0]!))
        if (refused.length) {
          const allowed = changeable.length ? `; Descope lets you change its ${(changeable as readonly string[]).join(', ')}` : ''
          issues.push({ ...at(), message: `${handler.type} ${quoted(handler.key(current))} is built into every Descope project and its ${refused.map((field) => field.path).join(', ')} cannot be changed${allowed}`, fix: 'declare those fields as they are live, or leave it out of the file' })
          continue
        }
      }
      for (const field of fields) {
        const top = field.path.split('.')[0]!
        if (handler.immutable?.includes(top)) {
          issues.push({ ...at(top), message: `${handler.type} ${quoted(key)}: ${top} cannot be changed once created (live ${JSON.stringify(field.live)}, file ${JSON.stringify(field.desired)})`, fix: `set it back to ${JSON.stringify(field.live)}, or delete and re-create the ${handler.type} by hand` })
        }
      }
      if (!handler.update && !handler.applyGroup) issues.push({ ...at(), message: `${handler.type} ${quoted(key)} differs from live (${fields.map((field) => field.path).join(', ')}) and this plugin cannot update it`, fix: handler.noUpdateFix ?? 'change it by hand or match the file to live' })
      forward.push({ op: 'update', type: handler.type, key, fields, item: state, live: current, current: currentOf(current) })
    }
    // one per project or per parent: nothing to prune, and the undeclared ones are simply not managed
    if (handler.singleton) continue
    for (const [key, item] of leftovers) {
      if (options.prune && (handler.delete || handler.applyGroup) && !env.partial?.has(handler.type)) {
        deletes.push({ op: 'delete', type: handler.type, key, fields: [], item, live: item, current: currentOf(item) })
      } else {
        unmanaged.push({ type: handler.type, key })
      }
    }
  }

  // an item that shows another type's values would follow that type's change: write it too
  const changing = new Set(forward.map((change) => change.type))
  forward.push(...matching.filter((change) => changing.has(handlers.get(change.type).inheritsFrom!)))

  const massDeletes = massDeleteIssues(managed, env, live, deletes, options.deleteGuard ?? DELETE_GUARD_DEFAULTS)
  issues.push(...massDeletes)
  issues.push(...referenceIssues(handlers, env, live, forward, deletes))
  issues.push(...claimIssues(managed, env, live, deletes, afterApply))
  // every problem at once; a mass delete names the code, as the one a flag can lift
  if (issues.length) throw new ConfigError(massDeletes.length ? 'MASS_DELETE' : 'PLAN_REFUSED', issues, { title: 'plan refused' })
  return {
    environment: env.name,
    changes: inApplyOrder([...forward, ...deletes.reverse()], handlers, env),
    unmanaged,
    duplicates,
    types: managed.map((handler) => handler.type),
    notes: [...notesOf(managed, live), ...forward.filter((change) => change.op === 'create').flatMap((change) => noted(handlers.get(change.type), change.item))],
  }
}

/** What each handler says of its live items (handler.notes), for the types given. */
export function notesOf(handlers: readonly AnyHandler[], live: LiveState): Noted[] {
  return handlers.flatMap((handler) => (handler.notes ? (live.get(handler.type) ?? []).flatMap((item) => noted(handler, item)) : []))
}

const noted = (handler: AnyHandler, item: object): Noted[] => {
  const notes = handler.notes?.(item) ?? []
  return notes.length ? [{ type: handler.type, key: handler.key(item), notes }] : []
}

/** A plan that would delete many items, or most of a type, is refused unless that is said to be meant. */
function massDeleteIssues(handlers: readonly AnyHandler[], env: Pick<Environment, 'locate'>, live: LiveState, deletes: Change[], guard: DeleteGuard | false): ConfigIssue[] {
  if (!guard) return []
  return handlers.flatMap((handler) => {
    const count = deletes.filter((change) => change.type === handler.type).length
    const total = (live.get(handler.type) ?? []).filter((item) => !handler.builtIn?.(item)).length
    const tooMany = count > guard.maxCount
    const tooMuch = count > 1 && count > guard.maxShare * total
    if (!tooMany && !tooMuch) return []
    const limits = [tooMany && `more than deleteGuard.maxCount (${guard.maxCount})`, tooMuch && `more than deleteGuard.maxShare (${Math.round(guard.maxShare * 100)}%) of them`].filter(Boolean).join(', and ')
    return [{
      ...env.locate(handler.type, -1),
      message: `the plan would delete ${count} of ${total} live ${handler.section} (${limits})`,
      fix: `check that the files (or the backup) hold every ${handler.type} you mean to keep: a ${handler.section} section cut short deletes the rest; to delete them all the same, pass --allow-mass-delete`,
    }]
  })
}

/**
 * Every reference of a declared item must name an item that is declared or live, and no delete
 * or rename may take away an item that an item still references: refuse before anything is written.
 */
function referenceIssues(
  handlers: Registry,
  env: Pick<Environment, 'declared' | 'locate'>,
  live: LiveState,
  forward: Change[],
  deletes: Change[],
): ConfigIssue[] {
  // every key declared or live, per type, found once: a reference is then one lookup
  const known = new Map(handlers.map((handler) => [handler.type, new Set([
    ...(env.declared.get(handler.type) ?? []).map((item) => handler.key(item)),
    ...(live.get(handler.type) ?? []).map((item) => handler.key(item)),
  ])]))
  const exists = (ref: Reference) => known.get(ref.type)?.has(ref.key) ?? false
  /** the key a reference names: its own, else its alternative when only that one exists */
  const resolve = (ref: Reference): Reference => (ref.orKey !== undefined && !exists(ref) && exists({ type: ref.type, key: ref.orKey }) ? { type: ref.type, key: ref.orKey } : ref)
  // the keys that go away: deleted (no new key), or renamed to a new key
  const deleted = new Set(deletes.map((change) => `${change.type}/${change.key}`))
  const gone = new Map<string, { renamedTo?: string }>([...deleted].map((key) => [key, {}]))
  const renamedFrom = new Map<string, string[]>()
  for (const change of forward) {
    const from = change.op === 'update' && change.live ? handlers.get(change.type).key(change.live) : change.key
    if (from === change.key) continue
    gone.set(`${change.type}/${from}`, { renamedTo: change.key })
    renamedFrom.set(change.type, [...(renamedFrom.get(change.type) ?? []), from])
  }
  const issues: ConfigIssue[] = []
  for (const handler of handlers) {
    env.declared.get(handler.type)?.forEach((item, index) => {
      for (const ref of (handler.references?.(item) ?? []).map(resolve)) {
        if (!handlers.has(ref.type)) continue // a type no configured plugin manages cannot be checked
        const where = env.locate(handler.type, index)
        if (!exists(ref)) {
          const fix = handler.files
            // an exported file keeps the name it had: after a rename, export it again
            ? `if ${ref.type} ${quoted(ref.key)} was renamed or removed, export the ${handler.type} again (${handler.files.export.command}); otherwise declare ${ref.type} ${quoted(ref.key)}`
            : `declare ${ref.type} ${quoted(ref.key)} or remove the reference`
          issues.push({ ...where, message: `${handler.type} ${quoted(handler.key(item))} references ${ref.type} ${quoted(ref.key)}, which is neither declared nor live`, fix })
        } else if (gone.has(`${ref.type}/${ref.key}`)) {
          const { renamedTo } = gone.get(`${ref.type}/${ref.key}`)!
          issues.push(renamedTo === undefined
            ? { ...where, message: `--prune would delete ${ref.type} ${quoted(ref.key)}, which ${handler.type} ${quoted(handler.key(item))} still references`, fix: `declare ${ref.type} ${quoted(ref.key)} or remove the reference first` }
            : { ...where, message: `${handler.type} ${quoted(handler.key(item))} references ${ref.type} ${quoted(ref.key)}, which the plan renames to ${quoted(renamedTo)}`, fix: `name ${ref.type} ${quoted(renamedTo)} in the ${handler.type} instead${handler.files ? ' (edit its file, or change it in the console and export it again)' : ''}; the plan then updates it after the rename` })
        }
      }
    })
    // live items no declared item stands for keep their references: a type not managed here, an
    // undeclared item left alone (no --prune), a flow a `flows: [a, b]` list leaves out
    const declared = env.declared.get(handler.type)
    const representedKeys = new Set([...(declared ?? []).map((item) => handler.key(item)), ...(renamedFrom.get(handler.type) ?? [])])
    const why = declared ? 'not declared in this environment' : `${handler.section} are not managed in this environment`
    for (const item of live.get(handler.type) ?? []) {
      const key = handler.key(item)
      if (representedKeys.has(key) || deleted.has(`${handler.type}/${key}`)) continue
      // an item Descope deletes with its owner goes with it: nothing is left to break
      const owner = handler.ownedBy?.(item)
      if (owner && deleted.has(`${owner.type}/${owner.key}`)) continue
      for (const ref of (handler.references?.(item) ?? []).map(resolve)) {
        const fate = gone.get(`${ref.type}/${ref.key}`)
        if (!fate) continue
        issues.push({ ...env.locate(ref.type, -1), message: fate.renamedTo === undefined
          ? `--prune would delete ${ref.type} ${quoted(ref.key)}, which live ${handler.type} ${quoted(key)} still references (${why})`
          : `the plan renames ${ref.type} ${quoted(ref.key)} to ${quoted(fate.renamedTo)}, which live ${handler.type} ${quoted(key)} still references by its old name (${why})`,
        fix: declared
          ? `keep ${ref.type} ${quoted(ref.key)}, or declare ${handler.type} ${quoted(key)} with the reference changed`
          : `keep ${ref.type} ${quoted(ref.key)}, or manage ${handler.section} here and change the reference in the same plan` })
      }
    }
  }
  return issues
}

/** A declared item may not take a claim (a domain) from a live item that keeps it. */
function claimIssues(
  handlers: readonly AnyHandler[],
  env: Pick<Environment, 'declared' | 'locate'>,
  live: LiveState,
  deletes: Change[],
  afterApply: Map<string, object>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const handler of handlers) {
    if (!handler.claims) continue
    const declared = env.declared.get(handler.type) ?? []
    const deleted = new Set(deletes.filter((change) => change.type === handler.type).map((change) => change.key))
    // what each live item will hold after the apply: a deleted one nothing, a declared one what
    // its update leaves it (fields the file does not declare keep their live values)
    const keepers = new Map<string, string>()
    for (const item of live.get(handler.type) ?? []) {
      const key = handler.key(item)
      if (deleted.has(key)) continue
      for (const claim of handler.claims(afterApply.get(`${handler.type}/${key}`) ?? item)) keepers.set(claim, key)
    }
    declared.forEach((item, index) => {
      for (const claim of handler.claims!(item)) {
        const holder = keepers.get(claim)
        if (holder === undefined || holder === handler.key(item)) continue
        issues.push({ ...env.locate(handler.type, index), message: `${handler.type} ${quoted(handler.key(item))} claims ${claim}, which live ${handler.type} ${quoted(holder)} holds and will keep`, fix: `declare ${handler.type} ${quoted(holder)} without it, or delete ${quoted(holder)} (--prune deletes it if no file declares it)` })
      }
    })
  }
  return issues
}

/** The changes in an order apply could run them one by one (and a cycle refused now, exit 3). */
function inApplyOrder(changes: Change[], handlers: Registry, env: Pick<Environment, 'declared' | 'locate'>): Change[] {
  let before: Map<Change, Change[]>
  try {
    before = dependencyGraph(changes, handlers)
  } catch (error) {
    if (!(error instanceof CycleError)) throw error
    const steps = error.cycle.map((change) => `${change.op} ${change.type} ${quoted(change.key)}`).join(' → ')
    throw new ConfigError('PLAN_CYCLE', error.cycle.slice(0, -1).map((change) => {
      const index = env.declared.get(change.type)?.findIndex((item) => handlers.get(change.type).key(item) === change.key) ?? -1
      return { ...env.locate(change.type, index), message: `${change.op} of ${change.type} ${quoted(change.key)} waits on itself through ${steps} (two items swapping a name or a domain)`, fix: 'apply it in two steps: first a sync that gives the value up, then one that takes it; nothing was written' }
    }), { cause: error, title: 'plan refused' })
  }
  return inDependencyOrder(changes, (change) => before.get(change) ?? [])
}
