// The variables `${VAR}` is replaced from: the process environment, over a `.env` file at the
// project root when there is one, so a developer keeps the five environments' keys in one
// git-ignored file instead of exporting them by hand. The file is read like an environment file
// (a regular file inside the project, size-limited, UTF-8) and parsed by Node's own parser
// (util.parseEnv: KEY=value lines, quotes, # comments). A `.env` that git tracks is refused:
// its keys would be in the repository's history.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseEnv } from 'node:util'
import { ConfigError } from '../errors.ts'
import { readTextFile } from '../io/files.ts'
import { readPolicy, type Config } from './config.ts'

export const DOTENV = '.env'

/** The process environment over the project's `.env` (the process wins). */
export function projectVariables(config: Pick<Config, 'root' | 'limits'>, environment: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = path.join(config.root, DOTENV)
  if (!fs.existsSync(file) && !isLink(file)) return environment
  const text = readTextFile(file, { ...readPolicy(config, 'environment'), kind: 'variables file' })
  if (trackedByGit(config.root)) {
    throw new ConfigError('DOTENV_TRACKED', [{ file, path: '', message: 'is tracked by git, so the secrets it holds are in the repository\'s history', fix: `git rm --cached ${DOTENV}, add it to .gitignore, and rotate the keys it held` }])
  }
  return { ...parseEnv(text), ...environment }
}

const isLink = (file: string) => {
  try {
    return fs.lstatSync(file).isSymbolicLink()
  } catch {
    return false
  }
}

/** Whether the project's `.env` is in git's index (no git, or not a repository: it is not). */
function trackedByGit(root: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', '--', DOTENV], { cwd: root, stdio: 'ignore', timeout: 5_000 })
    return true
  } catch {
    return false
  }
}
