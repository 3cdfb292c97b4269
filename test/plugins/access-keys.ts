// A test plugin of the shape access keys have (descope-api.md §2.6): keyed by a name the user
// chooses, addressed by an id the server assigns, and created with a secret the API shows once.
// Its emulator routes follow the real paths, so @descope/node-sdk's accessKey methods work too.
import * as v from 'valibot'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest } from '../../lib/plugin.ts'

const AccessKeySchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  description: v.optional(v.string()),
  roleNames: v.optional(v.pipe(v.array(v.string()), v.transform((names) => [...new Set(names)].sort()))),
})
type AccessKey = v.InferOutput<typeof AccessKeySchema>

const LiveAccessKeySchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1)),
  name: v.string(),
  description: v.nullish(v.string()),
  roleNames: v.nullish(v.array(v.string())),
  createdTime: v.nullish(v.number()),
})
type LiveAccessKey = v.InferOutput<typeof LiveAccessKeySchema>

// Not added to ResourceTypes: the README's plugin declares `accessKey`, and a project that
// follows it would hold two declarations of one type (test/operations.test.ts types connectors).

interface StoredKey { id: string; name: string; description: string; roleNames: string[]; createdTime: number; expireTime: number }
type State = { keys: Record<string, StoredKey> }

const text = (request: EmulatorRequest<State>, field: string): string => {
  const value = (request.body as Record<string, unknown> | null)?.[field]
  if (typeof value !== 'string' || value === '') request.fail(400, `${field} is required`)
  return value as string
}
const known = (request: EmulatorRequest<State>, id: string) => request.state.keys[id] ?? request.fail(404, `no access key ${id}`)
const fields = (body: Record<string, unknown>) => ({
  description: typeof body.description === 'string' ? body.description : '',
  roleNames: Array.isArray(body.roleNames) ? body.roleNames.map(String) : [],
})

/** `declared: false`: a careless plugin that returns the cleartext without saying so in shownOnce */
export default function accessKeys(options: { declared?: boolean } = {}) {
  return definePlugin({
    name: 'test-access-keys',
    handlers: [defineHandler<AccessKey, LiveAccessKey>({
      type: 'accessKey',
      section: 'accessKeys',
      schema: AccessKeySchema,
      liveSchema: LiveAccessKeySchema,
      key: (key) => key.name,
      serverId: (live) => live.id,
      serverOwned: ['id', 'createdTime'],
      ...(options.declared === false ? {} : { shownOnce: ['cleartext'] }),
      list: async (ctx) => (await ctx.client.post<{ keys?: unknown[] }>('/v1/mgmt/accesskey/search', {})).keys ?? [],
      normalize: (live) => ({ name: live.name, description: live.description ?? '', roleNames: [...(live.roleNames ?? [])].sort() }),
      create: async (ctx, key) => {
        // once: a second create would be a second key (names are not unique); the engine checks live instead
        const { cleartext } = await ctx.client.post<{ cleartext: string }>('/v1/mgmt/accesskey/create', { ...key, expireTime: 0 }, { once: true })
        return { secrets: { cleartext } }
      },
      update: async (ctx, key, current) => { await ctx.client.post('/v1/mgmt/accesskey/update', { id: current!.id, ...key }) },
      delete: async (ctx, current) => { await ctx.client.post('/v1/mgmt/accesskey/delete', { id: current.id }) },
    })],
    emulator: defineEmulator<State>({
      state: () => ({ keys: {} }),
      schema: v.object({ keys: v.record(v.string(), v.object({ id: v.string(), name: v.string(), description: v.string(), roleNames: v.array(v.string()), createdTime: v.number(), expireTime: v.number() })) }),
      routes: {
        'POST /v1/mgmt/accesskey/create': {
          mutates: true,
          handle: (request) => {
            const body = request.body as Record<string, unknown>
            const key: StoredKey = { id: request.newId('K'), name: text(request, 'name'), ...fields(body), createdTime: Date.now(), expireTime: Number(body.expireTime ?? 0) }
            request.state.keys[key.id] = key
            return { key, cleartext: `${key.id}:${request.newId('S')}` }
          },
        },
        'POST /v1/mgmt/accesskey/search': { mutates: false, handle: (request) => ({ keys: Object.values(request.state.keys) }) },
        'GET /v1/mgmt/accesskey': { mutates: false, handle: (request) => ({ key: known(request, request.query.get('id') ?? '') }) },
        'POST /v1/mgmt/accesskey/update': {
          mutates: true,
          handle: (request) => {
            const key = known(request, text(request, 'id'))
            Object.assign(key, { name: text(request, 'name'), ...fields(request.body as Record<string, unknown>) })
            return { key }
          },
        },
        'POST /v1/mgmt/accesskey/delete': {
          mutates: true,
          handle: (request) => {
            delete request.state.keys[known(request, text(request, 'id')).id]
            return {}
          },
        },
      },
    }),
  })
}
