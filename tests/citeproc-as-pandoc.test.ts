/**
 * Where citeproc-js is made to render as Pandoc's citeproc does, in src/citations/: the works of a
 * citation in Pandoc's order, sorted by the style within groups that a prefix begins and a suffix
 * ends (cluster-sort.ts); a BibTeX note read as text (render.ts). Expected texts printed by Pandoc
 * 2.17 with apa.csl for the same input.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {renderStyle} from '../src/citations/render.js'
import {loadStyle} from '../src/citations/styles.js'
import {citationGroups, groupedSortAvailable} from '../src/citations/cluster-sort.js'
import type {CiteItem} from '../src/citations/types.js'
import {projectRoot} from './helpers.js'

const book = (id: string, family: string, year: number) => ({id, type: 'book', title: `Book ${family}`, author: [{family, given: 'A.'}], issued: {'date-parts': [[year]]}, publisher: 'P'})
const items = new Map([book('smith2000', 'Smith', 2000), book('jones1990', 'Jones', 1990), book('adams2010', 'Adams', 2010)].map((item) => [item.id, item]))
const apa = loadStyle('apa', {cwd: projectRoot})
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#38;/g, '&')

function render(...clusters: CiteItem[][]): string[] {
  const result = renderStyle({style: apa, items, citations: clusters.map((items) => ({noteIndex: 0, citation: {mode: 'normal', items}}))})
  return result.citations.map((citation) => text(citation.html))
}

test('Pandoc\'s groups: a prefix begins one, a suffix ends one', () => {
  const keys = (groups: CiteItem[][]) => groups.map((group) => group.map((item) => item.key))
  assert.deepEqual(keys(citationGroups([{key: 'a'}, {key: 'b', prefix: 'see also'}, {key: 'c'}])), [['a'], ['b', 'c']])
  assert.deepEqual(keys(citationGroups([{key: 'a', suffix: ' and passim'}, {key: 'b'}, {key: 'c'}])), [['a'], ['b', 'c']])
  assert.deepEqual(keys(citationGroups([{key: 'a', prefix: 'see'}, {key: 'b'}])), [['a', 'b']])
})

test('a citation keeps its works where affixes bind them; sorted within each group', () => {
  assert.ok(groupedSortAvailable, 'proven on this citeproc-js')
  assert.deepEqual(render(
    [{key: 'smith2000'}, {key: 'jones1990', prefix: 'see also'}],
    [{key: 'smith2000'}, {key: 'jones1990'}],
    [{key: 'smith2000', locator: '3', label: 'page', suffix: ' and passim'}, {key: 'jones1990'}, {key: 'adams2010'}],
    [{key: 'smith2000'}, {key: 'jones1990'}, {key: 'adams2010', prefix: 'see', suffix: ' for more'}]
  ), [
    '(Smith, 2000; see also Jones, 1990)',
    '(Jones, 1990; Smith, 2000)',
    '(Smith, 2000, p. 3 and passim; Adams, 2010; Jones, 1990)',
    '(Jones, 1990; Smith, 2000; see Adams, 2010 for more)'
  ])
})

test('a BibTeX note is text: its `key: value` lines are read as variables only in CSL-JSON (Pandoc)', async () => {
  const {loadBibliographies} = await import('../src/bibliography/load.js')
  const {fixture} = await import('./helpers.js')
  const dir = fixture({
    'refs.bib': '@software{ward2022, author = {Ward, Alex}, title = {Textstat}, year = {2022}, note = {original-date: 2014}}\n',
    'refs.json': JSON.stringify([{id: 'lee2020', type: 'book', title: 'A Book', author: [{family: 'Lee', given: 'K.'}], issued: {'date-parts': [[2020]]}, note: 'original-date: 2010'}])
  })
  const loaded = loadBibliographies([`${dir}/refs.bib`, `${dir}/refs.json`])
  assert.deepEqual(loaded.plainNotes, ['ward2022'])
  const works = new Map(loaded.items.map((item) => [item.id, item]))
  const result = renderStyle({style: apa, items: works, plainNotes: loaded.plainNotes, citations: [{noteIndex: 0, citation: {mode: 'normal', items: [{key: 'ward2022'}, {key: 'lee2020'}]}}]})
  assert.equal(text(result.citations[0]!.html), '(Lee, 2010/2020; Ward, 2022)')
})
