// A test plugin whose items share a parent: per-attribute values of a tenant, which the API
// stores as one map per tenant and replaces whole. Written one by one, each write reads the map
// and sends it back with its own value: two at once would lose one. `group` runs a tenant's
// changes one at a time; with `oneCall`, applyGroup sends them in one request instead.
import * as v from 'valibot'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../../lib/plugin.ts'
import { setOwn } from '../../lib/config/schemas.ts'

const TenantValueSchema = v.strictObject({
  tenant: v.pipe(v.string(), v.minLength(1)),
  attribute: v.pipe(v.string(), v.minLength(1)),
  value: v.string(),
})
type TenantValue = v.InferOutput<typeof TenantValueSchema>

declare module '../../lib/contract.ts' {
  interface ResourceTypes { tenantValue: TenantValue }
}

type Values = Record<string, string>
type State = { values: Record<string, Values> }

const api = (ctx: HandlerContext) => ({
  read: async (tenant: string) => (await ctx.client.get<{ values?: Values }>('/v1/test/tenant-values', { tenant })).values ?? {},
  replace: (tenant: string, values: Values) => ctx.client.post('/v1/test/tenant-values/replace', { tenant, values }),
})

// an attribute, or a tenant, may be called `__proto__`: every key is written with setOwn
const set = setOwn<string>

/** reads the tenant's map, changes it, and writes it whole: safe only one at a time */
async function change(ctx: HandlerContext, tenant: string, edit: (values: Values) => void) {
  const values = await api(ctx).read(tenant)
  edit(values)
  await api(ctx).replace(tenant, values)
}

const tenantOf = (request: EmulatorRequest<State>, tenant: unknown): string => {
  if (typeof tenant !== 'string' || !Object.hasOwn(request.project.tenants, tenant)) request.fail(404, `no tenant ${String(tenant)}`)
  return tenant as string
}

export default function tenantValues(options: { oneCall?: boolean; grouped?: boolean } = {}) {
  const grouped = options.grouped ?? true
  return definePlugin({
    name: 'test-tenant-values',
    handlers: [defineHandler<TenantValue, TenantValue>({
      type: 'tenantValue',
      section: 'tenantValues',
      schema: TenantValueSchema,
      liveSchema: TenantValueSchema,
      dependsOn: ['tenant'],
      key: (item) => `${item.tenant}/${item.attribute}`,
      references: (item) => [{ type: 'tenant', key: item.tenant }],
      ownedBy: (item) => ({ type: 'tenant', key: item.tenant }),
      ...(grouped ? { group: (item: TenantValue) => `tenant:${item.tenant}` } : {}),
      ...(options.oneCall ? {
        applyGroup: async (ctx: HandlerContext, _group: string, changes: { op: string; item: TenantValue }[]) => {
          const tenant = changes[0]!.item.tenant
          await change(ctx, tenant, (values) => {
            for (const { op, item } of changes) {
              if (op === 'delete') delete values[item.attribute]
              else set(values, item.attribute, item.value)
            }
          })
        },
      } : {}),
      list: async (ctx) => {
        const { tenants } = await ctx.client.get<{ tenants: Record<string, Values> }>('/v1/test/tenant-values/all')
        return Object.entries(tenants).flatMap(([tenant, values]) => Object.entries(values).map(([attribute, value]) => ({ tenant, attribute, value })))
      },
      normalize: (live) => ({ tenant: live.tenant, attribute: live.attribute, value: live.value }),
      create: (ctx, item) => change(ctx, item.tenant, (values) => set(values, item.attribute, item.value)),
      update: (ctx, item) => change(ctx, item.tenant, (values) => set(values, item.attribute, item.value)),
      delete: (ctx, { item }) => change(ctx, item.tenant, (values) => { delete values[item.attribute] }),
    })],
    emulator: defineEmulator<State>({
      state: () => ({ values: {} }),
      schema: v.object({ values: v.record(v.string(), v.record(v.string(), v.string())) }),
      routes: {
        'GET /v1/test/tenant-values': { mutates: false, handle: (request) => ({ values: request.state.values[tenantOf(request, request.query.get('tenant'))] ?? {} }) },
        'GET /v1/test/tenant-values/all': {
          mutates: false,
          // a deleted tenant's values go with it
          handle: (request) => ({ tenants: Object.fromEntries(Object.entries(request.state.values).filter(([tenant]) => Object.hasOwn(request.project.tenants, tenant))) }),
        },
        'POST /v1/test/tenant-values/replace': {
          mutates: true,
          handle: (request) => {
            const { tenant, values } = (request.body ?? {}) as { tenant?: unknown; values?: unknown }
            if (values === null || typeof values !== 'object') request.fail(400, 'values must be a map')
            setOwn(request.state.values, tenantOf(request, tenant), { ...(values as Values) })
            return {}
          },
        },
      },
    }),
  })
}
