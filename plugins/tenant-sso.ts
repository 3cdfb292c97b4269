// A tenant's SSO connection: OIDC, or SAML by explicit settings or by a metadata URL, with the
// tenant's SSO domains and the redirect URL (node-sdk `sso.*`; go-sdk internal/mgmt/sso.go). One
// per tenant: the section is a map by tenant id, read and updated, never created; `protocol:
// none` removes it.
// A tenant may follow another's declared settings (`follows: acme`), with its own overrides.
//
// Confirmed by node-sdk 2.13.0 (lib/management/sso.ts, types.ts, paths.ts) and go-sdk
// (descope/internal/mgmt/sso.go, descope/types.go): GET /v2/mgmt/sso/settings?tenantId=[&ssoId=]
// answers { tenant, saml?, oidc?, ssoId? }; POST /v1/mgmt/sso/oidc { tenantId, settings, domains }
// whose settings carry name, clientId, clientSecret, redirectUrl, authUrl, tokenUrl, userDataUrl,
// scope, JWKsUrl, userAttrMapping, manageProviderTokens, callbackDomain, prompt, grantType and
// issuer, the secret "empty on response" (go-sdk); POST /v1/mgmt/sso/saml { tenantId, settings:
// { idpUrl, entityId, idpCert, attributeMapping, roleMappings [{ groups, roleName }],
// defaultSSORoles }, redirectUrl, domains } and /v1/mgmt/sso/saml/metadata the same with
// idpMetadataUrl; DELETE /v1/mgmt/sso/settings?tenantId=. The .NET and Java SDKs' tests against
// the real API (SsoTests.cs, SsoServiceImplTest.java) show the domains coming back on
// `tenant.domains`, the SAML redirect URL on `saml.redirectUrl`, `idpUrl` as `saml.idpSSOUrl` and
// `idpCert` as `saml.idpCertificate`, role mappings as `groupsMapping` [{ role: { id, name },
// groups }], a tenant never configured answering a `saml` with its service-provider part only,
// and one whose settings were deleted a `saml` without an IdP URL.
// ASSUMED: the connection in use is `tenant.authType` (else whichever holds settings); a
// configure replaces every field it takes, except an OIDC client secret left out, which is kept;
// with a metadata URL Descope keeps the entity id it is given; a tenant that does not exist
// answers 404. Only the tenant's default configuration is managed (no ssoId); additional named
// configurations (newSettings), OIDC role mappings (node-sdk sends roleMappings, go-sdk
// groupsMapping), groupsPriority, FGA mappings, the SP fields (spACSUrl, spEntityId,
// certificates: Descope's, different per environment) and SCIM are not managed.
import * as v from 'valibot'
import { dataRecord, own, plainText } from '../lib/config/schemas.ts'
import { unlessNotFound } from '../lib/client/client.ts'
import { byCodeUnit, sortedUnique } from '../lib/engine/normalize.ts'
import { definePlugin, defineHandler, type HandlerContext, type ItemIssue, type Reference } from '../lib/plugin.ts'
import { DOMAIN, listPerTenant, tenantGroup } from './tenants.ts'
import { tenantSsoEmulator } from './tenant-sso-emulator.ts'

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max, `must be at most ${max} characters`), plainText())
const Url = Text(2048)
const Names = v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), plainText())), v.transform(sortedUnique))

const MAPPED = ['name', 'email', 'username', 'phoneNumber', 'givenName', 'middleName', 'familyName', 'picture', 'verifiedEmail', 'verifiedPhone', 'group'] as const
/** which IdP claim or attribute fills each user field; `loginId` for OIDC only */
const AttributeMapping = v.strictObject({
  loginId: v.optional(Text(256)),
  ...Object.fromEntries(MAPPED.map((field) => [field, v.optional(Text(256))])) as Record<(typeof MAPPED)[number], v.OptionalSchema<ReturnType<typeof Text>, undefined>>,
  customAttributes: v.optional(dataRecord(Text(256))),
})
type AttributeMapping = v.InferOutput<typeof AttributeMapping>
const RoleMapping = v.strictObject({ roleName: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), plainText()), groups: Names })
type RoleMapping = v.InferOutput<typeof RoleMapping>

