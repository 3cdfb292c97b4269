// JWT templates: the claims and shape of the tokens Descope issues (node-sdk `jwtTemplate.*`;
// go-sdk internal/mgmt/jwttemplate.go). Keyed by name; Descope addresses each by an id of its own.
//
// Confirmed by node-sdk 2.13.0 (lib/management/jwttemplate.ts and its JWTTemplate type): POST
// /v1/mgmt/jwt/templates/{create,update} take `{ template }` and answer `{ template }`, delete
// and load take `{ id }`, list answers `{ templates }`, validate `{ id, template }` answers
// `{ valid, issues }`; the fields are name, description, template (the claims), type,
// authSchema, tags, source, and the flags conformanceIssuer, autoDCT, enforceIssuer,
// overrideSubject, omitCustomClaimsFromDSR, addJti and excludePermissions, with emptyClaimPolicy
// and issuerType as strings. ASSUMED: an update replaces every field (so every one is sent);
// the values `type`, `authSchema`, `emptyClaimPolicy` and `issuerType` take are not published,
// so they are passed as the file gives them. Not managed: the template library (applying an
// entry makes an ordinary template, which is then managed like any other).
import * as v from 'valibot'
import { description, DESCRIPTION_MAX, displayName, jsonObject, name as schemaName, NAME_MAX, setOwn } from '../lib/config/schemas.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'

const Word = v.pipe(v.string(), v.maxLength(64, 'must be at most 64 characters'))
const FLAGS = ['conformanceIssuer', 'autoDCT', 'enforceIssuer', 'overrideSubject', 'omitCustomClaimsFromDSR', 'addJti', 'excludePermissions'] as const
const WORDS = ['type', 'authSchema', 'emptyClaimPolicy', 'issuerType', 'source'] as const

export const JwtTemplateSchema = v.strictObject({
  name: displayName(256),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** the claims: what a token of this template holds, with Descope's {{...}} expressions */
  template: v.optional(jsonObject),
  tags: v.optional(v.pipe(v.array(schemaName(NAME_MAX)), v.transform(sortedUnique))),
  ...Object.fromEntries(WORDS.map((field) => [field, v.optional(Word)])) as Record<typeof WORDS[number], v.OptionalSchema<typeof Word, undefined>>,
  ...Object.fromEntries(FLAGS.map((flag) => [flag, v.optional(v.boolean())])) as Record<typeof FLAGS[number], v.OptionalSchema<v.BooleanSchema<undefined>, undefined>>,
})
export type JwtTemplate = v.InferOutput<typeof JwtTemplateSchema>

export const LiveJwtTemplateSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  description: v.nullish(v.string()),
  template: v.nullish(jsonObject),
  tags: v.nullish(v.array(v.string())),
  ...Object.fromEntries(WORDS.map((field) => [field, v.nullish(v.string())])),
  ...Object.fromEntries(FLAGS.map((flag) => [flag, v.nullish(v.boolean())])),
})
export type LiveJwtTemplate = v.InferOutput<typeof LiveJwtTemplateSchema>

// typed operations for scripts: ctx.ops('jwtTemplate')
declare module '../lib/contract.ts' {
  interface ResourceTypes { jwtTemplate: JwtTemplate }
}

/** every field, at its live value or its empty one: an update replaces them all */
export function normalizeJwtTemplate(live: LiveJwtTemplate): JwtTemplate {
  const record = live as Record<string, unknown>
  return {
    name: live.name,
    description: live.description ?? '',
    template: (live.template ?? {}) as JwtTemplate['template'],
    tags: sortedUnique(live.tags ?? []),
    ...Object.fromEntries(WORDS.map((field) => [field, (record[field] as string | null | undefined) ?? ''])),
    ...Object.fromEntries(FLAGS.map((flag) => [flag, (record[flag] as boolean | null | undefined) ?? false])),
  } as JwtTemplate
}

const withoutEmptyWords = (template: JwtTemplate): JwtTemplate =>
  Object.fromEntries(Object.entries(template).filter(([field, value]) => !(WORDS as readonly string[]).includes(field) || value !== '')) as JwtTemplate

/** Typed JWT template operations for one-off scripts and the handler below. */
export function jwtTemplateApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    list: async () => (await client.post<{ templates?: unknown[] }>('/v1/mgmt/jwt/templates/list', {})).templates ?? [],
    create: (template: JwtTemplate) => client.post('/v1/mgmt/jwt/templates/create', { template }),
    /** every field (an update replaces them), but the words left empty: their values are not published, and "" may not be one */
    update: (id: string, template: JwtTemplate) => client.post('/v1/mgmt/jwt/templates/update', { template: { ...withoutEmptyWords(template), id } }),
    delete: (id: string) => client.post('/v1/mgmt/jwt/templates/delete', { id }),
  }
}

