// `${VAR}` in environment files, replaced from the process environment. `$${` stands for a
// literal `${`. Every missing variable is reported with the file and field that use it.
import type { ConfigIssue } from './errors.ts'
import { registerSecret } from './log.ts'
import { formatPath } from './validate.ts'

const REFERENCE = /\$(\$?)\{([^}]*)\}/g
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** Values of variables named like this are redacted from every output, wherever they end up. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/i

/** The variable `value` names when it is exactly one `${VAR}` reference (how secrets must be written). */
export const singleReference = (value: unknown): string | undefined =>
  typeof value === 'string' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value)?.[1] : undefined

export function substitute(
  value: unknown,
  variables: Record<string, string | undefined>,
  fileFor: (path: (string | number)[]) => string,
  issues: ConfigIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (match, escaped: string, name: string) => {
      if (escaped) return match.slice(1)
      if (!VARIABLE_NAME.test(name)) {
        issues.push({ file: fileFor(path), path: formatPath(path), message: `"${match}" is not a valid variable reference`, fix: 'use ${NAME} with letters, digits and _ only, or $${ for a literal ${' })
        return match
      }
      const resolved = variables[name]
      if (resolved === undefined) {
        issues.push({ file: fileFor(path), path: formatPath(path), message: `environment variable ${name} is not set`, fix: `export ${name}=... before running, or remove the reference` })
        return match
      }
      if (SECRET_NAME.test(name)) registerSecret(resolved)
      return resolved
    })
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => substitute(item, variables, fileFor, issues, [...path, index]))
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) =>
      [key, substitute(item, variables, fileFor, issues, [...path, key])]))
  }
  return value
}
