// Reads an environment file and the chain of files it `extends`. Top-level keys of the
// extending file replace those of its base (a section is never merged item by item, so what a
// file declares is exactly what it shows); each key remembers which file it came from. Every
// file must lie inside the project, and YAML aliases may not expand past a small bound.
import fs from 'node:fs'
import path from 'node:path'
import { load as parseYamlText, YAMLException } from 'js-yaml'
import { ConfigError, displayPath, type ConfigIssue, type ErrorCode } from '../errors.ts'
import { readTextFile, type ReadPolicy } from '../io/files.ts'

export interface MergedFile {
  values: Record<string, unknown>
  /** top-level key → the file that supplied it */
  sources: Record<string, string>
  /** the environment's own file */
  file: string
  /** the file and every base it extends, absolute */
  chain: string[]
}

/** Values that aliases may add by repeating a node (an alias bomb adds billions). */
export const MAX_ALIAS_EXPANSION = 100_000
/** Alias uses per file; js-yaml counts them as it parses, before anything is expanded. */
const MAX_ALIASES = 1_000

/** `policy.root` is the project: the file and every base it extends must lie inside it. */
export function readEnvironmentFile(file: string, policy: ReadPolicy, chain: string[] = []): MergedFile {
  const shown = displayPath(file)
  if (chain.includes(file)) {
    const cycle = [...chain, file].map((f) => path.basename(f)).join(' → ')
    throw fileError('ENV_EXTENDS_CYCLE', shown, 'extends', `extends itself in a cycle: ${cycle}`, 'remove one of the extends')
  }
  const own = parseYaml(readTextFile(file, policy), shown)
  const base = own.extends
  delete own.extends
  const sources = Object.fromEntries(Object.keys(own).map((key) => [key, shown]))
  if (base === undefined) return { values: own, sources, file: shown, chain: [file] }
  if (typeof base !== 'string' || base === '') {
    throw fileError('ENV_INVALID', shown, 'extends', 'must be the relative path of another YAML file', 'write e.g. `extends: base.yaml`')
  }
  // which files make up an environment is settled before any variable is read: extends is never substituted
  if (base.includes('${')) {
    throw fileError('ENV_INVALID', shown, 'extends', `is ${base}, but variables are not replaced in extends`, 'name the file itself, relative to this one: `extends: base.yaml`')
  }
  const basePath = path.resolve(path.dirname(file), base)
  if (!fs.existsSync(basePath)) {
    throw fileError('ENV_EXTENDS_MISSING', shown, 'extends', `names ${base}, which does not exist (looked for ${displayPath(basePath)})`, 'correct the path; it is relative to this file')
  }
  let parent: MergedFile
  try {
    parent = readEnvironmentFile(basePath, policy, [...chain, file])
  } catch (error) {
    // a base that is a directory, outside the project or too large: the mistake is this `extends`
    if (!(error instanceof ConfigError) || !error.code.startsWith('FILE_') || error.issues[0]?.file !== displayPath(basePath)) throw error
    const issue = error.issues[0]!
    throw new ConfigError(error.code, [{ file: shown, path: 'extends', message: `names ${base}, which ${issue.message}`, fix: issue.fix }])
  }
  return {
    values: { ...parent.values, ...own },
    sources: { ...parent.sources, ...sources },
    file: shown,
    chain: [file, ...parent.chain],
  }
}

function parseYaml(text: string, shown: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = parseYamlText(text, { filename: shown, maxAliases: MAX_ALIASES })
  } catch (error) {
    if (error instanceof YAMLException) {
      const where = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : ''
      throw fileError('ENV_YAML', shown, '', `is not valid YAML${where}: ${error.reason}`, 'correct the YAML syntax there')
    }
    throw error
  }
  if (parsed === undefined || parsed === null) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw fileError('ENV_INVALID', shown, '', 'must be a YAML mapping (key: value) at the top level', 'see environments/dev.yaml for the shape')
  }
  checkAliases(parsed, shown)
  return { ...(parsed as Record<string, unknown>) }
}

/**
 * js-yaml gives an alias the very node it names, so a file is a graph: walk it once per node
 * (never expanding a shared one) to count what the aliases would add, and find cycles.
 */
function checkAliases(root: object, shown: string): void {
  const sizes = new Map<object, number>()
  const open = new Set<object>()
  let unique = 0
  const size = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1
    const known = sizes.get(node)
    if (known !== undefined) return known
    if (open.has(node)) throw fileError('ENV_YAML', shown, '', 'uses an alias inside the very value it names (a cycle)', 'replace the alias with the value it should hold')
    open.add(node)
    let total = 1
    unique++
    for (const child of Object.values(node)) {
      if (child === null || typeof child !== 'object') unique++
      total += size(child)
    }
    open.delete(node)
    sizes.set(node, total)
    return total
  }
  const added = size(root) - unique
  if (added > MAX_ALIAS_EXPANSION) {
    throw fileError('ENV_YAML_ALIASES', shown, '', `uses YAML aliases that repeat more than ${MAX_ALIAS_EXPANSION.toLocaleString('en')} values (an "alias bomb"?)`, 'write the values out, or use fewer nested aliases')
  }
}

function fileError(code: ErrorCode, file: string, field: string, message: string, fix: string) {
  const issue: ConfigIssue = { file, path: field, message, fix }
  return new ConfigError(code, [issue])
}
