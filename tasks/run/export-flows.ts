// What tasks/export-flows.ts does, loaded only when it runs (its --help needs none of this).
import type { ConsolaInstance } from 'consola'
import fs from 'node:fs'
import path from 'node:path'
import { withContext, type Context } from '../../lib/run/context.ts'
import { ConfigError, displayPath, ExitCode, UsageError } from '../../lib/errors.ts'
import { resolvesInside } from '../../lib/io/files.ts'
import { planExport, writeExport, type ExportedFile, type ExportOptions } from '../../lib/run/export.ts'
import { print } from '../../lib/report/print.ts'
import { printJson } from '../../lib/report/json-document.ts'
import { SAFE_FLOW_ID } from '../../plugins/flows.ts'
import type { ExportFlowsArgs } from '../export-flows.ts'

const VERB = { written: 'written', unchanged: 'unchanged', removed: 'removed' } as const
const CHECK_VERB = { written: 'differs', unchanged: 'matches', removed: 'not-live' } as const

export async function run(args: ExportFlowsArgs, log: ConsolaInstance): Promise<number> {
  // refused before anything is read or sent
  for (const id of args.flow ?? []) if (!SAFE_FLOW_ID.test(id)) throw new UsageError(`--flow ${JSON.stringify(id)} is not a flow id (letters, digits, ".", "_" and "-", not starting with ".")`)
  const out = args.out === undefined ? undefined : path.resolve(args.out)
  if (out && fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new UsageError(`--out ${args.out} is a file, not a directory; name a directory to write the flows into`)
  // the environment's own flow files may be missing or broken: exporting is how they are mended
  return withContext(args.env, { log, expandFiles: false }, async (ctx) => {
    const options = { dir: out ?? ctx.env.exportDir, selections: chosen(ctx, args.flow, args.theme) }
    // the export directory is the project's (a `flows` link out of it is refused); --out is the user's own choice
    if (!out && !resolvesInside(path.join(options.dir, 'flows'), ctx.config.root)) {
      throw new ConfigError('EXPORT_REFUSED', [{ file: displayPath(path.join(options.dir, 'flows')), path: '', message: 'leads outside the project', fix: 'make it a directory inside the project, or export there on purpose with --out' }])
    }
    const files = await planExport(ctx, options)
    if (!args.check) writeExport(options.dir, files)

    // a file the check would write and that is not there is missing, not different
    const said = ({ file, state }: ExportedFile) => (args.check && state === 'written' && !fs.existsSync(path.join(options.dir, file)) ? 'missing' : (args.check ? CHECK_VERB : VERB)[state])
    const shown = displayPath(options.dir)
    if (args.json) {
      printJson('export', { environment: ctx.env.name, dir: shown, check: args.check, files: files.map((file) => ({ file: file.file, state: said(file) })) })
    } else {
      print(`${args.check ? 'Checked' : 'Exported'} environment "${ctx.env.name}" ${args.check ? 'against' : 'into'} ${shown}:`)
      for (const file of files) print(`  ${said(file).padEnd(9)} ${file.file}`)
      print(summary(files, args.check))
    }
    return args.check && files.some((file) => file.state !== 'unchanged') ? ExitCode.changesPending : ExitCode.ok
  })
}


/** The flags' choice, else what the environment manages; nothing at all is a usage error. */
function chosen(ctx: Context, flow: string[] | undefined, theme: boolean | undefined): ExportOptions['selections'] {
  const selection = ctx.env.selections.get('flow') as 'all' | string[] | undefined
  const flows = flow ?? selection
  const withTheme = theme ?? ctx.env.selections.get('theme') === true
  if (!flows?.length && !withTheme) {
    throw new UsageError(`environment "${ctx.env.name}" manages no flows and no theme (${ctx.env.file} has no \`flows:\` and no \`theme: true\`), so there is nothing to export; pass --flow <ids> or --theme to export anyway`)
  }
  return new Map<string, unknown>([...(flows?.length ? [['flow', flows] as const] : []), ...(withTheme ? [['theme', true] as const] : [])])
}

function summary(files: ExportedFile[], check: boolean): string {
  const changed = files.filter((file) => file.state !== 'unchanged').length
  if (check) return changed ? `${changed} file(s) differ from live.` : 'The files match live.'
  return changed ? `${changed} file(s) changed.` : 'No changes.'
}
