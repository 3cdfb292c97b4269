// Which environments need a confirmation before an apply, and why. A copy of prod is prod:
// the name in protectedEnvironments (in any case: `Prod` opens prod.yaml on macOS), a file
// that extends a protected environment's file (through links too; protected by the config's
// list or by its own `protected: true`), and a file naming the same
// project (the same projectId, literally or by the same ${VAR}, or one that resolves to the
// same id; a management key is no proof: one company key may serve every project). Worked out
// only when an apply asks: reading the protected files costs a plan nothing.
import fs from 'node:fs'
import path from 'node:path'
import { readPolicy, type Config } from './config.ts'
import { readEnvironmentFile, type MergedFile } from './env-file.ts'
import { substitute } from './substitute.ts'

export interface ProtectionInput {
  name: string
  config: Config
  merged: MergedFile
  /** the protected flag the file itself sets, if any */
  flag: boolean | undefined
  variables: Record<string, string | undefined>
}

/** Why applying to this environment needs a confirmation, or undefined; computed once, when first asked. */
export function protectionOf(input: ProtectionInput): () => string | undefined {
  let found: { reason: string | undefined } | undefined
  return () => (found ??= { reason: input.flag === true ? 'its file says protected: true' : inherited(input) }).reason
}

/** The same, without the file's own flag: what `protected: false` may not undo. */
export function inherited({ name, config, merged, variables }: ProtectionInput): string | undefined {
  if (config.protectedEnvironments.some((other) => other.toLowerCase() === name.toLowerCase())) return 'protectedEnvironments names it'
  const chain = merged.chain.slice(1).map(identity)
  const others = protectedOthers(config, name)
  const extended = others.find(({ file }) => chain.includes(identity(file)))
  if (extended) return `it extends ${path.basename(extended.file)}, a protected environment`
  const mine = projectOf(merged.values, variables)
  for (const { file, values, unreadable } of others) {
    // a protected file that cannot be read now may name this very project: fail closed
    if (unreadable) return `the protected environment "${path.basename(file, '.yaml')}" cannot be read now (${unreadable}), so it may name the same project`
    const theirs = projectOf(values!, variables)
    const same = (['projectId', 'resolvedId'] as const).some((field) => mine[field] !== undefined && mine[field] === theirs[field])
    if (same) return `it names the same project as the protected environment "${path.basename(file, '.yaml')}"`
  }
  return undefined
}

/**
 * The other environments that are protected, read once: those protectedEnvironments names
 * (found whatever the case of their names; one that cannot be read is kept, as unreadable), and
 * those whose own file says `protected: true` (or what it extends does; one that cannot be read
 * says nothing, and cannot be applied either).
 */
interface ProtectedOther { file: string; values?: Record<string, unknown>; unreadable?: string }

function protectedOthers(config: Config, name: string): ProtectedOther[] {
  const dir = path.resolve(config.root, config.environmentsDir)
  const present = fs.existsSync(dir) ? fs.readdirSync(dir) : []
  const listed = new Set(config.protectedEnvironments.map((other) => `${other.toLowerCase()}.yaml`))
  const candidates = present.filter((file) => file.toLowerCase().endsWith('.yaml') && file.toLowerCase() !== 'base.yaml' && file.toLowerCase() !== `${name.toLowerCase()}.yaml`)
  return candidates.flatMap((file): ProtectedOther[] => {
    const full = path.join(dir, file)
    const isListed = listed.has(file.toLowerCase())
    try {
      const values = readEnvironmentFile(full, readPolicy(config, 'environment')).values
      return isListed || values.protected === true ? [{ file: full, values }] : []
    } catch (error) {
      return isListed ? [{ file: full, unreadable: (error as Error).message.split('\n')[0]! }] : []
    }
  })
}

/** A file by what it is, not what it is called: a link and its target are one file. */
function identity(file: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  return stat ? `${stat.dev}:${stat.ino}` : path.resolve(file)
}

/** How a file names its project: as written (a literal or a ${VAR}) and as resolved now. */
function projectOf(values: Record<string, unknown>, variables: Record<string, string | undefined>) {
  const written = (field: string) => (typeof values[field] === 'string' ? values[field] as string : undefined)
  const resolved = substitute(values.projectId, { variables, fileFor: () => '', issues: [], secretField: () => false })
  return {
    projectId: written('projectId'),
    resolvedId: typeof resolved === 'string' && !resolved.includes('${') ? resolved : undefined,
  }
}
