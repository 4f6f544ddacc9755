/**
 * Pandoc's Markdown as the parser reads it (src/syntax/, src/plugins/remark-pandoc.ts, the cite
 * stage): tables of small inputs, each beside what Pandoc 2.17 makes of it (`pandoc -t native`,
 * written down here, not run).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {Nodes, Root} from 'mdast'
import {VFile} from 'vfile'
import {unified} from 'unified'
import {closingFence, parser} from '../src/pipeline.js'
import remarkCitations from '../src/plugins/remark-citations.js'
import {parseLocator, tokenizeText} from '../src/citations/locator.js'
import {locatorTermsFromLocales} from '../src/citations/locators.js'
import {readLocale} from '../src/citations/styles.js'
import type {Citation} from '../src/citations/types.js'

const terms = locatorTermsFromLocales(readLocale('en-US'))

function parse(markdown: string): {tree: Root; file: VFile} {
  const file = new VFile({value: markdown, path: 'essay.md'})
  const tree = parser({frontMatter: false}).parse(file)
  unified().use(remarkCitations).runSync(tree, file)
  return {tree, file}
}

function all(tree: Nodes, type: string): Nodes[] {
  const found: Nodes[] = []
  const walk = (node: Nodes) => {
    if (node.type === type) found.push(node)
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  walk(tree)
  return found
}

const cites = (markdown: string): Citation[] => all(parse(markdown).tree, 'cite').map((node) => (node as unknown as {citation: Citation}).citation)
/** The text of the first paragraph, citations as `{...}`, math as `$...$` or `$$...$$`. */
function text(markdown: string): string {
  const show = (node: Nodes): string => {
    if (node.type === 'cite') return `{${(node as unknown as {citation: Citation}).citation.items.map((item) => item.key).join(';')}}`
    if (node.type === 'inlineMath') return node.data?.display ? `$$${node.value}$$` : `$${node.value}$`
    if (node.type === 'rawTex') return ''
    if ('value' in node) return String(node.value)
    return 'children' in node ? (node.children as Nodes[]).map(show).join('') : ''
  }
  return show(parse(markdown).tree.children[0]!)
}

test('dollar math: Pandoc\'s rule, decided while reading', () => {
  const cases: Array<[string, string]> = [
    ['a $x$ b', 'a $x$ b'],
    // A price is no math: `$` followed by a space, or a closing `$` followed by a digit.
    ['US$ 92 million to US$ 800 million', 'US$ 92 million to US$ 800 million'],
    ['from $5 to $10', 'from $5 to $10'],
    ['($15,000,000) and ($250,000)[^1] ok.\n\n[^1]: A note.', '($15,000,000) and ($250,000) ok.'],
    ['$ x$ and $x $', '$ x$ and $x $'],
    // `$$` is display math anywhere, a line of the paragraph included; the text after it stays.
    ['Text before\n$$x = y$$\ntext after $a$.', 'Text before\n$$x = y$$\ntext after $a$.'],
    ['$$\na\n- b\n+ c\n$$\nafter', '$$a\n- b\n+ c$$\nafter'],
    ['escaped \\$5 and $a\\$b$', 'escaped $5 and $a\\$b$'],
    ['$\\text{a $ b}$ end', '$\\text{a $ b}$ end'],
    ['$a\nb$', '$a b$']
  ]
  for (const [input, expected] of cases) assert.equal(text(input), expected, input)
  // The note reference after the price is a note reference, not swallowed by math.
  assert.equal(all(parse('($15,000,000) and ($250,000)[^1] ok.\n\n[^1]: A note.').tree, 'footnoteReference').length, 1)
})

