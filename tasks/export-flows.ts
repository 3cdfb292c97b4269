// npx tsx tasks/export-flows.ts --env dev [--flow a,b] [--out dir] [--[no-]theme] [--check]
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineTask, runAsScript } from '../lib/run/runner.ts'

/** Declared once: what the task parses, documents and hands to run/export-flows.ts. */
const flags = {
  env: { type: 'string', value: '<name>', description: 'environment to export from (default: the config\'s defaultEnvironment)' },
  flow: { type: 'list', value: '<ids>', description: 'only these flows (default: what the environment\'s `flows:` says)' },
  out: { type: 'string', value: '<dir>', description: 'directory to write into (default: the environment\'s exportDir, environments/exported)' },
  theme: { type: 'boolean', tristate: true, description: 'export the theme, or not (default: if the environment says `theme: true`)' },
  check: { type: 'boolean', description: 'write nothing; exit 2 when the files differ from live, 0 when they match' },
  json: { type: 'boolean', description: 'print one JSON document on stdout: { kind: "export", formatVersion, environment, dir, check, files: [{ file, state }] }; state is written, unchanged or removed (with --check: matches, differs, missing or not-live)' },
} as const satisfies FlagSpecs
export type ExportFlowsArgs = ParsedFlags<WithCommonFlags<typeof flags>>

export const task = defineTask({
  name: 'export-flows',
  summary: `
Pull flows and the theme from an environment into files: <dir>/flows/<flowId>.json and
<dir>/theme.json, in Descope's v2 export format, made portable (no versions, etags or
modification times; reference ids blanked, since the target project looks them up by name).
Output is deterministic: sorted keys, stable order, a trailing newline. An unchanged project
exports to identical bytes, so git diffs show only real changes.

What is exported is what the environment's file manages: its \`flows:\` (all of them, removing
files of flows no longer live, or the listed ones) and the theme if it says \`theme: true\`.
--flow and --[no-]theme choose otherwise.`,
  usage: '[--env <name>] [flags]',
  flags,
  examples: [
    'npx tsx tasks/export-flows.ts --env dev                   # what dev manages, into environments/exported',
    'npx tsx tasks/export-flows.ts --env dev --flow sign-in,sign-up --no-theme',
    'npx tsx tasks/export-flows.ts --env prod --check          # CI: do the files still match prod?',
    'npx tsx tasks/export-flows.ts --env dev --out /tmp/dev-flows',
  ],
  // the work, and what it needs, are loaded only now: --help does without them
  run: async (args, log) => (await import('./run/export-flows.ts')).run(args, log),
})

await runAsScript(import.meta.url, task)
