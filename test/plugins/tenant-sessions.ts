// A test plugin of a setting every tenant has once (a tenant's session settings): its section
// is a map by tenant id, and the engine writes the id into `tenantId`. Read and updated, never
// created or deleted; a tenant's settings go with the tenant.
import * as v from 'valibot'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest } from '../../lib/plugin.ts'
import { setOwn } from '../../lib/config/schemas.ts'

const SessionSchema = v.strictObject({
  tenantId: v.pipe(v.string(), v.minLength(1)),
  sessionMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  refreshDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  enforceMfa: v.optional(v.boolean()),
})
type Session = v.InferOutput<typeof SessionSchema>
const LiveSessionSchema = v.looseObject({ tenantId: v.string(), sessionMinutes: v.number(), refreshDays: v.number(), enforceMfa: v.boolean() })
type LiveSession = v.InferOutput<typeof LiveSessionSchema>

declare module '../../lib/contract.ts' {
  interface ResourceTypes { tenantSession: Session }
}

type Stored = Omit<LiveSession, 'tenantId'>
const DEFAULTS: Stored = { sessionMinutes: 10_080, refreshDays: 28, enforceMfa: false }

const tenantOf = (request: EmulatorRequest<{ sessions: Record<string, Stored> }>, id: unknown): string => {
  if (typeof id !== 'string' || !Object.hasOwn(request.project.tenants, id)) request.fail(404, `no tenant ${String(id)}`)
  return id as string
}

export default function tenantSessions() {
  return definePlugin({
    name: 'test-tenant-sessions',
    handlers: [defineHandler<Session, LiveSession>({
      type: 'tenantSession',
      section: 'tenantSessions',
      schema: SessionSchema,
      liveSchema: LiveSessionSchema,
      dependsOn: ['tenant'],
      singleton: { per: 'tenant', field: 'tenantId' },
      key: (session) => session.tenantId,
      references: (session) => [{ type: 'tenant', key: session.tenantId }],
      ownedBy: (session) => ({ type: 'tenant', key: session.tenantId }),
      list: async (ctx) => (await ctx.client.get<{ sessions?: unknown[] }>('/v1/test/tenant-sessions/all')).sessions ?? [],
      normalize: ({ tenantId, sessionMinutes, refreshDays, enforceMfa }) => ({ tenantId, sessionMinutes, refreshDays, enforceMfa }),
      update: async (ctx, session) => { await ctx.client.post('/v1/test/tenant-session', session) },
    })],
    emulator: defineEmulator<{ sessions: Record<string, Stored> }>({
      state: () => ({ sessions: {} }),
      schema: v.object({ sessions: v.record(v.string(), v.object({ sessionMinutes: v.number(), refreshDays: v.number(), enforceMfa: v.boolean() })) }),
      routes: {
        // every tenant has settings: those never set are the defaults
        'GET /v1/test/tenant-sessions/all': {
          mutates: false,
          handle: (request) => ({ sessions: Object.keys(request.project.tenants).map((tenantId) => ({ tenantId, ...DEFAULTS, ...request.state.sessions[tenantId] })) }),
        },
        'POST /v1/test/tenant-session': {
          mutates: true,
          handle: (request) => {
            const { tenantId, ...settings } = (request.body ?? {}) as Record<string, unknown>
            const result = v.safeParse(v.partial(v.strictObject({ sessionMinutes: v.number(), refreshDays: v.number(), enforceMfa: v.boolean() })), settings)
            if (!result.success) return request.fail(400, `invalid session settings: ${result.issues[0]!.message}`)
            // a tenant may be called `__proto__`: the key is data
            setOwn(request.state.sessions, tenantOf(request, tenantId), { ...DEFAULTS, ...result.output })
            return {}
          },
        },
      },
    }),
  })
}
