/**
 * Citations laid out as Pandoc 2.17 (`pandoc --citeproc`) lays them out: narrative citations under
 * note styles, citations inside the author's own notes, notes made from citations, keys that no
 * work has. Each expected text was printed by Pandoc 2.17.1.1 from the same input (the paragraphs
 * are compared without the note references; `pandoc-behaviour.md` in the shared notes).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fromHtml} from 'hast-util-from-html'
import {selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import type {Element, ElementContent, Root} from 'hast'
import {VFile} from 'vfile'
import {buildEdition} from '../src/pipeline.js'

const references = `references:
- {id: fenichel1979, type: book, title: Geometric Singular Perturbation Theory, author: [{family: Fenichel, given: Neil}], issued: {date-parts: [[1979]]}, publisher: Springer, publisher-place: New York}
- {id: smith2000, type: article-journal, title: A Study of Things, author: [{family: Smith, given: John}, {family: Jones, given: Mary}], container-title: Journal of Things, volume: '3', page: 1-20, issued: {date-parts: [[2000]]}}
- {id: ivanov2003, type: chapter, title: A Chapter, author: [{family: Ivanov, given: Olga}], container-title: A Book of Chapters, editor: [{family: Sánchez, given: Olga}], publisher: Brill, publisher-place: Leiden, page: 245-267, issued: {date-parts: [[2003]]}}
- {id: brown2010, type: book, title: Many Authors Book, author: [{family: Brown, given: Alice}, {family: Clark, given: Bob}, {family: Davis, given: Carol}, {family: Evans, given: Dan}], issued: {date-parts: [[2010]]}, publisher: Press}
`

async function build(body: string, styles: string[]): Promise<{tree: Root; file: VFile}> {
  const file = new VFile({path: '/virtual/essay.md', value: `---\n${references}---\n\n${body}`})
  const {html} = await buildEdition(file, {styles})
  assert.ok(html, file.messages.join('\n'))
  return {tree: fromHtml(html), file}
}

/** What a reader of `style` sees: the body's paragraphs and the notes, as text (note references as `[n]` if asked). */
function view(tree: Root, style: string, options: {noteReferences?: boolean} = {}): {text: string[]; notes: string[]} {
  const shown = structuredClone(tree)
  const prune = (node: Root | Element) => {
    node.children = node.children.flatMap((child): ElementContent[] => {
      if (child.type !== 'element') return [child as ElementContent]
      const styles = child.properties.dataStyles
      if (styles !== undefined && !String(styles).split(' ').includes(style)) return []
      if (child.properties.role === 'doc-noteref' && options.noteReferences) return [{type: 'text' as const, value: `[${toString(child)}]`}]
      if (child.properties.role === 'doc-noteref' || child.properties.role === 'doc-backlink') return []
      if (String(child.properties.className ?? '').split(/[ ,]/).includes('permalink')) return []
      prune(child)
      return [child]
    })
  }
  prune(shown)
  const clean = (node: Element) => toString(node).replace(/\s+/g, ' ').replace('↩', '').trim()
  return {
    text: selectAll('article p', shown).filter((p) => !selectAll('section[role=doc-endnotes] p', shown).includes(p)).map(clean).filter((p) => !p.startsWith('Download the references')),
    notes: selectAll('section[role=doc-endnotes] li', shown).map(clean)
  }
}

const noteStyles = ['chicago-fullnote-bibliography', 'modern-humanities-research-association', 'turabian-fullnote-bibliography']

