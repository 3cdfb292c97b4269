// Descope's FGA schema language (`model AuthZ 1.0`, `condition`, `type`, `relation`,
// `permission`), read into a model keyed by name, so that two schemas compare by what they say
// and not by how they are laid out: line endings, indentation, blank lines, spacing and the order
// of types and of their relations do not matter. A model is rendered back in one canonical
// layout, which is what Descope is sent. Used by plugins/fga-schema.ts (its handler and its
// emulator routes).
//
// The grammar, from the SDKs' tests (descope-java FGALiveTest.java, fga-schema.txt; descope-dotnet
// FgaTests.cs) and docs.descope.com/rebac/define-schema:
//   model AuthZ 1.0
//   condition IsAdmin(role string) { role == "admin" }
//   type doc
//     relation owner: user | group#member
//     relation viewer: user with IsAdmin
//     permission can_edit: owner | parent.owner
// An expression is kept as its tokens joined in one spelling; a statement may go on over several
// lines (a line that starts with no keyword continues the one before). `//` starts a comment
// (ASSUMED: the SDKs show none; a comment is never sent, so this cannot make Descope refuse one).

export interface FgaType {
  relations: Record<string, string>
  permissions: Record<string, string>
}

/** A schema by name: what plans compare. `model` is the language version (`1.0`). */
export interface FgaModel {
  model: string
  conditions: Record<string, string>
  types: Record<string, FgaType>
}

export class FgaSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`)
  }
}

/** a type's, relation's, permission's or condition's name */
export const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/
const KEYWORDS = new Set(['model', 'condition', 'type', 'relation', 'permission'])

/** Tokens: names and numbers, quoted strings (kept verbatim), and single punctuation marks. */
function tokenize(text: string, line: number): string[] {
  const tokens: string[] = []
  const pattern = /\s+|\/\/.*$|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z0-9_][A-Za-z0-9_.-]*|==|!=|<=|>=|&&|\|\||./gy
  for (let match = pattern.exec(text); match && match[0] !== ''; match = pattern.exec(text)) {
    const token = match[0]
    if (/^\s/.test(token) || token.startsWith('//')) continue
    if (token === '"' || token === "'") throw new FgaSyntaxError(line, `a string that starts with ${token} has no end on this line`)
    // a name followed by `.relation` (parent.owner) is one token above; split it back so its spelling is one
    if (/^[A-Za-z_]/.test(token) && token.includes('.')) for (const part of token.split(/(\.)/).filter(Boolean)) tokens.push(part)
    else tokens.push(token)
  }
  return tokens
}

const NO_SPACE_AFTER = new Set(['#', '.', '(', '[', '!'])
const NO_SPACE_BEFORE = new Set(['#', '.', ')', ']', ','])

/** The tokens in one spelling: a space between words and around operators, none inside `a#b`, `a.b`, `f(x)`. */
function spell(tokens: string[]): string {
  return tokens.map((token, index) => {
    const before = tokens[index - 1]
    const tight = before === undefined || NO_SPACE_AFTER.has(before) || NO_SPACE_BEFORE.has(token) || ((token === '(' || token === '[') && /^[A-Za-z0-9_]/.test(before))
    return tight ? token : ` ${token}`
  }).join('')
}

interface Statement { line: number; tokens: string[] }

/** Lines into statements: a line that starts with no keyword continues the statement before. */
function statements(dsl: string): Statement[] {
  const found: Statement[] = []
  dsl.replace(/\r\n?/g, '\n').split('\n').forEach((text, index) => {
    const tokens = tokenize(text, index + 1)
    if (!tokens.length) return
    const last = found[found.length - 1]
    // one at a time: a line of 100,000s of tokens is more than a call's arguments may be
    if (!KEYWORDS.has(tokens[0]!) && last) for (const token of tokens) last.tokens.push(token)
    else found.push({ line: index + 1, tokens })
  })
  return found
}

const define = (record: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })

/** The model a schema text states, or an FgaSyntaxError naming the line. */
export function parseFga(dsl: string): FgaModel {
  const found = statements(dsl)
  const first = found[0]
  if (!first || first.tokens[0] !== 'model' || first.tokens[1] !== 'AuthZ' || first.tokens.length !== 3) {
    throw new FgaSyntaxError(first?.line ?? 1, 'a schema starts with "model AuthZ 1.0"')
  }
  const model: FgaModel = { model: first.tokens[2]!, conditions: {}, types: {} }
  let current: FgaType | undefined
  for (const { line, tokens } of found.slice(1)) {
    const [keyword, name, ...rest] = tokens
    if (!name || !NAME.test(name)) throw new FgaSyntaxError(line, `"${keyword}" needs a name (letters, digits, "_" and "-")`)
    if (keyword === 'model') throw new FgaSyntaxError(line, '"model" may appear only once, on the first line')
    if (keyword === 'type') {
      if (rest.length) throw new FgaSyntaxError(line, `type "${name}": its relations and permissions go on lines of their own`)
      if (Object.hasOwn(model.types, name)) throw new FgaSyntaxError(line, `type "${name}" is defined twice`)
      current = { relations: {}, permissions: {} }
      define(model.types, name, current)
    } else if (keyword === 'condition') {
      if (rest[0] !== '(' || rest[rest.length - 1] !== '}') throw new FgaSyntaxError(line, `condition "${name}" needs parameters and a body: condition ${name}(param type) { expression }`)
      if (Object.hasOwn(model.conditions, name)) throw new FgaSyntaxError(line, `condition "${name}" is defined twice`)
      define(model.conditions, name, spell(rest))
      current = undefined
    } else {
      if (!current) throw new FgaSyntaxError(line, `${keyword} "${name}" is not inside a type`)
      if (rest[0] !== ':' || rest.length < 2) throw new FgaSyntaxError(line, `${keyword} "${name}" needs a colon and what it is: ${keyword} ${name}: ...`)
      if (Object.hasOwn(current.relations, name) || Object.hasOwn(current.permissions, name)) throw new FgaSyntaxError(line, `"${name}" is defined twice in its type`)
      define(keyword === 'relation' ? current.relations : current.permissions, name, spell(rest.slice(1)))
    }
  }
  return model
}

