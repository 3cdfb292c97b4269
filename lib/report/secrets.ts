// Secrets never leave the process in clear: every registered value is cut out of every text
// the toolkit prints, logs or writes, in each encoding that text may carry it in (as is, inside
// a JSON string once or twice, in YAML's single quotes, URL-encoded, in a Markdown table cell,
// in base64 or hex).

/** A value shorter than this cannot be cut out without mangling ordinary words; it is refused at load. */
export const MIN_SECRET_LENGTH = 8

const forms = new Map<string, string>()
let ordered: string[] = []

/** Registers a secret (a management key); each of its encodings is redacted from then on. */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return
  for (const form of encodings(value)) forms.set(form, value)
  // longest first, so that a form containing another is cut whole
  ordered = [...forms.keys()].sort((a, b) => b.length - a.length)
}

/** Forgets every registered secret: a test's in-process run then starts as a new process would, with none. */
export function forgetSecrets(): void {
  forms.clear()
  ordered = []
}

/** The ways a value can appear in output: the README promises each is redacted. */
export function encodings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  const jsonTwice = JSON.stringify(json).slice(1, -1)
  const url = encodeURIComponent(value)
  const form = new URLSearchParams({ v: value }).toString().slice(2)
  return [...new Set([
    value,
    json,
    jsonTwice,
    value.replace(/'/g, "''"),
    url,
    url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    form,
    value.replace(/\|/g, '\\|'),
    ...[0, 1, 2].flatMap((offset) => [base64At(value, offset, 'base64'), base64At(value, offset, 'base64url')]),
    Buffer.from(value).toString('hex'),
    Buffer.from(value).toString('hex').toUpperCase(),
  ])].filter((form) => form.length >= MIN_SECRET_LENGTH)
}

/**
 * The characters base64 gives the value when it starts `offset` bytes into a group of three
 * (inside a longer encoded text): only those that depend on the value alone.
 */
function base64At(value: string, offset: number, encoding: 'base64' | 'base64url'): string {
  const bytes = Buffer.byteLength(value)
  const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(value)]).toString(encoding)
  return encoded.slice(Math.ceil((4 * offset) / 3), 4 * Math.floor((offset + bytes) / 3))
}

export function redact(text: string): string {
  let result = text
  for (const form of ordered) if (result.includes(form)) result = result.split(form).join('[redacted]')
  return result
}

/** Does `text` hold a registered secret in any encoding? */
export const holdsSecret = (text: string): boolean => ordered.some((form) => text.includes(form))

/** Every string inside `value` redacted, for documents that are serialized after (--json). */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map(redactValue) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactValue(item)])) as T
  }
  return value
}
