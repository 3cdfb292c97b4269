// Inbound (third-party) applications: apps that sign users in through Descope as their OAuth
// provider, with the scopes they may ask for (node-sdk `inboundApplication.*`; go-sdk
// internal/mgmt/third_party_application.go).
// Keyed by name; Descope addresses each by an id, and gives it a client id and a secret.
//
// Confirmed by node-sdk 2.13.0 (lib/management/inboundapplication.ts, paths.ts): POST
// /v1/mgmt/thirdparty/app/create takes the options (name, description, logo, loginPageUrl,
// approvedCallbackUrls, permissionsScopes and attributesScopes [{ name, description, values?,
// optional? }]) and answers { id, clientId, cleartext }; update takes them all with the id, patch
// some; delete { id } (and a /batch form); GET /v1/mgmt/thirdparty/app/load?id= answers the app
// bare, GET /v1/mgmt/thirdparty/apps/load { apps }; GET /app/secret?id= answers { cleartext }; POST
// /app/rotate { id }. ASSUMED: an update replaces every field; names are not unique (the API
// addresses apps by id), so a create is sent once. The secret goes only to the secrets channel.
// Not managed: users' consents (theirs, not the project's configuration), and rotation.
import * as v from 'valibot'
import { description, DESCRIPTION_MAX, displayName, name as schemaName, NAME_MAX, plainText, setOwn } from '../lib/config/schemas.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'

// A backup of live apps is checked with this schema too: it takes what the API may hold (a
// relative callback, a logo as a data: URL), checking only for control characters and size.
const Url = v.pipe(v.string(), v.maxLength(2048, 'must be at most 2048 characters'), plainText())
const Scope = v.strictObject({
  name: schemaName(NAME_MAX),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** the role or attribute names the scope grants */
  values: v.optional(v.pipe(v.array(v.pipe(v.string(), plainText())), v.transform(sortedUnique))),
  optional: v.optional(v.boolean()),
})
type Scope = v.InferOutput<typeof Scope>
const Scopes = v.pipe(
  v.array(Scope),
  v.check((scopes) => new Set(scopes.map((scope) => scope.name)).size === scopes.length, 'holds two scopes of one name: give each its own'),
  v.transform((scopes: Scope[]) => sortScopes(scopes.map(canonicalScope))),
)

export const InboundAppSchema = v.strictObject({
  name: displayName(256),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** a URL, or the image itself as a data: URL */
  logo: v.optional(v.pipe(v.string(), v.maxLength(4_000_000, 'must be at most 4000000 characters'))),
  loginPageUrl: v.optional(Url),
  approvedCallbackUrls: v.optional(v.pipe(v.array(Url), v.transform(sortedUnique))),
  permissionsScopes: v.optional(Scopes),
  attributesScopes: v.optional(Scopes),
})
export type InboundApp = v.InferOutput<typeof InboundAppSchema>

const LiveScope = v.looseObject({ name: v.string(), description: v.nullish(v.string()), values: v.nullish(v.array(v.string())), optional: v.nullish(v.boolean()) })
export const LiveInboundAppSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  description: v.nullish(v.string()),
  logo: v.nullish(v.string()),
  loginPageUrl: v.nullish(v.string()),
  approvedCallbackUrls: v.nullish(v.array(v.string())),
  permissionsScopes: v.nullish(v.array(LiveScope)),
  attributesScopes: v.nullish(v.array(LiveScope)),
})
export type LiveInboundApp = v.InferOutput<typeof LiveInboundAppSchema>

// typed operations for scripts: ctx.ops('inboundApp')
declare module '../lib/contract.ts' {
  interface ResourceTypes { inboundApp: InboundApp }
}

