// SSO applications: apps that sign their users in with Descope as the identity provider, over
// OIDC or SAML (node-sdk `ssoApplication.*`; OpenAPI; docs.descope.com, SSO apps).
//
// Confirmed by node-sdk 2.13.0 (lib/management/ssoapplication.ts, paths.ts and the
// OidcApplicationOptions, SamlApplicationOptions and SSOApplication types) and go-sdk 1eb70cb
// (descope/internal/mgmt/ssoapplication.go, descope/types.go): POST
// /v1/mgmt/sso/idp/app/{oidc,saml}/create take the options flat (name, loginPageUrl, id?,
// description, logo, enabled, forceAuthentication; SAML adds useMetadataInfo, metadataUrl,
// entityId, acsUrl, certificate, attributeMapping [{name,type,value}], groupsMapping,
// acsAllowedCallbacks, subjectNameIdType, subjectNameIdFormat, defaultRelayState,
// logoutRedirectUrl, defaultSignatureAlgorithm) and answer { id }; …/update take the same with
// the id and answer {}; POST /app/delete { id }; GET /v1/mgmt/sso/idp/apps/load answers { apps },
// each with `appType` and its settings nested under `oidcSettings` or `samlSettings`, where the
// server adds what it computes (issuer, discoveryUrl, clientId; idpCert, idpEntityId, idpSsoUrl,
// idpMetadataUrl, idpInitiatedUrl, idpLogoutUrl), none of which is compared or sent. The SAML
// `certificate` is the service provider's public certificate and load returns it (node-sdk
// SSOApplicationSAMLSettings, go-sdk, the .NET SDK's generated model), so it is compared like any
// field; write it as ${VAR} when it differs per environment. The default application
// `descope-default-oidc`, "OIDC default application", "Default OIDC APP", is in every project,
// and its name, description and enabled flag may not change (terraform-provider-descope's OIDC
// app test, TestOIDCAppDefaultApplicationValidation).
//
// Decisions. Keyed by name: console-made apps get ids that differ per project, so `id` is the
// server's, never compared or carried, and a create lets Descope choose it. The declared shape
// is flat with `type: oidc | saml` (immutable: another protocol is another app), and an update
// sends every field, since updates replace them. No field is write-only: none of these
// endpoints takes private material, and a file naming a client secret is refused (not managed).
//
// ASSUMED: an update replaces every field; names are not unique (a create is sent once). Load
// answers the app bare (node-sdk, go-sdk, the Java SDK's CI test), but the .NET SDK's CI test
// reads `{ app }`: load() reads either. Request fields only go-sdk sends (OIDC clientType,
// approvedRedirectUrls, the grant switches, forcePkce, defaultAudience, backChannelLogoutUrl,
// jwtBearerSettings; SAML groupsMapping, whose roles carry this project's role ids; and
// customAttributes) are not managed: an update sends them back as live holds them, so it resets
// none, but a backup and a new project do not carry them. Not managed either: WS-Fed apps (left
// out of the list, never pruned), the OIDC client secret (getApplicationSecret, rotation) and
// importing a client (go-sdk's create-only clientId/clientSecret), OIDC `claims` (no management
// field sets them), and app custom attribute definitions.
import * as v from 'valibot'
import { description, DESCRIPTION_MAX, displayName, jsonObject, plainText, setOwn } from '../lib/config/schemas.ts'
import { byCodeUnit, sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type Current, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'

/** the application every project has (descope-dotnet UserTests.cs assigns it uncreated) */
export const DEFAULT_OIDC_APP = { id: 'descope-default-oidc', name: 'OIDC default application', description: 'Default OIDC APP' } as const

const Text = (max = 2048) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`), plainText())
const Mapping = v.strictObject({ name: Text(256), type: Text(256), value: Text(2048) })
type Mapping = v.InferOutput<typeof Mapping>
const byFields = (a: Mapping, b: Mapping) => byCodeUnit(JSON.stringify([a.name, a.type, a.value]), JSON.stringify([b.name, b.type, b.value]))
const mappings = (list: Mapping[]) => [...list].sort(byFields)

const Common = {
  name: displayName(256),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** a URL, or the image itself as a data: URL */
  logo: v.optional(v.pipe(v.string(), v.maxLength(4_000_000, 'must be at most 4000000 characters'))),
  enabled: v.optional(v.boolean()),
  /** where Descope sends users to sign in (its hosted flow page by default) */
  loginPageUrl: v.optional(Text()),
  forceAuthentication: v.optional(v.boolean()),
}
const OidcAppSchema = v.strictObject({ type: v.literal('oidc'), ...Common })
const SamlAppSchema = v.strictObject({
  type: v.literal('saml'),
  ...Common,
  /** true: the service provider's metadataUrl says the rest; false: entityId, acsUrl, certificate */
  useMetadataInfo: v.optional(v.boolean()),
  metadataUrl: v.optional(Text()),
  entityId: v.optional(Text()),
  acsUrl: v.optional(Text()),
  /** the service provider's public certificate (PEM) */
  certificate: v.optional(v.pipe(v.string(), v.maxLength(65_536, 'must be at most 65536 characters'))),
  attributeMapping: v.optional(v.pipe(v.array(Mapping), v.transform(mappings))),
  acsAllowedCallbacks: v.optional(v.pipe(v.array(Text()), v.transform(sortedUnique))),
  subjectNameIdType: v.optional(Text(256)),
  subjectNameIdFormat: v.optional(Text(256)),
  defaultRelayState: v.optional(Text()),
  logoutRedirectUrl: v.optional(Text()),
  /** "sha256", or "" for Descope's default (SHA-1) */
  defaultSignatureAlgorithm: v.optional(Text(64)),
})
export const SsoAppSchema = v.variant('type', [OidcAppSchema, SamlAppSchema], 'must say its type: oidc or saml')
export type SsoApp = v.InferOutput<typeof SsoAppSchema>
type SamlApp = v.InferOutput<typeof SamlAppSchema>

const Settings = v.nullish(v.looseObject({}))
export const LiveSsoAppSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  description: v.nullish(v.string()),
  logo: v.nullish(v.string()),
  enabled: v.nullish(v.boolean()),
  appType: v.picklist(['oidc', 'saml'], 'must be oidc or saml'),
  oidcSettings: Settings,
  samlSettings: Settings,
})
export type LiveSsoApp = v.InferOutput<typeof LiveSsoAppSchema>

// typed operations for scripts: ctx.ops('ssoApplication')
declare module '../lib/contract.ts' {
  interface ResourceTypes { ssoApplication: SsoApp }
}

const SAML_TEXT = ['metadataUrl', 'entityId', 'acsUrl', 'certificate', 'subjectNameIdType', 'subjectNameIdFormat', 'defaultRelayState', 'logoutRedirectUrl', 'defaultSignatureAlgorithm'] as const
/** request fields only go-sdk sends: kept as live holds them, never compared (see the header) */
const KEPT = { oidc: ['jwtBearerSettings', 'backChannelLogoutUrl', 'clientType', 'approvedRedirectUrls', 'authorizationCodeDisabled', 'clientCredentialsDisabled', 'refreshTokenDisabled', 'jwtBearerDisabled', 'deviceCodeDisabled', 'forcePkce', 'defaultAudience'], saml: ['groupsMapping'] } as const

const settingsOf = (live: LiveSsoApp): Record<string, unknown> => (live.appType === 'oidc' ? live.oidcSettings : live.samlSettings) ?? {}
const text = (value: unknown) => (typeof value === 'string' ? value : '')
const flag = (value: unknown) => value === true

/** every field, at its live value or its empty one: an update replaces them all */
export function normalizeSsoApp(live: LiveSsoApp): SsoApp {
  const settings = settingsOf(live)
  const common = {
    name: live.name,
    description: live.description ?? '',
    logo: live.logo ?? '',
    enabled: live.enabled ?? false,
    loginPageUrl: text(settings.loginPageUrl),
    forceAuthentication: flag(settings.forceAuthentication),
  }
  if (live.appType === 'oidc') return { type: 'oidc', ...common }
  const list = (value: unknown) => (Array.isArray(value) ? value : [])
  return {
    type: 'saml',
    ...common,
    useMetadataInfo: flag(settings.useMetadataInfo),
    ...Object.fromEntries(SAML_TEXT.map((field) => [field, text(settings[field])])) as Pick<SamlApp, typeof SAML_TEXT[number]>,
    attributeMapping: mappings(list(settings.attributeMapping).map((entry: Record<string, unknown>) => ({ name: text(entry?.name), type: text(entry?.type), value: text(entry?.value) }))),
    acsAllowedCallbacks: sortedUnique(list(settings.acsAllowedCallbacks).filter((url): url is string => typeof url === 'string')),
  }
}

/** the flat options create and update take: the app's fields, and on update what the plugin keeps as live holds it */
function body(app: SsoApp, current?: Current<SsoApp, LiveSsoApp>): Record<string, unknown> {
  const { type, ...fields } = app
  const kept: Record<string, unknown> = {}
  if (current) {
    const settings = settingsOf(current.raw)
    for (const field of KEPT[type]) if (Object.hasOwn(settings, field)) kept[field] = settings[field]
    const custom = (current.raw as { customAttributes?: unknown }).customAttributes
    if (custom !== undefined && custom !== null) kept.customAttributes = custom
  }
  return { ...kept, ...fields, enabled: fields.enabled ?? true }
}

/** Typed SSO application operations for one-off scripts and the handler below. */
export function ssoAppApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    /** every OIDC and SAML app; WS-Fed ones are not managed here */
    loadAll: async () => ((await client.get<{ apps?: unknown[] }>('/v1/mgmt/sso/idp/apps/load')).apps ?? [])
      .filter((app) => !(typeof (app as { appType?: unknown } | null)?.appType === 'string' && !['oidc', 'saml'].includes((app as { appType: string }).appType))),
    /** bare (node-sdk, go-sdk) or as `{ app }` (the .NET SDK) */
    load: async (id: string) => {
      const answer = await client.get<{ app?: unknown }>(`/v1/mgmt/sso/idp/app/load?id=${encodeURIComponent(id)}`)
      return answer.app ?? answer
    },
    /** names are not unique: a create whose answer was lost must not be sent again (the engine checks live) */
    create: (app: SsoApp) => client.post<{ id: string }>(`/v1/mgmt/sso/idp/app/${app.type}/create`, body(app), { once: true }),
    update: (id: string, app: SsoApp, current?: Current<SsoApp, LiveSsoApp>) => client.post(`/v1/mgmt/sso/idp/app/${app.type}/update`, { ...body(app, current), id }),
    delete: (id: string) => client.post('/v1/mgmt/sso/idp/app/delete', { id }),
  }
}

export default function ssoApps() {
  return definePlugin({
    name: 'sso-apps',
    handlers: [defineHandler<SsoApp, LiveSsoApp>({
      type: 'ssoApplication',
      section: 'ssoApplications',
      schema: SsoAppSchema,
      liveSchema: LiveSsoAppSchema,
      key: (app) => app.name,
      serverId: (live) => live.id,
      serverOwned: ['id'],
      immutable: ['type'],
      builtIn: (app) => app.type === 'oidc' && app.name === DEFAULT_OIDC_APP.name,
      // what the console lets you set on it besides the name, description and enabled flag that
      // Terraform's provider refuses to change; its logo is left alone, as nothing says either way
      builtInChangeable: ['loginPageUrl', 'forceAuthentication'],
      list: (ctx) => ssoAppApi(ctx).loadAll(),
      normalize: normalizeSsoApp,
      create: async (ctx, app) => { await ssoAppApi(ctx).create(app) },
      update: async (ctx, app, current) => { await ssoAppApi(ctx).update(current!.id!, app, current) },
      delete: async (ctx, current) => { await ssoAppApi(ctx).delete(current.id!) },
    })],
    emulator: ssoAppEmulator(),
  })
}

// The emulator's part: apps as the API answers them, by id.
type StoredApp = { id: string; name: string; description: string; logo: string; enabled: boolean; appType: 'oidc' | 'saml'; oidcSettings?: Record<string, unknown>; samlSettings?: Record<string, unknown>; customAttributes?: Record<string, unknown> }
type State = { apps: Record<string, StoredApp> }

const optionalText = v.nullish(v.string())
const CommonRequest = {
  id: v.nullish(v.pipe(v.string(), v.maxLength(30, 'must be at most 30 characters'), v.regex(/^[A-Za-z0-9_-]*$/, 'may hold only letters, digits, _ and -'))),
  name: v.pipe(v.string('is required'), v.minLength(1, 'is required')),
  description: optionalText,
  logo: optionalText,
  enabled: v.nullish(v.boolean()),
  loginPageUrl: optionalText,
  forceAuthentication: v.nullish(v.boolean()),
  customAttributes: v.nullish(jsonObject),
}
const MappingRequest = v.object({ name: v.string(), type: v.string(), value: v.string() })
const REQUESTS = {
  oidc: v.object({
    ...CommonRequest,
    jwtBearerSettings: v.nullish(jsonObject),
    backChannelLogoutUrl: optionalText,
    clientType: v.nullish(v.picklist(['', 'confidential', 'public'], 'must be "", confidential or public')),
    approvedRedirectUrls: v.nullish(v.array(v.string())),
    ...Object.fromEntries(['authorizationCodeDisabled', 'clientCredentialsDisabled', 'refreshTokenDisabled', 'jwtBearerDisabled', 'deviceCodeDisabled', 'forcePkce'].map((field) => [field, v.nullish(v.boolean())])),
    defaultAudience: optionalText,
  }),
  saml: v.object({
    ...CommonRequest,
    useMetadataInfo: v.nullish(v.boolean()),
    ...Object.fromEntries(SAML_TEXT.map((field) => [field, optionalText])),
    attributeMapping: v.nullish(v.array(MappingRequest)),
    groupsMapping: v.nullish(v.array(v.object({ name: v.string(), type: v.string(), filterType: v.string(), value: v.string(), roles: v.nullish(v.array(v.object({ id: v.string(), name: v.string() }))) }))),
    acsAllowedCallbacks: v.nullish(v.array(v.string())),
  }),
}
type Kind = keyof typeof REQUESTS
const SETTINGS = { oidc: 'oidcSettings', saml: 'samlSettings' } as const

const requestOf = (request: EmulatorRequest<State>, kind: Kind): Record<string, unknown> =>
  request.parse<Record<string, unknown>>(REQUESTS[kind], `${kind.toUpperCase()} application`)

/** the app as kept and answered: every field the request left out is reset, and the server adds what it computes */
function appOf(kind: Kind, id: string, given: Record<string, unknown>): StoredApp {
  const { id: _id, name, description, logo, enabled, customAttributes, ...settings } = given
  const computed = kind === 'oidc'
    ? { issuer: `https://api.descope.com/v1/apps/${id}`, discoveryUrl: `https://api.descope.com/v1/apps/${id}/.well-known/openid-configuration` }
    : { idpEntityId: `https://descope.com/${id}`, idpSsoUrl: `https://api.descope.com/v1/auth/saml/idp/sso/${id}`, idpMetadataUrl: `https://api.descope.com/v1/auth/saml/idp/metadata/${id}`, idpCert: `-----BEGIN CERTIFICATE-----\n${id}\n-----END CERTIFICATE-----` }
  const defaults = kind === 'oidc'
    ? { loginPageUrl: '', forceAuthentication: false }
    : { loginPageUrl: '', useMetadataInfo: false, ...Object.fromEntries(SAML_TEXT.map((field) => [field, ''])), attributeMapping: [], groupsMapping: [], acsAllowedCallbacks: [], forceAuthentication: false }
  const present = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && value !== null))
  return {
    id,
    name: name as string,
    description: (description as string | undefined) ?? '',
    logo: (logo as string | undefined) ?? '',
    enabled: (enabled as boolean | undefined) ?? false,
    appType: kind,
    [SETTINGS[kind]]: { ...defaults, ...present, ...computed },
    ...(customAttributes ? { customAttributes: customAttributes as Record<string, unknown> } : {}),
  }
}

