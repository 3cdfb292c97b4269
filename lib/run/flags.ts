// Flags, declared once per task with their type and description: parsed strictly from argv and
// turned into the Flags part of --help, so the two cannot disagree. Built on node:util's
// parseArgs tokens (minimist and parseArgs both read `--apply=no` as "on"; we refuse it).
import { parseArgs } from 'node:util'
import { UsageError } from '../errors.ts'
import { closest } from '../config/validate.ts'

export type FlagSpec =
  /**
   * a switch: `--apply`, or `--no-apply` to turn it off; never takes a value. `tristate`
   * leaves it undefined when given neither way (the environment decides).
   */
  | { type: 'boolean'; description: string; tristate?: boolean }
  /** one value: `--env dev` or `--env=dev` */
  | { type: 'string'; description: string; value: string }
  /** values given comma-separated, the flag repeated, or both: `--type flow,theme --type role` */
  | { type: 'list'; description: string; value: string }
  /** a whole number of at least `min` */
  | { type: 'integer'; description: string; value: string; min: number }

export type FlagSpecs = Record<string, FlagSpec>

/** What a task's run() receives: one typed property per declared flag, and the positionals. */
export type ParsedFlags<F extends FlagSpecs> = {
  -readonly [K in keyof F]: F[K] extends { type: 'boolean'; tristate: true } ? boolean | undefined
    : F[K] extends { type: 'boolean' } ? boolean
    : F[K] extends { type: 'list' } ? string[] | undefined
      : F[K] extends { type: 'integer' } ? number | undefined
        : string | undefined
} & { _: string[] }

/** Every task takes these; a task may declare one itself to say what it means there. */
export const COMMON_FLAGS = {
  verbose: { type: 'boolean', description: 'log each request retry and more' },
  quiet: { type: 'boolean', description: 'log warnings and errors only' },
  help: { type: 'boolean', description: 'this text (also -h)' },
} as const satisfies FlagSpecs

export type WithCommonFlags<F extends FlagSpecs> = F & Omit<typeof COMMON_FLAGS, keyof F>

/** A task's flags, then the common ones it does not declare itself. */
export function withCommonFlags<F extends FlagSpecs>(flags: F): WithCommonFlags<F> {
  const common = Object.entries(COMMON_FLAGS).filter(([name]) => !Object.hasOwn(flags, name))
  return { ...flags, ...Object.fromEntries(common) } as WithCommonFlags<F>
}

/**
 * Parses argv against the declared flags. A value on a switch, a switch or single-value flag
 * given twice, a missing value, an unknown flag or an unexpected positional is a UsageError
 * (exit 3), so nothing runs on a misread command line.
 */
export function parseFlags<F extends FlagSpecs>(specs: F, argv: string[], options: { positionals?: number } = {}): ParsedFlags<F> {
  const { tokens } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type === 'boolean' ? 'boolean' : 'string', multiple: true }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const result: Record<string, unknown> = { _: [] }
  for (const [name, spec] of Object.entries(specs)) if (spec.type === 'boolean' && !spec.tristate) result[name] = false
  const seen = new Set<string>()
  const positionals: string[] = []
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value)
    if (token.kind !== 'option') continue
    const raw = token.rawName
    if (!raw.startsWith('--')) {
      if (raw === '-h') { result.help = true; continue }
      throw new UsageError(`unknown flag ${raw}; flags are spelled out (--help); see --help`)
    }
    // a flag's name is data: `--__proto__` must not find Object.prototype
    const specOf = (name: string) => (Object.hasOwn(specs, name) ? specs[name] : undefined)
    const negated = token.name.startsWith('no-') && specOf(token.name.slice(3))?.type === 'boolean' && !specOf(token.name)
    const name = negated ? token.name.slice(3) : token.name
    const spec = specOf(name)
    if (!spec) throw unknownFlag(raw, specs)
    if (seen.has(name) && spec.type !== 'list') {
      throw new UsageError(`--${name} is given more than once; give it once (see --help)`)
    }
    seen.add(name)
    if (spec.type === 'boolean') {
      if (token.value !== undefined) {
        throw new UsageError(`${raw} is a switch and takes no value (got ${raw}=${token.value}); leave it out to keep it off${negated ? '' : `, or write --no-${name}`}`)
      }
      result[name] = !negated
      continue
    }
    const value = token.value
    // parseArgs hands a following flag over as the value (`--env --apply`): that is a missing
    // value, but `--keep -1` is a number, refused as such below
    const number = spec.type === 'integer' && /^-\d/.test(value ?? '')
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-') && !number)) {
      throw new UsageError(`--${name} needs a value: --${name} ${spec.value}; see --help`)
    }
    if (spec.type === 'string') result[name] = value
    if (spec.type === 'integer') result[name] = integer(name, value, spec.min)
    if (spec.type === 'list') {
      const items = value.split(',').map((item) => item.trim()).filter(Boolean)
      if (!items.length) throw new UsageError(`--${name} needs at least one value: --${name} ${spec.value}; see --help`)
      result[name] = [...((result[name] as string[] | undefined) ?? []), ...items]
    }
  }
  if (positionals.length > (options.positionals ?? 0)) {
    throw new UsageError(`unexpected argument ${positionals.slice(options.positionals ?? 0).join(' ')}; see --help`)
  }
  result._ = positionals
  return result as ParsedFlags<F>
}

function integer(name: string, value: string, min: number): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, got "${value}"`)
  return parsed
}

function unknownFlag(raw: string, specs: FlagSpecs): UsageError {
  const name = raw.replace(/^--/, '')
  const guess = closest(name, Object.keys(specs))
  return new UsageError(`unknown flag ${raw}${guess ? ` (did you mean --${guess}?)` : ''}; see --help`)
}

/** --help lines are kept within this many columns (a description wraps under itself). */
const HELP_COLUMNS = 100

/**
 * The Flags part of --help, from the declarations: `  --env <name>   description`, each
 * description wrapped to fit, and a closing line on switches.
 */
export function formatFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const negatable = spec.type === 'boolean' && spec.tristate === true
    const left = `--${negatable ? `[no-]${name}` : name}${spec.type === 'boolean' ? '' : ` ${spec.value}`}`
    const detail = spec.type === 'list' ? `${spec.description} (comma-separated or repeated)` : spec.description
    return [left, detail] as const
  })
  const width = Math.max(...rows.map(([left]) => left.length)) + 3
  const lines = rows.map(([left, detail]) => {
    const [first, ...rest] = wrap(detail, Math.max(40, HELP_COLUMNS - 2 - width))
    return [`  ${left.padEnd(width)}${first}`, ...rest.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n')
  })
  return [...lines, '', 'A switch takes no value (--<switch>, never --<switch>=yes); --no-<switch> spells out its default.'].join('\n')
}

function wrap(text: string, columns: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  return [...lines, line]
}
