/** Loading bibliographies: formats, repairs, and reuse of an unchanged file. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {fixture} from './helpers.js'
import {loadBibliographies, loadBibliographyFile} from '../src/bibliography/load.js'
import {normalizeItem} from '../src/bibliography/normalize.js'
import {lineColumn, lineLocator} from '../src/util/text.js'

test('an unchanged file is reused; a changed one is read again', () => {
  const dir = fixture({'refs.json': JSON.stringify([{id: 'a', type: 'book', title: 'First'}])})
  const file = path.join(dir, 'refs.json')
  const first = loadBibliographyFile(file)
  assert.equal(first.items[0]!.title, 'First')
  first.items[0]!.title = 'changed by a caller'
  assert.equal(loadBibliographyFile(file).items[0]!.title, 'First', 'callers get their own copy')
  fs.writeFileSync(file, JSON.stringify([{id: 'a', type: 'book', title: 'Second, longer'}]))
  assert.equal(loadBibliographyFile(file).items[0]!.title, 'Second, longer')
})

test('BibTeX and BibLaTeX: classic fields as Pandoc reads them, BibLaTeX dates and types too', () => {
  const dir = fixture({'refs.bib': '@phdthesis{s, author={Smith, John}, title={On the Theory of Things}, school={Oxford}, year={2019}}\n@online{w, title={A Page}, date={2020-05-04}, url={https://example.org}}\n'})
  const {items, diagnostics} = loadBibliographyFile(path.join(dir, 'refs.bib'))
  assert.deepEqual(diagnostics, [])
  const [thesis, page] = items
  assert.equal(thesis!.genre, 'PhD thesis')
  assert.equal(thesis!.title, 'On the theory of things', 'sentence case, as Pandoc makes it')
  assert.equal(page!.type, 'webpage')
  assert.deepEqual(page!.issued, {'date-parts': [[2020, 5, 4]]})
})

test('RIS records without an ID get Pandoc-like keys', () => {
  const dir = fixture({'refs.ris': 'TY  - JOUR\nAU  - Doe, Jane\nTI  - A title\nPY  - 2020\nER  - \nTY  - JOUR\nAU  - Doe, Jane\nTI  - Another\nPY  - 2020\nER  - \n'})
  const {items} = loadBibliographyFile(path.join(dir, 'refs.ris'))
  assert.deepEqual(items.map((i) => i.id), ['doe2020', 'doe2020a'])
})

test('items are repaired into CSL form: names, dates, text; a date Pandoc reads is no repair', () => {
  const {item, repaired} = normalizeItem({id: 'x', type: 'book', author: 'Jane Doe', issued: '2020-05', accessed: {}, title: ['A', 'B'], page: {}})
  assert.deepEqual(item, {id: 'x', type: 'book', author: [{literal: 'Jane Doe'}], issued: {'date-parts': [[2020, 5]]}, title: 'A, B'})
  assert.deepEqual(repaired.sort(), ['accessed', 'author', 'page', 'title'])
})

test('CSL dates in every form Pandoc reads from JSON and YAML', () => {
  const date = (issued: unknown) => normalizeItem({id: 'x', type: 'book', issued}).item.issued
  assert.deepEqual(date({year: 1986}), {'date-parts': [[1986]]})
  assert.deepEqual(date([{year: 2006, month: 3}]), {'date-parts': [[2006, 3]]})
  assert.deepEqual(date([{year: 2000}, {year: 2005}]), {'date-parts': [[2000], [2005]]})
  assert.deepEqual(date({'date-parts': [['2006', '7', '']]}), {'date-parts': [[2006, 7]]})
  assert.deepEqual(date({'date-parts': [2006, 7]}), {'date-parts': [[2006, 7]]})
  assert.deepEqual(date('2006-03-04/2006-05'), {'date-parts': [[2006, 3], [2006, 5]]}, 'range ends of one length (citeproc-js stops otherwise)')
  assert.deepEqual(date({raw: 'Mar 2006'}), {'date-parts': [[2006, 3]]})
  assert.deepEqual(date({literal: '2000_2005'}), {'date-parts': [[2000], [2005]]})
  assert.deepEqual(date({year: 2006, season: 2}), {'date-parts': [[2006]], season: 2})
  assert.deepEqual(date({'date-parts': [[2006, 22]]}), {'date-parts': [[2006]], season: 2})
  assert.deepEqual(date({'date-parts': [[1850]], circa: 'true'}), {'date-parts': [[1850]], circa: true})
  assert.deepEqual(date('1850~'), {'date-parts': [[1850]], circa: true})
  assert.deepEqual(date('In the spring'), {literal: 'In the spring'})
})

test('CSL-YAML is read as Pandoc reads it: Markdown in text fields, numeric ids, located items', () => {
  const dir = fixture({'refs.yaml': 'references:\n- id: a\n  type: book\n  title: "It\'s *Italic* -- \'quoted\' H~2~O"\n  issued: {year: 1986}\n- id: 2019\n  type: book\n  title: Numbered\n  issued: [{year: 2006, month: 03}]\n'})
  const {items, diagnostics} = loadBibliographyFile(path.join(dir, 'refs.yaml'))
  assert.deepEqual(diagnostics, [])
  assert.equal(items[0]!.title, 'It’s <i>Italic</i> – “quoted” H<sub>2</sub>O')
  assert.deepEqual(items[0]!.issued, {'date-parts': [[1986]]})
  assert.equal(items[1]!.id, '2019')
  assert.deepEqual(items[1]!.issued, {'date-parts': [[2006, 3]]})
})

test('duplicate ids across files: a warning, the later file\'s work is used', () => {
  const dir = fixture({'a.json': JSON.stringify([{id: 'x', type: 'book', title: 'From A'}]), 'b.json': JSON.stringify([{id: 'x', type: 'book', title: 'From B'}])})
  const {items, diagnostics} = loadBibliographies([path.join(dir, 'a.json'), path.join(dir, 'b.json')])
  assert.deepEqual(items.map((i) => i.title), ['From B'])
  assert.equal(diagnostics.length, 1)
  assert.equal(diagnostics[0]!.fatal, false)
})

test('lineLocator finds the same line and column as lineColumn, for every offset', () => {
  for (const text of ['', 'a', '\n', 'ab\ncd\n\nef', '\n\nx\r\ny\n', 'é\n😀x\n']) {
    const locate = lineLocator(text)
    for (let offset = -1; offset <= text.length + 1; offset++) {
      assert.deepEqual(locate(offset), lineColumn(text, offset), `${JSON.stringify(text)} at ${offset}`)
    }
  }
})

test('front matter references: every item read, numeric ids too; one without an id is a located warning; they win over the files', async () => {
  const {unified} = await import('unified')
  const {default: remarkParse} = await import('remark-parse')
  const {default: remarkFrontmatter} = await import('remark-frontmatter')
  const {default: remarkEssayMetadata} = await import('../src/plugins/remark-essay-metadata.js')
  const {default: remarkBibliography} = await import('../src/plugins/remark-bibliography.js')
  const {VFile} = await import('vfile')
  const dir = fixture({'refs.json': JSON.stringify([{id: 'a', type: 'book', title: 'From the file'}])})
  const markdown = '---\ntitle: T\nbibliography: refs.json\nreferences:\n- id: a\n  type: book\n  title: From the *front matter*\n- id: 2019\n  type: book\n  title: Numbered\n  issued: {year: 2019}\n- type: book\n  title: No id\n---\n\nText.\n'
  const file = new VFile({value: markdown, path: path.join(dir, 'essay.md')})
  const processor = unified().use(remarkParse).use(remarkFrontmatter).use(remarkEssayMetadata).use(remarkBibliography)
  await processor.run(processor.parse(file), file)
  const items = file.data.bibliography!.items
  assert.equal(items.get('a')!.title, 'From the <i>front matter</i>')
  assert.deepEqual(items.get('2019')!.issued, {'date-parts': [[2019]]})
  const messages = file.messages.map((m) => `${m.line}:${m.column} ${m.fatal ? 'error' : 'warning'} ${m.reason}`)
  assert.ok(messages.some((m) => /^5:3 warning Duplicate id `a`/.test(m)), messages.join('\n'))
  assert.ok(messages.some((m) => /^12:3 warning Front-matter reference 3 has no `id`/.test(m)), messages.join('\n'))
  assert.ok(!file.messages.some((m) => m.fatal))
})

test('CSL-JSON variable names in another case are read, as Pandoc reads them (`url`, `doi`)', () => {
  const dir = fixture({'refs.json': JSON.stringify([{id: 'a', type: 'webpage', title: 'Grunt', url: 'http://gruntjs.com/', Doi: '10.1/x'}])})
  const {items, diagnostics} = loadBibliographyFile(path.join(dir, 'refs.json'))
  assert.deepEqual(diagnostics, [])
  assert.equal(items[0]!.URL, 'http://gruntjs.com/')
  assert.equal(items[0]!.DOI, '10.1/x')
  assert.equal(items[0]!.url, undefined)
})

test('CSL-YAML: inline HTML is read as Pandoc reads it (native spans, <i>, <sup>), never shown as markup', () => {
  const title = 'La piazza (<span class="smallcaps">XV-XIX</span> secolo), <span style="font-variant: small-caps">Sc</span>, <i>it</i> <sup>2</sup> <span class="nocase">iPhone</span> <u>kept</u> a < b'
  const dir = fixture({'refs.yaml': `references:\n- id: a\n  type: book\n  title: '${title}'\n`})
  const {items} = loadBibliographyFile(path.join(dir, 'refs.yaml'))
  assert.equal(items[0]!.title, 'La piazza (<span style="font-variant:small-caps;">XV-XIX</span> secolo), <span style="font-variant:small-caps;">Sc</span>, <i>it</i> <sup>2</sup> <span class="nocase">iPhone</span> kept a < b')
})
