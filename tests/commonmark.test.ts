/** Every CommonMark spec example, as its own essay, in one build run: none may crash it. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'
import {fixture, runCli} from './helpers.js'

const require = createRequire(import.meta.url)
const spec = require('commonmark-spec') as {tests: Array<{markdown: string; number: number}>}

test('the 652 CommonMark spec examples build in one run without a crash', () => {
  assert.equal(spec.tests.length, 652)
  const files: Record<string, string> = {}
  for (const example of spec.tests) files[`in/example-${String(example.number).padStart(3, '0')}.md`] = example.markdown
  const dir = fixture(files)
  const names = Object.keys(files).sort()
  const result = runCli(['build', ...names, '--out', 'out', '--quiet', '--style', 'apa'], {cwd: dir})
  assert.doesNotMatch(result.stderr, /bug in essay-edition|^\s+at /m)
  assert.equal(result.code, 0, result.stderr.slice(0, 2000))
  const built = fs.readdirSync(path.join(dir, 'out')).filter((name) => name.startsWith('example-'))
  assert.equal(built.length, 652)
  for (const name of built) assert.ok(fs.statSync(path.join(dir, 'out', name, 'index.html')).size > 0)
})
