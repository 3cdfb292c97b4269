// Previews: what a create or an update does beyond its fields, as its handler hears it from the
// API (handler.preview, a dry run), added to the plan's changes once live is read. What a
// preview says a change deletes (a schema change dropping a type, and every relation stored
// under it) is held to the rules for deleting items: refused without --prune, and counted by the
// delete guard, so a plan never loses data the user did not say could go. A dry run that refuses
// the item (400) is bad input: the plan is refused, naming where the item is declared.
import { ApiError, ConfigError, type ConfigIssue } from '../errors.ts'
import type { Environment } from '../config/environment.ts'
import type { HandlerContext, Preview } from '../contract.ts'
import type { LiveState, Plan } from './change.ts'
import { planChanges, type DeleteGuard, type PlanOptions } from './plan.ts'
import type { Registry } from './registry.ts'
import { quoted } from '../report/quote.ts'

export interface PreviewRules {
  prune: boolean
  /** as PlanOptions.deleteGuard: `false` lets any number through (--allow-mass-delete) */
  deleteGuard: DeleteGuard | false
}

/** The plan of `env` against live, and what each change's dry run says of it: how every task plans. */
export function planWithPreviews(
  handlers: Registry,
  env: Parameters<typeof planChanges>[1],
  live: LiveState,
  rules: PlanOptions & PreviewRules,
  contextFor: (type: string) => HandlerContext,
): Promise<Plan> {
  return previewPlan(planChanges(handlers, env, live, rules), handlers, contextFor, env, rules)
}

/** The plan with each create and update previewed by its handler, or refused (exit 3) for deletes not allowed. */
async function previewPlan(plan: Plan, handlers: Registry, contextFor: (type: string) => HandlerContext, env: Pick<Environment, 'declared' | 'locate'>, rules: PreviewRules): Promise<Plan> {
  const issues: ConfigIssue[] = []
  let massive = false
  const changes = []
  // one at a time, in plan order: a handful of dry runs, through the one throttled client
  for (const change of plan.changes) {
    const handler = handlers.get(change.type)
    if (!handler.preview || change.op === 'delete') {
      changes.push(change)
      continue
    }
    // the declared item (a singleton's section), else the type's section (a restore's item)
    const at = env.locate(change.type, (env.declared.get(change.type) ?? []).findIndex((item) => handler.key(item) === change.key))
    let said: Preview | undefined
    try {
      said = await handler.preview(contextFor(change.type), change.item, change.current)
    } catch (error) {
      // the dry run refused what is declared: bad input, as the file or backup states it
      if (!(error instanceof ApiError && error.status === 400)) throw error
      const code = `${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}`
      const why = [error.description, error.detail].filter(Boolean).join(': ')
      issues.push({ ...at, message: `${change.op} of ${change.type} ${quoted(change.key)}: Descope's dry run refused it (${code})${why ? `: ${why}` : ''}`, fix: 'correct it as Descope says; nothing was changed' })
      changes.push(change)
      continue
    }
    const preview = { notes: said?.notes ?? [], deletes: said?.deletes ?? [] }
    changes.push(preview.notes.length || preview.deletes.length ? { ...change, preview } : change)
    const count = preview.deletes.length
    if (!count) continue
    const what = `${change.op} of ${change.type} ${quoted(change.key)} would delete ${preview.deletes.join(', ')}`
    if (!rules.prune) {
      issues.push({ ...at, message: what, fix: `keep them in the file if they are still used; to delete them (and all that goes with them), pass --prune` })
      continue
    }
    const guard = rules.deleteGuard
    if (!guard) continue
    const tooMany = count > guard.maxCount
    const tooMuch = said?.of !== undefined && count > 1 && count > guard.maxShare * said.of
    if (!tooMany && !tooMuch) continue
    massive = true
    const limits = [tooMany && `more than deleteGuard.maxCount (${guard.maxCount})`, tooMuch && `more than deleteGuard.maxShare (${Math.round(guard.maxShare * 100)}%) of the ${said!.of} live`].filter(Boolean).join(', and ')
    issues.push({ ...at, message: `${what}: ${count} deletes, ${limits}`, fix: 'check that the file holds everything you mean to keep; to delete them all the same, pass --allow-mass-delete' })
  }
  if (issues.length) throw new ConfigError(massive ? 'MASS_DELETE' : 'PLAN_REFUSED', issues, { title: 'plan refused' })
  return { ...plan, changes }
}