const sortedKeys = (record: Record<string, unknown>) => Object.keys(record).sort()

/** The canonical text of a model: conditions, then types, each in name order, two-space indents. */
export function renderFga(model: FgaModel): string {
  const blocks = [`model AuthZ ${model.model}`]
  for (const name of sortedKeys(model.conditions)) blocks.push(`condition ${name}${model.conditions[name]}`)
  for (const name of sortedKeys(model.types)) {
    const type = model.types[name]!
    blocks.push([
      `type ${name}`,
      ...sortedKeys(type.relations).map((relation) => `  relation ${relation}: ${type.relations[relation]}`),
      ...sortedKeys(type.permissions).map((permission) => `  permission ${permission}: ${type.permissions[permission]}`),
    ].join('\n'))
  }
  return `${blocks.join('\n\n')}\n`
}

/** What saving `next` over `live` deletes: whole types, and relations (`type#relation`) of types that stay. */
export function fgaDeletes(live: FgaModel, next: FgaModel): { types: string[]; relations: string[] } {
  const types = sortedKeys(live.types).filter((name) => !Object.hasOwn(next.types, name))
  const relations = sortedKeys(live.types).filter((name) => Object.hasOwn(next.types, name)).flatMap((name) =>
    sortedKeys(live.types[name]!.relations).filter((relation) => !Object.hasOwn(next.types[name]!.relations, relation)).map((relation) => `${name}#${relation}`))
  return { types, relations }
}

/**
 * What a model names but does not define: a relation's type (`user`, `group#member`), a
 * condition (`with IsAdmin`), a permission's relation (`owner`, `parent.owner`). Each problem
 * as `type doc: ...`. ASSUMED to match what Descope refuses (its answer is the authority).
 */
export function fgaProblems(model: FgaModel): string[] {
  const problems: string[] = []
  const isType = (name: string) => Object.hasOwn(model.types, name)
  for (const typeName of sortedKeys(model.types)) {
    const type = model.types[typeName]!
    const member = (name: string) => Object.hasOwn(type.relations, name) || Object.hasOwn(type.permissions, name)
    const conditionsIn = (tokens: string[]) => tokens.flatMap((token, index) => (tokens[index - 1] === 'with' ? [token] : []))
    for (const [name, expression] of Object.entries(type.relations)) {
      const tokens = expression.split(/\s+|(?=[#|])|(?<=[#|])/).filter(Boolean)
      for (const condition of conditionsIn(tokens)) if (!Object.hasOwn(model.conditions, condition)) problems.push(`type ${typeName}: relation ${name} uses condition "${condition}", which is not defined`)
      for (const [index, token] of tokens.entries()) {
        if (token === '|' || token === '#' || token === 'with' || tokens[index - 1] === 'with' || tokens[index - 1] === '#') continue
        if (!isType(token)) problems.push(`type ${typeName}: relation ${name} names type "${token}", which is not defined`)
        else if (tokens[index + 1] === '#') {
          const target = tokens[index + 2] ?? ''
          if (!Object.hasOwn(model.types[token]!.relations, target) && !Object.hasOwn(model.types[token]!.permissions, target)) problems.push(`type ${typeName}: relation ${name} names "${token}#${target}", but type ${token} has no relation "${target}"`)
        }
      }
    }
    for (const [name, expression] of Object.entries(type.permissions)) {
      // as spelled: an exclusion's "-" stands apart (`a - b`); inside a name (`co-owner`) it is the name's
      const tokens = expression.split(/\s+|(?=[.|&()])|(?<=[.|&()])/).filter(Boolean)
      for (const condition of conditionsIn(tokens)) if (!Object.hasOwn(model.conditions, condition)) problems.push(`type ${typeName}: permission ${name} uses condition "${condition}", which is not defined`)
      for (const [index, token] of tokens.entries()) {
        if (!/^[A-Za-z_]/.test(token) || token === 'with' || tokens[index - 1] === 'with' || tokens[index - 1] === '.') continue
        if (!member(token)) problems.push(`type ${typeName}: permission ${name} names "${token}", which is neither a relation nor a permission of ${typeName}`)
        else if (tokens[index + 1] === '.' && !Object.hasOwn(type.relations, token)) problems.push(`type ${typeName}: permission ${name} follows "${token}", which is not a relation`)
      }
    }
  }
  return problems
}
