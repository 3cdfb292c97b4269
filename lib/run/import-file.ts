// The environment file an import writes: the file's own settings kept as written (connection,
// emulator, throttle, a handler's settings such as tenantAttributes, and with --type the sections
// of other types), each imported section in place of the one it replaces (with the comments
// above it), new sections after them, and a header saying where it all came from.
// What would replace a section the file declares, or change a flow or theme file, is refused
// without `force`, before anything is written; a re-import of an unchanged project writes nothing.
import fs from 'node:fs'
import path from 'node:path'
import type { Context } from './context.ts'
import type { ImportPlan } from './import.ts'
import { readPolicy } from '../config/config.ts'
import { readEnvironmentFile } from '../config/env-file.ts'
import { environmentFile } from '../config/environment-files.ts'
import { blockHolds, blockText, renderKey, topLevelBlocks, type Block } from '../config/render-env.ts'
import { ConfigError, displayPath, UsageError, type ConfigIssue } from '../errors.ts'
import { readTextFile, writeFileAtomic } from '../io/files.ts'
import { writeExport } from './export.ts'

export interface ImportTarget {
  /** the file to write, absolute */
  file: string
  /** it is there already (its sections are replaced, its settings kept) */
  exists: boolean
  /** the top-level blocks to keep or replace: the file's own, or for a new file the environment's settings */
  blocks: Block[]
  /** the base file whose sections equal to live are left out (absolute): --base, or what the file extends */
  base?: string
  /** a note when the file's own lines could not be kept as written (an alias across keys) */
  rewritten?: string
}

/**
 * The file an import of `ctx.env` writes: `out`, else the environment's own. A new file takes the
 * environment's settings (not its `extends`: a new file is whole, unless `base` is given).
 */
export function importTarget(ctx: Context, out: string | undefined, base: string | undefined): ImportTarget {
  const own = environmentFile(ctx.env.name, ctx.config)
  const file = out === undefined ? own : path.resolve(out)
  const exists = fs.existsSync(file)
  const source = exists ? file : own
  // a file --out names outside the project was the user's choice: read where it is, not as part of the project
  const policy = { ...readPolicy(ctx.config, 'environment'), ...(source === own ? {} : { root: path.dirname(source) }) }
  const merged = readEnvironmentFile(source, policy)
  const sections = new Set(ctx.handlers.map((handler) => handler.section))
  let blocks = topLevelBlocks(withoutHeader(readTextFile(source, policy)))
  // a new file starts from the environment's settings only
  if (!exists) blocks = blocks.filter((block) => block.key === undefined ? false : block.key !== 'extends' && !sections.has(block.key))
  // the keys the file itself sets (a new file: the environment's settings, none of its sections)
  const wanted = Object.keys(merged.sources).filter((key) => merged.sources[key] === merged.file && (exists || !sections.has(key)))
  const kept = blocks.filter((block) => block.key !== undefined && block.key !== 'extends')
  let rewritten: string | undefined
  const asWritten = kept.length === wanted.length && wanted.every((key) => kept.some((block) => block.key === key && blockHolds(block, merged.values[key])))
  if (!asWritten) {
    rewritten = `the lines of ${displayPath(source)} could not be kept as written (a YAML alias or a document marker across keys), so its settings are written anew, without their comments`
    blocks = [
      ...blocks.filter((block) => block.key === 'extends'),
      ...wanted.map((key) => ({ key, lead: [], body: renderKey(key, merged.values[key]).trimEnd() })),
    ]
  }
  const extended = exists && merged.chain.length > 1 ? merged.chain[1] : undefined
  const baseFile = base === undefined ? extended : path.resolve(base)
  // the file would extend itself: a cycle no plan can load, its sections all "left to the base"
  if (baseFile && readEnvironmentFile(baseFile, readPolicy(ctx.config, 'environment')).chain.includes(file)) {
    throw new UsageError(`--base ${displayPath(baseFile)} is ${baseFile === file ? 'the file the import writes' : `or extends ${displayPath(file)}, the file the import writes`}; name the file it should extend, such as environments/base.yaml`)
  }
  return { file, exists, blocks, base: baseFile, ...(rewritten ? { rewritten } : {}) }
}

export interface ImportFile {
  /** the file's new text */
  text: string
  /** unchanged: the file there already says the same (its header aside): nothing is written */
  state: 'written' | 'unchanged'
  /** sections the file declares that the import replaces or removes */
  replaces: string[]
}

const HEADER_START = '# ---- imported by tasks/import.ts'
const HEADER_END = '# ----'

/** The text without the header an earlier import wrote (its date is no change). */
function withoutHeader(text: string): string {
  const lines = text.split('\n')
  const start = lines.indexOf(lines.find((line) => line.startsWith(HEADER_START)) ?? '\0')
  if (start < 0) return text
  const end = lines.indexOf(HEADER_END, start + 1)
  return end < 0 ? text : [...lines.slice(0, start), ...lines.slice(end + 1)].join('\n')
}

