/** The exports beside each page re-import: BibTeX, RIS and CSL-JSON, with every cited work. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {buildDefaultEssay} from './helpers.js'
import {loadBibliographyFile} from '../src/bibliography/load.js'
import {exportsOf, toBibtex, toCslJson, toRis} from '../src/bibliography/export.js'

const require = createRequire(import.meta.url)
const original = require('../../bibliography/russia-warms-up-to-pakistan.json') as Array<Record<string, unknown>>
const dir = path.dirname(buildDefaultEssay())
const pandoc = spawnSync('pandoc', ['--version']).status === 0

test('references.json holds the 13 works, as CSL-JSON equal to the source', () => {
  const items = JSON.parse(fs.readFileSync(path.join(dir, 'references.json'), 'utf8')) as Array<Record<string, unknown>>
  assert.equal(items.length, 13)
  const byId = new Map(items.map((item) => [item.id, item]))
  for (const work of original) assert.deepEqual(byId.get(work.id), work)
})

test('references.bib re-imports through citation-js: 13 works with their keys, titles, dates and DOI', () => {
  const {items, diagnostics} = loadBibliographyFile(path.join(dir, 'references.bib'))
  assert.deepEqual(diagnostics, [])
  assert.deepEqual(items.map((i) => i.id).sort(), original.map((i) => i.id).sort())
  const zaidi = items.find((i) => i.id === 'zaidi2021')!
  assert.equal(zaidi.DOI, '10.1134/S1019331621020106')
  assert.deepEqual(zaidi.issued, {'date-parts': [[2021, 3, 1]]})
  assert.equal(items.find((i) => i.id === 'abbas2016')!.type, 'webpage')
})

test('references.ris re-imports: 13 records, titles and authors kept, no broken lines', () => {
  const ris = fs.readFileSync(path.join(dir, 'references.ris'), 'utf8')
  assert.equal(ris.match(/^TY {2}- /gm)?.length, 13)
  assert.equal(ris.match(/^ER {2}-\s*$/gm)?.length, 13)
  for (const line of ris.split('\n').filter(Boolean)) assert.match(line, /^[A-Z][A-Z0-9] {2}-( |$)/, line)
  const {items, diagnostics} = loadBibliographyFile(path.join(dir, 'references.ris'))
  assert.deepEqual(diagnostics, [])
  assert.equal(items.length, 13)
  assert.ok(items.some((i) => String(i.title).startsWith('From "Geo-Strategic Rivals" to "Probable Allies"? A Constructivist Analysis')))
})

test('per work: the page embeds each work\'s BibTeX and RIS for download', () => {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
  const data = JSON.parse(/<script type="application\/json" id="work-exports">([\s\S]*?)<\/script>/.exec(html)![1]!) as {works: Record<string, {bib: string; ris: string}>}
  assert.equal(Object.keys(data.works).length, 13)
  assert.match(data.works.khan2021!.bib, /^@article\{khan2021,/)
  assert.match(data.works.khan2021!.ris, /^TY {2}- JOUR[\s\S]*ER {2}-\s*$/)
  assert.doesNotMatch(data.works.khan2021!.bib, /zaidi/)
})

test('pandoc -f bibtex reads the 13 works', {skip: pandoc ? false : 'pandoc is not installed'}, () => {
  const result = spawnSync('pandoc', ['-f', 'bibtex', '-t', 'csljson', path.join(dir, 'references.bib')], {encoding: 'utf8'})
  assert.equal(result.status, 0, result.stderr)
  const items = JSON.parse(result.stdout) as Array<{id: string; type: string}>
  assert.equal(items.length, 13)
  assert.ok(items.every((i) => i.type), 'every type understood')
})

test('exportsOf gives the three exports, the same when asked again for equal works', () => {
  const works = [
    {id: 'khan2021', type: 'article-journal', title: 'Arms and influence', author: [{family: 'Khan', given: 'Ayesha'}], issued: {'date-parts': [[2021]]}},
    {id: 'ivanov2019', type: 'book', title: 'Partners', publisher: 'Nauka', issued: {'date-parts': [[2019]]}}
  ]
  const first = exportsOf(works)
  assert.deepEqual(first, {bibtex: toBibtex(works), ris: toRis(works), cslJson: toCslJson(works)})
  assert.match(first.bibtex, /@article\{khan2021,/)
  first.bibtex = 'changed by a caller'
  const again = exportsOf(structuredClone(works))
  assert.equal(again.bibtex, toBibtex(works))
  const changed = exportsOf([{...works[0]!, title: 'Arms and diplomacy'}, works[1]!])
  assert.match(changed.bibtex, /Arms and diplomacy/)
  assert.match(changed.ris, /TI {2}- Arms and diplomacy/)
})