/** a scope with every field: what an update would otherwise reset */
function canonicalScope(scope: { name: string; description?: string | null; values?: string[] | null; optional?: boolean | null }): Scope {
  return { name: scope.name, description: scope.description ?? '', values: sortedUnique(scope.values ?? []), optional: scope.optional ?? false }
}
/** by name, then by every field: one order whatever order the API answers them in */
function sortScopes(scopes: Scope[]): Scope[] {
  const order = (scope: Scope) => JSON.stringify([scope.name, scope.description, scope.values, scope.optional])
  return scopes.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
}
const scopesOf = (scopes: v.InferOutput<typeof LiveScope>[] | null | undefined) => sortScopes((scopes ?? []).map(canonicalScope))

export function normalizeInboundApp(live: LiveInboundApp): InboundApp {
  return {
    name: live.name,
    description: live.description ?? '',
    logo: live.logo ?? '',
    loginPageUrl: live.loginPageUrl ?? '',
    approvedCallbackUrls: sortedUnique(live.approvedCallbackUrls ?? []),
    permissionsScopes: scopesOf(live.permissionsScopes),
    attributesScopes: scopesOf(live.attributesScopes),
  }
}

/** the options create and update take; scopes are required by the API, so always sent */
const body = (app: InboundApp) => ({ ...app, permissionsScopes: app.permissionsScopes ?? [], attributesScopes: app.attributesScopes ?? [] })

/** Typed inbound application operations for one-off scripts and the handler below. */
export function inboundAppApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    loadAll: async () => (await client.get<{ apps?: unknown[] }>('/v1/mgmt/thirdparty/apps/load')).apps ?? [],
    /** names are not unique: a create whose answer was lost must not be sent again (the engine checks live) */
    create: (app: InboundApp) => client.post<{ id: string; clientId: string; cleartext: string }>('/v1/mgmt/thirdparty/app/create', body(app), { once: true }),
    update: (id: string, app: InboundApp) => client.post('/v1/mgmt/thirdparty/app/update', { ...body(app), id }),
    delete: (id: string) => client.post('/v1/mgmt/thirdparty/app/delete', { id }),
  }
}

export default function inboundApps() {
  return definePlugin({
    name: 'inbound-apps',
    handlers: [defineHandler<InboundApp, LiveInboundApp>({
      type: 'inboundApp',
      section: 'inboundApps',
      schema: InboundAppSchema,
      liveSchema: LiveInboundAppSchema,
      key: (app) => app.name,
      serverId: (live) => live.id,
      serverOwned: ['id', 'clientId'],
      shownOnce: ['cleartext'],
      list: (ctx) => inboundAppApi(ctx).loadAll(),
      normalize: normalizeInboundApp,
      create: async (ctx, app) => {
        const { cleartext } = await inboundAppApi(ctx).create(app)
        return { secrets: { cleartext } }
      },
      update: async (ctx, app, current) => { await inboundAppApi(ctx).update(current!.id!, app) },
      delete: async (ctx, current) => { await inboundAppApi(ctx).delete(current.id!) },
    })],
    emulator: inboundAppEmulator(),
  })
}

type StoredApp = Required<InboundApp> & { id: string; clientId: string; secret: string }
type State = { apps: Record<string, StoredApp> }

const ScopeRequest = v.object({ name: v.pipe(v.string(), v.minLength(1, 'is required')), description: v.nullish(v.string()), values: v.nullish(v.array(v.string())), optional: v.nullish(v.boolean()) })
/** scope names are unique within a list (ASSUMED: Descope refuses two of one name) */
const distinctNames = (scopes: { name: string }[]) => new Set(scopes.map((scope) => scope.name)).size === scopes.length
const ScopeList = v.pipe(v.array(ScopeRequest), v.check(distinctNames, 'holds two scopes of one name'))
const AppRequest = v.object({
  name: v.pipe(v.string(), v.minLength(1, 'is required')),
  description: v.nullish(v.string()),
  logo: v.nullish(v.string()),
  loginPageUrl: v.nullish(v.string()),
  approvedCallbackUrls: v.nullish(v.array(v.string())),
  permissionsScopes: v.pipe(v.array(ScopeRequest, 'is required (a list, empty or not)'), v.check(distinctNames, 'holds two scopes of one name')),
  attributesScopes: v.nullish(ScopeList),
})

