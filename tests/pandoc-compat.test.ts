/**
 * A paper written for Pandoc (YAML front matter, `bibliography: paper.bib`, TeX math, narrative and
 * author-suppressed citations) reads as Pandoc 2.17 with apa.csl makes it. The expected list was
 * made with `pandoc --citeproc --csl styles/apa.csl -t plain --wrap=none paper.md`; where pandoc is
 * installed, it is also compared live.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {fromHtml} from 'hast-util-from-html'
import {select, selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import {VFile} from 'vfile'
import {buildEdition} from '../src/pipeline.js'
import {projectRoot, runCli, tempDir} from './helpers.js'

const source = path.join(projectRoot, 'tests/fixtures/pandoc-paper')
const work = tempDir()
fs.cpSync(source, work, {recursive: true})
const result = runCli(['build', 'paper.md', '--out', 'out'], {cwd: work})
const tree = fromHtml(fs.readFileSync(path.join(work, 'out/index.html'), 'utf8'))
const entryTexts = (style: string) =>
  selectAll(`section[data-style=${style}] li[data-key] .csl-entry`, tree).map((entry) => toString(entry).replace(/\s+/g, ' ').trim())
const expected = fs.readFileSync(path.join(source, 'expected-apa-references.txt'), 'utf8').split(/\n\s*\n/).map((e) => e.replace(/\s+/g, ' ').trim()).filter(Boolean)

test('the paper builds; the uncited work is reported, not listed', () => {
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, /unused2000/)
})

test('APA entries read exactly as Pandoc prints them, in the same order', () => {
  assert.deepEqual(entryTexts('apa'), expected)
})

test('every style lists exactly the works Pandoc lists', () => {
  const keys = ['doe2020', 'knuth1984', 'pedregosa2011', 'rcore2023', 'smith2019', 'vaswani2017']
  for (const section of selectAll('section[role=doc-bibliography]', tree)) {
    assert.deepEqual(selectAll('li[data-key]', section).map((li) => String(li.properties.dataKey)).sort(), keys, String(section.properties.dataStyle))
  }
})

test('narrative and author-suppressed citations, as Pandoc renders them in APA', () => {
  const apa = selectAll('.citation .cite-variant', tree).filter((v) => String(v.properties.dataStyles).split(' ').includes('apa')).map((v) => toString(v))
  assert.equal(apa[0], '(Pedregosa et al., 2011)')
  assert.equal(apa[1], 'Knuth (1984)')
  assert.ok(apa[2]!.includes('2017') && !apa[2]!.includes('Vaswani'), apa[2])
})

test('Pandoc\'s inline notes become notes, citations in them rendered; heading attributes are not shown', () => {
  // The author's notes (under note styles the text's citations add notes of their own).
  const notes = selectAll('section[role=doc-endnotes] li:not([data-note-generated])', tree)
  assert.equal(notes.length, 1)
  const apa = selectAll('.cite-variant', notes[0]!).filter((v) => String(v.properties.dataStyles).split(' ').includes('apa')).map((v) => toString(v))
  assert.deepEqual(apa, ['Knuth (1984, p. 12)', '(Smith, 2019)'])
  assert.ok(select('em', notes[0]!), 'emphasis kept in the note')
  // Under the page's title, the paper's `#` heading is an h2 (issue 19's heading shift).
  const heading = select('article h2', tree)!
  const text = heading.children.filter((child) => !(child.type === 'element' && child.tagName === 'a')).map((child) => toString(child)).join('')
  assert.equal(text.trim(), 'Introduction')
  assert.equal(heading.properties.id, 'sec:intro', 'the author\'s id, as Pandoc gives it')
})

test('heading ids written as Pandoc attributes: kept when free, a slug when taken or one of the page\'s own', async () => {
  const markdown = [
    '# Introduction {#sec:intro .unnumbered}', '', 'See [the method](#method) and [the start](#sec:intro).', '',
    '## Method {#method}', '', 'Text.', '',
    '## Method again {#method}', '', 'Text.', '',
    '## Notes here {#fn-1}', '', 'Text.', ''
  ].join('\n')
  const file = new VFile({path: '/virtual/ids.md', value: markdown})
  const {html} = await buildEdition(file, {styles: ['apa']})
  assert.ok(html, file.messages.join('\n'))
  const page = fromHtml(html)
  assert.deepEqual(selectAll('article > h2, article > h3', page).map((h) => h.properties.id), ['sec:intro', 'method', 'method-again', 'notes-here'])
  assert.deepEqual(selectAll('nav a[href^="#"]', page).map((a) => a.properties.href), ['#sec:intro', '#method', '#method-again', '#notes-here'])
  const links = selectAll('article p a[href^="#"]', page).map((a) => String(a.properties.href)).filter((href) => !/^#p-\d+$/.test(href))
  assert.deepEqual(links, ['#method', '#sec:intro'], 'the links to them, untouched (paragraph permalinks aside)')
  assert.doesNotMatch(html, /data-heading-id/)
})

test('TeX math becomes MathML; dollars that Pandoc does not take for math stay text', () => {
  assert.ok(select('math', tree), 'MathML')
  assert.match(toString(select('article', tree)!), /from US\$ 92 million to US\$ 800 million/)
})

test('live: the same list as the installed pandoc --citeproc', {skip: spawnSync('pandoc', ['--version']).status !== 0 ? 'pandoc is not installed' : false}, () => {
  const live = spawnSync('pandoc', ['--citeproc', '--csl', path.join(projectRoot, 'styles/apa.csl'), '-t', 'plain', '--wrap=none', 'paper.md'], {cwd: work, encoding: 'utf8'})
  const text = live.stdout.slice(live.stdout.indexOf('Berg, A.')).split(/\n\[1\] /)[0]!
  assert.deepEqual(text.split(/\n\s*\n/).map((e) => e.replace(/\s+/g, ' ').trim()).filter(Boolean), entryTexts('apa'))
})
