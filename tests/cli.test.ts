/** The command line, end to end: exit codes, messages, where outputs go, nothing lost. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {cliPath, fixture, runCli, tempDir, projectRoot} from './helpers.js'
import {v8Tuning, interruptBudget} from '../src/cli/v8-tuning.js'

const essay = (body: string, front = 'title: Test essay') => `---\n${front}\n---\n\n${body}\n`
const bib = JSON.stringify([{id: 'doe2020', type: 'book', title: 'A book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}}])

test('one essay with --out DIR writes DIR/index.html and the exports', () => {
  const dir = fixture({'paper/paper.md': essay('Text [@doe2020, p. 3].', 'title: Paper\nbibliography: refs.json'), 'paper/refs.json': bib})
  const result = runCli(['build', 'paper/paper.md', '--out', 'paper/out'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  for (const name of ['index.html', 'references.bib', 'references.ris', 'references.json']) {
    assert.ok(fs.existsSync(path.join(dir, 'paper/out', name)), name)
  }
  assert.match(fs.readFileSync(path.join(dir, 'paper/out/index.html'), 'utf8'), /href="#ref-doe2020"/)
})

test('several essays go to DIR/<slug>/ with a collection page', () => {
  const dir = fixture({'a.md': essay('One [@doe2020].', 'title: First'), 'b.md': essay('Two.', 'title: Second'), 'bibliography/a.json': bib})
  const result = runCli(['build', 'a.md', 'b.md', '--out', 'site'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  assert.ok(fs.existsSync(path.join(dir, 'site/a/index.html')))
  assert.ok(fs.existsSync(path.join(dir, 'site/b/index.html')))
  const index = fs.readFileSync(path.join(dir, 'site/index.html'), 'utf8')
  assert.match(index, /href="a\/index.html"/)
  assert.match(index, /Second/)
})

test('an unknown key warns at its place; under --strict it is an error (exit 1)', () => {
  const dir = fixture({'e.md': essay('Text\n\nMore [@nobody, p. 2] here.'), 'bibliography/e.json': bib})
  const warn = runCli(['build', 'e.md', '--out', 'out'], {cwd: dir})
  assert.equal(warn.code, 0, warn.stderr)
  assert.match(warn.stderr, /^e\.md$/m)
  assert.match(warn.stderr, /^7:6-7:21\s+warning\s+Unknown citation key `nobody`/m)
  assert.match(fs.readFileSync(path.join(dir, 'out/index.html'), 'utf8'), /nobody\?/)
  const strict = runCli(['build', 'e.md', '--out', 'out2', '--strict'], {cwd: dir})
  assert.equal(strict.code, 1)
  assert.match(strict.stderr, /7:6.*error.*nobody/)
  assert.ok(!fs.existsSync(path.join(dir, 'out2')), 'nothing written')
})

test('usage errors exit 2 with the nearest option', () => {
  const result = runCli(['build', '--stirct'])
  assert.equal(result.code, 2)
  assert.match(result.stderr, /did you mean --strict/)
  assert.equal(runCli(['frobnicate']).code, 2)
})

test('an output folder that holds a source is refused; a fresh sub-folder is fine', () => {
  const dir = fixture({'paper/paper.md': essay('Text.'), 'paper/refs.json': bib})
  const refused = runCli(['build', 'paper/paper.md', '--out', 'paper'], {cwd: dir})
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /refusing/)
  assert.deepEqual(fs.readdirSync(path.join(dir, 'paper')).sort(), ['paper.md', 'refs.json'])
  assert.equal(runCli(['build', 'paper/paper.md', '--out', '.'], {cwd: path.join(dir, 'paper')}).code, 2)
})

test('a failed build leaves the previous output byte-identical', () => {
  const dir = fixture({'e.md': essay('Text [@doe2020].'), 'bibliography/e.json': bib})
  assert.equal(runCli(['build', 'e.md', '--out', 'out'], {cwd: dir}).code, 0)
  const before = fs.readFileSync(path.join(dir, 'out/index.html'))
  fs.writeFileSync(path.join(dir, 'bibliography/e.json'), bib.slice(0, 40))
  const result = runCli(['build', 'e.md', '--out', 'out'], {cwd: dir})
  assert.equal(result.code, 1)
  assert.match(result.stderr, /e\.json/)
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
  assert.deepEqual(fs.readFileSync(path.join(dir, 'out/index.html')), before)
})

test('an output folder that cannot be written is said so (exit 1), without a stack', () => {
  const dir = fixture({'e.md': essay('Text.'), 'taken': 'a file, not a folder'})
  for (const out of ['taken', 'taken/sub']) {
    const result = runCli(['build', 'e.md', '--out', out], {cwd: dir})
    assert.equal(result.code, 1, result.stderr)
    assert.match(result.stderr, /^essay-edition: cannot write the outputs into .*taken.*: ENOTDIR \(nothing was written\)$/m)
    assert.doesNotMatch(result.stderr, /\n\s+at |bug in essay-edition/, 'no stack trace')
  }
  assert.equal(fs.readFileSync(path.join(dir, 'taken'), 'utf8'), 'a file, not a folder')
})

test('an output folder where no folder can be made (/proc) fails at once instead of hanging', {skip: !fs.existsSync('/proc/self')}, () => {
  const dir = fixture({'e.md': essay('Text.')})
  const result = spawnSync(process.execPath, [cliPath, 'build', 'e.md', '--out', '/proc/essay-edition-test'], {cwd: dir, encoding: 'utf8', timeout: 30_000})
  assert.equal(result.signal, null, 'finished (not killed after 30 s)')
  assert.equal(result.status, 1, result.stderr)
  assert.match(result.stderr, /cannot write the outputs into \/proc\/essay-edition-test: ENOENT/)
})

test('with no file, every essay in essay/ is built into build/', () => {
  const dir = tempDir()
  fs.cpSync(path.join(projectRoot, 'essay'), path.join(dir, 'essay'), {recursive: true})
  fs.cpSync(path.join(projectRoot, 'bibliography'), path.join(dir, 'bibliography'), {recursive: true})
  const result = runCli(['build'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  assert.ok(fs.existsSync(path.join(dir, 'build/russia-warms-up-to-pakistan/index.html')))
  assert.ok(fs.existsSync(path.join(dir, 'build/index.html')))
})

test('the command tunes V8 only on V8 11, never over the user\'s own budget, and not when told not to', () => {
  const on = {v8Version: '11.3.244.8-node.33', execArgv: [], env: {}}
  assert.deepEqual(v8Tuning(on), [`--interrupt-budget=${interruptBudget}`])
  assert.deepEqual(v8Tuning({...on, v8Version: '12.4.254.21-node.33'}), [])
  assert.deepEqual(v8Tuning({...on, execArgv: ['--interrupt-budget=50000']}), [])
  assert.deepEqual(v8Tuning({...on, execArgv: ['--interrupt_budget', '50000']}), [])
  assert.deepEqual(v8Tuning({...on, env: {ESSAY_EDITION_V8_TUNING: '0'}}), [])
  // This Node takes the flag silently (V8 prints "unrecognized flag" for one it does not know).
  const result = runCli(['--version'])
  assert.equal(result.code, 0)
  assert.equal(result.stderr, '')
})
