/** Notes: the rehype plugin alone, and notes generated for citations under note styles. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {unified} from 'unified'
import remarkParse from 'remark-parse'
import remarkGfm from 'remark-gfm'
import remarkRehype from 'remark-rehype'
import rehypeStringify from 'rehype-stringify'
import {VFile} from 'vfile'
import {fromHtml} from 'hast-util-from-html'
import {select, selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import rehypeNotes from '../src/plugins/rehype-notes.js'
import {footnoteDefinition, footnoteReference} from '../src/handlers/footnotes.js'
import {buildEdition} from '../src/pipeline.js'

test('rehypeNotes in any unified pipeline: references, endnotes, backlinks, a note cited twice', async () => {
  const html = String(await unified()
    .use(remarkParse).use(remarkGfm)
    .use(remarkRehype, {handlers: {footnoteReference, footnoteDefinition}})
    .use(rehypeNotes)
    .use(rehypeStringify)
    .process('One[^a] two[^b] again[^a].\n\n[^b]: Bee.\n[^a]: Ay [link](https://example.org).\n'))
  const tree = fromHtml(html, {fragment: true})
  const refs = selectAll('a[role=doc-noteref]', tree)
  assert.deepEqual(refs.map((a) => [toString(a), a.properties.href, a.properties.id]), [
    ['1', '#fn-a', 'fnref-a'], ['2', '#fn-b', 'fnref-b'], ['1', '#fn-a', 'fnref-a-2']
  ])
  const items = selectAll('section[role=doc-endnotes] li', tree)
  assert.deepEqual(items.map((li) => li.properties.id), ['fn-a', 'fn-b'])
  assert.deepEqual(selectAll('a[role=doc-backlink]', items[0]!).map((a) => a.properties.href), ['#fnref-a', '#fnref-a-2'])
  assert.ok(select('a[href="https://example.org"]', items[0]!))
})

const bib = [
  {id: 'doe2020', type: 'book', title: 'A Book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}, publisher: 'P'},
  {id: 'roe2019', type: 'book', title: 'Another Book', author: [{family: 'Roe', given: 'Rick'}], issued: {'date-parts': [[2019]]}, publisher: 'Q'}
]
const markdown = `---
title: Mixed
references: ${JSON.stringify(bib)}
---

First claim [@doe2020, p. 4].[^own] Second claim [@doe2020, p. 4]. @roe2019 [p. 9] argues.

[^own]: The author's own note, citing [@roe2019].
`

async function build(defaultStyle: string) {
  const file = new VFile({path: '/virtual/mixed.md', value: markdown})
  const {html} = await buildEdition(file, {styles: ['chicago-fullnote-bibliography', 'apa'], defaultStyle})
  assert.ok(html, file.messages.join('\n'))
  return fromHtml(html)
}

test('under a note style, body citations become notes numbered with the author\'s own', async () => {
  const tree = await build('chicago-fullnote-bibliography')
  assert.deepEqual(selectAll('a[role=doc-noteref]', tree).map((a) => toString(a)), ['1', '2', '3', '4'])
  const notes = selectAll('section[role=doc-endnotes] li', tree)
  assert.equal(notes.length, 4)
  const shown = (li: (typeof notes)[number]) => toString(selectAll('.cite-variant', li).find((v) => String(v.properties.dataStyles).includes('chicago'))!)
  assert.match(shown(notes[0]!), /^Jane Doe, A Book \(P, 2020\), 4\.$/)
  // A citation inside the author's note is set in parentheses, without its period (Pandoc).
  assert.equal(shown(notes[1]!), ' (Rick Roe, Another Book (Q, 2019))')
  assert.match(toString(notes[1]!), /author’s own note, citing  \(Rick Roe/)
  assert.equal(shown(notes[2]!), 'Doe, A Book, 4.')
  // Narrative: the author stays in the text, the rest of the citation is the note (Pandoc).
  assert.equal(shown(notes[3]!), 'Another Book, 9.')
  const narrative = selectAll('p span.citation', tree)[2]!
  assert.equal(toString(selectAll('.cite-variant', narrative).find((v) => String(v.properties.dataStyles) === 'chicago-fullnote-bibliography')!).replace(/\d+$/, ''), 'Roe')
  // The generated notes carry both numberings; the author's note is 1 in APA's.
  assert.equal(notes[1]!.properties.dataNText, '1')
  assert.equal(notes[1]!.properties.dataNNote, '2')
})

test('under an in-text style, the same citations stay in the text and only the author\'s note is a note', async () => {
  const tree = await build('apa')
  const notes = selectAll('section[role=doc-endnotes] li', tree).filter((li) => li.properties.hidden !== true)
  assert.equal(notes.length, 1)
  const own = select('a[role=doc-noteref][href="#fn-own"]', tree)!
  assert.equal(toString(own), '1', 'the author\'s note is note 1 under APA')
  const apa = selectAll('.citation > .cite-variant', tree).filter((v) => String(v.properties.dataStyles).split(' ').includes('apa')).map((v) => toString(v))
  assert.deepEqual(apa, ['(Doe, 2020, p. 4)', '(Doe, 2020, p. 4)', 'Roe (2019, p. 9)', '(Roe, 2019)'])
  const back = selectAll('section[data-style=apa] li[data-key=doe2020] a[role=doc-backlink]', tree).map((a) => toString(a))
  assert.deepEqual(back, ['¶ 1', '¶ 1'])
})

test('math is typeset as MathML whichever way it is written (KaTeX is loaded only then)', async () => {
  const build = async (markdown: string) => (await buildEdition(new VFile({path: 'math.md', value: markdown}), {styles: ['apa']})).html ?? ''
  const fenced = await build('# Maths\n\n```math\na^2 + b^2 = c^2\n```\n')
  assert.match(fenced, /<math[^>]*display="block"/)
  const inline = await build('Euler: $e^{i\\pi} + 1 = 0$.\n')
  assert.match(inline, /<math[^>]*><semantics><mrow><msup><mi>e<\/mi>/)
  const none = await build('No maths here, only US$ 5.\n')
  assert.doesNotMatch(none, /<math/)
})

test('"Cite this" keeps its entries when the essay\'s own key is taken by a work it cites', async () => {
  const markdown = `---\ntitle: Mine\nauthor: Jane Doe\ndate: 2020-05-01\nreferences: ${JSON.stringify(bib)}\n---\n\nAs I wrote before [@doe2020].\n`
  const file = new VFile({path: '/virtual/mine.md', value: markdown})
  const {html} = await buildEdition(file, {styles: ['apa', 'chicago-fullnote-bibliography']})
  assert.ok(html, file.messages.join('\n'))
  const tree = fromHtml(html)
  const entries = selectAll('#cite-this li[data-styles]', tree)
  assert.deepEqual(entries.map((li) => String(li.properties.dataStyles)).sort(), ['apa', 'chicago-fullnote-bibliography'])
  for (const li of entries) assert.match(toString(li), /Mine/)
  assert.match(toString(select('#cite-this .bibtex-entry code', tree)!), /^@article\{doe2020a,/)
  // The cited work keeps its own key and entry.
  assert.ok(select('#ref-doe2020', tree))
})
