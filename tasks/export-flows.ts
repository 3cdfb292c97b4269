// npx tsx tasks/export-flows.ts --env dev [--flow a,b] [--out dir] [--no-theme] [--check]
import path from 'node:path'
import { withContext } from '../lib/context.ts'
import { displayPath, ExitCode, UsageError } from '../lib/errors.ts'
import { planExport, writeExport, type ExportedFile } from '../lib/export.ts'
import { print } from '../lib/log.ts'
import { runTask } from '../lib/runner.ts'

const help = `
Pull flows and the theme from an environment into files: <dir>/flows/<flowId>.json and
<dir>/theme.json, in Descope's v2 export format, made portable (no versions, etags or
modification times; reference ids blanked, since the target project looks them up by name).
Output is deterministic: sorted keys, stable order, a trailing newline. An unchanged project
exports to identical bytes, so git diffs show only real changes.

Usage: npx tsx tasks/export-flows.ts [--env <name>] [flags]

  --env <name>   environment to export from (default: the config's defaultEnvironment)
  --flow <ids>   only these flows, comma-separated (default: all, and files of flows that no
                 longer exist are removed)
  --out <dir>    directory to write into (default: the environment's exportDir,
                 environments/exported)
  --no-theme     leave the theme out
  --check        write nothing; exit 2 when the files differ from live, 0 when they match
  --json         print { dir, check, files: [{ file, state }] } on stdout; state is written,
                 unchanged or removed (with --check: differs, matches or not-live)
  --verbose      log each request retry and more
  --help         this text

Examples:
  npx tsx tasks/export-flows.ts --env dev                   # everything, into environments/exported
  npx tsx tasks/export-flows.ts --env dev --flow sign-in,sign-up
  npx tsx tasks/export-flows.ts --env prod --check          # CI: do the files still match prod?
  npx tsx tasks/export-flows.ts --env dev --out /tmp/dev-flows
`

const VERB = { written: 'written', unchanged: 'unchanged', removed: 'removed' } as const
const CHECK_VERB = { written: 'differs', unchanged: 'matches', removed: 'not-live' } as const

await runTask({
  help,
  boolean: ['check', 'json', 'theme'],
  string: ['env', 'flow', 'out'],
  defaults: { theme: true },
  // the environment's own flow files may be missing or broken: exporting is how they are mended
  run: (args, log) => withContext(args.env, { log, expandFiles: false }, async (ctx) => {
    const flows = args.flow === undefined ? undefined : String(args.flow).split(',').map((id) => id.trim()).filter(Boolean)
    if (flows?.length === 0) throw new UsageError('--flow needs at least one flow id; see --help')
    const dir = args.out ? path.resolve(args.out) : ctx.env.exportDir
    const files = await planExport(ctx, { dir, flows, theme: args.theme })
    if (!args.check) writeExport(dir, files)

    const verbs = args.check ? CHECK_VERB : VERB
    const shown = displayPath(dir)
    if (args.json) {
      print(JSON.stringify({ dir: shown, check: Boolean(args.check), files: files.map(({ file, state }) => ({ file, state: verbs[state] })) }, null, 2))
    } else {
      print(`${args.check ? 'Checked' : 'Exported'} environment "${ctx.env.name}" ${args.check ? 'against' : 'into'} ${shown}:`)
      for (const { file, state } of files) print(`  ${verbs[state].padEnd(9)} ${file}`)
      print(summary(files, Boolean(args.check)))
    }
    return args.check && files.some((file) => file.state !== 'unchanged') ? ExitCode.changesPending : ExitCode.ok
  }),
})

function summary(files: ExportedFile[], check: boolean): string {
  const changed = files.filter((file) => file.state !== 'unchanged').length
  if (check) return changed ? `${changed} file(s) differ from live.` : 'The files match live.'
  return changed ? `${changed} file(s) changed.` : 'No changes.'
}
