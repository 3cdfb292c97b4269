// Deterministic JSON files: sorted keys, two-space indent, trailing newline, so the same data
// always gives the same bytes and git diffs show only real changes. Written atomically (a temp
// file in the same directory, then rename), so a crash never leaves half a file.
import fs from 'node:fs'
import path from 'node:path'
import { ConfigError, displayPath } from './errors.ts'

/** Objects' keys sorted at every depth; array order is kept (it is meaningful). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
  }
  return value
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`
}

export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`)
  try {
    fs.writeFileSync(temp, content, { mode })
    fs.renameSync(temp, file)
  } catch (error) {
    fs.rmSync(temp, { force: true })
    throw error
  }
}

/** Parses a JSON file the user keeps (an exported flow); bad JSON is a configuration error naming it. */
export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError('JSON_FILE', [{ file: displayPath(file), path: '', message: `is not valid JSON: ${(error as Error).message}`, fix: 'restore it from git or export it again' }])
  }
}
