/**
 * What the page tells search engines, link previews and other machines about itself: its
 * description, Open Graph and Twitter card tags, canonical address, ISO 8601 dates, and heading
 * levels under its title.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {fromHtml} from 'hast-util-from-html'
import {select, selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import type {Root} from 'hast'
import {VFile} from 'vfile'
import {buildEdition} from '../src/pipeline.js'
import {isoDate} from '../src/util/iso-date.js'
import {firstSentences, markdownAsText} from '../src/util/description.js'
import {collectionPage} from '../src/outputs/collection.js'
import {buildDefaultEssay} from './helpers.js'

async function page(markdown: string): Promise<{tree: Root; file: VFile; html: string}> {
  const file = new VFile({path: '/virtual/essay.md', value: markdown})
  const {html} = await buildEdition(file, {styles: ['apa']})
  assert.ok(html, file.messages.map(String).join('\n'))
  return {tree: fromHtml(html), file, html}
}

const metaContent = (tree: Root, selector: string) => select(selector, tree)?.properties.content as string | undefined

test('ISO 8601 from the dates front matter is written in: ISO, text dates in English, nothing guessed', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2022-01-28', '2022-01-28'], ['2022-01', '2022-01'], ['2022', '2022'], ['2022/1/5', '2022-01-05'],
    ['2022-01-28T10:30:00Z', '2022-01-28'], ['28 January 2022', '2022-01-28'], ['09 June 2019', '2019-06-09'],
    ['11th October 2016', '2016-10-11'], ['19 Oct 2018', '2018-10-19'], ['January 28, 2022', '2022-01-28'],
    ['Sept. 3 2020', '2020-09-03'], ['May 2024', '2024-05'], ['1 march 2023', '2023-03-01'],
    ['3/5/2022', undefined], ['spring 2022', undefined], ['31 February 2022', undefined], ['2022-13-01', undefined],
    ['today', undefined], ['28 Janvier 2022', undefined]
  ]
  for (const [written, iso] of cases) assert.equal(isoDate(written), iso, written)
})

test('a text date is ISO 8601 wherever the page states it: time, citation_publication_date, JSON-LD, Cite this', async () => {
  const {tree, file} = await page('---\ntitle: A paper\nauthor: Jane Roe\ndate: 28 January 2022\n---\n\nText.\n')
  assert.deepEqual(file.messages.filter((m) => m.ruleId === 'front-matter-date'), [])
  const time = select('.masthead time', tree)
  assert.equal(time?.properties.dateTime, '2022-01-28')
  assert.equal(toString(time!), '28 January 2022')
  assert.equal(metaContent(tree, 'meta[name=citation_publication_date]'), '2022-01-28')
  assert.equal(metaContent(tree, 'meta[property="article:published_time"]'), '2022-01-28')
  const ld = JSON.parse(toString(select('script[type="application/ld+json"]', tree)!)) as {datePublished?: string}
  assert.equal(ld.datePublished, '2022-01-28')
  const bibtex = toString(select('.cite-this .bibtex-entry code', tree)!)
  assert.match(bibtex, /date = \{2022-01-28\}/)
  const apa = toString(select('.cite-this li[data-styles~=apa]', tree)!)
  assert.match(apa, /^Roe, J\. \(2022\)\. A paper\./)
})

test('an unreadable date is shown as written, left out of the metadata, and warned about at its line and column', async () => {
  const {tree, file} = await page('---\ntitle: A paper\ndate: the spring of 2022\n---\n\nText.\n')
  const warning = file.messages.find((m) => m.ruleId === 'front-matter-date')
  assert.ok(warning, 'a warning')
  assert.equal(warning.fatal, false)
  assert.deepEqual([warning.line, warning.column], [3, 1])
  assert.equal(select('time', tree), undefined)
  assert.equal(toString(select('.masthead .date', tree)!), 'the spring of 2022')
  assert.equal(select('meta[name=citation_publication_date]', tree), undefined)
  assert.doesNotMatch(toString(select('script[type="application/ld+json"]', tree)!), /datePublished/)

  const block = await page('% A paper\n% Jane Roe\n% when it was ready\n\nText.\n')
  const fromBlock = block.file.messages.find((m) => m.ruleId === 'front-matter-date')
  assert.deepEqual([fromBlock?.line, fromBlock?.column], [3, 3])
})

test('the description: front matter `description` as written, else the abstract, else the essay\'s first sentences, at most 160 characters', async () => {
  const given = await page('---\ntitle: T\ndescription: A short account of the matter.\nabstract: Not this one.\n---\n\nText.\n')
  assert.equal(metaContent(given.tree, 'meta[name=description]'), 'A short account of the matter.')
  const abstract = 'We present *Widget*, a [library](https://example.org) for widgets. ' + 'It is fast and it is small and it is well tested by many people. '.repeat(3)
  const fromAbstract = await page(`---\ntitle: T\nabstract: "${abstract}"\n---\n\nText.\n`)
  assert.equal(metaContent(fromAbstract.tree, 'meta[name=description]'), 'We present Widget, a library for widgets. It is fast and it is small and it is well tested by many people. It is fast and it is small and it is well tested by many people.'.split(' It is fast')[0] + ' It is fast and it is small and it is well tested by many people.')
  const fromText = await page('---\ntitle: T\n---\n\n## A heading\n\nThe first sentence cites a work,[^1] and has $x^2$ math. The second sentence is here. ' + 'A third sentence is much longer than the room that is left for it in a description of the page. '.repeat(2) + '\n\n[^1]: A note that is not text.\n')
  const description = metaContent(fromText.tree, 'meta[name=description]')!
  assert.equal(description, 'The first sentence cites a work, and has x2 math. The second sentence is here.')
  for (const name of ['meta[property="og:description"]', 'meta[name="twitter:description"]']) assert.equal(metaContent(fromText.tree, name), description)

  const defaultEssay = fromHtml(fs.readFileSync(buildDefaultEssay(), 'utf8'))
  const own = metaContent(defaultEssay, 'meta[name=description]')!
  assert.ok(own.length > 50 && own.length <= 160, own)
  assert.match(own, /^IN the realm of geopolitics, there are no perpetual enemies or friends\./)
})

test('first sentences: whole sentences within the limit; a longer first sentence cut at a word with an ellipsis', () => {
  assert.equal(firstSentences('One. Two.', 160), 'One. Two.')
  assert.equal(firstSentences('A first sentence. A second one that does not fit.', 30), 'A first sentence.')
  const cut = firstSentences('word '.repeat(60), 160)
  assert.ok(cut.length <= 160 && cut.endsWith('…') && !cut.includes('wor…'), cut)
  assert.equal(markdownAsText('**Bold** and `code` and [a link](x) [@key]'), 'Bold and code and a link')
})

test('link previews: Open Graph and Twitter card tags; a canonical link when the front matter has an http(s) url', async () => {
  const {tree, file} = await page('---\ntitle: On widgets\nauthor: [Jane Roe, John Doe]\ndate: 2022-01-28\nlang: en-GB\nurl: https://example.org/widgets/\n---\n\nText about widgets.\n')
  const og = Object.fromEntries(selectAll('meta[property]', tree).map((m) => [m.properties.property, m.properties.content]))
  assert.equal(og['og:type'], 'article')
  assert.equal(og['og:title'], 'On widgets')
  assert.equal(og['og:description'], 'Text about widgets.')
  assert.equal(og['og:url'], 'https://example.org/widgets/')
  assert.equal(og['article:published_time'], '2022-01-28')
  assert.deepEqual(selectAll('meta[property="article:author"]', tree).map((m) => m.properties.content), ['Jane Roe', 'John Doe'])
  assert.equal(metaContent(tree, 'meta[name="twitter:card"]'), 'summary')
  assert.equal(metaContent(tree, 'meta[name="twitter:title"]'), 'On widgets')
  assert.equal(select('link[rel=canonical]', tree)?.properties.href, 'https://example.org/widgets/')
  assert.deepEqual(file.messages.filter((m) => m.ruleId === 'front-matter-url'), [])

  const none = await page('---\ntitle: T\n---\n\nText.\n')
  assert.equal(select('link[rel=canonical]', none.tree), undefined)
  assert.equal(select('meta[property="og:url"]', none.tree), undefined)

  const bad = await page('---\ntitle: T\nurl: javascript:alert(1)\n---\n\nText.\n')
  assert.equal(select('link[rel=canonical]', bad.tree), undefined)
  const warning = bad.file.messages.find((m) => m.ruleId === 'front-matter-url')
  assert.deepEqual([warning?.line, warning?.column], [3, 1])
})

test('an essay with `#` headings under the page title: all its headings one level down, contents and permalinks following', async () => {
  const {tree} = await page('---\ntitle: A paper\n---\n\n# Summary\n\nText.\n\n## Detail\n\nMore.\n\n###### Deepest\n\n# Statement of need\n\nText.\n')
  assert.deepEqual(selectAll('h1', tree).map((h) => (h.properties.className as string[] | undefined)?.[0]), ['title'])
  const article = select('article', tree)!
  assert.deepEqual(selectAll(':scope > :is(h2, h3, h4, h5, h6)', article).map((h) => `${h.tagName} ${toString(h).replace(/#$/, '')}`), ['h2 Summary', 'h3 Detail', 'h2 Statement of need'])
  const deepest = selectAll('article p', tree).find((p) => toString(p).startsWith('Deepest'))
  assert.ok(deepest, 'a level-6 heading becomes a paragraph, as in Pandoc')
  assert.equal(select('h2#summary > a.permalink', tree)?.properties.href, '#summary')
  const toc = select('nav.toc > details > ol', tree)!
  assert.deepEqual(selectAll(':scope > li > a', toc).map((a) => a.properties.href), ['#summary', '#statement-of-need'])
  assert.equal(select(':scope > li > ol > li > a', toc)?.properties.href, '#detail')

  const asWritten = await page('---\ntitle: An essay\n---\n\n## Part one\n\nText.\n\n### Detail\n\nMore.\n')
  assert.deepEqual(selectAll('article > h2, article > h3', asWritten.tree).map((h) => h.tagName), ['h2', 'h3'])
})

test('the collection page states each date as ISO 8601 in `time`, an unreadable one as text', () => {
  const html = collectionPage([{href: 'a/index.html', title: 'A', date: '28 January 2022'}, {href: 'b/index.html', title: 'B', date: 'someday'}], {css: ''})
  const tree = fromHtml(html)
  assert.deepEqual(selectAll('time', tree).map((t) => [t.properties.dateTime, toString(t)]), [['2022-01-28', '28 January 2022']])
  assert.match(toString(select('li:nth-child(2) .byline', tree)!), /someday/)
})
