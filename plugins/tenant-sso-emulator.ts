// The emulator's part for tenant SSO settings (plugins/tenant-sso.ts): node-sdk's `sso.*`
// management routes, state by tenant id and then by ssoId ('' for the tenant's default
// configuration). Each configuration remembers its tenant's createdTime, so a tenant deleted and
// made again under its id (within the same second excepted) starts without settings, as it would
// in Descope, where they go with the tenant. The emulator's own tenant routes keep showing
// authType none and no SSO domains: those live here.
// ASSUMED beyond what the plugin's header confirms: an SSO domain belongs to one tenant at a time;
// a mapping's role must exist (the tenant's or the project's); a delete of settings never made
// succeeds; the settings of a tenant that does not exist are a 404.
import * as v from 'valibot'
import { dataRecord, setOwn } from '../lib/config/schemas.ts'
import { defineEmulator, type EmulatorRequest } from '../lib/plugin.ts'

const Str = v.nullish(v.string())
const Strings = v.nullish(v.array(v.string()))
const Mapping = v.nullish(dataRecord(v.unknown()))
const RoleMappings = v.nullish(v.array(v.object({ roleName: v.pipe(v.string(), v.minLength(1, 'is required')), groups: Strings })))

const OidcSettings = v.object({
  name: Str, clientId: v.pipe(v.string('is required'), v.minLength(1, 'is required')), clientSecret: Str, redirectUrl: Str,
  authUrl: Str, tokenUrl: Str, userDataUrl: Str, JWKsUrl: Str, issuer: Str, callbackDomain: Str, scope: Strings, prompt: Strings,
  grantType: v.nullish(v.picklist(['', 'authorization_code', 'implicit'])), manageProviderTokens: v.nullish(v.boolean()), userAttrMapping: Mapping,
})
const SamlCommon = { entityId: Str, attributeMapping: Mapping, roleMappings: RoleMappings, defaultSSORoles: Strings, spACSUrl: Str, spEntityId: Str }
const Required = v.pipe(v.string('is required'), v.minLength(1, 'is required'))
const SamlSettings = v.object({ ...SamlCommon, idpUrl: Required, entityId: Required, idpCert: Required })
const SamlMetadataSettings = v.object({ ...SamlCommon, idpMetadataUrl: Required })
const Target = { tenantId: v.string('is required'), ssoId: Str }
const OidcBody = v.object({ ...Target, settings: OidcSettings, domains: Strings })
const SamlBody = v.object({ ...Target, settings: SamlSettings, redirectUrl: Str, domains: Strings })
const SamlMetadataBody = v.object({ ...Target, settings: SamlMetadataSettings, redirectUrl: Str, domains: Strings })
const RedirectBody = v.object({ ...Target, samlRedirectUrl: Str, oauthRedirectUrl: Str })
const NewBody = v.object({ ...Target, displayName: Required })

type Oidc = Omit<v.InferOutput<typeof OidcSettings>, 'clientSecret'>
interface StoredSaml {
  idpEntityId: string
  idpSSOUrl: string
  idpCertificate: string
  idpMetadataUrl: string
  attributeMapping: Record<string, unknown>
  roleMappings: { roleName: string; groups: string[] }[]
  defaultSSORoles: string[]
  redirectUrl: string
  spACSUrl: string
  spEntityId: string
}
interface Config {
  /** the tenant's createdTime when this was set: another tenant of the same id does not see it */
  createdTime: number
  authType: 'none' | 'oidc' | 'saml'
  displayName: string
  domains: string[]
  saml: StoredSaml
  oidc?: Oidc
  /** kept, never answered */
  clientSecret: string
}
type State = { tenants: Record<string, Record<string, Config>> }
type Request = EmulatorRequest<State>

const ConfigSchema = v.looseObject({ createdTime: v.number(), authType: v.picklist(['none', 'oidc', 'saml']), domains: v.array(v.string()), saml: v.looseObject({}), clientSecret: v.string() })
const StateSchema = v.object({ tenants: dataRecord(dataRecord(ConfigSchema)) })

const EMPTY_SAML: StoredSaml = { idpEntityId: '', idpSSOUrl: '', idpCertificate: '', idpMetadataUrl: '', attributeMapping: {}, roleMappings: [], defaultSSORoles: [], redirectUrl: '', spACSUrl: '', spEntityId: '' }

/** The tenant, which must exist, and its configuration of `ssoId` when it has one of this tenant's. */
function target(request: Request, tenantId: unknown, ssoId: unknown) {
  if (typeof tenantId !== 'string' || !Object.hasOwn(request.project.tenants, tenantId)) return request.fail(404, `tenant "${String(tenantId)}" does not exist`)
  const tenant = request.project.tenants[tenantId]!
  const id = typeof ssoId === 'string' ? ssoId : ''
  const configs = Object.hasOwn(request.state.tenants, tenantId) ? request.state.tenants[tenantId]! : undefined
  const config = configs && Object.hasOwn(configs, id) && configs[id]!.createdTime === tenant.createdTime ? configs[id] : undefined
  return { tenant, ssoId: id, config }
}

