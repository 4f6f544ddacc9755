/**
 * The rules added to citeproc-js (src/bibliography/citeproc-rules.ts), each on small CSL items
 * written for it: what Pandoc's citeproc prints, and what the style guide wants.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {renderStyle, type CslItem} from '../src/citations/render.js'
import {loadStyle} from '../src/citations/styles.js'

/** The reference list of `items` in one style, as text. */
function entries(items: CslItem[], style: string): string[] {
  const rendered = renderStyle({style: loadStyle(style), items: new Map(items.map((i) => [i.id, i])), citations: [], nocite: items.map((i) => i.id)})
  return rendered.bibliography.map((entry) => entry.html.replace(/<[^>]+>/g, '').replace(/&#38;/g, '&').trim())
}

const kruschke = {family: 'Kruschke', given: 'John K.'}
const article = (id: string, title: string, author: object[], year: number): CslItem =>
  ({id, type: 'article-journal', title, author, 'container-title': 'J', issued: {'date-parts': [[year]]}})

test('subsequent author: "---" only for the same whole list of names, not the same names shown (MLA et al.)', () => {
  const others = [kruschke, {family: 'Aguinis', given: 'Herman'}, {family: 'Joo', given: 'Harry'}]
  const items = [article('a', 'Alpha', [kruschke], 2015), article('b', 'Beta', others, 2012), article('d', 'Delta', others, 2013), article('c', 'Gamma', [kruschke], 2010)]
  // MLA sorts by the names shown ("Kruschke, John K."), then by title; Pandoc prints the same
  // names, except "---, et al." for Delta (the CSL specification's complete-all replaces the
  // whole list, "et al." included).
  assert.deepEqual(entries(items, 'modern-language-association'), [
    'Kruschke, John K. “Alpha.” J, 2015.',
    'Kruschke, John K., et al. “Beta.” J, 2012.',
    '---. “Delta.” J, 2013.',
    'Kruschke, John K. “Gamma.” J, 2010.'
  ])
})

test('subsequent author: lists shown whole compare as before (Chicago, APA unchanged)', () => {
  const items = [
    article('a', 'Alpha', [kruschke], 2015),
    article('b', 'Beta', [kruschke], 2016),
    article('c', 'Gamma', [kruschke, {family: 'Liddell', given: 'Torrin M.'}], 2017),
    article('d', 'Delta', [kruschke, {family: 'Liddell', given: 'Torrin M.'}], 2018)
  ]
  const chicago = entries(items, 'chicago-fullnote-bibliography').map((entry) => entry.split('“')[0]!.trim())
  assert.deepEqual(chicago, ['Kruschke, John K.', '———.', 'Kruschke, John K., and Torrin M. Liddell.', '———.'])
})