test('under note styles a narrative citation prints its author in the text and the rest in its note', async () => {
  const {tree} = await build('@fenichel1979 shows something.\n\nAgain @fenichel1979 shows.\n\nThen @fenichel1979 [p. 4] says.\n\nNow @smith2000 [p. 4] says.\n', noteStyles)
  const text = ['Neil Fenichel shows something.', 'Again Fenichel shows.', 'Then Fenichel says.', 'Now John Smith and Mary Jones says.']
  const chicago = view(tree, 'chicago-fullnote-bibliography')
  assert.deepEqual(chicago.text, text)
  // Chicago's "ibid." form is the author alone: without the author the note is empty (Pandoc).
  assert.deepEqual(chicago.notes, ['Geometric Singular Perturbation Theory (New York: Springer, 1979).', '', '4.', '“A Study of Things,” Journal of Things 3 (2000): 4.'])
  const mhra = view(tree, 'modern-humanities-research-association')
  assert.deepEqual(mhra.text, text)
  // The note starts at its first word, with a capital: ", p. 4." is "P. 4.".
  assert.deepEqual(mhra.notes, ['Geometric Singular Perturbation Theory (New York: Springer, 1979).', '', 'P. 4.', '‘A Study of Things’, Journal of Things, 3 (2000), 1–20 (p. 4).'])
  assert.deepEqual(view(tree, 'turabian-fullnote-bibliography').notes, ['Geometric Singular Perturbation Theory (New York: Springer, 1979).', 'Ibid.', 'Ibid., 4.', '“A Study of Things,” Journal of Things 3 (2000): 4.'])
})

test('citations inside the author\'s notes: in parentheses, or after the author with a comma, without the final period', async () => {
  const {tree} = await build(
    'Text.[^1] More.[^2] And.[^3]\n\n[^1]: [@smith2000, p. 3] opens the note.\n\n' +
      '[^2]: It says so [@smith2000, p. 4]. And @brown2010 shows it. Then @fenichel1979.\n\n' +
      '[^3]: As @smith2000 [p. 12] writes: yes. Also @fenichel1979 [p. 10] Writes.\n',
    noteStyles
  )
  assert.deepEqual(view(tree, 'chicago-fullnote-bibliography').notes, [
    'John Smith and Mary Jones, “A Study of Things,” Journal of Things 3 (2000): 3. opens the note.',
    'It says so (Smith and Jones, 4). And Alice Brown et al., Many Authors Book (Press, 2010) shows it. Then Neil Fenichel, Geometric Singular Perturbation Theory (New York: Springer, 1979).',
    'As Smith and Jones, “A Study of Things,” 12 writes: yes. Also Fenichel, Geometric Singular Perturbation Theory, 10. Writes.'
  ])
  assert.deepEqual(view(tree, 'modern-humanities-research-association').notes[2], 'As Smith and Jones, p. 12 writes: yes. Also Fenichel, p. 10. Writes.')
  // A citation that ends with a period takes no second one from the text.
  const {tree: closing} = await build('Text.[^1] More.[^2]\n\n[^1]: [@brown2010, chap. 2].\n\n[^2]: [@brown2010].\n', ['chicago-fullnote-bibliography', 'apa'])
  assert.deepEqual(view(closing, 'chicago-fullnote-bibliography').notes, ['Alice Brown et al., Many Authors Book (Press, 2010), chap. 2.', 'Brown et al., Many Authors Book.'])
  assert.deepEqual(view(closing, 'apa').notes, ['(Brown et al., 2010, Chapter 2).', '(Brown et al., 2010).'])
  // Inside a sentence "ibid." keeps the locale's lower case.
  assert.match(view(tree, 'turabian-fullnote-bibliography').notes[1]!, /^It says so \(ibid\., 4\)\. And/)
})

test('a note made from a citation starts with a capital', async () => {
  const {tree} = await build('One [see also @smith2000]. Two [e.g., @brown2010, 4]. Three [cf. @fenichel1979].\n', ['chicago-fullnote-bibliography'])
  assert.deepEqual(view(tree, 'chicago-fullnote-bibliography').notes, [
    'See also John Smith and Mary Jones, “A Study of Things,” Journal of Things 3 (2000): 1–20.',
    'E.g., Alice Brown et al., Many Authors Book (Press, 2010), 4.',
    'Cf. Neil Fenichel, Geometric Singular Perturbation Theory (New York: Springer, 1979).'
  ])
})

