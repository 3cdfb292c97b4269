// Reading the files users keep, and writing the files the toolkit makes, in one careful way.
// Reads: a regular file, inside the project when it belongs to it (symlinks resolved), under
// a size limit, valid UTF-8. Writes: atomic and durable (a temp file fsynced, renamed or linked
// into place, the directory fsynced), so a crash leaves the old file or the new one, never half.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { isUtf8 } from 'node:buffer'
import { ConfigError, displayPath, type ErrorCode } from '../errors.ts'

export interface ReadPolicy {
  /** what the file is, for messages: "environment file", "flow file", "backup" */
  kind: string
  /** refuse more than this many bytes */
  maxBytes: number
  /** the config setting that holds `maxBytes`, for the fix */
  limitSetting: string
  /** the file must resolve (symlinks followed) to a place inside this directory */
  root?: string
}

const fail = (code: ErrorCode, file: string, message: string, fix: string, title?: string) =>
  new ConfigError(code, [{ file: displayPath(file), path: '', message, fix }], title ? { title } : {})

/** A name made safe for a file name: anything but letters, digits, `_`, `.` and `-` becomes `_`. */
export const safeFileName = (value: string): string => value.replace(/[^A-Za-z0-9_.-]/g, '_')

/** The text of a file a user keeps, or a ConfigError (exit 3) naming the file and what is wrong. */
export function readTextFile(file: string, policy: ReadPolicy): string {
  let real: string
  try {
    real = fs.realpathSync(file)
  } catch {
    throw fail('FILE_NOT_FOUND', file, 'does not exist (or is a link to nothing)', 'correct the path, or restore the file from git')
  }
  if (policy.root && !isInside(real, fs.realpathSync(policy.root))) {
    throw fail('FILE_OUTSIDE_PROJECT', file, `leads outside the project (to ${real})`, `keep ${policy.kind}s inside the project (${displayPath(policy.root)}); copy the file in instead of linking to it`)
  }
  const fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0))
  try {
    const stat = fs.fstatSync(fd)
    if (stat.isDirectory()) throw fail('FILE_NOT_REGULAR', file, `is a directory, not a ${policy.kind}`, 'name a file')
    if (!stat.isFile()) throw fail('FILE_NOT_REGULAR', file, `is not a regular file (a device, a pipe or a socket), so it cannot be a ${policy.kind}`, 'name a regular file')
    if (stat.size > policy.maxBytes) throw tooLarge(file, stat.size, policy)
    // read at most one byte past the limit: the file may grow while it is read
    const buffer = Buffer.alloc(Math.min(stat.size, policy.maxBytes) + 1)
    let length = 0
    for (let read = 1; read > 0 && length < buffer.length; length += read) read = fs.readSync(fd, buffer, length, buffer.length - length, length)
    if (length > policy.maxBytes) throw tooLarge(file, length, policy)
    return decodeUtf8(buffer.subarray(0, length), file)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Whether `target` lies inside `root` once symlinks are followed, for a target that may not
 * exist yet (a directory to be written into): its nearest existing ancestor decides.
 */
export function resolvesInside(target: string, root: string): boolean {
  let existing = path.resolve(target)
  for (;;) {
    const entry = fs.lstatSync(existing, { throwIfNoEntry: false })
    // a link to nothing could be made to point anywhere later: refused, not walked past
    if (entry) return fs.existsSync(existing) && isInside(path.join(fs.realpathSync(existing), path.relative(existing, path.resolve(target))), fs.realpathSync(root))
    if (path.dirname(existing) === existing) return false
    existing = path.dirname(existing)
  }
}

const isInside = (file: string, dir: string) => {
  const relative = path.relative(dir, file)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function tooLarge(file: string, size: number, policy: ReadPolicy): ConfigError {
  return fail('FILE_TOO_LARGE', file, `is ${formatBytes(size)}; ${policy.kind}s may be at most ${formatBytes(policy.maxBytes)}`, `make it smaller, or raise ${policy.limitSetting} in descope.config.ts`)
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
}

/** UTF-8 to text, refusing invalid bytes with the line they are on (a BOM is dropped). */
function decodeUtf8(bytes: Buffer, file: string): string {
  if (!isUtf8(bytes)) {
    // a newline byte never occurs inside a multi-byte character, so lines can be checked one by one
    let line = 1
    for (let start = 0; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start)
      const stop = end === -1 ? bytes.length : end
      if (!isUtf8(bytes.subarray(start, stop))) break
      start = stop + 1
    }
    throw fail('FILE_ENCODING', file, `is not valid UTF-8 (line ${line})`, 'save the file as UTF-8')
  }
  const text = bytes.toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/**
 * How deep JSON may nest, by where it comes from: anything deeper would overflow the stack of
 * whatever walks it next (a 10 KB file of 5,000 brackets is enough). Each layer wraps the one
 * before with room to spare, so the toolkit never writes a file it would then refuse to read.
 */
export const JSON_DEPTH = {
  /** one answer of the API */
  answer: 200,
  /** a file a section names (an exported flow, the theme) */
  file: 210,
  /** a backup or a saved plan (files' and answers' items, wrapped) */
  wrapped: 230,
} as const

/** The depth of a JSON value, found without recursion; stops counting past `max`. */
export function depthOf(value: unknown, max: number): number {
  const stack: [object, number][] = value !== null && typeof value === 'object' ? [[value, 1]] : []
  let deepest = 0
  while (stack.length) {
    const [node, depth] = stack.pop()!
    if (depth > deepest) deepest = depth
    if (deepest > max) break
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key]
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return deepest
}

/**
 * JSON text → value, nested at most `maxDepth` deep. The message never quotes the file: V8's
 * own can (`"root:x:0:0"... is not valid JSON`), and the file may be a link to something private.
 */
export function parseJsonText(text: string, file: string, options: { fix: string; maxDepth: number; code?: ErrorCode; title?: string }): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const at = /^(.*) in JSON at position (\d+)/.exec(message)
    const reason = at
      ? `${at[1]!.replace(/^./, (c) => c.toLowerCase())} (${lineAndColumn(text, Number(at[2]))})`
      : /end of JSON input/.test(message) ? 'it ends too early (truncated?)' : 'a character that does not belong there'
    throw fail(options.code ?? 'FILE_JSON', file, `is not valid JSON: ${reason}`, options.fix, options.title)
  }
  if (depthOf(value, options.maxDepth) > options.maxDepth) {
    throw fail(options.code ?? 'FILE_JSON', file, `nests more than ${options.maxDepth} levels deep`, options.fix, options.title)
  }
  return value
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position)
  const line = before.split('\n').length
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`
}

export interface WriteOptions {
  /** permission bits of the file written (default: those of the file it replaces, else 0644) */
  mode?: number
  /** fail with EEXIST instead of replacing an existing file */
  exclusive?: boolean
}

/** Writes `content` to `file` atomically and durably (see the header). */
export function writeFileAtomic(file: string, content: string, options: WriteOptions = {}): void {
  const dir = path.dirname(file)
  fs.mkdirSync(dir, { recursive: true })
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`)
  try {
    // a file replaced keeps its permissions (a read-only one stays so): only its content changes
    const mode = options.mode ?? ((fs.statSync(file, { throwIfNoEntry: false })?.mode ?? 0o644) & 0o777)
    const fd = fs.openSync(temp, 'wx', mode)
    try {
      fs.writeFileSync(fd, content)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    syncDirectory(dir)
    // link fails on an existing file where rename would replace it
    if (options.exclusive) fs.linkSync(temp, file)
    else fs.renameSync(temp, file)
    syncDirectory(dir)
  } finally {
    fs.rmSync(temp, { force: true })
  }
}

/** Appends one line durably, creating the file with `mode` (an audit log). */
export function appendLineDurably(file: string, line: string, mode = 0o600): void {
  const fd = fs.openSync(file, 'a', mode)
  try {
    fs.writeSync(fd, `${line}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Makes a directory's entries durable (a rename in it). Some systems cannot open a directory: skip. */
function syncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}