test('citations: Pandoc\'s grammar, prefixes and suffixes as inline Markdown', () => {
  assert.deepEqual(cites('[Kircher is probably responding to @galilei, 90, in discussing *Orationes* 1; a later\ntreatment of this subject is @dryden.]'), [{
    mode: 'normal',
    items: [
      {key: 'galilei', prefix: 'Kircher is probably responding to', locator: '90', label: 'page', suffix: ', in discussing <i>Orationes</i> 1'},
      {key: 'dryden', prefix: 'a later treatment of this subject is', suffix: '.'}
    ]
  }])
  assert.deepEqual(cites('[see **the** @a, pp. 3-5; -@b]')[0]!.items, [
    {key: 'a', prefix: 'see <b>the</b>', label: 'page', locator: '3-5'},
    {key: 'b', suppressAuthor: true}
  ])
  // Narrative, with a bracket after it: a locator, more items, or a citation joining it.
  assert.deepEqual(cites('@smith04 [p. 33] says'), [{mode: 'narrative', items: [{key: 'smith04', label: 'page', locator: '33'}]}])
  assert.deepEqual(cites('@a [p. 4; @b]')[0]!.items, [{key: 'a', label: 'page', locator: '4'}, {key: 'b'}])
  assert.deepEqual(cites('@a [see @b]')[0]!.items, [{key: 'a'}, {key: 'b', prefix: 'see'}])
  // Keys: braced, with inner punctuation, not after a word, not escaped.
  assert.deepEqual(cites('[@{https://doi.org/10.1/x}, 7]')[0]!.items, [{key: 'https://doi.org/10.1/x', label: 'page', locator: '7'}])
  assert.deepEqual(cites('as @doe:2020. and (@a-b_c)').map((c) => c.items[0]!.key), ['doe:2020', 'a-b_c'])
  assert.deepEqual(cites('write to jane@example.com [or not] [a @ b] \\@name'), [])
  // A bracket followed by `(` is a link, whose text may hold a citation.
  assert.deepEqual(cites('[Read @a here](http://x.org)').map((c) => c.mode), ['narrative'])
  // `;` never stands in a prefix; `^[...]` is an inline note.
  assert.deepEqual(cites('[see; also @a]').map((c) => c.mode), ['narrative'])
  assert.deepEqual(cites('text^[see @a]').map((c) => c.mode), ['narrative'])
})

test('citations: a citation inside another\'s suffix stays as written, with a warning', () => {
  const {tree, file} = parse('[@a,@b]')
  const [cite] = all(tree, 'cite') as unknown as Array<{citation: Citation}>
  assert.deepEqual(cite!.citation.items, [{key: 'a', suffix: ',@b'}])
  assert.ok(file.messages.some((m) => m.ruleId === 'nested-citation' && m.line === 1 && m.column === 5))
})

test('citations are located on the citation, over several lines too', () => {
  const [cite] = all(parse('Text\nmore [see\n  @a, p. 33] end').tree, 'cite')
  assert.deepEqual([cite!.position!.start.line, cite!.position!.start.column, cite!.position!.end.line, cite!.position!.end.column], [2, 6, 3, 13])
})

test('locators as Pandoc reads them from a suffix', () => {
  const locate = (suffix: string) => {
    const parsed = parseLocator(tokenizeText(suffix), terms)
    return {label: parsed.label, locator: parsed.locator, rest: parsed.rest.map((t) => t.text).join('')}
  }
  const cases: Array<[string, string | undefined, string | undefined, string]> = [
    [', p. 33', 'page', '33', ''],
    [' p. 33', 'page', '33', ''],
    [', 33', 'page', '33', ''],
    [', sec. 4.2', 'section', '4.2', ''],
    [', § 12', 'section', '12', ''],
    [', {iv, A-2}', 'page', 'iv, A-2', ''],
    [', pp. 33, 35-37, and elsewhere', 'page', '33, 35-37', ', and elsewhere'],
    [', chap. 3', 'chapter', '3', ''],
    [', Chap. 3', 'chapter', '3', ''],
    [', p. xiv', 'page', 'xiv', ''],
    [', 34(1)', 'page', '34(1)', ''],
    [', 12:3', 'page', '12:3', ''],
    // No locator: a roman numeral needs a label; "p" without its full stop is no label.
    [', xiv', undefined, undefined, ', xiv'],
    [', p 33', undefined, undefined, ', p 33'],
    [', and passim', undefined, undefined, ', and passim'],
    // A suffix starting with a word gets Pandoc's comma.
    ['and passim', undefined, undefined, ', and passim']
  ]
  for (const [suffix, label, locator, rest] of cases) assert.deepEqual(locate(suffix), {label, locator, rest}, suffix)
})