/** Every field a file may give one tenant; which apply depends on `protocol` (see FIELDS). */
export const TenantSsoSchema = v.strictObject({
  tenantId: v.pipe(v.string(), v.minLength(1)),
  /** another tenant whose declared settings these are, with this entry's fields over them */
  follows: v.optional(v.pipe(v.string(), v.minLength(1, 'must name a tenant'))),
  protocol: v.optional(v.picklist(['oidc', 'saml', 'none'], 'must be oidc, saml or none')),
  /** the email domains whose users sign in through this connection */
  domains: v.optional(v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.regex(DOMAIN, 'must be a domain name such as acme.com (no scheme, path or @)'))),
    v.transform(sortedUnique),
  )),
  /** where a user lands after signing in through the IdP */
  redirectUrl: v.optional(Url),
  attributeMapping: v.optional(AttributeMapping),
  // OIDC
  name: v.optional(Text(256)),
  clientId: v.optional(Text(1024)),
  /** write-only: `${VAR}` only, sent with every update, never read back */
  clientSecret: v.optional(v.string()),
  authUrl: v.optional(Url),
  tokenUrl: v.optional(Url),
  userDataUrl: v.optional(Url),
  JWKsUrl: v.optional(Url),
  issuer: v.optional(Url),
  callbackDomain: v.optional(Text(253)),
  scope: v.optional(Names),
  prompt: v.optional(v.pipe(v.array(v.picklist(['none', 'login', 'consent', 'select_account'], 'must be none, login, consent or select_account')), v.transform((prompts) => sortedUnique(prompts) as typeof prompts))),
  grantType: v.optional(v.picklist(['authorization_code', 'implicit'], 'must be authorization_code or implicit')),
  manageProviderTokens: v.optional(v.boolean()),
  // SAML: by metadata URL, or by the IdP's URL, entity id and certificate
  idpMetadataUrl: v.optional(Url),
  idpUrl: v.optional(Url),
  entityId: v.optional(Text(1024)),
  idpCert: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(65_536, 'must be at most 65536 characters'))),
  roleMappings: v.optional(v.pipe(v.array(RoleMapping), v.transform((mappings: RoleMapping[]) => sortMappings(mappings)))),
  defaultSSORoles: v.optional(Names),
})
export type TenantSso = v.InferOutput<typeof TenantSsoSchema>
type Field = keyof TenantSso

const COMMON: Field[] = ['tenantId', 'protocol', 'domains', 'redirectUrl']
/** the fields each protocol takes, and those it needs */
const FIELDS: Record<'oidc' | 'saml' | 'none', { takes: Field[]; needs: Field[] }> = {
  oidc: { takes: [...COMMON, 'attributeMapping', 'name', 'clientId', 'clientSecret', 'authUrl', 'tokenUrl', 'userDataUrl', 'JWKsUrl', 'issuer', 'callbackDomain', 'scope', 'prompt', 'grantType', 'manageProviderTokens'], needs: ['name', 'clientId'] },
  saml: { takes: [...COMMON, 'attributeMapping', 'idpMetadataUrl', 'idpUrl', 'entityId', 'idpCert', 'roleMappings', 'defaultSSORoles'], needs: [] },
  none: { takes: ['tenantId', 'protocol'], needs: [] },
}
const EXPLICIT_SAML: Field[] = ['idpUrl', 'entityId', 'idpCert']

function sortMappings(mappings: RoleMapping[]): RoleMapping[] {
  const merged = new Map<string, string[]>()
  for (const { roleName, groups } of mappings) merged.set(roleName, sortedUnique([...(merged.get(roleName) ?? []), ...groups]))
  return [...merged].sort(([a], [b]) => byCodeUnit(a, b)).map(([roleName, groups]) => ({ roleName, groups }))
}

