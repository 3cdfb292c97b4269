// Tenant custom attributes are defined per project before a tenant can hold a value (Descope
// console: Tenants → Custom Attributes; terraform-provider-descope
// internal/models/project/attributes/tenant.go; node-sdk PR #178). No public management
// endpoint creates or lists the definitions, so an environment states the ones it expects
// (`tenantAttributes:`), and every declared value is checked against them before any request.
// Descope's own refusal of an undefined attribute (likely, unconfirmed) is turned into an error
// that says what to do.
import * as v from 'valibot'
import { ApiError } from '../lib/errors.ts'
import type { ItemIssue } from '../lib/plugin.ts'
import { displayText, plainText } from '../lib/config/schemas.ts'

/** The types a definition may have, as the API spells them (TF `attributes/shared.go`). */
export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'singleselect', 'multiselect', 'date'] as const

const Option = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'), plainText())

/** an attribute's "Machine Name" as the console and TF allow it (stringattr.MachineIDValidator, at most 20) */
export const MachineName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be 1 to 20 letters, digits, _ or - (the console\'s Machine Name)'))

/** The console's "Display Name" of an attribute, tenant's or user's */
export const DisplayName = v.pipe(v.string(), v.maxLength(100, 'must be at most 100 characters'), displayText())

export const AttributeDefinitionSchema = v.pipe(
  v.strictObject({
    /** the console's "Machine Name": what a tenant's customAttributes key is */
    id: MachineName,
    /** the console's "Display Name" */
    name: v.optional(DisplayName),
    type: v.picklist(ATTRIBUTE_TYPES, `must be one of ${ATTRIBUTE_TYPES.join(', ')}`),
    /** the choices of a singleselect or multiselect attribute */
    options: v.optional(v.pipe(v.array(Option), v.minLength(1, 'must list at least one option'))),
  }),
  optionsMatchType(),
)
export type AttributeDefinition = v.InferOutput<typeof AttributeDefinitionSchema>

export const TenantAttributesSchema = v.pipe(
  v.array(AttributeDefinitionSchema),
  v.check((definitions) => new Set(definitions.map((definition) => definition.id)).size === definitions.length, 'defines an attribute id twice; give each its own'),
)

export const isSelect = (type: string) => type === 'singleselect' || type === 'multiselect'

/** A definition's options (a tenant's or a user's attribute): a select type lists some, no other type any. */
export function optionsMatchType<T extends { type: string; options?: unknown[] }>() {
  return v.check<T, string>((definition) => isSelect(definition.type) === (definition.options !== undefined), 'options: a singleselect or multiselect attribute lists its options, and no other type has any')
}

/** ASSUMED: a date is sent as ISO 8601 text (2026-12-01, or with a time) or as epoch milliseconds. */
const isDate = (value: unknown) => {
  if (typeof value === 'number') return Number.isFinite(value)
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value) : null
  if (!match || Number.isNaN(Date.parse(value as string))) return false
  // Date.parse rolls 2026-02-31 over into March: the day must exist in its month
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** What is wrong with `value` for `definition`, or undefined. null clears a value of any type. */
export function valueProblem(definition: AttributeDefinition, value: unknown): string | undefined {
  if (value === null) return undefined
  const options = definition.options ?? []
  switch (definition.type) {
    case 'string': return typeof value === 'string' ? undefined : 'must be text'
    // .nan and .inf would be sent as null (JSON has neither)
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number'
    case 'boolean': return typeof value === 'boolean' ? undefined : 'must be true or false'
    case 'date': return isDate(value) ? undefined : 'must be a date (2026-12-01, an ISO time, or epoch milliseconds)'
    case 'singleselect': return typeof value === 'string' && options.includes(value) ? undefined : `must be one of its options: ${options.join(', ')}`
    case 'multiselect':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && options.includes(item))) return `must be a list of its options: ${options.join(', ')}`
      return new Set(value).size === value.length ? undefined : 'names an option twice'
  }
}

/**
 * Each declared tenant's custom attributes against the environment's definitions: every key
 * defined, every value of its type. An environment that defines none is not checked.
 */
export function attributeIssues(tenants: { id: string; customAttributes?: Record<string, unknown> }[], definitions: AttributeDefinition[] | undefined): ItemIssue[] {
  if (!definitions) return []
  const byId = new Map(definitions.map((definition) => [definition.id, definition]))
  const issues: ItemIssue[] = []
  tenants.forEach((tenant, index) => {
    for (const [name, value] of Object.entries(tenant.customAttributes ?? {})) {
      const field = `customAttributes.${name}`
      const definition = byId.get(name)
      if (!definition) {
        issues.push({ index, field, message: `tenant "${tenant.id}" sets custom attribute "${name}", which tenantAttributes does not define`, fix: `define "${name}" in the Descope console (Tenants → Custom Attributes) and in tenantAttributes, or remove it from the tenant; defined: ${[...byId.keys()].join(', ') || 'none'}` })
        continue
      }
      const problem = valueProblem(definition, value)
      if (problem) issues.push({ index, field, message: `tenant "${tenant.id}": custom attribute "${name}" is a ${definition.type} attribute and ${problem}`, fix: `set a value of its type, or change its definition in the console and in tenantAttributes` })
    }
  })
  return issues
}

/**
 * Descope refusing a tenant's write (400) over a custom attribute: the same error, saying which
 * tenant and attribute, and the way out. Any other error passes as it is.
 */
export function explainRefusal(error: unknown, tenant: { id: string; customAttributes?: Record<string, unknown> }): unknown {
  if (!(error instanceof ApiError) || error.status !== 400) return error
  const names = Object.keys(tenant.customAttributes ?? {})
  const named = names.filter((name) => error.message.includes(`"${name}"`) || error.message.includes(`'${name}'`))
  if (!named.length) return error
  const which = named.map((name) => `"${name}"`).join(', ')
  return new ApiError({
    status: error.status,
    errorCode: error.errorCode,
    description: error.description,
    detail: `tenant "${tenant.id}": Descope refused custom attribute ${which}${error.detail ? ` (${error.detail})` : ''}`,
    method: error.method,
    path: error.path,
    hint: `If ${which} is not defined in this project, define it in the Descope console (Tenants → Custom Attributes) and in the environment's tenantAttributes; if it is, give it a value of its type and options; then run it again`,
    cause: error,
  })
}