test('blocks: a paragraph goes on over lines CommonMark would start a block with', () => {
  const types = (markdown: string) => parser({frontMatter: false}).parse(markdown).children.map((node) => node.type)
  assert.deepEqual(types('in 1990\n- the year\n# not a heading\n> not a quote\n1. nor a list\n***'), ['paragraph'])
  assert.deepEqual(types('line one\nline two\n---'), ['paragraph'])
  assert.deepEqual(types('Heading\n======='), ['heading'])
  assert.deepEqual(types('para\n```\ncode\n```'), ['paragraph', 'code'])
  // Lists: siblings and nested lists need no blank line; a rule is not a list item.
  const tree = parser({frontMatter: false}).parse('- a\n  - b\n- c\n\n* * *')
  assert.deepEqual(tree.children.map((node) => node.type), ['list', 'thematicBreak'])
  assert.equal((tree.children[0] as {children: unknown[]}).children.length, 2)
})

test('raw TeX prints nothing; math environments are display math', () => {
  assert.equal(text('a \\newpage b \\vspace{2em} c \\label{fig:x}\\autoref{fig:a} d'), 'a b  c  d')
  assert.equal(text('e \\begin{equation}x=1\\end{equation} f'), 'e $$\\begin{equation}x=1\\end{equation}$$ f')
  // Not TeX: an escaped backslash, `\end` alone, an escaped percent sign.
  assert.equal(text('\\\\not \\end{x} \\%'), '\\not \\end{x} %')
  const tree = parser({frontMatter: false}).parse('\\newpage\n\n\\begin{figure}\nA\n\nB\n\\end{figure}\n\nText')
  assert.deepEqual(tree.children.map((node) => node.type), ['rawTex', 'rawTex', 'paragraph'])
})

test('an image alone in its paragraph is a figure whose caption keeps its Markdown', () => {
  const {tree} = parse('![A map *of* [@j] \\label{fig:x}](img.png){ width=50% }\n\nText ![inline](i.png){#id} and `code ` x')
  const [figure] = all(tree, 'figure')
  assert.ok(figure)
  assert.equal(all(figure, 'cite').length, 1)
  assert.equal(all(figure, 'emphasis').length, 1)
  assert.equal(text('Text ![inline](i.png){#id} and `code ` x'), 'Text  and code x')
})

test('front matter closes with `---` or `...`, whichever comes first', () => {
  for (const [source, value] of [['---\ntitle: A\n...\n\nText\n\n---\n\nMore', 'title: A'], ['---\ntitle: B\n---\n\nText\n...\n', 'title: B']] as const) {
    const tree = parser({frontMatter: true, frontMatterClose: closingFence(source)}).parse(source)
    assert.equal(tree.children[0]!.type, 'yaml')
    assert.equal((tree.children[0] as {value: string}).value, value)
  }
})

test('raw TeX blocks do not interrupt a paragraph: an environment there stays in it', () => {
  const tree = parser({frontMatter: false}).parse('A GAM has the form\n\\begin{align*}\ny &= x\n\\end{align*}\nwhere observations')
  assert.deepEqual(tree.children.map((node) => node.type), ['paragraph'])
  assert.equal(text('A GAM has the form\n\\begin{align*}\ny &= x\n\\end{align*}\nwhere'), 'A GAM has the form\n$$\\begin{align*}\ny &= x\n\\end{align*}$$\nwhere')
})

test('superscript and subscript; strikethrough needs two tildes', () => {
  const {tree} = parse('the 19^th^ century, H~2~O, ~~gone~~, ~not sub~, x^2 y^ and a^[note]')
  assert.deepEqual(['superscript', 'subscript', 'delete'].map((type) => all(tree, type).length), [1, 1, 1])
  assert.equal(text('the 19^th^ century, H~2~O, ~not sub~, x^2 y^'), 'the 19th century, H2O, ~not sub~, x^2 y^')
})

test('fenced divs hold their blocks; a closing fence ends a paragraph, an opening one does not', () => {
  const tree = parser({frontMatter: false}).parse('::: Abstract\nThis *paper*.\n:::\n\n::: {.note #x}\nA\n\n- b\n:::\n\npara\n::: {.x}\nstill para\n:::')
  assert.deepEqual(tree.children.map((node) => node.type), ['div', 'div', 'paragraph'])
  assert.deepEqual(tree.children.slice(0, 2).map((node) => (node.data as {hProperties: {className: string[]}}).hProperties.className), [['Abstract'], ['note']])
  assert.equal(text('para\n::: {.x}\nstill para\n:::'), 'para\n::: {.x}\nstill para')
})