const idOf = (request: EmulatorRequest<State>): string => {
  const id = (request.body as { id?: unknown } | null)?.id ?? request.query.get('id')
  if (typeof id !== 'string' || id === '') return request.fail(400, 'missing required field(s): id')
  if (!Object.hasOwn(request.state.apps, id)) return request.fail(404, `SSO application "${id}" does not exist`)
  return id
}

const createRoute = (kind: Kind) => ({
  mutates: true,
  handle: (request: EmulatorRequest<State>) => {
    const given = requestOf(request, kind)
    const id = (given.id as string | undefined) || request.newId('SA')
    if (Object.hasOwn(request.state.apps, id)) return request.fail(409, `an SSO application with id "${id}" already exists`)
    setOwn(request.state.apps, id, appOf(kind, id, given))
    return { id }
  },
})
const updateRoute = (kind: Kind) => ({
  mutates: true,
  handle: (request: EmulatorRequest<State>) => {
    const given = requestOf(request, kind)
    const id = idOf(request)
    const stored = request.state.apps[id]!
    if (stored.appType !== kind) return request.fail(400, `SSO application "${id}" is a ${stored.appType.toUpperCase()} application, not ${kind.toUpperCase()}`)
    // ASSUMED: the default application keeps its name, description and enabled flag (Terraform's provider refuses to change them)
    if (id === DEFAULT_OIDC_APP.id && (given.name !== stored.name || (given.description ?? '') !== stored.description || given.enabled !== true)) {
      return request.fail(400, `the name, description and enabled flag of the default application "${id}" cannot be changed`)
    }
    setOwn(request.state.apps, id, appOf(kind, id, given))
    return {}
  },
})