/** Leaves out what is empty ('' , [], {}, false, undefined): a field left out and one set empty compare equal. */
function compact<T extends object>(item: T): T {
  const entries = Object.entries(item).flatMap(([field, value]): [string, unknown][] => {
    if (value === undefined || value === '' || value === false || value === null) return []
    if (Array.isArray(value)) return value.length ? [[field, value]] : []
    if (typeof value === 'object') {
      const inner = compact(value as object)
      return Object.keys(inner).length ? [[field, inner]] : []
    }
    return [[field, value]]
  })
  return Object.fromEntries(entries) as T
}

// ---- follows: a tenant's settings are another's, as the files declare them, with its overrides

/**
 * The follower's settings over the followed's: a field the follower sets replaces the other's,
 * attributeMapping (and its customAttributes) merges key by key, a list replaces the whole list.
 * The domains are never taken over (they say which users are the tenant's), nor `follows`.
 */
export function mergeFollowed(followed: TenantSso, follower: TenantSso): TenantSso {
  const { domains: _theirs, follows: _none, tenantId: _id, ...inherited } = followed
  const { follows: _follows, ...own } = follower
  const merged: TenantSso = { ...inherited, ...own }
  if (followed.attributeMapping || follower.attributeMapping) {
    merged.attributeMapping = { ...followed.attributeMapping, ...follower.attributeMapping }
    const custom = { ...followed.attributeMapping?.customAttributes, ...follower.attributeMapping?.customAttributes }
    if (Object.keys(custom).length) merged.attributeMapping.customAttributes = custom
  }
  return merged
}

/** Problems with `follows`: a tenant not declared, itself, or one that follows another (no chains). */
function followIssues(items: TenantSso[], byTenant: Map<string, TenantSso>): ItemIssue[] {
  return items.flatMap((item, index): ItemIssue[] => {
    const target = item.follows
    if (target === undefined) return []
    const followed = byTenant.get(target)
    const issue = (message: string, fix: string): ItemIssue[] => [{ index, field: 'follows', message, fix }]
    if (target === item.tenantId) return issue(`tenant "${item.tenantId}" follows itself`, 'remove follows, or name the tenant whose settings these are')
    if (!followed) return issue(`follows tenant "${target}", whose SSO settings this environment does not declare`, `declare tenantSso.${target} (the settings written once, as set up by hand), or follow a tenant that is declared`)
    if (followed.follows !== undefined) return issue(`follows tenant "${target}", which itself follows "${followed.follows}"; a chain of follows is not supported`, followed.follows === item.tenantId ? 'the two follow each other: remove follows from one of them' : `write follows: ${followed.follows}`)
    if (item.protocol !== undefined && followed.protocol !== undefined && item.protocol !== followed.protocol) return issue(`tenant "${item.tenantId}" declares protocol ${item.protocol} but follows "${target}", whose protocol is ${followed.protocol}`, 'follow a tenant of the same protocol, or declare these settings whole, without follows')
    return []
  })
}

