// npx tsx tasks/drift.ts --env prod [--against staging | --matrix [--all-rows]] [--strict] [--json | --markdown]
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineTask, runAsScript } from '../lib/run/runner.ts'

/** Declared once: what the task parses, documents and hands to run/drift.ts. */
const flags = {
  env: { type: 'list', value: '<names>', description: 'environment(s) to check against their files: dev, or dev,staging,prod (default: the config\'s defaultEnvironment); several run in parallel, each on its own throttle, with one combined report and exit code' },
  all: { type: 'boolean', description: 'every environment in environments/' },
  against: { type: 'string', value: '<name>', description: 'compare the live state of --env with the live state of <name> instead of its files, skipping fields that differ between environments by design ("what would promoting <name> to --env change?")' },
  matrix: { type: 'boolean', description: 'all environments side by side: a row per item, a column per environment, each cell how it stands against its own files (✓ in sync, ~ changed, + missing, ? unmanaged, ! duplicate, - ignored by drift.ignore, · not in its files, × could not be checked); only the rows where something differs. With --json: { kind: "drift-matrix", formatVersion, strict, allRows, summary, environments: [{ name, projectId, error? }], rows: [{ type, key, cells: { <env>: { state, paths? } } }], notes }' },
  'all-rows': { type: 'boolean', description: 'with --matrix: every row, the ones in sync everywhere too' },
  strict: { type: 'boolean', description: 'count unmanaged items as drift' },
  json: { type: 'boolean', description: 'one JSON document: { kind, formatVersion, strict, summary, environments, differences: [{ environment, against, type, key, kind, paths?, fields?: [{ path, live, desired }] }], notes } (README: Drift)' },
  markdown: { type: 'boolean', description: 'a report fit for a pull-request comment or a CI job summary' },
} as const satisfies FlagSpecs
export type DriftArgs = ParsedFlags<WithCommonFlags<typeof flags>>

export const task = defineTask({
  name: 'drift',
  summary: `
Report what differs, for people and for CI. Read-only: it never writes to Descope.

Each differing item is "changed" (with the differing fields, live and desired values),
"missing" (desired, not live), "unmanaged" (live, not desired) or "duplicate" (a key more than
one live item holds), for every resource type the environment declares.`,
  usage: '[--env <names> | --all] [flags]',
  flags,
  notes: `
Ignore rules live in descope.config.ts: drift.ignore.<type>.fields (paths never compared) and
.keys (items skipped), and drift.environmentSpecific.<type> (paths only --against skips).

Exit codes: 0 no drift; 2 drift found; 1 a check could not be completed; 3 invalid
configuration or usage.`,
  examples: [
    'npx tsx tasks/drift.ts --env prod                         # did anyone change prod by hand?',
    'npx tsx tasks/drift.ts --env staging --against dev        # what would promoting dev change?',
    'npx tsx tasks/drift.ts --all --markdown >> "$GITHUB_STEP_SUMMARY"',
    'npx tsx tasks/drift.ts --env dev,staging,prod --strict --json',
    'npx tsx tasks/drift.ts --all --matrix                     # every environment side by side, before promoting',
  ],
  // the work, and what it needs, are loaded only now: --help does without them
  run: async (args, log) => (await import('./run/drift.ts')).run(args, log),
})

await runAsScript(import.meta.url, task)
