// Valibot pieces the plugins share: names and ids that are plain text, and records whose keys
// are data. (valibot's own v.record silently drops the keys `__proto__`, `constructor` and
// `prototype`; a tenant may well have a custom attribute called `constructor`.)
import * as v from 'valibot'

/**
 * Descope's limits for role and permission names and descriptions (terraform-provider-descope
 * internal/models/project/authorization/role.go, permission.go: client-side, likely the server's)
 */
export const NAME_MAX = 100
export const DESCRIPTION_MAX = 254

/**
 * Characters that make text read differently from what it is: controls, format characters
 * (bidi overrides and isolates, the "Trojan Source" trick; zero-width characters, the soft
 * hyphen, tag characters, the BOM), private-use and lone surrogates, and the invisible
 * letters and marks that render as nothing (Hangul fillers, the braille blank, the combining
 * grapheme joiner, variation selectors, Mongolian and Khmer invisibles).
 */
const DECEPTIVE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/u
/** What an emoji is made of beside its picture: the joiner, the text/emoji selectors, a flag's tags. */
const EMOJI_PART = /[\u200d\ufe0e\ufe0f\u{e0020}-\u{e007f}]/u
const EMOJI_BEFORE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f\u{e0020}-\u{e007f}]/u

/**
 * The position and code point of the first deceptive character, or undefined. In display text
 * an emoji's own parts are fine where they follow a picture ("❤️", a subdivision flag);
 * `allowed` characters (newlines in a description) are fine anywhere.
 */
function firstDeceptive(text: string, display: boolean, allowed = ''): { position: number; code: string } | undefined {
  const chars = [...text]
  const index = chars.findIndex((char, at) => !allowed.includes(char) && DECEPTIVE.test(char) &&
    !(display && EMOJI_PART.test(char) && at > 0 && EMOJI_BEFORE.test(chars[at - 1]!)))
  if (index === -1) return undefined
  return { position: index + 1, code: chars[index]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0') }
}

function refuseDeceptive(display: boolean, allowed = '') {
  return v.check(
    (value: string) => firstDeceptive(value, display, allowed) === undefined,
    (issue: v.CheckIssue<string>) => {
      const found = firstDeceptive(String(issue.input), display, allowed)!
      return `contains the invisible or direction-changing character U+${found.code} at position ${found.position}; write it without`
    },
  )
}

/** An id or a key (a role's name, an attribute's name): no deceptive character at all. */
export const plainText = () => refuseDeceptive(false)

/** Display text (a tenant's name): plain, but an emoji may keep its joiner and selectors. */
export const displayText = () => refuseDeceptive(true)

/** Free text (a description, an attribute's value): display text, and newlines and tabs are fine. */
export const plainLines = () => refuseDeceptive(true, '\n\t')

/** Trimmed, not empty, at most `max` characters, then `text`'s check. */
const trimmedName = (max: number, text: ReturnType<typeof refuseDeceptive>) => v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(max, `must be at most ${max} characters`),
  text,
)

/** A name that is a key: trimmed, not empty, at most `max` characters, plain text. */
export const name = (max: number) => trimmedName(max, plainText())

/** A name people read (a tenant's): trimmed, not empty, at most `max` characters, display text. */
export const displayName = (max: number) => trimmedName(max, displayText())

/** A description: at most `max` characters of free text. */
export const description = (max: number) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`), plainLines())

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value))

/** What kind of JSON value this is, for a message that must not quote it. */
export const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

/** A JSON object kept exactly as it is, every key included (an exported flow's contents). */
export const jsonObject = v.custom<Record<string, unknown>>(isPlainObject, (issue) => `must be an object, not ${kindOf(issue.input)}`)

/**
 * A record whose every key is kept, whatever its name, each value checked with `value`; the
 * output is built with Object.fromEntries, so a key `__proto__` stays an own, plain entry.
 */
export function dataRecord<TValue extends v.GenericSchema>(value: TValue, key: v.GenericSchema<string, string> = v.string()) {
  return v.pipe(
    jsonObject,
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value
      const entries: [string, v.InferOutput<TValue>][] = []
      for (const name of Object.keys(input)) {
        const item = input[name]
        const pathItem = { type: 'object' as const, origin: 'value' as const, input, key: name, value: item }
        const keyResult = v.safeParse(key, name)
        if (!keyResult.success) for (const issue of keyResult.issues) addIssue({ message: `key ${JSON.stringify(name)}: ${issue.message}`, path: [{ ...pathItem, origin: 'key' as const }] })
        const result = v.safeParse(value, item)
        if (result.success) entries.push([name, result.output])
        else for (const issue of result.issues) addIssue({ message: issue.message, path: [pathItem, ...(issue.path ?? [])] })
      }
      return dataset.issues ? NEVER : Object.fromEntries(entries) as Record<string, v.InferOutput<TValue>>
    }),
  )
}

/** `value[key]` for an own property only: `toString` of an object without one is undefined, not a function. */
export const own = (value: object, key: string): unknown =>
  (Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined)

/** `record[key] = value` for a key that is data: `__proto__` becomes a key like any other, not the prototype. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}
