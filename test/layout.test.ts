// The layout DESIGN.md describes, kept true: lib/ is grouped by stage of the data flow, knows no
// plugin, and has no import cycles (type imports count: a cycle of types is a knot to read too).
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO } from './helpers/project.ts'

const test = suite('layout')

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(file)
    return entry.name.endsWith('.ts') ? [file] : []
  })
}

/** file → the files it imports (relative imports only), every path relative to the repository */
function importGraph(dir: string): Map<string, string[]> {
  return new Map(sources(dir).map((file) => {
    const text = fs.readFileSync(file, 'utf8')
    const targets = [...text.matchAll(IMPORT)].map((match) => path.relative(REPO, path.resolve(path.dirname(file), match[1]!)))
    return [path.relative(REPO, file), [...new Set(targets)]]
  }))
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (node: string, chain: string[]) => {
    if (state.get(node) === 'done') return
    if (state.get(node) === 'visiting') {
      found.push([...chain.slice(chain.indexOf(node)), node])
      return
    }
    state.set(node, 'visiting')
    for (const next of graph.get(node) ?? []) visit(next, [...chain, node])
    state.set(node, 'done')
  }
  for (const node of graph.keys()) visit(node, [])
  return found
}

const lib = importGraph(path.join(REPO, 'lib'))

test('no module under lib/ imports from plugins/', () => {
  const offenders = [...lib].flatMap(([file, targets]) => targets.filter((target) => target.startsWith('plugins/')).map((target) => `${file} → ${target}`))
  assert.equal(offenders, [])
})

test('lib/ has no import cycles, type imports included', () => {
  assert.equal(cycles(lib).map((cycle) => cycle.join(' → ')), [])
})

test('lib/ is grouped by stage: only the public surface, the contract and the error catalog sit at its top', () => {
  const top = fs.readdirSync(path.join(REPO, 'lib')).filter((name) => name.endsWith('.ts')).sort()
  assert.equal(top, ['contract.ts', 'errors.ts', 'index.ts', 'plugin.ts'])
})

test('the contract module is types only: it imports types and declares no value', () => {
  const text = fs.readFileSync(path.join(REPO, 'lib/contract.ts'), 'utf8')
  assert.not.match(text, /^import (?!type )/m)
  assert.not.match(text, /^export (const|function|class|let|default)/m)
})

test('the README lists the error catalog as lib/errors.ts holds it, code for code', async () => {
  const { ERROR_CODES } = await import('../lib/errors.ts')
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### Error codes'), readme.indexOf('\n## ', readme.indexOf('### Error codes')))
  const listed = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((row) => [row[1], row[2]])
  const catalog = Object.entries(ERROR_CODES).map(([code, meaning]) => [code === 'API_STATUS' ? 'API_<status>' : code, meaning])
  assert.equal(listed, catalog)
})

test('the README\'s Layout names every directory of lib/ and every module of its stages', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
  const layout = readme.slice(readme.indexOf('## Layout'))
  const missing: string[] = []
  for (const dir of fs.readdirSync(path.join(REPO, 'lib'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)) {
    if (!layout.includes(`  ${dir}/`)) missing.push(`lib/${dir}/`)
    if (dir === 'emulator') continue // summed up: its own modules are many and small
    for (const file of fs.readdirSync(path.join(REPO, 'lib', dir)).filter((name) => name.endsWith('.ts'))) {
      if (!new RegExp(`\\b${file.slice(0, -3)}\\b`).test(layout)) missing.push(`lib/${dir}/${file}`)
    }
  }
  assert.equal(missing, [])
})

test.run()
