// What tasks/import.ts does, loaded only when it runs (its --help needs none of this).
import type { ConsolaInstance } from 'consola'
import path from 'node:path'
import { withContext, type Context } from '../../lib/run/context.ts'
import { readBaseSections } from '../../lib/config/base-file.ts'
import { projectVariables } from '../../lib/config/dotenv.ts'
import { environmentsDir, isEnvironmentName } from '../../lib/config/environment-files.ts'
import { closest } from '../../lib/config/validate.ts'
import { ConfigError, displayPath, ExitCode, UsageError } from '../../lib/errors.ts'
import { resolvesInside } from '../../lib/io/files.ts'
import { planImport, type ImportPlan } from '../../lib/run/import.ts'
import { importTarget, refuseOverwrite, renderImportFile, writeImport, type ImportFile, type ImportTarget } from '../../lib/run/import-file.ts'
import { printJson } from '../../lib/report/json-document.ts'
import { print } from '../../lib/report/print.ts'
import type { ImportArgs } from '../import.ts'

export async function run(args: ImportArgs, log: ConsolaInstance): Promise<number> {
  if (args.out !== undefined && !/\.ya?ml$/.test(args.out)) throw new UsageError(`--out ${args.out} is not a YAML file; name the environment file to write, such as environments/prod.yaml`)
  // the environment's own flow files may be missing or differ: the import is how they are made
  return withContext(args.env, { log, expandFiles: false }, async (ctx) => {
    const types = chosenTypes(ctx, args.type)
    if (!resolvesInside(path.join(ctx.env.exportDir, 'flows'), ctx.config.root)) {
      throw new ConfigError('EXPORT_REFUSED', [{ file: displayPath(path.join(ctx.env.exportDir, 'flows')), path: '', message: 'leads outside the project', fix: 'make it a directory inside the project' }])
    }
    const target = importTarget(ctx, args.out, args.base)
    if (target.rewritten) log.warn(target.rewritten)
    const base = target.base ? readBaseSections(target.base, ctx.config, ctx.handlers, projectVariables(ctx.config)) : undefined
    // the file's own environment names its variables: `--out environments/eu.yaml` is environment "eu"
    const environment = path.basename(target.file).replace(/\.ya?ml$/, '')
    const plan = await planImport(ctx, { environment, file: displayPath(target.file), types, base })
    const file = renderImportFile(target, plan, { environment: ctx.env.name, projectId: ctx.projectId, baseUrl: ctx.env.baseUrl, date: new Date() })
    refuseOverwrite(target, file, plan, ctx.env.exportDir, args.force)
    writeImport(target, file, plan, ctx.env.exportDir)
    if (args.json) printJson('import', document(ctx, target, file, plan))
    else print(report(ctx, target, file, plan))
    return ExitCode.ok
  })
}

/** --type names, checked before any request: a type or its section, else a "did you mean". */
function chosenTypes(ctx: Context, names: string[] | undefined): string[] | undefined {
  if (!names) return undefined
  const types = ctx.handlers.map((handler) => handler.type)
  return [...new Set(names.map((name) => {
    const handler = ctx.handlers.find((candidate) => candidate.type === name || candidate.section === name)
    if (handler) return handler.type
    const guess = closest(name, [...types, ...ctx.handlers.map((candidate) => candidate.section)])
    throw new UsageError(`--type ${JSON.stringify(name)}: no configured plugin handles it${guess ? ` (did you mean ${guess}?)` : ''}; known types: ${types.join(', ')}`)
  }))]
}

function document(ctx: Context, target: ImportTarget, file: ImportFile, plan: ImportPlan) {
  return {
    environment: ctx.env.name,
    projectId: ctx.projectId,
    file: displayPath(target.file),
    state: file.state,
    ...(target.base ? { base: displayPath(target.base) } : {}),
    sections: plan.sections.map(({ section, type, state, items, differs }) => ({ section, type, state, items, ...(differs ? { differs } : {}) })),
    replaces: file.replaces,
    variables: plan.variables,
    exportDir: displayPath(ctx.env.exportDir),
    files: plan.files.map(({ file: name, state }) => ({ file: name, state })),
    notes: [...(target.rewritten ? [target.rewritten] : []), ...plan.notes],
    unsettled: plan.unsettled,
  }
}

function report(ctx: Context, target: ImportTarget, file: ImportFile, plan: ImportPlan): string {
  const shown = displayPath(target.file)
  const width = Math.max(0, ...plan.sections.map((section) => section.section.length)) + 2
  const lines = [`Imported environment "${ctx.env.name}" (project ${ctx.projectId}) into ${shown}${target.base ? `, beside its base ${displayPath(target.base)}` : ''}:`]
  for (const section of plan.sections) {
    const what = section.state === 'inherited' ? `left to the base (it declares exactly live)` : `${section.items} item${section.items === 1 ? '' : 's'}`
    const differs = section.differs?.length ? `; differs from the base in ${section.differs.map((difference) => `${JSON.stringify(difference.key)} (${difference.kind})`).join(', ')}` : ''
    lines.push(`  ${section.state.padEnd(10)} ${section.section.padEnd(width)}${what}${differs}`)
  }
  if (file.replaces.length) lines.push(`  replaced the file's ${file.replaces.join(', ')}`)
  if (plan.files.length) {
    lines.push(`Files in ${displayPath(ctx.env.exportDir)}:`)
    for (const exported of plan.files) lines.push(`  ${exported.state.padEnd(10)} ${exported.file}`)
  }
  if (plan.variables.length) {
    lines.push('Secrets: set these variables (the file names them as ${VAR}; Descope never returns the values):')
    for (const variable of plan.variables) lines.push(`  ${variable.name}   ${variable.type} ${JSON.stringify(variable.key)} ${variable.field}`)
  }
  for (const note of [...(target.rewritten ? [target.rewritten] : []), ...plan.notes]) lines.push(`Note: ${note}`)
  const environment = path.basename(target.file).replace(/\.ya?ml$/, '')
  // a sync finds only environments/<name>.yaml: a file elsewhere is told where it must go first
  const home = path.join(environmentsDir(ctx.config), `${environment}.yaml`)
  const next = home === target.file && isEnvironmentName(environment) && environment !== 'base'
    ? `Next: npx tsx tasks/sync.ts --env ${environment} (${plan.unsettled.length ? `it plans only what the notes say of ${plan.unsettled.join(', ')}` : 'it should plan no change'}).`
    : `To plan it, make it ${isEnvironmentName(environment) ? displayPath(home) : `environments/<name>.yaml (letters, digits, _ and -)`}.`
  lines.push(file.state === 'unchanged' ? `${shown} already says this: nothing written.` : `Wrote ${shown}. ${next}`)
  return lines.join('\n')
}
