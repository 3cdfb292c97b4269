// `${VAR}` in environment files, replaced from the process environment. `$${` stands for a
// literal `${`. Every missing variable is reported with the file and field that use it.
// A variable whose name says it is a secret may fill only a secret field (the management
// key): anywhere else its value would be sent to Descope and shown in plans and backups.
// Checked offline (tasks/validate.ts), a missing variable is no problem: a placeholder stands in
// for its value, so the rest of the field is still checked.
import type { ConfigIssue } from '../errors.ts'
import { registerSecret } from '../report/secrets.ts'
import { formatPath } from './validate.ts'

const REFERENCE = /\$(\$?)\{([^}]*)\}/g
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** Variables named like this hold secrets: their values are redacted from every output. */
export const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/i

/** The variable `value` names when it is exactly one `${VAR}` reference (how secrets must be written). */
export const singleReference = (value: unknown): string | undefined =>
  typeof value === 'string' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value)?.[1] : undefined

export interface SubstituteOptions {
  variables: Record<string, string | undefined>
  fileFor(path: (string | number)[]): string
  /** fields that hold secrets (`managementKey`): the only places a secret-named variable may go */
  secretField(path: (string | number)[]): boolean
  issues: ConfigIssue[]
  /** offline: a missing variable is recorded, not an issue, and `placeholder` stands in for its value */
  offline?: OfflineVariables
}

/** How an offline check (tasks/validate.ts) sees the references: which, where, set or not; never a value. */
export interface OfflineVariables {
  seen(name: string, path: (string | number)[], set: boolean): void
  /** what stands in for a missing value; `whole`: the reference is the field's whole value */
  placeholder(name: string, path: (string | number)[], whole: boolean): string
}

/** What is said of a variable that is not set: by a run that needs it, and by validate --strict. */
export const missingVariable = (name: string) => ({
  message: `environment variable ${name} is not set`,
  fix: `export ${name}=... (or add it to the project's .env), or remove the reference`,
})

/**
 * The value with every reference replaced. A node YAML shares between places (an alias) is
 * substituted once and stays shared, so an alias bomb is never expanded here.
 */
export function substitute(value: unknown, options: SubstituteOptions): unknown {
  const done = new WeakMap<object, unknown>()
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    // most strings reference nothing: they are left as they are, at no cost
    if (typeof node === 'string') return node.includes('$') ? replace(node, path, options) : node
    if (node === null || typeof node !== 'object') return node
    if (done.has(node)) return done.get(node)
    const result = Array.isArray(node)
      ? node.map((item, index) => walk(item, [...path, index]))
      : Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]))
    done.set(node, result)
    return result
  }
  return walk(value, [])
}

function replace(text: string, path: (string | number)[], { variables, fileFor, secretField, issues, offline }: SubstituteOptions): string {
  const issue = (message: string, fix: string) => issues.push({ file: fileFor(path), path: formatPath(path), message, fix })
  return text.replace(REFERENCE, (match, escaped: string, name: string) => {
    if (escaped) return match.slice(1)
    if (!VARIABLE_NAME.test(name)) {
      issue(`"${match}" is not a valid variable reference`, 'use ${NAME} with letters, digits and _ only, or $${ for a literal ${')
      return match
    }
    const resolved = Object.hasOwn(variables, name) ? variables[name] : undefined
    if (resolved === undefined && !offline) {
      const { message, fix } = missingVariable(name)
      issue(message, fix)
      return match
    }
    offline?.seen(name, path, resolved !== undefined)
    // a secret field's value is a secret whatever its variable is called; elsewhere a secret's
    // name is refused whether it is set or not (offline too: the mistake is in the file)
    if (!secretField(path) && SECRET_NAME.test(name)) {
      issue(`uses $${name}, whose name marks it as a secret (it contains KEY, SECRET, TOKEN, PASSWORD or CREDENTIAL): here its value would be sent to Descope and shown in plans and backups in clear`,
        `keep secrets in secret fields (managementKey, a plugin's write-only fields); if ${name} holds no secret, read it from a variable whose name does not say so`)
      return match
    }
    if (resolved === undefined) return offline!.placeholder(name, path, match === text)
    if (secretField(path)) registerSecret(resolved)
    return resolved
  })
}