function fieldsOf(request: EmulatorRequest<State>, partial = false): Partial<InboundApp> {
  const given: Record<string, unknown> = request.parse(partial ? v.partial(AppRequest) : AppRequest, 'inbound application')
  return Object.fromEntries(Object.entries({
    name: given.name,
    description: given.description ?? (partial ? undefined : ''),
    logo: given.logo ?? (partial ? undefined : ''),
    loginPageUrl: given.loginPageUrl ?? (partial ? undefined : ''),
    approvedCallbackUrls: given.approvedCallbackUrls ?? (partial ? undefined : []),
    permissionsScopes: given.permissionsScopes,
    attributesScopes: given.attributesScopes ?? (partial ? undefined : []),
  }).filter(([, value]) => value !== undefined)) as Partial<InboundApp>
}
const idOf = (request: EmulatorRequest<State>): string => {
  const id = (request.body as { id?: unknown } | null)?.id ?? request.query.get('id')
  if (typeof id !== 'string' || !Object.hasOwn(request.state.apps, id)) return request.fail(404, `inbound application "${String(id)}" does not exist`)
  return id
}
/** an app as the API answers it: never its secret */
const shown = ({ secret: _never, ...app }: StoredApp) => app

function inboundAppEmulator() {
  return defineEmulator<State>({
    state: () => ({ apps: {} }),
    schema: v.object({ apps: v.record(v.string(), v.looseObject({ id: v.string(), name: v.string(), clientId: v.string(), secret: v.string() })) }) as never,
    routes: {
      'POST /v1/mgmt/thirdparty/app/create': {
        mutates: true,
        handle: (request) => {
          const app = { ...fieldsOf(request), id: request.newId('TPA'), clientId: request.newId('C'), secret: request.newId('S') } as StoredApp
          setOwn(request.state.apps, app.id, app)
          return { id: app.id, clientId: app.clientId, cleartext: app.secret }
        },
      },
      'POST /v1/mgmt/thirdparty/app/update': {
        mutates: true,
        handle: (request) => {
          const id = idOf(request)
          // an update replaces every field it takes
          Object.assign(request.state.apps[id]!, fieldsOf(request))
          return {}
        },
      },
      'POST /v1/mgmt/thirdparty/app/patch': {
        mutates: true,
        handle: (request) => {
          const id = idOf(request)
          Object.assign(request.state.apps[id]!, fieldsOf(request, true))
          return {}
        },
      },
      'POST /v1/mgmt/thirdparty/app/delete': {
        mutates: true,
        handle: (request) => {
          delete request.state.apps[idOf(request)]
          return {}
        },
      },
      'POST /v1/mgmt/thirdparty/app/delete/batch': {
        mutates: true,
        handle: (request) => {
          const ids = (request.body as { ids?: unknown } | null)?.ids
          if (!Array.isArray(ids)) return request.fail(400, 'ids must be a list of application ids')
          for (const id of ids) if (typeof id !== 'string' || !Object.hasOwn(request.state.apps, id)) request.fail(404, `inbound application "${String(id)}" does not exist`)
          for (const id of ids as string[]) delete request.state.apps[id]
          return {}
        },
      },
      'GET /v1/mgmt/thirdparty/app/load': { mutates: false, handle: (request) => shown(request.state.apps[idOf(request)]!) },
      'GET /v1/mgmt/thirdparty/apps/load': { mutates: false, handle: (request) => ({ apps: Object.values(request.state.apps).map(shown) }) },
      'GET /v1/mgmt/thirdparty/app/secret': { mutates: false, handle: (request) => ({ cleartext: request.state.apps[idOf(request)]!.secret }) },
      'POST /v1/mgmt/thirdparty/app/rotate': {
        mutates: true,
        handle: (request) => {
          request.state.apps[idOf(request)]!.secret = request.newId('S')
          return {}
        },
      },
    },
  })
}
