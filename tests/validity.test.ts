/**
 * The W3C Nu HTML checker (npm's `vnu-jar`, run with Debian's Java: scripts/ensure-chromium.sh
 * installs `default-jre-headless`) on what a build writes: the default essay, a paper with math,
 * notes, `#` headings and a text date, and the collection page listing them. No error, and no warning
 * but the checker's notes that it cannot verify the CSP's hashes (it reports every inline script and
 * style as blocked; the browser tests show that the page's own run and nothing else does).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {defaultEssay, fixture, projectRoot, runCli} from './helpers.js'

const vnuJar = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build/dist/vnu.jar')

interface NuMessage {
  type: string
  subType?: string
  url?: string
  lastLine?: number
  message: string
}

/** The checker's messages on these files (one Java start for all). */
function nuCheck(files: string[]): NuMessage[] {
  const result = spawnSync('java', ['-jar', vnuJar, '--format', 'json', '--exit-zero-always', ...files], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  assert.equal(result.error, undefined, `java runs (${String(result.error)}); scripts/ensure-chromium.sh installs default-jre-headless`)
  assert.equal(result.status, 0, result.stderr)
  return (JSON.parse(result.stderr) as {messages: NuMessage[]}).messages
}

/** The checker's note on an inline script or style admitted by a hash it does not compute. */
const cspNote = (m: NuMessage) => m.type === 'info' && /^Inline (script|style) violates Content Security Policy \(meta tag\)/.test(m.message)

const paper = fs.readFileSync(path.join(projectRoot, 'tests/fixtures/pandoc-paper/paper.md'), 'utf8')
  .replace(/^author: Jane Roe$/m, 'author: Jane Roe\ndate: 28 January 2022\nurl: https://example.org/papers/test/\nabstract: A paper to check the page against the HTML standard.')

test('the W3C Nu HTML checker: no error and no warning on the default essay, a paper with math and notes, and the collection page', () => {
  const dir = fixture({
    'essays/paper.md': paper,
    'essays/paper.bib': fs.readFileSync(path.join(projectRoot, 'tests/fixtures/pandoc-paper/paper.bib'), 'utf8'),
    'essays/russia-warms-up-to-pakistan.md': fs.readFileSync(defaultEssay, 'utf8')
  })
  const out = path.join(dir, 'out')
  const build = runCli(['build', path.join(dir, 'essays/russia-warms-up-to-pakistan.md'), path.join(dir, 'essays/paper.md'), '--out', out])
  assert.equal(build.code, 0, build.stderr)
  const pages = ['russia-warms-up-to-pakistan/index.html', 'paper/index.html', 'index.html'].map((name) => path.join(out, name))
  const paperHtml = fs.readFileSync(pages[1]!, 'utf8')
  assert.match(paperHtml, /class="katex"/, 'the paper has math')
  assert.match(paperHtml, /role="doc-noteref"/, 'and notes')
  assert.match(paperHtml, /<time datetime="2022-01-28">/, 'and a date')
  const messages = nuCheck(pages)
  const problems = messages.filter((m) => !cspNote(m)).map((m) => `${path.relative(out, decodeURIComponent(new URL(m.url ?? 'file:///').pathname))}:${m.lastLine} ${m.type}${m.subType ? ' ' + m.subType : ''}: ${m.message}`)
  assert.deepEqual(problems, [])
  // The checker did read the pages: its CSP notes are there, for the essay pages.
  assert.ok(messages.some(cspNote), 'the checker read the pages')
})
