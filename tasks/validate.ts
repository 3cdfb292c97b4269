// npx tsx tasks/validate.ts [--env a,b | --all] [--strict] [--json | --markdown]
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineTask, runAsScript } from '../lib/run/runner.ts'

/** Declared once: what the task parses, documents and hands to run/validate.ts. */
const flags = {
  env: { type: 'list', value: '<names>', description: 'environment(s) to check: dev, or dev,staging,prod (default: the config\'s defaultEnvironment); all are checked and reported together, with one exit code' },
  all: { type: 'boolean', description: 'every environment in environments/' },
  strict: { type: 'boolean', description: 'a ${VAR} that is not set is a problem (exit 3), as it would be for a sync; without it, missing variables are listed only' },
  json: { type: 'boolean', description: 'one JSON document: { kind: "validate", formatVersion, ok, strict, summary, environments: [{ environment, ok, problems, types }], issues: [{ environment, code, file, path, message, fix }], missingVariables: [{ environment, name, file, path }], setVariables, unchecked: [{ environment, file, path, message, needs }] } (README: Checks in a pull request)' },
  markdown: { type: 'boolean', description: 'a report fit for a pull-request comment or a CI job summary' },
} as const satisfies FlagSpecs
export type ValidateArgs = ParsedFlags<WithCommonFlags<typeof flags>>

export const task = defineTask({
  name: 'validate',
  summary: `
Check the files as a sync would before its first request, offline: no credentials, no network,
no emulator. Checks descope.config.ts and its plugins, each environment file with the files it
extends, the flow and theme files it names, and the plugins' own rules across items (duplicate
keys, a tenant's custom attributes against tenantAttributes, an SSO entry that follows another).`,
  usage: '[--env <names> | --all] [flags]',
  flags,
  notes: `
No \${VAR} needs a value (the project's .env is read, as a sync reads it; values are never
shown). A missing one is listed with the file and field that use it; a stand-in of the field's
shape (a project id, a key, a URL) takes its place so the rest is still checked, and whatever
only the real value could pass is listed as not checked.

Not checked, since only the live project knows: whether a referenced item that no file declares
exists (a role naming the built-in "User Admin" permission, or one made by hand: listed, not
refused), whether the key is valid, what the plan would change or delete (the mass-delete
guard, built-in items' fixed fields, a domain another tenant keeps), and the emulator's state file.

Exit codes: 0 valid (missing variables listed only, unless --strict); 3 problems, each naming
the file, the field and the fix; 1 something unexpected failed (a plugin's own code threw).`,
  examples: [
    'npx tsx tasks/validate.ts --all                             # every environment, before a push',
    'npx tsx tasks/validate.ts --all --markdown >> "$GITHUB_STEP_SUMMARY"',
    'npx tsx tasks/validate.ts --env prod --strict             # with the variables CI has set',
    'npx tsx tasks/validate.ts --all --json',
  ],
  // the work, and what it needs, are loaded only now: --help does without them
  run: async (args, log) => (await import('./run/validate.ts')).run(args, log),
})

await runAsScript(import.meta.url, task)