export default function jwtTemplates() {
  return definePlugin({
    name: 'jwt-templates',
    handlers: [defineHandler<JwtTemplate, LiveJwtTemplate>({
      type: 'jwtTemplate',
      section: 'jwtTemplates',
      schema: JwtTemplateSchema,
      liveSchema: LiveJwtTemplateSchema,
      key: (template) => template.name,
      serverId: (live) => live.id,
      serverOwned: ['id'],
      list: (ctx) => jwtTemplateApi(ctx).list(),
      normalize: normalizeJwtTemplate,
      create: async (ctx, template) => { await jwtTemplateApi(ctx).create(template) },
      update: async (ctx, template, current) => { await jwtTemplateApi(ctx).update(current!.id!, template) },
      delete: async (ctx, current) => { await jwtTemplateApi(ctx).delete(current.id!) },
    })],
    emulator: jwtTemplateEmulator(),
  })
}

type Stored = LiveJwtTemplate & { id: string }
type State = { templates: Record<string, Stored> }

/** the whole request checked before anything is kept: what the plugin reads back must parse */
const TemplateRequest = v.object({
  name: v.pipe(v.string(), v.minLength(1, 'is required')),
  description: v.nullish(v.string()),
  template: v.nullish(v.record(v.string(), v.unknown())),
  tags: v.nullish(v.array(v.string())),
  ...Object.fromEntries(WORDS.map((field) => [field, v.nullish(v.string())])),
  ...Object.fromEntries(FLAGS.map((flag) => [flag, v.nullish(v.boolean())])),
})

/** the request's template, checked: a name, and claims that are an object */
function templateOf(request: EmulatorRequest<State>): Record<string, unknown> {
  const given = (request.body as { template?: unknown } | null)?.template
  request.parse(TemplateRequest, 'JWT template', given)
  return given as Record<string, unknown>
}
const byId = (request: EmulatorRequest<State>, id: unknown): Stored => {
  if (typeof id !== 'string' || !Object.hasOwn(request.state.templates, id)) return request.fail(404, `JWT template "${String(id)}" does not exist`)
  return request.state.templates[id]!
}
const taken = (request: EmulatorRequest<State>, name: string, except?: string) =>
  Object.values(request.state.templates).some((template) => template.name === name && template.id !== except)

function jwtTemplateEmulator() {
  return defineEmulator<State>({
    state: () => ({ templates: {} }),
    schema: v.object({ templates: v.record(v.string(), v.looseObject({ id: v.string(), name: v.string() })) }) as never,
    routes: {
      'POST /v1/mgmt/jwt/templates/create': {
        mutates: true,
        handle: (request) => {
          const given = templateOf(request)
          if (taken(request, given.name as string)) return request.fail(409, `a JWT template named "${String(given.name)}" already exists`)
          const template = { ...given, id: request.newId('JT') } as Stored
          setOwn(request.state.templates, template.id, template)
          return { template }
        },
      },
      'POST /v1/mgmt/jwt/templates/update': {
        mutates: true,
        handle: (request) => {
          const given = templateOf(request)
          const stored = byId(request, given.id)
          if (taken(request, given.name as string, stored.id)) return request.fail(409, `a JWT template named "${String(given.name)}" already exists`)
          // an update replaces every field: what it leaves out is gone
          const template = { ...given, id: stored.id } as Stored
          setOwn(request.state.templates, stored.id, template)
          return { template }
        },
      },
      'POST /v1/mgmt/jwt/templates/delete': {
        mutates: true,
        handle: (request) => {
          delete request.state.templates[byId(request, (request.body as { id?: unknown } | null)?.id).id]
          return {}
        },
      },
      'POST /v1/mgmt/jwt/templates/list': { mutates: false, handle: (request) => ({ templates: Object.values(request.state.templates) }) },
      'POST /v1/mgmt/jwt/templates/load': { mutates: false, handle: (request) => ({ template: byId(request, (request.body as { id?: unknown } | null)?.id) }) },
      'POST /v1/mgmt/jwt/templates/validate': {
        mutates: false,
        handle: (request) => {
          const { id, template } = (request.body ?? {}) as { id?: unknown; template?: { template?: unknown } }
          const claims = template ? template.template : byId(request, id).template
          // what the emulator can check: the claims are an object (Descope checks expressions too)
          const valid = claims === undefined || claims === null || (typeof claims === 'object' && !Array.isArray(claims))
          return valid ? { valid } : { valid, issues: [{ message: 'the claims must be an object', severity: 'error', path: 'template' }] }
        },
      },
    },
  })
}
