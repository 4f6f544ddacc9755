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

const chicagoTitle = (title: string, type = 'article-journal') =>
  entries([{id: 't', type, title, author: [kruschke], 'container-title': 'J', issued: {'date-parts': [[2020]]}}], 'chicago-fullnote-bibliography')[0]!.split(/[“”]/)[1]!.replace(/[.,]$/, '')

test('title case: a word written directly after a period inside a word keeps its case (Pandoc\'s citeproc)', () => {
  assert.equal(chicagoTitle('Minibatch.jl'), 'Minibatch.jl')
  assert.equal(chicagoTitle('a tour of arXiv.org and underscore.js'), 'A Tour of arXiv.org and Underscore.js')
  assert.equal(chicagoTitle('planet dump retrieved from https://planet.osm.org'), 'Planet Dump Retrieved from Https://Planet.osm.org')
  // After a period and a space, a word is capitalised as before.
  assert.equal(chicagoTitle('results of geophys. res. inside'), 'Results of Geophys. Res. Inside')
})

test('title case: the first element of a hyphenated compound is capitalised, a small word too (CMOS 8.161)', () => {
  // "Between": not one of the CSL specification's stop words (render.ts, titleCaseStopWords), as in Pandoc.
  assert.equal(chicagoTitle('agreement between off-the-shelf sentiment tools'), 'Agreement Between Off-the-Shelf Sentiment Tools')
  assert.equal(chicagoTitle('measuring with “off-the-shelf” dictionaries'), 'Measuring with ‘Off-the-Shelf’ Dictionaries')
  assert.equal(chicagoTitle('off-the-shelf tools'), 'Off-the-Shelf Tools')
  // Protected text keeps its case.
  assert.equal(chicagoTitle('tools <span class="nocase">off-the-shelf</span>'), 'Tools off-the-shelf')
})

test('title case: a lone lowercase letter before a hyphen stays lowercase, except where every word is capitalised', () => {
  assert.equal(chicagoTitle('visualizing data using t-SNE'), 'Visualizing Data Using t-SNE')
  assert.equal(chicagoTitle('fast x-ray tomography'), 'Fast x-Ray Tomography')
  assert.equal(chicagoTitle('a large-scale p-hacking experiment'), 'A Large-Scale p-Hacking Experiment')
  assert.equal(chicagoTitle('t-SNE explained: x-ray data'), 'T-SNE Explained: X-Ray Data')
})

test('page ranges as Pandoc sets them: prefixes, a prefix that is not a letter, CMOS 17 abbreviation in Chicago', () => {
  const pages = (page: string, style: string) => {
    const entry = entries([{id: 'p', type: 'article-journal', title: 'T', author: [kruschke], 'container-title': 'J', page, issued: {'date-parts': [[2020]]}}], style)[0]!
    return entry.match(/(?:pp?\. )?[\w:]*\d[\w:]*(?:–[\w:]*\d+)?(?=\.$|, 2020|\. https|\s*$)/)?.[0]
  }
  assert.equal(pages('E1743-1752', 'apa'), 'E1743–1752')
  assert.equal(pages('E1743-1752', 'chicago-fullnote-bibliography'), 'E1743–1752')
  assert.equal(pages('E1743-1752', 'modern-language-association'), 'pp. E1743–1752')
  assert.equal(pages('6:1-6:40', 'apa'), '6:1–6:40')
  assert.equal(pages('6:1–6:40', 'chicago-fullnote-bibliography'), '6:1–40')
  assert.equal(pages('6:1-6:40', 'modern-language-association'), 'pp. 6:1–40')
  assert.equal(pages('1593-1623', 'chicago-fullnote-bibliography'), '1593–623')
  // As before: same letter prefixes, ranges citeproc-js and Pandoc set alike.
  assert.equal(pages('S12-S19', 'apa'), 'S12–S19')
  assert.equal(pages('S12-S19', 'chicago-fullnote-bibliography'), 'S12–19')
  assert.equal(pages('101-108', 'chicago-fullnote-bibliography'), '101–8')
  assert.equal(pages('1496-1504', 'chicago-fullnote-bibliography'), '1496–1504')
  assert.equal(pages('A128', 'modern-language-association'), 'p. A128')
})

