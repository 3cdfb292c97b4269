// The one writer (atomic and durable) and the one reader of user files.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../lib/errors.ts'
import { readTextFile, writeFileAtomic, type ReadPolicy } from '../lib/io/files.ts'

const test = suite<{ dir: string }>('files')
test.before.each((context) => { context.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-files-')) })
test.after.each((context) => fs.rmSync(context.dir, { recursive: true, force: true }))

test('an atomic write fsyncs the file before the rename and the directory before and after it', ({ dir }) => {
  const events: string[] = []
  const { fsyncSync, renameSync } = fs
  fs.fsyncSync = (fd: number) => {
    events.push(fs.fstatSync(fd).isDirectory() ? 'fsync directory' : 'fsync file')
    return fsyncSync(fd)
  }
  fs.renameSync = (from, to) => {
    events.push('rename')
    return renameSync(from, to)
  }
  try {
    writeFileAtomic(path.join(dir, 'backup.json'), '{"a":1}\n', { mode: 0o600 })
  } finally {
    Object.assign(fs, { fsyncSync, renameSync })
  }
  assert.equal(events, ['fsync file', 'fsync directory', 'rename', 'fsync directory'])
  assert.is(fs.readFileSync(path.join(dir, 'backup.json'), 'utf8'), '{"a":1}\n')
  assert.is(fs.statSync(path.join(dir, 'backup.json')).mode & 0o777, 0o600)
  assert.equal(fs.readdirSync(dir), ['backup.json'], 'no temp file left')
})

test('an exclusive write never replaces a file, and leaves no temp file behind', ({ dir }) => {
  const file = path.join(dir, 'a.json')
  writeFileAtomic(file, 'first\n', { exclusive: true })
  try {
    writeFileAtomic(file, 'second\n', { exclusive: true })
    assert.unreachable('must not replace')
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'EEXIST')
  }
  assert.is(fs.readFileSync(file, 'utf8'), 'first\n')
  assert.equal(fs.readdirSync(dir), ['a.json'])
})

test('a file replaced keeps its permissions (a read-only one stays read-only); a new one is 0644 unless told', ({ dir }) => {
  const file = path.join(dir, 'env.yaml')
  writeFileAtomic(file, 'first\n')
  assert.is(fs.statSync(file).mode & 0o777, 0o644 & ~process.umask())
  fs.chmodSync(file, 0o440)
  writeFileAtomic(file, 'second\n')
  assert.is(fs.readFileSync(file, 'utf8'), 'second\n')
  assert.is(fs.statSync(file).mode & 0o777, 0o440)
  writeFileAtomic(file, 'third\n', { mode: 0o600 })
  assert.is(fs.statSync(file).mode & 0o777, 0o600, 'an explicit mode wins')
})

const policy = (dir: string, maxBytes = 1000): ReadPolicy => ({ kind: 'environment file', maxBytes, limitSetting: 'limits.environmentFileBytes', root: dir })

function refused(read: () => unknown, code: string, message: string): void {
  try {
    read()
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.is((error as ConfigError).code, code)
    assert.match((error as ConfigError).issues[0]!.message, message)
    return
  }
  assert.unreachable(`expected ${code}`)
}

test('a pipe or a device is refused at once, never read (a pipe would block forever)', ({ dir }) => {
  const fifo = path.join(dir, 'dev.yaml')
  execFileSync('mkfifo', [fifo])
  refused(() => readTextFile(fifo, policy(dir)), 'FILE_NOT_REGULAR', 'is not a regular file')
  refused(() => readTextFile('/dev/zero', { ...policy(dir), root: undefined }), 'FILE_NOT_REGULAR', 'is not a regular file')
})

test('size, encoding and place are checked; a BOM is dropped', ({ dir }) => {
  const file = path.join(dir, 'dev.yaml')
  fs.writeFileSync(file, 'x'.repeat(1001))
  refused(() => readTextFile(file, policy(dir)), 'FILE_TOO_LARGE', 'is 1001 B; environment files may be at most 1000 B')
  fs.writeFileSync(file, Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a]))
  assert.is(readTextFile(file, policy(dir)), 'a\n')
  fs.writeFileSync(file, Buffer.from('a: 1\nb: \xff\n', 'latin1'))
  refused(() => readTextFile(file, policy(dir)), 'FILE_ENCODING', 'line 2')
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-outside-'))
  try {
    fs.writeFileSync(path.join(outside, 'secret'), 'root:x:0:0')
    fs.symlinkSync(path.join(outside, 'secret'), path.join(dir, 'linked.yaml'))
    refused(() => readTextFile(path.join(dir, 'linked.yaml'), policy(dir)), 'FILE_OUTSIDE_PROJECT', 'leads outside the project')
  } finally {
    fs.rmSync(outside, { recursive: true, force: true })
  }
})

test.run()
