// Flags are declared once, parsed strictly, and --help is made from the declarations.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { UsageError } from '../lib/errors.ts'
import { COMMON_FLAGS, formatFlags, parseFlags, type FlagSpecs } from '../lib/run/flags.ts'
import { REPO, runTask, TSX } from './helpers/project.ts'

const SPECS = {
  env: { type: 'string', value: '<name>', description: 'the environment' },
  apply: { type: 'boolean', description: 'write' },
  theme: { type: 'boolean', tristate: true, description: 'the theme' },
  type: { type: 'list', value: '<types>', description: 'types' },
  keep: { type: 'integer', min: 1, value: '<n>', description: 'how many' },
  ...COMMON_FLAGS,
} as const satisfies FlagSpecs

const parse = (...argv: string[]) => parseFlags(SPECS, argv, { positionals: 1 })

function refused(argv: string[], message: string): void {
  try {
    parse(...argv)
  } catch (error) {
    assert.instance(error, UsageError)
    assert.match((error as Error).message, message)
    return
  }
  assert.unreachable(`${argv.join(' ')} must be refused`)
}

const test = suite('flags')

test('a switch never takes a value, whatever the value says', () => {
  for (const value of ['no', '0', 'false', 'yes', 'true', '']) refused([`--apply=${value}`], '--apply is a switch and takes no value')
  refused(['--no-apply=yes'], '--no-apply is a switch and takes no value')
})

test('--no-<switch> turns it off; a tristate switch is undefined unless given', () => {
  assert.is(parse().apply, false)
  assert.is(parse('--apply').apply, true)
  assert.is(parse('--no-apply').apply, false)
  assert.is(parse().theme, undefined)
  assert.is(parse('--theme').theme, true)
  assert.is(parse('--no-theme').theme, false)
})

test('a flag that is not a list, given twice, is refused; a list accumulates', () => {
  refused(['--apply', '--apply'], '--apply is given more than once')
  refused(['--apply', '--no-apply'], '--apply is given more than once')
  refused(['--env', 'a', '--env=b'], '--env is given more than once')
  assert.equal(parse('--type', 'flow,theme', '--type', ' role ,').type, ['flow', 'theme', 'role'])
})

test('a value flag needs a value, and a following flag is not one', () => {
  refused(['--env'], '--env needs a value')
  refused(['--env='], '--env needs a value')
  refused(['--env', '--apply'], '--env needs a value')
  refused(['--type', ','], '--type needs at least one value')
  assert.is(parse('--env=-odd').env, '-odd', 'an inline value may start with a dash')
  refused(['--keep', '0'], '--keep must be a whole number of at least 1, got "0"')
  refused(['--keep', '1.5'], 'got "1.5"')
  assert.is(parse('--keep', '12').keep, 12)
})

test('unknown flags, short flags and extra arguments are refused', () => {
  refused(['--aply'], 'unknown flag --aply (did you mean --apply?)')
  refused(['--APPLY'], 'unknown flag --APPLY')
  refused(['-y'], 'unknown flag -y')
  refused(['--__proto__'], 'unknown flag --__proto__')
  refused(['--toString'], 'unknown flag --toString')
  refused(['a', 'b'], 'unexpected argument b')
  assert.equal(parse('latest', '--apply')._, ['latest'])
  assert.is(parse('-h').help, true)
})

test('the Flags section lists every declared flag, each one the parser takes', () => {
  const text = formatFlags(SPECS)
  for (const name of Object.keys(SPECS)) assert.match(text, new RegExp(`--(\\[no-\\])?${name}\\b`))
  assert.match(text, '--[no-]theme')
  const listed = [...text.matchAll(/^ {2}--(?:\[no-\])?([a-z-]+)/gm)].map((match) => match[1])
  assert.equal(listed, Object.keys(SPECS))
  assert.ok(text.split('\n').every((line) => line.length <= 100), 'descriptions wrap within 100 columns')
  assert.match(text, '--no-<switch> spells out its default')
})

// Every task's --help: the flags it mentions anywhere (prose, examples) are the ones its Flags
// section lists, which the runner generates from the declarations it parses with.
const HELP = [
  ['sync'], ['drift'], ['export-flows'], ['emulator'],
  ['backup'], ['backup', 'create'], ['backup', 'list'], ['backup', 'restore'], ['backup', 'prune'],
]

test('--help of every task documents exactly the flags it declares', async () => {
  const results = await Promise.all(HELP.map(async ([task, command]) => ({ task, command, result: await runTask(task!, [...(command ? [command] : []), '--help'], { cwd: REPO }) })))
  for (const { task, command, result } of results) {
    const label = [task, command].filter(Boolean).join(' ')
    assert.is(result.code, 0, `${label}: ${result.stderr}`)
    if (task === 'backup' && !command) {
      assert.match(result.stdout, /create .*\n.*list .*\n.*restore .*\n.*prune /, 'the commands are listed')
      continue
    }
    const flagsSection = /\nFlags:\n([\s\S]*?)(\n\n|$)/.exec(result.stdout)?.[1] ?? ''
    const declared = new Set([...flagsSection.matchAll(/^ {2}--(?:\[no-\])?([a-z-]+)/gm)].map((match) => match[1]!))
    assert.ok(declared.has('help') && declared.has('verbose'), `${label}: common flags listed`)
    // `--no-<switch>` is the help's placeholder, not a flag
    const mentioned = [...result.stdout.matchAll(/(?<![\w-])--(?:no-)?([a-z][a-z-]*)(?![\w<-])/g)].map((match) => match[1]!)
    for (const flag of mentioned) assert.ok(declared.has(flag), `${label}: --help mentions --${flag}, which is not declared`)
  }
})

// each task file run as a script, in a process of its own: it runs (runAsScript) and sets the exit code
test('flags named like Object\'s own properties are unknown flags in every task, not a crash', async () => {
  const runs = await Promise.all([['sync', '--constructor'], ['drift', '--__proto__'], ['backup', 'list', '--toString'], ['export-flows', '--no-hasOwnProperty']].map(([task, ...args]) => runTask(task!, args, { cwd: REPO, spawn: true })))
  for (const result of runs) {
    assert.is(result.code, 3, result.stderr)
    assert.match(result.stderr, 'unknown flag --')
  }
})

test('a task named without its extension, as `npx tsx tasks/sync` does, runs all the same', async () => {
  const child = spawnSync(process.execPath, ['--import', TSX, path.join(REPO, 'tasks', 'sync'), '--bogus'], { cwd: REPO, encoding: 'utf8' })
  assert.is(child.status, 3, child.stderr)
  assert.match(child.stderr, 'unknown flag --bogus')
})

test('a value on a switch stops the task before it reads anything: exit 3', async () => {
  const result = await runTask('sync', ['--env', 'prod', '--apply', '--prune', '--yes=no', '--json'], { cwd: REPO })
  assert.is(result.code, 3)
  assert.is(JSON.parse(result.stdout).error.code, 'USAGE')
  assert.match(result.stderr, '--yes is a switch and takes no value')
})

test.run()
