// What tasks/validate.ts does, loaded only when it runs (its --help needs none of this).
import type { ConsolaInstance } from 'consola'
import { ExitCode, UsageError } from '../../lib/errors.ts'
import { printJson } from '../../lib/report/json-document.ts'
import { print } from '../../lib/report/print.ts'
import { formatMarkdown, formatText, isValid, validateDocument } from '../../lib/report/validate-report.ts'
import { validateOffline } from '../../lib/run/validate-offline.ts'
import type { ValidateArgs } from '../validate.ts'

export async function run(args: ValidateArgs, log: ConsolaInstance): Promise<number> {
  if (args.json && args.markdown) throw new UsageError('choose one of --json and --markdown')
  if (args.all && args.env) throw new UsageError('choose one of --env and --all')
  const result = await validateOffline(args.env, { strict: args.strict, all: args.all })
  if (!result.config.length && !result.environments.length) throw new UsageError('no environment to check: environments/ holds no <name>.yaml; see --help')
  if (args.json) printJson('validate', validateDocument(result))
  else if (args.markdown) print(formatMarkdown(result))
  else print(formatText(result))
  // the text report shows a failed check itself; with --json or --markdown, stderr says so too
  if (args.json || args.markdown) for (const check of result.environments) if (check.failure) log.error(`${check.environment}: ${check.failure.message}`)
  if (result.environments.some((check) => check.failure)) return ExitCode.failure
  return isValid(result) ? ExitCode.ok : ExitCode.invalidConfig
}
