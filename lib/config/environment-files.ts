// The environments of a project: one YAML file each in environments/ (base.yaml is what they
// extend, not an environment), named by a plain name that can never be a path.
import fs from 'node:fs'
import path from 'node:path'
import type { Config } from './config.ts'
import { ConfigError, displayPath } from '../errors.ts'
import { closest } from './validate.ts'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/** Letters, digits, `_` and `-`: the name of a file in environments/, never a path. */
export const isEnvironmentName = (name: string) => NAME.test(name)

export function environmentsDir(config: Config): string {
  return path.resolve(config.root, config.environmentsDir)
}

export function listEnvironments(config: Config): string[] {
  const dir = environmentsDir(config)
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && file !== 'base.yaml')
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort()
}

const didYouMean = (name: string, known: string[]) => {
  const guess = closest(name, known)
  return guess ? `did you mean ${guess}? ` : ''
}

/**
 * The file of environment `name`, or a ConfigError (exit 3) when the name is not a plain name
 * (`../x`, `a,b`) or no such file exists: checked before anything is read or sent.
 */
export function environmentFile(name: string, config: Config): string {
  const file = path.join(environmentsDir(config), `${name}.yaml`)
  if (NAME.test(name) && fs.existsSync(file)) return file
  const shown = NAME.test(name) ? displayPath(file) : displayPath(environmentsDir(config))
  const known = listEnvironments(config)
  const fix = name.includes(',')
    ? 'this task takes one environment; only tasks/drift.ts and tasks/validate.ts take a list'
    : NAME.test(name) && fs.existsSync(file.replace(/\.yaml$/, '.yml'))
      ? `rename ${displayPath(file.replace(/\.yaml$/, '.yml'))} to ${path.basename(file)}: environment files end in .yaml`
      : known.length ? `${didYouMean(name, known)}use one of: ${known.join(', ')}` : `create ${displayPath(file)}`
  const message = NAME.test(name) ? `environment "${name}" does not exist` : `${JSON.stringify(name)} is not an environment name (letters, digits, _ and -)`
  throw new ConfigError('ENV_NOT_FOUND', [{ file: shown, path: '', message, fix }])
}