/** The resolved item's own problems: a protocol, the fields it takes and needs, one kind of SAML. */
function resolvedIssues(item: TenantSso, index: number, declared: TenantSso): ItemIssue[] {
  const from = declared.follows ? ` (with what it takes from "${declared.follows}")` : ''
  const issue = (field: string, message: string, fix: string): ItemIssue => ({ index, field, message, fix })
  if (!item.protocol) return [issue('protocol', `is required${from}`, 'write protocol: oidc, saml or none')]
  const { takes, needs } = FIELDS[item.protocol]
  const issues: ItemIssue[] = []
  for (const field of Object.keys(item) as Field[]) {
    if (item[field] !== undefined && !takes.includes(field)) issues.push(issue(own(declared, field) === undefined ? 'follows' : field, `${field} does not apply to protocol ${item.protocol}${from}`, `remove ${field}, or use the protocol it belongs to`))
  }
  for (const field of needs) if (!item[field]) issues.push(issue(field, `is required for protocol ${item.protocol}${from}`, `add ${field}`))
  if (item.protocol === 'saml') {
    if (item.attributeMapping?.loginId !== undefined) issues.push(issue('attributeMapping', `loginId does not apply to protocol saml${from}`, 'remove attributeMapping.loginId (SAML maps the subject to the login id)'))
    const explicit = EXPLICIT_SAML.filter((field) => item[field])
    if (item.idpMetadataUrl && explicit.some((field) => field !== 'entityId')) issues.push(issue('idpMetadataUrl', `a SAML connection is set by idpMetadataUrl or by idpUrl and idpCert, and this one has both${from}`, 'keep idpMetadataUrl (and, if you like, entityId), or idpUrl, entityId and idpCert'))
    else if (!item.idpMetadataUrl && explicit.length < EXPLICIT_SAML.length) issues.push(issue(EXPLICIT_SAML.find((field) => !item[field])!, `is required for SAML without idpMetadataUrl${from}`, 'add idpUrl, entityId and idpCert, or give idpMetadataUrl instead'))
  }
  return issues
}

/** Two tenants with one SSO domain would each claim that domain's users. */
function domainIssues(resolved: TenantSso[]): ItemIssue[] {
  const owner = new Map<string, string>()
  return resolved.flatMap((item, index) => (item.domains ?? []).flatMap((domain): ItemIssue[] => {
    const other = owner.get(domain)
    owner.set(domain, item.tenantId)
    return other ? [{ index, field: 'domains', message: `domain "${domain}" is an SSO domain of tenants "${other}" and "${item.tenantId}"`, fix: 'an SSO domain routes its users to one tenant: remove it from one of them' }] : []
  }))
}

const byTenantOf = (items: TenantSso[]) => new Map(items.map((item) => [item.tenantId, item]))

/** Each declared item with what it follows merged in (follows checked by checkTenantSso first). */
export function resolveTenantSso(items: TenantSso[]): TenantSso[] {
  const byTenant = byTenantOf(items)
  return items.map((item) => canonical(item.follows !== undefined && byTenant.has(item.follows) ? mergeFollowed(byTenant.get(item.follows)!, item) : item))
}

export function checkTenantSso(items: TenantSso[]): ItemIssue[] {
  const follows = followIssues(items, byTenantOf(items))
  if (follows.length) return follows
  const resolved = resolveTenantSso(items)
  return [...resolved.flatMap((item, index) => resolvedIssues(item, index, items[index]!)), ...domainIssues(resolved)]
}

/** The one form plans compare: empty fields left out, lists sorted, `follows` gone. */
const canonical = ({ follows: _follows, ...item }: TenantSso): TenantSso => compact(item)

// ---- live: what the API answers, and its normalized form

const Str = v.nullish(v.string())
const Strings = v.nullish(v.array(v.string()))
const LiveMapping = v.nullish(v.looseObject({ ...Object.fromEntries(['loginId', ...MAPPED].map((field) => [field, Str])), customAttributes: v.nullish(dataRecord(v.string())) }))
/** the mapped fields this plugin knows, and nothing else the answer holds */
const mappingOf = (live: v.InferOutput<typeof LiveMapping>): AttributeMapping | undefined =>
  live ? Object.fromEntries(['loginId', ...MAPPED, 'customAttributes'].map((field) => [field, own(live, field) ?? undefined])) as AttributeMapping : undefined