test('MLA given names (initialize="false"): a period after each initial, hyphenated initials kept, also when disambiguated', () => {
  const items: CslItem[] = [
    article('a', 'Alpha', [{family: 'Jones', given: 'James W'}], 2015),
    article('b', 'Beta', [{family: 'Liu', given: 'S.-F.'}, {family: 'Rein', given: 'H'}], 2016),
    article('c', 'Gamma', [{family: 'Brunton', given: 'Steven L'}], 2017),
    article('d', 'Delta', [{family: 'Brunton', given: 'Bingni W'}], 2018)
  ]
  const style = loadStyle('modern-language-association')
  const rendered = renderStyle({style, items: new Map(items.map((i) => [i.id, i])), citations: items.map((i) => ({citation: {mode: 'normal' as const, items: [{key: i.id}]}, noteIndex: 0}))})
  assert.deepEqual(rendered.bibliography.map((entry) => entry.html.replace(/<[^>]+>/g, '').trim().split(' “')[0]), [
    'Brunton, Bingni W.', 'Brunton, Steven L.', 'Jones, James W.', 'Liu, S.-F., and H. Rein.'
  ])
  // APA initialises as before.
  assert.match(entries([items[1]!], 'apa')[0]!, /^Liu, S\.-F\., & Rein, H\./)
  // Two first authors told apart by their given names: the full given name, with its period.
  const team = (given: string[]) => [{family: 'Raissi', given: given[0]}, {family: 'Perdikaris', given: given[1]}, {family: 'Karniadakis', given: given[2]}]
  const pair = [article('r1', 'Alpha', team(['M', 'P', 'G']), 2019), article('r2', 'Beta', team(['Maziar', 'Paris', 'George Em']), 2017)]
  const both = renderStyle({style, items: new Map(pair.map((i) => [i.id, i])), citations: pair.map((i) => ({citation: {mode: 'normal' as const, items: [{key: i.id}]}, noteIndex: 0}))})
  assert.deepEqual(both.bibliography.map((entry) => entry.html.replace(/<[^>]+>/g, '').trim().split(' “')[0]), ['Raissi, M., et al.', 'Raissi, Maziar, et al.'])
})

test('title case leaves in lower case only the CSL specification\'s stop words (and Pandoc\'s few more)', async () => {
  const {titleCaseStopWords, withStopWords} = await import('../src/citations/render.js')
  assert.ok(titleCaseStopWords.includes('via') && !titleCaseStopWords.includes('between'))
  assert.match(withStopWords('<locale xml:lang="en-US"><style-options punctuation-in-quote="true"/></locale>'), /<style-options skip-words="a, an, and, [^"]*" punctuation-in-quote="true"\/>/)
  assert.equal(chicagoTitle('a tour through the data versus the model, with notes on it'), 'A Tour Through the Data Versus the Model, with Notes on It')
})

test('a range in an issue or volume is printed as written (CSL specification, Pandoc); pages still take the en dash', () => {
  const item: CslItem = {id: 'j', type: 'article-journal', title: 'The model', author: [{family: 'Jones', given: 'James'}], 'container-title': 'Journal', volume: '209-210', issue: '3-4', page: '235-265', issued: {'date-parts': [[2003]]}}
  assert.deepEqual(entries([item], 'modern-language-association'), ['Jones, James. “The Model.” Journal, vol. 209-210, no. 3-4, 2003, pp. 235–65.'])
  assert.deepEqual(entries([item], 'apa'), ['Jones, J. (2003). The model. Journal, 209-210(3-4), 235–265.'])
})

test('title case: a word in single quotes is capitalised as any other ("’Easystats’", as Pandoc)', () => {
  const item: CslItem = {id: 's', type: 'software', title: 'See: visualisation toolbox for ’easystats’ and ’ggplot2’', author: [{family: 'Lüdecke', given: 'Daniel'}], issued: {'date-parts': [[2019]]}}
  assert.match(entries([item], 'chicago-fullnote-bibliography')[0]!, /Toolbox for ’Easystats’ and ’Ggplot2’/)
})

test('no comma or period moved inside a quote after a title that ends with ? ! or . (CMOS 6.119, Pandoc)', async () => {
  const {dropDoubledPunctuation} = await import('../src/citations/render.js')
  assert.equal(dropDoubledPunctuation('“Buy, Sell, or Troll?,” <i>ACM</i>'), '“Buy, Sell, or Troll?” <i>ACM</i>')
  assert.equal(dropDoubledPunctuation('“Modeling via Stan.,” 2018'), '“Modeling via Stan.” 2018')
  assert.equal(dropDoubledPunctuation('“A Title,” 2018'), '“A Title,” 2018')
  const item: CslItem = {id: 't', type: 'article-journal', title: 'The patent holder’s dilemma: buy, sell, or troll?', author: [{family: 'Abril', given: 'Patricia S.'}], 'container-title': 'Communications of the ACM', volume: '50', issued: {'date-parts': [[2007]]}}
  assert.match(entries([item], 'chicago-fullnote-bibliography')[0]!, /Troll\?” Communications/)
})
