// Keys and names in reports come from files and from live data, and either may be hostile: a
// key holding a newline, ESC or a bidi override could forge a plan line or recolour the
// terminal. Every key a report or log shows goes through quoted().

/** Characters that still move or hide text where JSON leaves them alone: bidi controls, zero-width marks, line separators. */
const INVISIBLE = '\\u061C\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF'
const HIDDEN = new RegExp(`[${INVISIBLE}]`, 'g')
/** control characters but newline and tab, and the invisible ones */
const CONTROL = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F${INVISIBLE}]`, 'g')

const unicodeEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`

/** `"acme"`; `"evil\u001b[2K"`: a JSON string, with every control and invisible character escaped. */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(HIDDEN, unicodeEscape)
}

/**
 * `text` with every control character but newline and tab, and every invisible one, shown as an
 * escape: the backstop for log lines whatever a message quotes (a key from a hostile file).
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, unicodeEscape)
}

/** `text` as it is, but for control and invisible characters, shown as escapes (\n, \u001b, \u202e): one line, always. */
export function escapeInvisible(text: string): string {
  return escapeControls(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t')
}

/** A Markdown table cell: one line, invisible characters shown as escapes, pipes escaped. */
export const markdownCell = (text: string) => escapeInvisible(text).replace(/\|/g, '\\|')
