/** Loading bibliographies: formats, repairs, and reuse of an unchanged file. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {fixture} from './helpers.js'
import {loadBibliographyFile} from '../src/bibliography/load.js'
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

test('items are repaired into CSL form: names, dates, text', () => {
  const {item, repaired} = normalizeItem({id: 'x', type: 'book', author: 'Jane Doe', issued: '2020-05', title: ['A', 'B'], page: {}})
  assert.deepEqual(item, {id: 'x', type: 'book', author: [{literal: 'Jane Doe'}], issued: {'date-parts': [[2020, 5]]}, title: 'A, B'})
  assert.deepEqual(repaired.sort(), ['author', 'issued', 'page', 'title'])
})

test('lineLocator finds the same line and column as lineColumn, for every offset', () => {
  for (const text of ['', 'a', '\n', 'ab\ncd\n\nef', '\n\nx\r\ny\n', 'é\n😀x\n']) {
    const locate = lineLocator(text)
    for (let offset = -1; offset <= text.length + 1; offset++) {
      assert.deepEqual(locate(offset), lineColumn(text, offset), `${JSON.stringify(text)} at ${offset}`)
    }
  }
})