test('a title block gives the title, the authors and the date', () => {
  const tree = parser({frontMatter: false}).parse('% The Title\n  continued\n% Ann Author; Bob Author\n  Carl Author\n% 2024-05-01\n\nText.')
  assert.deepEqual(tree.children.map((node) => node.type), ['titleBlock', 'paragraph'])
  const block = tree.children[0] as unknown as {title: string; authors: string[]; date: string}
  assert.deepEqual([block.title, block.authors, block.date], ['The Title continued', ['Ann Author', 'Bob Author', 'Carl Author'], '2024-05-01'])
  // Only at the very start: elsewhere `%` is text.
  assert.deepEqual(parser({frontMatter: false}).parse('Text.\n\n% not a title').children.map((node) => node.type), ['paragraph', 'paragraph'])
})

test('line blocks keep their lines; a pipe table wins', () => {
  const tree = parser({frontMatter: false}).parse('| $H_p$: one\n  continued\n| two\n\n| a | b |\n|---|---|\n| 1 | 2 |')
  assert.deepEqual(tree.children.map((node) => node.type), ['paragraph', 'table'])
  assert.equal(all(tree.children[0]!, 'break').length, 1)
  assert.equal(text('| $H_p$: one\n  continued\n| two'), '$H_p$: one continuedtwo')
})

test('a bare URL made a link reads its backslash escapes as Pandoc reads text', () => {
  const [link] = all(parse('see http://example.org/x.aspx\\#http11\\_max_con now').tree, 'link') as Array<{url: string; children: Array<{value: string}>}>
  assert.deepEqual([link!.url, link!.children[0]!.value], ['http://example.org/x.aspx#http11_max_con', 'http://example.org/x.aspx#http11_max_con'])
})

test('HTML blocks: the block-level tags are HTML, the text between them Markdown (Pandoc\'s markdown_in_html_blocks)', () => {
  const {tree} = parse('<div class="figure">\n<img src="a.png" alt="A" />\n<p class="caption">(\\#fig:x) The *map*, after @smith2000.</p>\n</div>\n\n<div>\n  Some **text**\n  on two lines.\n</div>\n\n<table><tr><td>x</td></tr></table>\n\n<pre>\n*kept*\n</pre>\n')
  const shape = tree.children.map((node) => node.type === 'html' ? node.value.replace(/\n/g, '⏎') : `${node.type}${node.data?.hName ? `(${node.data.hName})` : ''}`)
  assert.deepEqual(shape, [
    '<div class="figure">', '<img src="a.png" alt="A" />', '<p class="caption">', 'paragraph(span)', '</p>⏎</div>',
    '<div>', 'paragraph', '</div>',
    '<table><tr><td>', 'paragraph(span)', '</td></tr></table>',
    '<pre>⏎*kept*⏎</pre>'
  ])
  const caption = tree.children[3] as Nodes & {children: Nodes[]}
  assert.deepEqual(caption.children.map((node) => node.type), ['text', 'emphasis', 'text', 'cite', 'text'])
  assert.equal((caption.children[0] as {value: string}).value, '(#fig:x) The ')
  // Positions are the file's: the citation on line 3, after the tag.
  const cite = all(caption, 'cite')[0]!
  assert.deepEqual([cite.position?.start.line, cite.position?.start.column, cite.position?.start.offset], [3, 47, 95])
  // The div's text, indented in the source, is one paragraph (not code), at its own place.
  const paragraph = tree.children[6]!
  assert.deepEqual([paragraph.position?.start.line, paragraph.position?.start.column], [7, 3])
})

test('HTML blocks: a block-level tag left open (`<div id="foo"` with no `>`) keeps the block as text, as CommonMark reads it', () => {
  // Each of these once sent the reader round for ever: the block held no tag to cut at.
  for (const markdown of ['<div id="foo"\n*hi*\n', '<div class\nfoo\n', '<div *???-&&&-<---\n*foo*\n']) {
    const {tree} = parse(markdown)
    assert.deepEqual(tree.children.map((node) => node.type), ['html'], markdown)
  }
})
