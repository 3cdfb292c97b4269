// A test plugin of a type with exactly one item per project: the password policy
// (node-sdk password.getSettings/configureSettings, GET and POST /v1/mgmt/password/settings).
// Its section is an object; it is read and replaced, never created or deleted.
import * as v from 'valibot'
import { defineEmulator, defineHandler, definePlugin } from '../../lib/plugin.ts'

const PolicySchema = v.strictObject({
  minLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(6), v.maxValue(64))),
  lowercase: v.optional(v.boolean()),
  uppercase: v.optional(v.boolean()),
  number: v.optional(v.boolean()),
  lock: v.optional(v.boolean()),
  lockAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
})
type Policy = v.InferOutput<typeof PolicySchema>
const LivePolicySchema = v.looseObject({ minLength: v.number(), lowercase: v.boolean(), uppercase: v.boolean(), number: v.boolean(), lock: v.boolean(), lockAttempts: v.number() })
type LivePolicy = v.InferOutput<typeof LivePolicySchema>

declare module '../../lib/contract.ts' {
  interface ResourceTypes { passwordPolicy: Policy }
}

const DEFAULTS: LivePolicy = { minLength: 8, lowercase: true, uppercase: false, number: false, lock: false, lockAttempts: 10 }

export default function passwordPolicy() {
  return definePlugin({
    name: 'test-password-policy',
    handlers: [defineHandler<Policy, LivePolicy>({
      type: 'passwordPolicy',
      section: 'passwordPolicy',
      schema: PolicySchema,
      liveSchema: LivePolicySchema,
      singleton: 'project',
      key: () => 'project',
      list: async (ctx) => [await ctx.client.get('/v1/mgmt/password/settings')],
      normalize: ({ minLength, lowercase, uppercase, number, lock, lockAttempts }) => ({ minLength, lowercase, uppercase, number, lock, lockAttempts }),
      update: async (ctx, policy) => { await ctx.client.post('/v1/mgmt/password/settings', policy) },
    })],
    emulator: defineEmulator<{ policy: LivePolicy }>({
      state: () => ({ policy: { ...DEFAULTS } }),
      schema: v.object({ policy: LivePolicySchema }),
      routes: {
        'GET /v1/mgmt/password/settings': { mutates: false, handle: (request) => request.state.policy },
        'POST /v1/mgmt/password/settings': {
          mutates: true,
          handle: (request) => {
            const result = v.safeParse(v.partial(LivePolicySchema), request.body)
            if (!result.success) return request.fail(400, `invalid password settings: ${result.issues[0]!.message}`)
            // Descope's settings replace every field: what is left out goes back to the default
            request.state.policy = { ...DEFAULTS, ...result.output }
            return {}
          },
        },
      },
    }),
  })
}
