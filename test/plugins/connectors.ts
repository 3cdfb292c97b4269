// A test plugin of a shape no shipped plugin has yet: addressed by a server id, and holding a
// secret Descope accepts but never returns (write-only). The routes are the test's own
// (/v1/test/...), so they can never clash with a real path a plugin serves.
import * as v from 'valibot'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest } from '../../lib/plugin.ts'

const ConnectorSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  url: v.pipe(v.string(), v.url()),
  /** write-only: from ${VAR} only, never read back */
  secret: v.optional(v.pipe(v.string(), v.minLength(8))),
})
type Connector = v.InferOutput<typeof ConnectorSchema>

const LiveConnectorSchema = v.looseObject({ id: v.pipe(v.string(), v.minLength(1)), name: v.string(), url: v.string() })
type LiveConnector = v.InferOutput<typeof LiveConnectorSchema>

declare module '../../lib/contract.ts' {
  interface ResourceTypes { connector: Connector }
}

/** What the emulator keeps, the secret included: a test checks that it was sent */
export interface StoredConnector { id: string; name: string; url: string; secret: string | null }
type State = { connectors: Record<string, StoredConnector> }

const body = (request: EmulatorRequest<State>) => {
  const { name, url, secret } = (request.body ?? {}) as Record<string, unknown>
  if (typeof name !== 'string' || !name || typeof url !== 'string') request.fail(400, 'name and url are required')
  return { name: name as string, url: url as string, ...(typeof secret === 'string' ? { secret } : {}) }
}
const known = (request: EmulatorRequest<State>) => {
  const id = (request.body as { id?: unknown } | null)?.id
  return (typeof id === 'string' && request.state.connectors[id]) || request.fail(404, `no connector ${String(id)}`)
}

export default function connectors() {
  return definePlugin({
    name: 'test-connectors',
    handlers: [defineHandler<Connector, LiveConnector>({
      type: 'connector',
      section: 'connectors',
      schema: ConnectorSchema,
      liveSchema: LiveConnectorSchema,
      key: (connector) => connector.name,
      serverId: (live) => live.id,
      serverOwned: ['id'],
      writeOnly: ['secret'],
      list: async (ctx) => (await ctx.client.get<{ connectors?: unknown[] }>('/v1/test/connectors')).connectors ?? [],
      normalize: (live) => ({ name: live.name, url: live.url }),
      create: async (ctx, connector) => { await ctx.client.post('/v1/test/connector/create', connector) },
      update: async (ctx, connector, current) => { await ctx.client.post('/v1/test/connector/update', { id: current!.id, ...connector }) },
      delete: async (ctx, current) => { await ctx.client.post('/v1/test/connector/delete', { id: current.id }) },
    })],
    emulator: defineEmulator<State>({
      state: () => ({ connectors: {} }),
      schema: v.object({ connectors: v.record(v.string(), v.object({ id: v.string(), name: v.string(), url: v.string(), secret: v.nullable(v.string()) })) }),
      routes: {
        'GET /v1/test/connectors': {
          mutates: false,
          // the secret is never answered, as Descope never answers a client secret
          handle: (request) => ({ connectors: Object.values(request.state.connectors).map(({ secret: _writeOnly, ...rest }) => rest) }),
        },
        'POST /v1/test/connector/create': {
          mutates: true,
          handle: (request) => {
            const connector = { id: request.newId('CN'), secret: null, ...body(request) }
            request.state.connectors[connector.id] = connector
            return { id: connector.id }
          },
        },
        'POST /v1/test/connector/update': {
          mutates: true,
          handle: (request) => {
            Object.assign(known(request), body(request))
            return {}
          },
        },
        'POST /v1/test/connector/delete': {
          mutates: true,
          handle: (request) => {
            delete request.state.connectors[known(request).id]
            return {}
          },
        },
      },
    }),
  })
}
