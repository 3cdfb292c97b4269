// export-flows: live flows and the theme → one deterministic file each under a directory.
// Everything is fetched and checked before the first write, so a refused flow id or a failed
// request leaves the directory as it was; each file is then written atomically.
import fs from 'node:fs'
import path from 'node:path'
import type { Context } from './context.ts'
import { ConfigError, DescopeMgmtError, displayPath, type ConfigIssue } from './errors.ts'
import { holdsSecret } from './secrets.ts'
import { byCodeUnit } from './normalize.ts'
import { readPolicy } from './config.ts'
import { readTextFile, writeFileAtomic, type ReadPolicy } from './files.ts'
import { stableJson } from './json-file.ts'
import { liveItem } from './live.ts'
import { flowFile, loadFlows, SAFE_FLOW_ID, type Flow } from '../plugins/flows.ts'
import { themeApi, themeFile } from '../plugins/theme.ts'

export interface ExportOptions {
  /** the directory to write into (flows/<id>.json and theme.json) */
  dir: string
  /** all live flows (and files of flows no longer live are removed), these ones, or none when omitted */
  flows?: 'all' | string[]
  theme: boolean
}

export type FileState = 'written' | 'unchanged' | 'removed'
export interface ExportedFile {
  /** relative to the export directory */
  file: string
  state: FileState
  /** what the file should hold; undefined for a file to remove */
  content?: string
}

/** The files an export would produce, compared with what is on disk; nothing is written. */
export async function planExport(ctx: Context, options: ExportOptions): Promise<ExportedFile[]> {
  const only = Array.isArray(options.flows) ? options.flows : undefined
  const flows = options.flows ? (await loadFlows(ctx.client, only)).map((raw) => liveItem(ctx.handler('flow'), raw) as Flow) : []
  const issues: ConfigIssue[] = []
  for (const id of only ?? []) {
    if (!flows.some((flow) => flow.flowId === id)) issues.push({ file: '--flow', path: id, message: `environment "${ctx.env.name}" has no flow "${id}"`, fix: 'check the id with the Descope console or list the flows with an export of all' })
  }
  const lowerCased = new Map<string, string>()
  for (const flow of flows) {
    if (!SAFE_FLOW_ID.test(flow.flowId)) issues.push({ file: displayPath(options.dir), path: flow.flowId, message: `flow id ${JSON.stringify(flow.flowId)} is not a safe file name (or would escape the directory); refusing to write it`, fix: 'rename the flow in Descope, or export the others with --flow' })
    // on a case-insensitive file system (macOS, Windows) two such flows would share one file
    const twin = lowerCased.get(flow.flowId.toLowerCase())
    if (twin) issues.push({ file: displayPath(options.dir), path: flow.flowId, message: `flow ids "${twin}" and "${flow.flowId}" differ only in case and would share one file on some systems`, fix: 'rename one of them in Descope' })
    lowerCased.set(flow.flowId.toLowerCase(), flow.flowId)
  }
  if (issues.length) throw new ConfigError('EXPORT_REFUSED', issues)

  // --out may lie outside the project: the files there are checked, not confined
  const policy = { ...readPolicy(ctx.config, 'flow'), root: undefined }
  const wanted = new Map(flows.map((flow) => [flowFile(options.dir, flow.flowId), stableJson(flow)]))
  if (options.theme) wanted.set(themeFile(options.dir), stableJson(liveItem(ctx.handler('theme'), await themeApi(ctx.client).export())))
  // files meant for git: a secret someone pasted into a flow or the theme is never written out
  const leaking = [...wanted.keys()].filter((file) => holdsSecret(wanted.get(file)!))
  if (leaking.length) {
    throw new DescopeMgmtError('EXPORT_SECRET', `live ${leaking.map((file) => path.relative(options.dir, file)).join(', ')} hold${leaking.length === 1 ? 's' : ''} a secret (the management key, or a secret variable's value); nothing was written. Remove it in the Descope console and export again`)
  }
  const files: ExportedFile[] = [...wanted].map(([file, content]) => ({
    file: path.relative(options.dir, file),
    state: readIfExists(file, policy) === content ? 'unchanged' : 'written',
    content,
  }))
  if (options.flows === 'all') {
    const flowsDir = path.join(options.dir, 'flows')
    const present = fs.existsSync(flowsDir) ? fs.readdirSync(flowsDir).filter((name) => name.endsWith('.json')) : []
    for (const name of present) {
      const file = path.join(flowsDir, name)
      if (wanted.has(file)) continue
      // only files are removed; anything else there is for a person to look at (checked before any write)
      if (fs.lstatSync(file).isDirectory()) throw new ConfigError('EXPORT_REFUSED', [{ file: displayPath(file), path: '', message: 'is a directory where a flow file of a flow no longer live would be removed', fix: 'remove or rename it by hand' }])
      files.push({ file: path.join('flows', name), state: 'removed' })
    }
  }
  return files.sort((a, b) => byCodeUnit(a.file, b.file))
}

/** Writes (atomically) or removes every file that differs. */
export function writeExport(dir: string, files: ExportedFile[]): void {
  for (const { file, state, content } of files) {
    if (state === 'written') writeFileAtomic(path.join(dir, file), content!)
    if (state === 'removed') fs.rmSync(path.join(dir, file))
  }
}

/** The file's text if it is there, read with the flow files' care (a link to /dev/zero is refused, not read). */
function readIfExists(file: string, policy: ReadPolicy): string | undefined {
  return fs.existsSync(file) ? readTextFile(file, policy) : undefined
}
