// Valibot pieces the plugins share: names and ids that are plain text, and records whose keys
// are data. (valibot's own v.record silently drops the keys `__proto__`, `constructor` and
// `prototype`; a tenant may well have a custom attribute called `constructor`.)
import * as v from 'valibot'

/**
 * Characters that make text read differently from what it is: C0 and C1 controls, bidi
 * overrides and isolates (the "Trojan Source" trick), zero-width characters and the BOM.
 */
const DECEPTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/u

/** Refuses deceptive characters (see DECEPTIVE), naming the first and where it is. */
export const plainText = () => v.check(
  (value: string) => !DECEPTIVE.test(value),
  (issue: v.CheckIssue<string>) => {
    const text = String(issue.input)
    const index = text.search(DECEPTIVE)
    const code = text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, '0')
    return `contains the invisible or direction-changing character U+${code} at position ${index + 1}; write it without`
  },
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
export const description = (max: number) => v.pipe(
  v.string(),
  v.maxLength(max, `must be at most ${max} characters`),
  v.check((value) => !DECEPTIVE.test(value.replace(/[\n\t]/g, ' ')), 'contains an invisible or direction-changing character; write it without'),
)

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value))

/** A JSON object kept exactly as it is, every key included (an exported flow's contents). */
export const jsonObject = v.custom<Record<string, unknown>>(isPlainObject, (issue) => `must be an object, not ${issue.received}`)

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
