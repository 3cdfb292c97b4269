// npx tsx tasks/import.ts --env prod [--type tenant,role] [--out <file>] [--base <file>] [--force] [--json]
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineTask, runAsScript } from '../lib/run/runner.ts'

/** Declared once: what the task parses, documents and hands to run/import.ts. */
const flags = {
  env: { type: 'string', value: '<name>', description: 'environment to read (default: the config\'s defaultEnvironment); its file must exist with its connection settings (projectId, managementKey, baseUrl or emulator)' },
  type: { type: 'list', value: '<types>', description: 'only these types (tenant,role or their sections tenants,roles); the file\'s other sections are kept as they are' },
  out: { type: 'string', value: '<file>', description: 'the file to write (default: the environment\'s own, environments/<env>.yaml); a new file takes the environment\'s connection settings' },
  base: { type: 'string', value: '<file>', description: 'write only the sections that differ from this base file, and `extends:` it (default: what the file already extends, if anything)' },
  force: { type: 'boolean', description: 'replace sections the file declares, and flow or theme files that differ from the project' },
  json: { type: 'boolean', description: 'one JSON document: { kind: "import", formatVersion, environment, projectId, file, state, base?, sections: [{ section, type, state, items, differs? }], replaces, variables: [{ name, type, key, field }], exportDir, files: [{ file, state }], notes, unsettled } (README: Adopting an existing project)' },
} as const satisfies FlagSpecs
export type ImportArgs = ParsedFlags<WithCommonFlags<typeof flags>>

export const task = defineTask({
  name: 'import',
  summary: `
Adopt a project configured by hand: read it live and write its environment file in this
toolkit's format, with its flows and theme as files (in the environment's exportDir, as
export-flows writes them). Right after, a plan of that environment changes nothing.

Left out: built-ins nothing can change (system permissions), server-owned fields and ids,
and secrets: a write-only field (an OIDC client secret) is written as a \${VAR} reference,
named <ENV>_<TYPE>_<KEY>_<FIELD> in capitals, and every such variable is listed. The file's own
settings (projectId, managementKey, emulator, throttle, tenantAttributes...) are kept as written.`,
  usage: '[--env <name>] [flags]',
  flags,
  notes: `
A file that extends a base (or --base) gets only the sections that differ from the base;
extends replaces a section whole, so a section that differs is written whole.

Without --force, an import that would replace a section the file declares, rewrite its
settings without their comments (a YAML alias across keys), or change a flow or theme file
already there, is refused (exit 3) before anything is written. Re-importing an
unchanged project writes nothing.

Exit codes: 0 written (or nothing to change); 1 the project could not be read; 3 invalid
configuration or usage, or a refused overwrite.`,
  examples: [
    'npx tsx tasks/import.ts --env prod                       # environments/prod.yaml from the prod project',
    'npx tsx tasks/import.ts --env prod --type tenant,tenantSso --force',
    'npx tsx tasks/import.ts --env staging --base environments/base.yaml',
    'npx tsx tasks/import.ts --env dev --out /tmp/dev.yaml --json',
  ],
  // the work, and what it needs, are loaded only now: --help does without them
  run: async (args, log) => (await import('./run/import.ts')).run(args, log),
})

await runAsScript(import.meta.url, task)
