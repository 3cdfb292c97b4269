// Valibot pieces the plugins share: names and ids that are plain text, and records whose keys
// are data. (valibot's own v.record silently drops the keys `__proto__`, `constructor` and
// `prototype`; a tenant may well have a custom attribute called `constructor`.)
import * as v from 'valibot'

/**
 * Characters that make text read differently from what it is: controls, format characters
 * (bidi overrides and isolates, the "Trojan Source" trick; zero-width characters, the soft
 * hyphen, tag characters, the BOM), private-use and lone surrogates, and the invisible
 * letters and marks that render as nothing (Hangul fillers, the braille blank, the combining
 * grapheme joiner, variation selectors, Mongolian and Khmer invisibles).
 */
const DECEPTIVE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/u

/** Refuses deceptive characters (see DECEPTIVE), naming the first and where it is. */
export const plainText = () => v.check(
  (value: string) => !DECEPTIVE.test(value),
  (issue: v.CheckIssue<string>) => deceptiveMessage(String(issue.input)),
)

function deceptiveMessage(text: string, allowed = ''): string {
  const index = [...text].findIndex((char) => !allowed.includes(char) && DECEPTIVE.test(char))
  const code = [...text][index]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
  return `contains the invisible or direction-changing character U+${code} at position ${index + 1}; write it without`
}

/** Free text (a description, an attribute's value): plain text, but newlines and tabs are fine. */
export const plainLines = () => v.check(
  (value: string) => !DECEPTIVE.test(value.replace(/[\n\t]/g, ' ')),
  (issue: v.CheckIssue<string>) => deceptiveMessage(String(issue.input), '\n\t'),
)

/** A name or id: trimmed, not empty, at most `max` characters, plain text. */
export const name = (max: number) => v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(max, `must be at most ${max} characters`),
  plainText(),
)

/** A description: at most `max` characters of plain text (newlines and tabs are allowed). */
export const description = (max: number) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`), plainLines())

/** JSON objects nest at most this deep: deeper ones would overflow the stack of whatever walks them. */
export const MAX_DEPTH = 200

/** The depth of a JSON value, found without recursion (a hostile file may nest thousands deep). */
function depthOf(value: unknown, max: number): number {
  const stack: [unknown, number][] = [[value, 1]]
  let deepest = 0
  while (stack.length) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    deepest = Math.max(deepest, depth)
    if (deepest > max) return deepest
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return deepest
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value))

/** A JSON object kept exactly as it is, every key included (an exported flow's contents), nested at most MAX_DEPTH deep. */
export const jsonObject = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, (issue) => `must be an object, not ${issue.received}`),
  v.check((value) => depthOf(value, MAX_DEPTH) <= MAX_DEPTH, `nests more than ${MAX_DEPTH} levels deep`),
)

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