export const LiveTenantSsoSchema = v.looseObject({
  tenant: v.looseObject({ id: v.pipe(v.string(), v.minLength(1, 'is empty')), domains: Strings, authType: Str }),
  oidc: v.nullish(v.looseObject({
    name: Str, clientId: Str, redirectUrl: Str, authUrl: Str, tokenUrl: Str, userDataUrl: Str, JWKsUrl: Str, issuer: Str, callbackDomain: Str,
    scope: Strings, prompt: Strings, grantType: Str, manageProviderTokens: v.nullish(v.boolean()), userAttrMapping: LiveMapping,
  })),
  saml: v.nullish(v.looseObject({
    idpEntityId: Str, idpSSOUrl: Str, idpCertificate: Str, idpMetadataUrl: Str, redirectUrl: Str, attributeMapping: LiveMapping,
    groupsMapping: v.nullish(v.array(v.looseObject({ role: v.nullish(v.looseObject({ name: v.string() })), groups: Strings }))),
    defaultSSORoles: Strings,
  })),
})
export type LiveTenantSso = v.InferOutput<typeof LiveTenantSsoSchema>

/** The connection in use: the tenant's authType, else whichever holds settings. */
function protocolOf(live: LiveTenantSso): TenantSso['protocol'] {
  const authType = live.tenant.authType
  if (authType === 'oidc' || authType === 'saml' || authType === 'none') return authType
  if (live.oidc?.clientId) return 'oidc'
  return live.saml?.idpSSOUrl || live.saml?.idpMetadataUrl ? 'saml' : 'none'
}

export function normalizeTenantSso(live: LiveTenantSso): TenantSso {
  const tenantId = live.tenant.id
  const protocol = protocolOf(live)
  const domains = sortedUnique((live.tenant.domains ?? []).map((domain) => domain.toLowerCase()))
  if (protocol === 'oidc') {
    const { userAttrMapping, scope, prompt, grantType, ...oidc } = live.oidc ?? {}
    return compact({
      tenantId, protocol, domains, redirectUrl: oidc.redirectUrl ?? undefined, attributeMapping: mappingOf(userAttrMapping),
      name: oidc.name ?? undefined, clientId: oidc.clientId ?? undefined, authUrl: oidc.authUrl ?? undefined, tokenUrl: oidc.tokenUrl ?? undefined, userDataUrl: oidc.userDataUrl ?? undefined,
      JWKsUrl: oidc.JWKsUrl ?? undefined, issuer: oidc.issuer ?? undefined, callbackDomain: oidc.callbackDomain ?? undefined, scope: sortedUnique(scope ?? []),
      prompt: sortedUnique(prompt ?? []) as TenantSso['prompt'], grantType: (grantType ?? undefined) as TenantSso['grantType'], manageProviderTokens: oidc.manageProviderTokens ?? undefined,
    })
  }
  if (protocol === 'saml') {
    const saml = live.saml ?? {}
    const byMetadata = Boolean(saml.idpMetadataUrl)
    return compact({
      tenantId, protocol, domains, redirectUrl: saml.redirectUrl ?? undefined, attributeMapping: mappingOf(saml.attributeMapping),
      // by metadata, Descope reads the IdP's URL and certificate from it: not the file's to set
      ...(byMetadata ? { idpMetadataUrl: saml.idpMetadataUrl! } : { idpUrl: saml.idpSSOUrl ?? undefined, idpCert: saml.idpCertificate ?? undefined }),
      entityId: saml.idpEntityId ?? undefined,
      roleMappings: sortMappings((saml.groupsMapping ?? []).flatMap((mapping) => (mapping.role ? [{ roleName: mapping.role.name, groups: sortedUnique(mapping.groups ?? []) }] : []))),
      defaultSSORoles: sortedUnique(saml.defaultSSORoles ?? []),
    })
  }
  return { tenantId, protocol: 'none' }
}

// typed operations for scripts: ctx.ops('tenantSso')
declare module '../lib/contract.ts' {
  interface ResourceTypes { tenantSso: TenantSso }
}