test('under note styles a note goes after the punctuation that follows its citation, with no space before it', async () => {
  const {tree} = await build('Now a bracket [@smith2000]. See [@brown2010] for this; as shown by @fenichel1979. Also "a quote" [@smith2000, p. 2], here. As @brown2010 [p. 2] shows, and @brown2010.\n', [
    'chicago-fullnote-bibliography',
    'apa'
  ])
  assert.deepEqual(view(tree, 'chicago-fullnote-bibliography', {noteReferences: true}).text, [
    // After a narrative citation the period stays after the note, unless the author ends with one.
    // A comma moved before the note goes inside the closing quote in en-US (Pandoc's movePunctuationInsideQuotes).
    'Now a bracket.[1] See[2] for this; as shown by Neil Fenichel[3]. Also “a quote,”[4] here. As Brown et al.[5] shows, and Brown et al.[6]'
  ])
  // en-GB (MHRA) keeps the comma outside the quote, as Pandoc does.
  const {tree: quoted} = await build('Also "a quote" [@smith2000, p. 2], here.\n', ['modern-humanities-research-association'])
  assert.deepEqual(view(quoted, 'modern-humanities-research-association', {noteReferences: true}).text, ['Also “a quote”,[1] here.'])
  // Punctuation followed by the author's own note stays between the two note references.
  const {tree: both} = await build('A claim [@smith2000].[^own] Another [@brown2010]; more.\n\n[^own]: Mine.\n', ['chicago-fullnote-bibliography'])
  assert.deepEqual(view(both, 'chicago-fullnote-bibliography', {noteReferences: true}).text, ['A claim[1].[2] Another;[3] more.'])
  // In-text styles print the citation where it was written.
  assert.deepEqual(view(tree, 'apa').text, [
    'Now a bracket (Smith & Jones, 2000). See (Brown et al., 2010) for this; as shown by Fenichel (1979). Also “a quote” (Smith & Jones, 2000, p. 2), here. As Brown et al. (2010, p. 2) shows, and Brown et al. (2010).'
  ])
})

const unknownKeys =
  'See @fig:map for the map, and @fig:map [p. 3] again.\n\nBracketed [@fig:map] and [see @nokey p. 5, for this].\n\n' +
  'Mixed [@smith2000; @fig:map; @brown2010, p. 3].[^1]\n\n[^1]: A note: @fig:map and [@fig:map] and [@smith2000; @nokey].\n'

test('a key no work has prints as Pandoc prints it, in every kind of style', async () => {
  const {tree} = await build(unknownKeys, ['apa', 'ieee', 'vancouver', 'chicago-fullnote-bibliography'])
  const apa = view(tree, 'apa')
  assert.deepEqual(apa.text, ['See (fig:map?) for the map, and (fig:map?) again.', 'Bracketed (fig:map?) and (see nokey?, for this).', 'Mixed (Brown et al., 2010, p. 3; Smith & Jones, 2000; fig:map?).'])
  assert.deepEqual(apa.notes.filter(Boolean), ['A note: (fig:map?) and (fig:map?) and (Smith & Jones, 2000; nokey?).'])
  assert.deepEqual(view(tree, 'ieee').text, ['See fig:map? for the map, and fig:map? again.', 'Bracketed fig:map? and see nokey?, for this.', 'Mixed [1], [2, p. 3], fig:map?.'])
  assert.deepEqual(view(tree, 'vancouver').text[2], 'Mixed (1,2,fig:map?).')
  const chicago = view(tree, 'chicago-fullnote-bibliography')
  assert.deepEqual(chicago.notes, [
    'Fig:map?', 'Fig:map?', 'Fig:map?', 'See nokey?, for this.',
    'John Smith and Mary Jones, “A Study of Things,” Journal of Things 3 (2000): 1–20; fig:map?; Alice Brown et al., Many Authors Book (Press, 2010), 3.',
    'A note: fig:map? and (fig:map?) and (Smith and Jones, “A Study of Things”; nokey?).'
  ])
  // The known works still link to their entries; the unknown keys link nowhere.
  const links = selectAll('p a[role=doc-biblioref]', tree).map((a) => String(a.properties.href))
  assert.ok(links.includes('#ref-smith2000') && links.includes('#ref-brown2010'))
  assert.ok(!links.some((href) => href.includes('fig:map') || href.includes('nokey')))
})

