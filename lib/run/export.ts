// Export: live items of the types that live in files (flows, the theme) → one deterministic file
// each under a directory, as each handler's files.export says; and of the types declared inline,
// the form their section takes in an environment file (sectionOf).
// Everything is fetched and checked before the first write, so a refused flow id or a failed
// request leaves the directory as it was; each file is then written atomically.
import fs from 'node:fs'
import path from 'node:path'
import type { Context } from './context.ts'
import { ConfigError, DescopeMgmtError, displayPath, type ConfigIssue } from '../errors.ts'
import { holdsSecret } from '../report/secrets.ts'
import { byCodeUnit } from '../engine/normalize.ts'
import { readPolicy } from '../config/config.ts'
import { readTextFile, writeFileAtomic, type ReadPolicy } from '../io/files.ts'
import { stableJson } from '../io/json-file.ts'
import { liveItems } from '../engine/live.ts'
import type { ResourceHandler } from '../contract.ts'
import { quoted } from '../report/quote.ts'

export interface ExportOptions {
  /** the directory to write into */
  dir: string
  /**
   * what to export of each file-backed type, as its section would say: `all` (and the files of
   * items no longer live are removed), a list of keys, or `true` for a type of one file
   */
  selections: Map<string, unknown>
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
  const issues: ConfigIssue[] = []
  const wanted = new Map<string, string>()
  const sweep: string[] = []
  for (const handler of ctx.handlers) {
    const exporter = handler.files?.export
    if (!exporter || !options.selections.has(handler.type)) continue
    const selection = options.selections.get(handler.type)
    const only = Array.isArray(selection) ? selection as string[] : undefined
    const items = liveItems(handler, await handler.list(ctx.handlerContext(handler.type), only))
      .filter((item) => !only || only.includes(handler.key(item)))
    for (const key of only ?? []) {
      if (!items.some((item) => handler.key(item) === key)) issues.push({ file: 'export', path: key, message: `environment "${ctx.env.name}" has no ${handler.type} ${quoted(key)}`, fix: 'check it in the Descope console, or export them all' })
    }
    issues.push(...exporter.check?.(items, displayPath(options.dir)) ?? [])
    for (const item of items) wanted.set(path.join(options.dir, exporter.fileOf(item)), stableJson(item))
    if (exporter.directory && handler.files!.exhaustive?.(selection) !== false) sweep.push(path.join(options.dir, exporter.directory))
  }
  if (issues.length) throw new ConfigError('EXPORT_REFUSED', issues)

  // --out may lie outside the project: the files there are checked, not confined
  const policy = { ...readPolicy(ctx.config, 'item file'), root: undefined }
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
  // an export of all of a type's items removes the files of those no longer live
  for (const dir of sweep) {
    const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.json')) : []
    for (const name of present) {
      const file = path.join(dir, name)
      if (wanted.has(file)) continue
      // only files are removed; anything else there is for a person to look at (checked before any write)
      if (fs.lstatSync(file).isDirectory()) throw new ConfigError('EXPORT_REFUSED', [{ file: displayPath(file), path: '', message: 'is a directory where the file of an item no longer live would be removed', fix: 'remove or rename it by hand' }])
      files.push({ file: path.relative(options.dir, file), state: 'removed' })
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

/**
 * Live items of a type declared inline, in the form its section takes in an environment file:
 * a list, the one item (one per project), or a map by parent (one per tenant, its key field left
 * out). Built-ins are left out (every project has them), but for those a file may change
 * (builtInChangeable: Tenant Admin's permissions), which carry what this project set; no
 * server-owned field (live items never hold them) and no write-only value (the API never returns
 * one), each in its file form (asDeclared): written back as a file, it plans no change, here or
 * in a new project.
 */
export function sectionOf(handler: ResourceHandler<any, any>, items: object[]): unknown {
  const kept = items.filter((item) => !handler.builtIn?.(item) || handler.builtInChangeable?.length).sort((a, b) => byCodeUnit(handler.key(a), handler.key(b)))
    .map((item) => handler.asDeclared?.(item) ?? item)
  if (handler.singleton === 'project') return kept[0]
  if (handler.singleton) {
    const { field } = handler.singleton
    return Object.fromEntries(kept.map((item) => {
      const { [field]: parent, ...rest } = item as Record<string, unknown>
      return [String(parent), rest]
    }))
  }
  return kept
}