/** Keeps `config` as the tenant's configuration `ssoId` (the other configurations of a tenant made again are dropped). */
function store(request: Request, tenantId: string, ssoId: string, config: Config) {
  const created = request.project.tenants[tenantId]!.createdTime
  const configs: Record<string, Config> = Object.create(null)
  const before = Object.hasOwn(request.state.tenants, tenantId) ? request.state.tenants[tenantId]! : {}
  for (const [id, kept] of Object.entries(before)) if (kept.createdTime === created) setOwn(configs, id, kept)
  setOwn(configs, ssoId, config)
  setOwn(request.state.tenants, tenantId, configs)
}

const blank = (created: number, displayName = ''): Config => ({ createdTime: created, authType: 'none', displayName, domains: [], saml: { ...EMPTY_SAML }, clientSecret: '' })

/** Refuses a domain another tenant's SSO holds, and roles that do not exist for this tenant. */
function assertFree(request: Request, tenantId: string, domains: string[], roles: string[]) {
  for (const [other, configs] of Object.entries(request.state.tenants)) {
    if (other === tenantId || !Object.hasOwn(request.project.tenants, other)) continue
    const live = Object.values(configs).filter((config) => config.createdTime === request.project.tenants[other]!.createdTime)
    const taken = domains.find((domain) => live.some((config) => config.domains.includes(domain.toLowerCase())))
    if (taken) request.fail(400, `domain "${taken}" is already an SSO domain of tenant "${other}"`)
  }
  const known = Object.values(request.project.roles).filter((role) => role.tenantId === '' || role.tenantId === tenantId).map((role) => role.name)
  const missing = roles.find((role) => !known.includes(role))
  if (missing) request.fail(400, `role "${missing}" does not exist in tenant "${tenantId}" or the project`)
}

const text = (value: string | null | undefined) => value ?? ''
const domainsOf = (domains: string[] | null | undefined) => [...new Set((domains ?? []).map((domain) => domain.toLowerCase()))]

function configureSaml(request: Request, body: v.InferOutput<typeof SamlBody> | v.InferOutput<typeof SamlMetadataBody>) {
  const { tenant, ssoId, config } = target(request, body.tenantId, body.ssoId)
  const { settings } = body
  const roleMappings = (settings.roleMappings ?? []).map((mapping) => ({ roleName: mapping.roleName, groups: mapping.groups ?? [] }))
  const defaultSSORoles = settings.defaultSSORoles ?? []
  const domains = domainsOf(body.domains)
  assertFree(request, tenant.id, domains, [...roleMappings.map((mapping) => mapping.roleName), ...defaultSSORoles])
  const byMetadata = 'idpMetadataUrl' in settings
  const base = config ?? blank(tenant.createdTime)
  const saml: StoredSaml = {
    ...base.saml,
    idpEntityId: text(settings.entityId),
    // by metadata, Descope would read the IdP's URL and certificate from it; the emulator fetches nothing
    idpSSOUrl: byMetadata ? '' : (settings as v.InferOutput<typeof SamlSettings>).idpUrl,
    idpCertificate: byMetadata ? '' : (settings as v.InferOutput<typeof SamlSettings>).idpCert,
    idpMetadataUrl: byMetadata ? (settings as v.InferOutput<typeof SamlMetadataSettings>).idpMetadataUrl : '',
    attributeMapping: settings.attributeMapping ?? {},
    roleMappings,
    defaultSSORoles,
    redirectUrl: text(body.redirectUrl),
    spACSUrl: text(settings.spACSUrl),
    spEntityId: text(settings.spEntityId),
  }
  store(request, tenant.id, ssoId, { ...base, authType: 'saml', domains, saml })
  return {}
}

/** A configuration as GET answers it: the tenant with its SSO domains, never the client secret. */
function served(request: Request, tenantId: string, ssoId: string, config: Config | undefined) {
  const tenant = request.project.tenants[tenantId]!
  const current = config ?? blank(tenant.createdTime)
  const roleId = (name: string) => Object.entries(request.project.roles).find(([, role]) => role.name === name && (role.tenantId === tenantId || role.tenantId === ''))?.[0] ?? ''
  const { roleMappings, spACSUrl, spEntityId, ...saml } = current.saml
  return {
    tenant: { id: tenant.id, name: tenant.name, domains: current.domains, authType: current.authType },
    saml: {
      ...saml,
      spEntityId: spEntityId || `https://descope.example/sp/${encodeURIComponent(tenantId)}`,
      spACSUrl: spACSUrl || `https://api.descope.example/v1/auth/saml/acs/${encodeURIComponent(tenantId)}`,
      spCertificate: '-----BEGIN CERTIFICATE-----\nMIIemulator\n-----END CERTIFICATE-----',
      groupsMapping: roleMappings.map(({ roleName, groups }) => ({ role: { id: roleId(roleName), name: roleName }, groups })),
    },
    ...(current.oidc ? { oidc: current.oidc } : {}),
    ssoId,
  }
}