/** The requests: one per tenant to read (undefined: no such tenant), one to configure or remove. */
export function tenantSsoApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    load: (tenantId: string) => unlessNotFound(client.get<unknown>('/v2/mgmt/sso/settings', { tenantId })),
    remove: (tenantId: string) => client.delete('/v1/mgmt/sso/settings', { tenantId }),
    configure: (sso: TenantSso) => {
      const { tenantId, domains = [], redirectUrl = '' } = sso
      if (sso.protocol === 'oidc') {
        const { name, clientId, clientSecret, authUrl, tokenUrl, userDataUrl, JWKsUrl, issuer, callbackDomain, scope, prompt, grantType, manageProviderTokens, attributeMapping } = sso
        const settings = { name, clientId, clientSecret, redirectUrl, authUrl, tokenUrl, userDataUrl, JWKsUrl, issuer, callbackDomain, scope: scope ?? [], prompt: prompt ?? [], grantType, manageProviderTokens: manageProviderTokens ?? false, userAttrMapping: attributeMapping ?? {} }
        return client.post('/v1/mgmt/sso/oidc', { tenantId, settings, domains })
      }
      const common = { attributeMapping: sso.attributeMapping ?? {}, roleMappings: sso.roleMappings ?? [], defaultSSORoles: sso.defaultSSORoles ?? [] }
      return sso.idpMetadataUrl
        ? client.post('/v1/mgmt/sso/saml/metadata', { tenantId, settings: { idpMetadataUrl: sso.idpMetadataUrl, entityId: sso.entityId ?? '', ...common }, redirectUrl, domains })
        : client.post('/v1/mgmt/sso/saml', { tenantId, settings: { idpUrl: sso.idpUrl, entityId: sso.entityId, idpCert: sso.idpCert, ...common }, redirectUrl, domains })
    },
  }
}

/** A role a mapping names: the tenant's own, or the project's. */
const roleReferences = (sso: TenantSso): Reference[] =>
  sortedUnique([...(sso.roleMappings ?? []).map((mapping) => mapping.roleName), ...(sso.defaultSSORoles ?? [])])
    .map((role) => ({ type: 'role', key: `${sso.tenantId}/${role}`, orKey: role }))

export default function tenantSso() {
  return definePlugin({
    name: 'tenant-sso',
    handlers: [defineHandler<TenantSso, LiveTenantSso>({
      type: 'tenantSso',
      section: 'tenantSso',
      schema: TenantSsoSchema,
      liveSchema: LiveTenantSsoSchema,
      dependsOn: ['tenant', 'role'],
      singleton: { per: 'tenant', field: 'tenantId' },
      key: (sso) => sso.tenantId,
      references: (sso) => [{ type: 'tenant', key: sso.tenantId }, ...roleReferences(sso)],
      ownedBy: (sso) => ({ type: 'tenant', key: sso.tenantId }),
      // the tenant's SSO domains and auth type are what a tenant settings POST sends back as it
      // read them (plugins/tenant-settings.ts): one group, so that read and write never straddle ours
      group: (sso) => tenantGroup(sso.tenantId),
      // Descope's and different in every environment (which configuration, the SP's own URLs)
      serverOwned: ['ssoId', 'spACSUrl', 'spEntityId', 'spCertificate'],
      writeOnly: ['clientSecret'],
      // the file states the whole connection: a field it leaves out is reset, not kept
      ownedWhole: true,
      claims: (sso) => (sso.domains ?? []).map((domain) => `SSO domain "${domain}"`),
      check: (items) => checkTenantSso(items),
      resolve: (items) => resolveTenantSso(items),
      // one GET per tenant, of the declared tenants that exist when the engine names them; each
      // answer with the tenant asked for, so that one of an unexpected shape is named by it
      list: (ctx, only) => listPerTenant(ctx, only, tenantSsoApi(ctx).load),
      normalize: normalizeTenantSso,
      // a tenant without SSO: an import need not say so
      unset: (sso) => sso.protocol === 'none',
      update: async (ctx, sso, current) => {
        const api = tenantSsoApi(ctx)
        if (sso.protocol !== 'none') await api.configure(sso)
        else if (current && current.item.protocol !== 'none') await api.remove(sso.tenantId)
      },
    })],
    emulator: tenantSsoEmulator(),
  })
}