function ssoAppEmulator() {
  return defineEmulator<State>({
    // a new project holds the default OIDC application, a blank one nothing
    state: ({ blank }) => {
      const apps: Record<string, StoredApp> = {}
      if (!blank) setOwn(apps, DEFAULT_OIDC_APP.id, appOf('oidc', DEFAULT_OIDC_APP.id, { name: DEFAULT_OIDC_APP.name, description: DEFAULT_OIDC_APP.description, enabled: true }))
      return { apps }
    },
    schema: v.object({ apps: v.record(v.string(), v.looseObject({ id: v.string(), name: v.string(), appType: v.picklist(['oidc', 'saml']) })) }) as never,
    routes: {
      'POST /v1/mgmt/sso/idp/app/oidc/create': createRoute('oidc'),
      'POST /v1/mgmt/sso/idp/app/saml/create': createRoute('saml'),
      'POST /v1/mgmt/sso/idp/app/oidc/update': updateRoute('oidc'),
      'POST /v1/mgmt/sso/idp/app/saml/update': updateRoute('saml'),
      'POST /v1/mgmt/sso/idp/app/delete': {
        mutates: true,
        handle: (request) => {
          const id = idOf(request)
          // ASSUMED: Descope keeps its default application (unconfirmed, so a tool must not try)
          if (id === DEFAULT_OIDC_APP.id) return request.fail(400, `the default application "${id}" cannot be deleted`)
          delete request.state.apps[id]
          return {}
        },
      },
      'GET /v1/mgmt/sso/idp/app/load': { mutates: false, handle: (request) => request.state.apps[idOf(request)]! },
      'GET /v1/mgmt/sso/idp/apps/load': { mutates: false, handle: (request) => ({ apps: Object.values(request.state.apps) }) },
    },
  })
}