export function tenantSsoEmulator() {
  return defineEmulator<State>({
    state: () => ({ tenants: {} }),
    schema: StateSchema as never,
    routes: {
      'GET /v2/mgmt/sso/settings': {
        mutates: false,
        handle: (request) => {
          const { tenant, ssoId, config } = target(request, request.query.get('tenantId'), request.query.get('ssoId'))
          if (ssoId && !config) request.fail(404, `tenant "${tenant.id}" has no SSO configuration "${ssoId}"`)
          return served(request, tenant.id, ssoId, config)
        },
      },
      'GET /v2/mgmt/sso/settings/all': {
        mutates: false,
        handle: (request) => {
          const { tenant, config } = target(request, request.query.get('tenantId'), '')
          const named = Object.entries(Object.hasOwn(request.state.tenants, tenant.id) ? request.state.tenants[tenant.id]! : {})
            .filter(([id, other]) => id !== '' && other.createdTime === tenant.createdTime)
            .sort(([a], [b]) => (a < b ? -1 : 1))
          return { SSOSettings: [served(request, tenant.id, '', config), ...named.map(([id, other]) => served(request, tenant.id, id, other))] }
        },
      },
      'POST /v1/mgmt/sso/oidc': {
        mutates: true,
        handle: (request) => {
          const body = request.parse(OidcBody, 'OIDC settings')
          const { tenant, ssoId, config } = target(request, body.tenantId, body.ssoId)
          const domains = domainsOf(body.domains)
          assertFree(request, tenant.id, domains, [])
          const { clientSecret, ...oidc } = body.settings
          const base = config ?? blank(tenant.createdTime)
          // a secret left out keeps the one set before (it is never read back to be sent again)
          store(request, tenant.id, ssoId, { ...base, authType: 'oidc', domains, oidc, clientSecret: clientSecret || base.clientSecret })
          return {}
        },
      },
      'POST /v1/mgmt/sso/saml': { mutates: true, handle: (request) => configureSaml(request, request.parse(SamlBody, 'SAML settings')) },
      'POST /v1/mgmt/sso/saml/metadata': { mutates: true, handle: (request) => configureSaml(request, request.parse(SamlMetadataBody, 'SAML metadata settings')) },
      'POST /v1/mgmt/sso/redirect': {
        mutates: true,
        handle: (request) => {
          const body = request.parse(RedirectBody, 'redirect URL')
          if (body.samlRedirectUrl == null && body.oauthRedirectUrl == null) request.fail(400, 'give samlRedirectUrl or oauthRedirectUrl')
          const { tenant, ssoId, config } = target(request, body.tenantId, body.ssoId)
          const base = config ?? blank(tenant.createdTime)
          const saml = body.samlRedirectUrl == null ? base.saml : { ...base.saml, redirectUrl: body.samlRedirectUrl }
          const oidc = body.oauthRedirectUrl == null || !base.oidc ? base.oidc : { ...base.oidc, redirectUrl: body.oauthRedirectUrl }
          store(request, tenant.id, ssoId, { ...base, saml, ...(oidc ? { oidc } : {}) })
          return {}
        },
      },
      'POST /v1/mgmt/sso/settings/new': {
        mutates: true,
        handle: (request) => {
          const body = request.parse(NewBody, 'new SSO configuration')
          const ssoId = body.ssoId || request.newId('SSO')
          const { tenant, config } = target(request, body.tenantId, ssoId)
          if (config) request.fail(409, `tenant "${tenant.id}" already has an SSO configuration "${ssoId}"`)
          const created = blank(tenant.createdTime, body.displayName)
          store(request, tenant.id, ssoId, created)
          return served(request, tenant.id, ssoId, created)
        },
      },
      'DELETE /v1/mgmt/sso/settings': {
        mutates: true,
        handle: (request) => {
          const { tenant, ssoId } = target(request, request.query.get('tenantId'), request.query.get('ssoId'))
          const configs = Object.hasOwn(request.state.tenants, tenant.id) ? request.state.tenants[tenant.id]! : undefined
          if (configs && Object.hasOwn(configs, ssoId)) delete configs[ssoId]
          return {}
        },
      },
    },
  })
}