export interface ImportProvenance {
  environment: string
  projectId: string
  baseUrl?: string
  date: Date
}

/** The file's text: header, extends, kept blocks with imported sections in their place, new sections. */
export function renderImportFile(target: ImportTarget, plan: ImportPlan, from: ImportProvenance): ImportFile {
  const imported = new Map(plan.sections.map((section) => [section.section, section]))
  const extendsLine = target.base ? `extends: ${path.relative(path.dirname(target.file), target.base).split(path.sep).join('/')}` : undefined
  const replaces: string[] = []
  const parts: string[] = []
  const placed = new Set<string>()
  for (const block of target.blocks) {
    if (block.key === 'extends') {
      if (extendsLine) parts.push([...block.lead, extendsLine].join('\n'))
      placed.add('extends')
    } else if (block.key !== undefined && plan.covers.includes(block.key)) {
      // a section the import read: replaced in place, or gone (left to the base, or nothing live)
      // one that already says the same (in its own layout, with its comments) is kept as written
      const value = imported.get(block.key)?.value
      if (value !== undefined && blockHolds(block, value)) parts.push(blockText(block))
      else {
        replaces.push(block.key)
        if (value !== undefined) parts.push([...block.lead, renderKey(block.key, value).trimEnd()].join('\n'))
      }
      placed.add(block.key)
    } else {
      parts.push(blockText(block))
    }
  }
  const added = plan.sections.filter((section) => section.value !== undefined && !placed.has(section.section))
  if (added.length) parts.push(['', ...added.map((section) => renderKey(section.section, section.value).trimEnd())].join('\n'))
  const lines = [header(from, plan), ...(extendsLine && !placed.has('extends') ? [extendsLine] : []), ...parts]
  const text = `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`
  const before = target.exists ? fs.readFileSync(target.file, 'utf8') : undefined
  return { text, state: before !== undefined && withoutHeader(before) === withoutHeader(text) ? 'unchanged' : 'written', replaces }
}

function header(from: ImportProvenance, plan: ImportPlan): string {
  const at = from.date.toISOString().replace(/\.\d+Z$/, 'Z')
  return [
    `${HEADER_START} from environment "${from.environment}", project ${from.projectId}${from.baseUrl ? ` at ${from.baseUrl}` : ''}, on ${at}`,
    '# Built-ins, server-owned fields and ids are left out; a plan from this file changes nothing',
    '# until the project or the file does. Edit it freely: an import again replaces the sections.',
    ...(plan.variables.length
      ? ['# Write-only secrets are ${VAR} references; set these before a plan:', ...plan.variables.map((variable) => `#   ${variable.name}   (${variable.type} ${JSON.stringify(variable.key)} ${variable.field})`)]
      : []),
    HEADER_END,
  ].join('\n')
}

/**
 * Refuses, before any write, an import that would replace what the file declares, write its
 * settings anew (without their comments), or change a flow or theme file already there, unless
 * `force`: each named, with the way out.
 */
export function refuseOverwrite(target: ImportTarget, file: ImportFile, plan: ImportPlan, exportDir: string, force: boolean): void {
  if (force) return
  const issues: ConfigIssue[] = []
  const shown = displayPath(target.file)
  if (target.exists && file.state === 'written' && file.replaces.length) {
    issues.push({ file: shown, path: file.replaces.join(', '), message: `exists, and the import would rewrite ${file.replaces.length === 1 ? 'this section' : 'these sections'} from the project, every field as it reads them (its other settings are kept as written)`, fix: 'pass --force to replace them, or --out <file> to write a new file' })
  }
  // its settings written anew lose their comments: as much an overwrite as a section replaced
  if (target.exists && file.state === 'written' && target.rewritten) {
    issues.push({ file: shown, path: '', message: 'exists, and its lines cannot be kept as written (a YAML alias or a document marker across keys): the import would write its settings anew, without their comments', fix: 'pass --force to rewrite it, write those keys without aliases, or --out <file> to write a new file' })
  }
  for (const exported of plan.files) {
    const where = path.join(exportDir, exported.file)
    if (exported.state === 'removed') issues.push({ file: displayPath(where), path: '', message: 'would be removed: the project has no such item', fix: 'pass --force to remove it, or give this environment its own exportDir' })
    else if (exported.state === 'written' && fs.existsSync(where)) issues.push({ file: displayPath(where), path: '', message: 'exists and differs from the project', fix: 'pass --force to replace it (review with git diff), or give this environment its own exportDir' })
  }
  if (issues.length) throw new ConfigError('IMPORT_EXISTS', issues, { title: 'the import would overwrite files (nothing was written)' })
}

/** The flow and theme files first, then the environment file, each atomically. */
export function writeImport(target: ImportTarget, file: ImportFile, plan: ImportPlan, exportDir: string): void {
  writeExport(exportDir, plan.files)
  if (file.state === 'written') writeFileAtomic(target.file, file.text)
}
