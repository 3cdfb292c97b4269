// Who and what made a backup, a saved plan or an audit record: the tool's version, the user,
// the machine, and the git commit the configuration was at.
import fs from 'node:fs'
import os from 'node:os'
import { $ } from 'zx/core'

export const TOOL_VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** Who runs it; a container's uid may have no passwd entry, and that must not stop a backup. */
export function currentUser(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER || process.env.LOGNAME || `uid ${process.getuid?.() ?? '?'}`
  }
}

/** The commit the configuration is at, `-dirty` with local changes; null outside git. */
export async function configCommit(root: string): Promise<string | null> {
  const git = $({ cwd: root, nothrow: true, quiet: true })
  const head = await git`git rev-parse HEAD`
  if (head.exitCode !== 0) return null
  const dirty = (await git`git status --porcelain`).stdout.trim() !== ''
  return `${head.stdout.trim()}${dirty ? '-dirty' : ''}`
}
