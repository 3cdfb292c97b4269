// The sections a base file declares (environments/base.yaml, with what it extends in turn), as a
// plan of an environment extending it would read them: ${VAR}s replaced, each item checked with
// its handler's schema and resolved. An import compares live with them to write only what differs.
// Sections that name files (`flows: all`) are kept as written: their files are compared byte for
// byte by the export instead.
import type { Config } from './config.ts'
import { readPolicy } from './config.ts'
import { readEnvironmentFile } from './env-file.ts'
import { isWriteOnly, literalSecrets, readSections } from './sections.ts'
import { substitute } from './substitute.ts'
import { ConfigError, displayPath, type ConfigIssue } from '../errors.ts'
import type { ResourceHandler } from '../contract.ts'

export interface BaseSections {
  /** the base file, as shown in messages */
  file: string
  /** the base file, absolute */
  path: string
  /** declared items by type, of the inline sections the base (and its chain) declares */
  declared: Map<string, object[]>
  /** what each section that names files says (`flows: all`), by type */
  selections: Map<string, unknown>
}

export function readBaseSections(file: string, config: Config, handlers: readonly ResourceHandler<any, any>[], variables: Record<string, string | undefined>): BaseSections {
  const merged = readEnvironmentFile(file, readPolicy(config, 'environment'))
  const fileFor = (at: (string | number)[]) => merged.sources[String(at[0])] ?? merged.file
  const issues: ConfigIssue[] = [...literalSecrets(handlers, merged.values, fileFor)]
  const values = substitute(merged.values, { variables, fileFor, issues, secretField: (at) => isWriteOnly(handlers, at) }) as Record<string, unknown>
  // files are not read here: a section that names them is compared by its export (see above)
  const { declared, selections } = readSections(handlers, values, fileFor, issues, undefined)
  if (issues.length) throw new ConfigError('ENV_INVALID', issues)
  return { file: displayPath(file), path: file, declared, selections }
}
