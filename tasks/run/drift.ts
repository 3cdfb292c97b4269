// What tasks/drift.ts does, loaded only when it runs (its --help needs none of this).
import type { ConsolaInstance } from 'consola'
import { loadConfig } from '../../lib/config/config.ts'
import { checkDrift } from '../../lib/run/drift-check.ts'
import { driftDocument, formatMarkdown, formatText, summarize } from '../../lib/report/drift-report.ts'
import { environmentFile, listEnvironments } from '../../lib/config/environment-files.ts'
import { ExitCode, UsageError } from '../../lib/errors.ts'
import { print } from '../../lib/report/print.ts'
import { printJson } from '../../lib/report/json-document.ts'
import { printMatrix } from '../../lib/report/drift-matrix-report.ts'
import { resolveHandlers } from '../../lib/engine/registry.ts'
import type { DriftArgs } from '../drift.ts'

export async function run(args: DriftArgs, log: ConsolaInstance): Promise<number> {
  if (args.json && args.markdown) throw new UsageError('choose one of --json and --markdown')
  if (args.all && args.env) throw new UsageError('choose one of --env and --all')
  if (args.matrix && args.against) throw new UsageError('--matrix shows each environment against its own files and --against compares two live environments: drop one (for a promotion, --env <target> --against <source>)')
  if (args['all-rows'] && !args.matrix) throw new UsageError('--all-rows belongs to --matrix: add --matrix, or drop --all-rows')
  const config = await loadConfig()
  const environments = args.all ? listEnvironments(config) : [...new Set(args.env ?? [config.defaultEnvironment])]
  if (!environments.length) throw new UsageError('no environment to check; see --help')
  // every name is checked before any environment is read or asked anything
  for (const name of [...environments, ...(args.against ? [args.against] : [])]) environmentFile(name, config)

  const results = await checkDrift(environments, { against: args.against, log })
  const strict = args.strict
  if (args.matrix) printMatrix(results, { types: resolveHandlers(config.plugins).map((handler) => handler.type), strict, allRows: args['all-rows'] }, args)
  else if (args.json) printJson('drift', driftDocument(results, strict))
  else if (args.markdown) print(formatMarkdown(results, strict))
  else print(formatText(results, strict))
  // the text report shows failed checks itself; with --json or --markdown, stderr says so too
  if (args.json || args.markdown) for (const result of results) if (result.error) log.error(`${result.environment}: ${result.error.message}`)

  // a check that could not run outweighs drift found elsewhere
  const failed = results.filter((result) => result.error)
  if (failed.some((result) => !result.error!.usage)) return ExitCode.failure
  if (failed.length) return ExitCode.invalidConfig
  return summarize(results, strict).drift ? ExitCode.changesPending : ExitCode.ok
}
