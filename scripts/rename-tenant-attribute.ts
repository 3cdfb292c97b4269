// npx tsx scripts/rename-tenant-attribute.ts --env dev --from plan --to tier [--apply] [--yes]
// Renames a custom attribute key on every tenant that has it, keeping its value. One call to
// edit() (lib/run/edit.ts) gives it everything a sync has: the plan first, and with --apply the
// lock, a confirmation for a protected environment, a backup labelled rename-tenant-attribute,
// and every write in the audit log.
//
// What a safe rename needs, since no management API creates attribute definitions:
// - the new key defined in the project (the Descope console: Tenants → Custom Attributes) and,
//   when the environment lists its definitions (tenantAttributes), there too: refused otherwise;
// - the files agreeing: a tenant a file declares with the old key would get it back at the next
//   sync, so edit() refuses, naming each file and path to change first.
// The old key's definition is left alone (tenants that other tools write may still use it):
// remove it from the console and from tenantAttributes once nothing sets it.
import {
  defineTask, edit, presentRun, quoted, runAsScript, setOwn, UsageError, withContext,
  type Context, type FlagSpecs, type ResourceTypes,
} from '../lib/index.ts'

const LABEL = 'rename-tenant-attribute'
/** the console's Machine Name (plugins/tenant-attributes.ts) */
const MACHINE_NAME = /^[A-Za-z0-9_-]{1,20}$/

const flags = {
  env: { type: 'string', value: '<name>', description: 'environment: environments/<name>.yaml (default: the config\'s defaultEnvironment, "local", the embedded emulator)' },
  from: { type: 'string', value: '<key>', description: 'the custom attribute key to rename (required)' },
  to: { type: 'string', value: '<key>', description: 'its new key (required); a tenant that already has it with another value is refused' },
  apply: { type: 'boolean', description: 'carry the plan out; without it nothing is written' },
  yes: { type: 'boolean', description: 'apply to a protected environment (prod) without typing its name' },
  'backup-dir': { type: 'string', value: '<dir>', description: 'where the backup taken before the apply, and the audit log, go (default: as for sync)' },
  json: { type: 'boolean', description: 'print one JSON document on stdout, the shape sync --json prints' },
} as const satisfies FlagSpecs

type Tenant = ResourceTypes['tenant']

export const task = defineTask({
  name: LABEL,
  file: `scripts/${LABEL}.ts`,
  summary: 'Rename a custom attribute key on every tenant that has it, through the plan, lock, backup, confirmation and audit log a sync has.',
  usage: '[--env <name>] --from <key> --to <key> [--apply] [--yes]',
  flags,
  notes: `
The new key must be defined in the project (console: Tenants → Custom Attributes) and in the
environment's tenantAttributes when it lists them. A tenant the files declare with the old key is
refused, naming the file and path: change the files first, so the next sync keeps the rename.

Exit codes: 0 done, nothing pending; 1 a request or a change failed, or the lock is held; 3
invalid configuration or usage, or the edit refused (nothing written).`,
  examples: [
    `npx tsx scripts/${LABEL}.ts --env dev --from plan --to tier            # the plan`,
    `npx tsx scripts/${LABEL}.ts --env dev --from plan --to tier --apply`,
    `npx tsx scripts/${LABEL}.ts --env prod --from plan --to tier --apply   # asks you to type "prod"`,
  ],
  run: async (args, log) => {
    const from = required(args.from, 'from')
    const to = required(args.to, 'to')
    if (from === to) throw new UsageError(`--from and --to are both ${quoted(from)}: give the key a new name`)
    return withContext(args.env, { log }, async (ctx) => {
      assertDefined(ctx, to)
      const { code, result } = await presentRun(ctx, { json: args.json, desired: 'what the script makes it' }, (onPlan) => edit(ctx, {
        label: LABEL,
        types: ['tenant'],
        change: ({ tenant }) => ({ tenant: renamed(tenant, from, to) }),
        apply: args.apply,
        confirm: args.yes ? 'yes' : 'ask',
        onPlan,
        backupDir: args['backup-dir'],
      }))
      if (result.outcomes?.length) log.info(`when nothing sets ${quoted(from)} any more, remove its definition from the Descope console (Tenants → Custom Attributes) and from tenantAttributes`)
      return code
    })
  },
})

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`--${flag} <key> is required; see --help`)
  if (!MACHINE_NAME.test(value)) throw new UsageError(`--${flag} ${quoted(value)}: an attribute key is 1 to 20 letters, digits, _ or - (the console's Machine Name)`)
  return value
}

/** The environment's definitions, where it lists them, must hold the new key: Descope would refuse it otherwise. */
function assertDefined(ctx: Context, to: string): void {
  const definitions = ctx.env.settings.get('tenant')?.tenantAttributes as { id: string }[] | undefined
  if (!definitions || definitions.some((definition) => definition.id === to)) return
  throw new UsageError(`environment "${ctx.env.name}": tenantAttributes does not define ${quoted(to)}; define it in the Descope console (Tenants → Custom Attributes) and in tenantAttributes (${ctx.env.file} or a file it extends), with the type and options of the key it replaces, then run this again`)
}

/** Each tenant with `from` gets `to` in its place, with its value; one that holds both, with other values, is refused. */
function renamed(tenants: Tenant[], from: string, to: string): Tenant[] {
  const clashes = tenants.filter((tenant) => {
    const attributes = tenant.customAttributes ?? {}
    return Object.hasOwn(attributes, from) && Object.hasOwn(attributes, to) && JSON.stringify(attributes[from]) !== JSON.stringify(attributes[to])
  })
  if (clashes.length) {
    throw new UsageError(`${clashes.map((tenant) => `tenant ${quoted(tenant.id)}`).join(', ')} already ${clashes.length === 1 ? 'has' : 'have'} ${quoted(to)} with another value than ${quoted(from)}: settle which value each keeps (in the console, or with a sync), then run this again; nothing was written`)
  }
  return tenants.filter((tenant) => Object.hasOwn(tenant.customAttributes ?? {}, from)).map((tenant) => {
    // keys are data: `__proto__` is an attribute like any other
    const attributes: NonNullable<Tenant['customAttributes']> = {}
    for (const [key, value] of Object.entries(tenant.customAttributes!)) setOwn(attributes, key === from ? to : key, value)
    return { ...tenant, customAttributes: attributes }
  })
}

await runAsScript(import.meta.url, task)
