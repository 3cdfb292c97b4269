// npx tsx scripts/tenant-report.ts --env prod [--format csv | --json] [--brief]
// Every tenant of an environment: its id, name, parent, domains, custom attributes, and what a
// team looks at beside them (its SSO protocol and session settings, where those plugins are
// configured). Read-only. An example of a script: flags declared once with defineTask, --help
// made from them, errors turned into exit codes, typed reads through ctx.ops(type).
import {
  byCodeUnit, csvTable, defineTask, printJson, print, runAsScript, textTable, UsageError, withContext,
  type Context, type FlagSpecs, type ResourceTypes,
} from '../lib/index.ts'

const flags = {
  env: { type: 'string', value: '<name>', description: 'environment: environments/<name>.yaml (default: the config\'s defaultEnvironment, "local", the embedded emulator)' },
  format: { type: 'string', value: '<table|csv>', description: 'table (the default) aligned for a terminal, or csv for a spreadsheet (RFC 4180, every cell quoted, formulas defused)' },
  json: { type: 'boolean', description: 'one JSON document: { kind: "tenant-report", formatVersion, environment, projectId, tenants: [{ id, name, parent?, disabled, domains, customAttributes, sso?, session? }] }' },
  brief: { type: 'boolean', description: 'the tenants\' own fields only: one request, where SSO and session settings take one more per tenant each' },
} as const satisfies FlagSpecs

type Tenant = ResourceTypes['tenant']
type Settings = ResourceTypes['tenantSettings']

/** One row of the report, as --json prints it. */
interface TenantLine {
  id: string
  name: string
  parent?: string
  disabled: boolean
  domains: string[]
  customAttributes: Record<string, unknown>
  /** the SSO protocol in use: oidc, saml or none (without --brief, where tenantSso is configured) */
  sso?: string
  /** the tenant's own session settings, or null where the project's apply */
  session?: { sessionToken?: string; refreshToken?: string; inactivity?: string } | null
}

export const task = defineTask({
  name: 'tenant-report',
  file: 'scripts/tenant-report.ts',
  summary: 'List every tenant of an environment, with its domains, custom attributes, SSO protocol and session settings. Read-only.',
  usage: '[--env <name>] [--format table|csv | --json] [--brief]',
  flags,
  notes: 'Exit codes: 0 done; 1 a request failed; 3 invalid configuration or usage.',
  examples: [
    'npx tsx scripts/tenant-report.ts --env local',
    'npx tsx scripts/tenant-report.ts --env prod --format csv > tenants.csv',
    'npx tsx scripts/tenant-report.ts --env prod --json | jq \'.tenants[] | select(.sso == "saml") | .id\'',
  ],
  run: async (args, log) => {
    const format = args.format ?? 'table'
    if (format !== 'table' && format !== 'csv') throw new UsageError(`--format ${format}: use table or csv (or --json for a document)`)
    if (args.json && args.format) throw new UsageError('--json prints a document: give it without --format')
    return withContext(args.env, { log }, async (ctx) => {
      const tenants = await readTenants(ctx, args.brief)
      if (args.json) printJson('tenant-report', { environment: ctx.env.name, projectId: ctx.projectId, tenants })
      else if (format === 'csv') print(csvTable(...rowsOf(tenants)), '')
      else print(textTable(...rowsOf(tenants)))
      return 0
    })
  },
})

/** The tenants, sorted by id, with their SSO protocol and session settings where configured. */
async function readTenants(ctx: Context, brief: boolean): Promise<TenantLine[]> {
  const wanted = (type: 'tenantSso' | 'tenantSettings') => !brief && ctx.handlers.has(type)
  // each reads the tenants, then one request per tenant: asked at once, the list is sent once
  const [tenants, sso, settings] = await Promise.all([
    ctx.ops('tenant').list(),
    wanted('tenantSso') ? ctx.ops('tenantSso').list() : undefined,
    wanted('tenantSettings') ? ctx.ops('tenantSettings').list() : undefined,
  ])
  const protocols = new Map(sso?.map((item) => [item.tenantId, item.protocol ?? 'none']))
  const sessions = new Map(settings?.map((item) => [item.tenantId, session(item)]))
  return tenants
    .sort((a, b) => byCodeUnit(a.id, b.id))
    .map((tenant: Tenant) => ({
      id: tenant.id,
      name: tenant.name,
      ...(tenant.parent ? { parent: tenant.parent } : {}),
      disabled: tenant.disabled ?? false,
      domains: tenant.selfProvisioningDomains ?? [],
      customAttributes: tenant.customAttributes ?? {},
      ...(sso ? { sso: protocols.get(tenant.id) ?? 'none' } : {}),
      ...(settings ? { session: sessions.get(tenant.id) ?? null } : {}),
    }))
}

function session(settings: Settings): TenantLine['session'] {
  if (!settings.enabled) return null
  const span = (amount: number | undefined, unit: string | undefined) => (amount ? `${amount} ${unit ?? ''}`.trim() : undefined)
  return {
    sessionToken: span(settings.sessionTokenExpiration, settings.sessionTokenExpirationUnit),
    refreshToken: span(settings.refreshTokenExpiration, settings.refreshTokenExpirationUnit),
    inactivity: settings.enableInactivity ? span(settings.inactivityTime, settings.inactivityTimeUnit) : undefined,
  }
}

/** The header and one row per tenant; each custom attribute a column of its own (its key is data, so `attribute:` marks it). */
function rowsOf(tenants: TenantLine[]): [string[], string[][]] {
  const attributes = [...new Set(tenants.flatMap((tenant) => Object.keys(tenant.customAttributes)))].sort()
  const withSso = tenants.some((tenant) => tenant.sso !== undefined)
  const withSession = tenants.some((tenant) => tenant.session !== undefined)
  const head = ['id', 'name', 'parent', 'disabled', 'domains', ...(withSso ? ['sso'] : []), ...(withSession ? ['session'] : []), ...attributes.map((key) => `attribute:${key}`)]
  const rows = tenants.map((tenant) => [
    tenant.id,
    tenant.name,
    tenant.parent ?? '',
    tenant.disabled ? 'yes' : 'no',
    tenant.domains.join(' '),
    ...(withSso ? [tenant.sso ?? ''] : []),
    ...(withSession ? [sessionText(tenant.session)] : []),
    ...attributes.map((key) => valueText(Object.hasOwn(tenant.customAttributes, key) ? tenant.customAttributes[key] : undefined)),
  ])
  return [head, rows]
}

function sessionText(value: TenantLine['session']): string {
  if (value === undefined) return ''
  if (value === null) return 'project\'s'
  return [value.sessionToken && `session ${value.sessionToken}`, value.refreshToken && `refresh ${value.refreshToken}`, value.inactivity && `inactivity ${value.inactivity}`].filter(Boolean).join(', ')
}

function valueText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

await runAsScript(import.meta.url, task)
