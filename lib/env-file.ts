// Reads an environment file and the chain of files it `extends`. Top-level keys of the
// extending file replace those of its base (a section is never merged item by item, so what a
// file declares is exactly what it shows); each key remembers which file it came from.
import fs from 'node:fs'
import path from 'node:path'
import { load as parseYamlText, YAMLException } from 'js-yaml'
import { ConfigError, displayPath, type ConfigIssue } from './errors.ts'

export interface MergedFile {
  values: Record<string, unknown>
  /** top-level key → the file that supplied it */
  sources: Record<string, string>
  /** the environment's own file */
  file: string
}

export function readEnvironmentFile(file: string, chain: string[] = []): MergedFile {
  const shown = displayPath(file)
  if (chain.includes(file)) {
    const cycle = [...chain, file].map((f) => path.basename(f)).join(' → ')
    throw fileError('ENV_EXTENDS_CYCLE', shown, 'extends', `extends itself in a cycle: ${cycle}`, 'remove one of the extends')
  }
  const own = parseYaml(file, shown)
  const base = own.extends
  delete own.extends
  const sources = Object.fromEntries(Object.keys(own).map((key) => [key, shown]))
  if (base === undefined) return { values: own, sources, file: shown }
  if (typeof base !== 'string' || base === '') {
    throw fileError('ENV_INVALID', shown, 'extends', 'must be the relative path of another YAML file', 'write e.g. `extends: base.yaml`')
  }
  const basePath = path.resolve(path.dirname(file), base)
  if (!fs.existsSync(basePath)) {
    throw fileError('ENV_EXTENDS_MISSING', shown, 'extends', `names ${base}, which does not exist (looked for ${displayPath(basePath)})`, 'correct the path; it is relative to this file')
  }
  const parent = readEnvironmentFile(basePath, [...chain, file])
  return {
    values: { ...parent.values, ...own },
    sources: { ...parent.sources, ...sources },
    file: shown,
  }
}

function parseYaml(file: string, shown: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = parseYamlText(fs.readFileSync(file, 'utf8'), { filename: shown })
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
  return { ...(parsed as Record<string, unknown>) }
}

function fileError(code: string, file: string, field: string, message: string, fix: string) {
  const issue: ConfigIssue = { file, path: field, message, fix }
  return new ConfigError(code, [issue])
}
