// npx tsx tasks/drift.ts --env prod [--against staging] [--strict] [--json | --markdown]
import { loadConfig } from '../lib/config.ts'
import { checkDrift } from '../lib/drift-check.ts'
import { driftDocument, formatMarkdown, formatText, summarize } from '../lib/drift-report.ts'
import { environmentFile, listEnvironments } from '../lib/environment.ts'
import { ExitCode, UsageError } from '../lib/errors.ts'
import { print } from '../lib/log.ts'
import { defineTask, runAsScript } from '../lib/runner.ts'

export const task = defineTask({
  name: 'drift',
  summary: `
Report what differs, for people and for CI. Read-only: it never writes to Descope.

Each differing item is "changed" (with the differing fields, live and desired values),
"missing" (desired, not live) or "unmanaged" (live, not desired), for every resource type the
environment declares.`,
  usage: '[--env <names> | --all] [flags]',
  flags: {
    env: { type: 'list', value: '<names>', description: 'environment(s) to check against their files: dev, or dev,staging,prod (default: the config\'s defaultEnvironment); several run in parallel, each on its own throttle, with one combined report and exit code' },
    all: { type: 'boolean', description: 'every environment in environments/' },
    against: { type: 'string', value: '<name>', description: 'compare the live state of --env with the live state of <name> instead of its files, skipping fields that differ between environments by design ("what would promoting <name> to --env change?")' },
    strict: { type: 'boolean', description: 'count unmanaged items as drift' },
    json: { type: 'boolean', description: 'one JSON document: { strict, summary, environments, differences: [{ environment, against, type, key, kind, paths?, fields?: [{ path, live, desired }] }] } (README: Drift)' },
    markdown: { type: 'boolean', description: 'a report fit for a pull-request comment or a CI job summary' },
  },
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
  ],
  run: async (args, log) => {
    if (args.json && args.markdown) throw new UsageError('choose one of --json and --markdown')
    if (args.all && args.env) throw new UsageError('choose one of --env and --all')
    const config = await loadConfig()
    const environments = args.all ? listEnvironments(config) : [...new Set(args.env ?? [config.defaultEnvironment])]
    if (!environments.length) throw new UsageError('no environment to check; see --help')
    // every name is checked before any environment is read or asked anything
    for (const name of [...environments, ...(args.against ? [args.against] : [])]) environmentFile(name, config)

    const results = await checkDrift(environments, { against: args.against, log })
    const strict = args.strict
    if (args.json) print(JSON.stringify(driftDocument(results, strict), null, 2))
    else if (args.markdown) print(formatMarkdown(results, strict))
    else print(formatText(results, strict))
    // the text report shows failed checks itself; with --json or --markdown, stderr says so too
    if (args.json || args.markdown) for (const result of results) if (result.error) log.error(`${result.environment}: ${result.error.message}`)

    // a check that could not run outweighs drift found elsewhere
    const failed = results.filter((result) => result.error)
    if (failed.some((result) => !result.error!.usage)) return ExitCode.failure
    if (failed.length) return ExitCode.invalidConfig
    return summarize(results, strict).drift ? ExitCode.changesPending : ExitCode.ok
  },
})

await runAsScript(import.meta.url, task)