test('a key no work has is told once, at its first citation, with how often it is cited', async () => {
  const {file} = await build(unknownKeys, ['apa'])
  const warnings = file.messages.filter((m) => m.ruleId === 'unknown-key')
  assert.deepEqual(warnings.map((m) => [m.reason.split(':')[0], m.line, m.column]), [
    ['Unknown citation key `fig', 9, 5],
    ['Unknown citation key `nokey` (cited 2 times)', 11, 26]
  ])
  assert.match(warnings[0]!.reason, /`fig:map` \(cited 6 times\).*pandoc-crossref/)
})

test('the prefix and suffix of a key no work has are text', async () => {
  // Unescaped, "<c d" would open a tag and take the key with it.
  const {tree} = await build('Odd [see a <c d & e @nokey, or x > y].\n', ['apa'])
  assert.deepEqual(view(tree, 'apa').text, ['Odd (see a <c d & e nokey?, or x > y).'])
})

test('the author of a narrative citation is the names alone (citeproc-js leaves the labels of what it suppresses)', async () => {
  const {tree} = await build('As @ivanov2003 [p. 252] shows, it is so.\n', ['modern-humanities-research-association', 'apa'])
  const mhra = view(tree, 'modern-humanities-research-association')
  assert.deepEqual(mhra.text, ['As Olga Ivanov shows, it is so.'])
  assert.deepEqual(mhra.notes, ['‘A Chapter’, in A Book of Chapters, ed. by Olga Sánchez (Leiden: Brill, 2003), pp. 245–67 (p. 252).'])
  assert.deepEqual(view(tree, 'apa').text, ['As Ivanov (2003, p. 252) shows, it is so.'])
})

test('a narrative citation of several works (`@a [see also @b]`): the first one\'s author, then the rest of the citation', async () => {
  const {renderStyle} = await import('../src/citations/render.js')
  const {loadStyle} = await import('../src/citations/styles.js')
  const YAML = (await import('yaml')).default
  const items = new Map((YAML.parse(references).references as Array<{id: string}>).map((item) => [item.id, item]))
  const citation = {mode: 'narrative' as const, items: [{key: 'brown2010'}, {key: 'smith2000', prefix: 'see also'}]}
  const text = (html: string) => html.replace(/<[^>]*>/g, '')
  const apa = renderStyle({style: loadStyle('apa'), items, citations: [{citation, noteIndex: 0}]}).citations[0]!
  assert.equal(text(apa.html), 'Brown et al. (2010; see also Smith &#38; Jones, 2000)')
  const chicago = renderStyle({style: loadStyle('chicago-fullnote-bibliography'), items, citations: [{citation, noteIndex: 1}]}).citations[0]!
  assert.equal(text(chicago.narrative!.author), 'Alice Brown et al.')
  assert.equal(text(chicago.html), 'Many Authors Book (Press, 2010); see also John Smith and Mary Jones, “A Study of Things,” Journal of Things 3 (2000): 1–20.')
})

test('works cited inside another citation\'s affix (`[@a,@b]`) are listed, as Pandoc lists them', async () => {
  const {tree, file} = await build('Methods [@smith2000,@brown2010].\n', ['apa'])
  const listed = selectAll('section[data-style=apa] li[data-key]', tree).map((li) => String(li.properties.dataKey))
  assert.deepEqual(listed.sort(), ['brown2010', 'smith2000'])
  assert.ok(file.messages.some((message) => message.ruleId === 'nested-citation'))
})

test('a locator range written with an en dash or `--` is a range: page-range-format applies, as in Pandoc', async () => {
  // Pandoc 2.17: "Neil Fenichel, Geometric ... 1979), 218–19." / "Fenichel, 117–59." / "Fenichel, 117–59." / "Fenichel, chaps. 3–4."
  const {tree} = await build('A [@fenichel1979, 218--219].\n\nB [@fenichel1979, 117–159].\n\nC [@fenichel1979, 117-159].\n\nD [@fenichel1979, chap. 3--4].\n', ['chicago-fullnote-bibliography'])
  const {notes} = view(tree, 'chicago-fullnote-bibliography')
  assert.deepEqual(notes.map((note) => note.replace(/^.*\), /, '').replace(/^Fenichel, /, '')), ['218–19.', '117–59.', '117–59.', 'chaps. 3–4.'])
})
