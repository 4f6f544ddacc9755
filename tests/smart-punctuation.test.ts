/**
 * Smart punctuation (src/plugins/remark-smart-punctuation.ts, src/util/smart-punctuation.ts)
 * against Pandoc 2.17.1.1. Each input of the table was given to `pandoc -f markdown -t json` and
 * the text of what it made written down here: quotes as its `Quoted` nodes print (“...”, ‘...’),
 * code in backticks, math in dollars, citations and raw HTML as written, images as `![alt]`.
 * Where ours is right and Pandoc's is not, both are written, with the reason
 * (docs/differences-from-pandoc.md).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type {Nodes, Paragraph, Root} from 'mdast'
import {unified} from 'unified'
import {VFile} from 'vfile'
import {fromHtml} from 'hast-util-from-html'
import {select} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import {buildEdition, parser} from '../src/pipeline.js'
import remarkPandocInline from '../src/plugins/remark-pandoc-inline.js'
import remarkEssayMetadata from '../src/plugins/remark-essay-metadata.js'
import remarkCitations from '../src/plugins/remark-citations.js'
import remarkSmartPunctuation from '../src/plugins/remark-smart-punctuation.js'
import {smartenString} from '../src/util/smart-punctuation.js'
import {inputsOf} from '../src/watch.js'
import {fixture, runCli} from './helpers.js'

/** The tree after the front stages up to the cite stage (smart punctuation just before it). */
async function smartTree(markdown: string): Promise<{tree: Root; file: VFile}> {
  const file = new VFile({path: '/virtual/smart.md', value: markdown})
  const tree = parser().parse(file)
  await unified().use(remarkPandocInline).use(remarkEssayMetadata).use(remarkSmartPunctuation).use(remarkCitations).run(tree, file)
  return {tree, file}
}

/** The text of a tree in the table's notation. */
function textOf(node: Nodes, source: string): string {
  switch (node.type) {
    case 'text':
    case 'html':
      return node.value
    case 'inlineCode':
      return '`' + node.value + '`'
    case 'inlineMath':
      return '$' + node.value + '$'
    case 'cite':
      // As written, when parsed from `source`; a hand-made one shows its affixes.
      if (node.position) return source.slice(node.position.start.offset, node.position.end.offset)
      break
    case 'break':
      return '\n'
    case 'image':
      return `![${node.alt ?? ''}]`
    default:
      break
  }
  return 'children' in node ? (node.children as Nodes[]).map((child) => textOf(child, source)).join('') : ''
}

function blocksOf(node: Nodes, source: string): string[] {
  if (node.type === 'paragraph' || node.type === 'heading') return [textOf(node, source)]
  if (node.type === 'html') return [node.value]
  if (node.type === 'footnoteDefinition' || !('children' in node)) return []
  return (node.children as Nodes[]).flatMap((child) => blocksOf(child, source))
}

async function smartText(markdown: string): Promise<string> {
  const {tree} = await smartTree(markdown)
  return blocksOf(tree, markdown).join('\n\n')
}

type Row = [markdown: string, pandoc: string, differs?: {ours: string; why: string}]

const table: Row[] = [
  ["\"Hello,\" she said.", "“Hello,” she said."],
  ["'Single' quotes.", "‘Single’ quotes."],
  ["\"She said 'hi' to me.\"", "“She said ‘hi’ to me.”"],
  ["He said, \"'Quoted' words in a larger quote.\"", "He said, “‘Quoted’ words in a larger quote.”"],
  ["\"Nested 'single \"double\" inside' here\"", "“Nested ‘single “double” inside’ here”"],
  ["'Nested \"double\" inside single'", "‘Nested “double” inside single’"],
  ["'Tis the season, 'twas the night.", "’Tis the season, ’twas the night."],
  ["In the '90s and the '80s.", "In the ’90s and the ’80s."],
  ["'90s music was loud.", "’90s music was loud."],
  ["rock'n'roll all night", "rock’n’roll all night"],
  ["don't, can't, it's, O'Brien's", "don’t, can’t, it’s, O’Brien’s"],
  ["He is 5'10\" tall.", "He is 5’10” tall."],
  ["The [Club](http://x.org)'s page.", "The Club’s page."],
  ["The *Times*'s page.", "The Times’s page."],
  ["The **Times**'s page.", "The Times’s page."],
  ["The `grep`'s output.", "The `grep`’s output."],
  ["The $x$'s value and $y$' is prime.", "The $x$’s value and $y$’ is prime."],
  ["The students' books and the 1990s' music.", "The students’ books and the 1990s’ music."],
  ["\"*quoted emphasis*\" here", "“quoted emphasis” here"],
  ["*\"quoted inside emphasis\"* here", "“quoted inside emphasis” here"],
  ["\"[quoted link](http://x.org)\" here", "“quoted link” here"],
  ["[a \"quoted\" link](http://x.org) here", "a “quoted” link here"],
  ["\"`code`\" alone", "“`code`” alone"],
  ["\"text with `code` inside\"", "“text with `code` inside”"],
  ["\"$x$\" and '$y$'", "“$x$” and ‘$y$’"],
  ["\"[@a]\" and \"@a says\"", "“[@a]” and “@a says”"],
  ["@a's view and [@a]'s", "@a’s view and [@a]’s"],
  ["(\"quoted in parens\") and ('single')", "(“quoted in parens”) and (‘single’)"],
  ["[\"quoted in brackets\"] and ['single']", "[“quoted in brackets”] and [‘single’]"],
  ["word---\"quote\" and word---'single'", "word—“quote” and word—‘single’"],
  ["word--\"quote\"", "word–“quote”"],
  ["\"Quote ending with dash--\" and \"with em---\"", "“Quote ending with dash–” and “with em—”"],
  ["He said \"hello\"--and left.", "He said “hello”–and left."],
  ["pages 10--20 and 1990--2000", "pages 10–20 and 1990–2000"],
  ["a -- b --- c and word--word and word---word", "a – b — c and word–word and word—word"],
  ["a----b and a-----b and x-y", "a—-b and a—–b and x-y"],
  ["wait... and wait.... and . . . and ...", "wait… and wait…. and . . . and …"],
  ["so...what and end..", "so…what and end.."],
  ["\"unmatched double and more", "“unmatched double and more"],
  ["'unmatched single and more", "’unmatched single and more"],
  ["unmatched close\" here", "unmatched close” here"],
  ["a \" b and a ' b", "a ” b and a ’ b"],
  ["the \"scare quotes\". and the 'quoted phrase' in the middle", "the “scare quotes”. and the ‘quoted phrase’ in the middle"],
  ["it's 'quoted'. O'Brien's \"book\"", "it’s ‘quoted’. O’Brien’s “book”"],
  ["\"5\" and '6' and \"1990\"", "“5” and ‘6’ and “1990”"],
  ["\"a\" \"b\" 'c' 'd'", "“a” “b” ‘c’ ‘d’"],
  ["end of sentence.\" and 'end.'", "end of sentence.” and ‘end.’"],
  ["\"first line\nsecond line\" end", "“first line\nsecond line” end"],
  ["**\"strong quote\"**'s and \"**strong**\"", "“strong quote”’s and “strong”"],
  ["Mr. Smith and Dr. Jones, e.g. this; cf. that, see p. 33 and pp. 3--4, i.e. fine.", "Mr.\u00a0Smith and Dr.\u00a0Jones, e.g.\u00a0this; cf.\u00a0that, see p.\u00a033 and pp.\u00a03–4, i.e.\u00a0fine."],
  ["Mr.\nSmith and Mrs. [@a] and Prof.  Two", "Mr.\nSmith and Mrs. [@a] and Prof.\u00a0Two"],
  ["“Already curly” and ‘single’ and it’s", "“Already curly” and ‘single’ and it’s"],
  ["\\\"escaped\\\" and \\'single\\' and a\\-\\-b and \\.\\.\\.", "\"escaped\" and 'single' and a--b and ..."],
  ["# \"Heading\" -- it's", "“Heading” – it’s"],
  ["<http://example.com/a--b...> and http://example.com/c--d", "http://example.com/a--b... and http://example.com/c–d", {ours: "http://example.com/a--b... and http://example.com/c--d", why: "a bare URL is a link here (GFM), and a URL is left as written; Pandoc reads it as text"}],
  ["Text.^[\"Note,\" he said--it's.]", "Text."],
  ["\"Quoted.\"[^1] more\n\n[^1]: It's a 'note'.", "“Quoted.” more"],
  ["self-'quoted' and x/\"slash\"", "self-‘quoted’ and x/“slash”"],
  ["He said:\"no\" and:'no'", "He said:“no” and:‘no’"],
  ["word \" and word \"", "word ” and word ”"],
  ["' and \"", "’ and ”"],
  ["\"'Twas brillig,\" he said.", "“’Twas brillig,” he said."],
  ["the 'word's' meaning", "the ‘word’s’ meaning"],
  ["--- a reply\n--- another", "— a reply\n— another"],
  ["The [Club](http://x.org)'s view of the students' work.", "The Club‘s view of the students’ work.", {ours: "The Club’s view of the students’ work.", why: "an apostrophe right after a link, as Pandoc reads one after math; Pandoc opens a quote there"}],
  ["The `grep`'s output is 'fine' here.", "The `grep`‘s output is ’fine’ here.", {ours: "The `grep`’s output is ‘fine’ here.", why: "an apostrophe right after code, as Pandoc reads one after math; Pandoc opens a quote there"}],
  ["@a's view of 'culture' is odd.", "@a‘s view of ’culture’ is odd.", {ours: "@a’s view of ‘culture’ is odd.", why: "an apostrophe right after a citation, as Pandoc reads one after math; Pandoc opens a quote there"}],
  ["\"a \"b\" c\"", "“a”b” c”"],
  ["\"\" and '' here", "“” and ’’ here"],
  ["\"Mr. Smith\" and \"Dr. \" here", "“Mr.\u00a0Smith” and “Dr.\u00a0” here"],
  ["Mr. [^1] and Dr.[^1] and e.g., this\n\n[^1]: Note.", "Mr.  and Dr. and e.g., this"],
  ["Cf. p. 4 and cf. n. 3 and vol. 2 and St. Louis and No. 5.", "Cf. p.\u00a04 and cf.\u00a0n.\u00a03 and vol.\u00a02 and St.\u00a0Louis and No.\u00a05."],
  ["![An \"alt\" -- it's](x.png) and \"after image\"", "![An “alt” – it’s] and “after image”"],
  ["(foo)'s and (bar)'s 'x'", "(foo)‘s and (bar)’s ’x’"],
  ["> Line one \\\"a\\\" and\n> \"b\" -- it's.", "Line one \"a\" and\n“b” – it’s."],
  ["- \"one\" -- it's\n- 'two'...", "“one” – it’s\n\n‘two’…"],
  ["&quot;a&quot; and \"b&quot; and &#39;c' and a&#45;&#45;b", "\"a\" and “b” and 'c’ and a--b"],
  ["the \\'90s and \\\"quoted\"", "the '90s and \"quoted”"],
  ["\"*a\" b* and *\"c* d\"", "“a” b and ”c d”", {ours: "“a” b and “c d”", why: "quotes pair across the end of emphasis; Pandoc reads the star inside the quote first"}],
  ["\"a **'b'** c\"", "“a ‘b’ c”"],
  ["\"[a 'b' c](http://x.org)\" d", "“a ‘b’ c” d"],
  ["*rock*'n'roll and **it**'s", "rock’n’roll and it’s"],
  ["a--*b*--c and *a*---*b*", "a–b–c and a—b"],
  ["*a*...*b* and ...*c*", "a…b and …c"],
  ["l'été et «l'hiver» and Ålborg's 'ö'", "l’été et «l’hiver» and Ålborg’s ‘ö’"],
  ["the 1990's and '20s and 'twenties'", "the 1990’s and ‘20s and ’twenties’"],
  ["\"a\", 'b'; \"c\": 'd'!", "“a”, ‘b’; “c”: ‘d’!"],
  ["\"'em,\" he said, \"'n' stuff.\"", "“’em,” he said, “‘n’ stuff.”"],
  ["~~\"a\"~~'s and \"~~b~~\"", "“a”’s and “b”"],
  ["and/or 'x' and -'y' and -\"z\"", "and/or ‘x’ and -‘y’ and -“z”"],
  ["a------b and a-------b", "a——b and a——-b"],
  ["Mr.  Smith and Ph.D. student and Ph.D.s", "Mr.\u00a0Smith and Ph.D.\u00a0student and Ph.D.s"],
  ["\"a  \nb\" and 'c\\\nd'", "“a\nb” and ‘c\nd’"],
  ["$x$', and $y$'s and ($z$')", "$x$‘, and $y$’s and ($z$’)"],
  ["`\"a\" -- 'b'...` and \"`c`'s\"", "`\"a\" -- 'b'...` and “`c`’s”"],
  ["<abbr title=\"it's\">\"A\"</abbr>'s and <br>\"x\"", "<abbr title=\"it's\">“A”</abbr>’s and <br>“x”"],
  ["## *Don't* \"panic\" ...", "Don’t “panic” …"]
]

test('smart punctuation: each input gives what Pandoc gives (or, where Pandoc is wrong, the right thing)', async () => {
  for (const [markdown, pandoc, differs] of table) {
    assert.equal(await smartText(markdown), differs?.ours ?? pandoc, `${JSON.stringify(markdown)}${differs ? ` (Pandoc: ${JSON.stringify(pandoc)}; ${differs.why})` : ''}`)
  }
})

test('never in code, math, raw HTML, URLs, link targets and titles', async () => {
  const markdown = [
    '```',
    '"code" -- it\'s...',
    '```',
    '',
    '$$',
    "f'(x) -- \"x\"",
    '$$',
    '',
    '<pre title="a--b">"raw" -- it\'s...</pre>',
    '',
    "`\"a\" -- 'b'...` and $f'(x) -- 'y'$ and <span title=\"it's -- x\">it's</span>",
    '',
    '<https://example.org/a--b...> and https://example.org/\'c\'--d and [it\'s](https://example.org/x--y "a \'title\' -- here")'
  ].join('\n')
  const {tree} = await smartTree(markdown)
  const [code, math, html, paragraph, links] = tree.children as [Nodes, Nodes, Nodes, Paragraph, Paragraph]
  assert.deepEqual([code.type, 'value' in code && code.value], ['code', '"code" -- it\'s...'])
  // Pandoc's `$$` is display math in a paragraph.
  const formula = (math as Paragraph).children[0]!
  assert.deepEqual([math.type, formula.type, 'value' in formula && formula.value], ['paragraph', 'inlineMath', "f'(x) -- \"x\""])
  assert.deepEqual([html.type, 'value' in html && html.value], ['html', '<pre title="a--b">"raw" -- it\'s...</pre>'])
  assert.equal(textOf(paragraph, markdown), "`\"a\" -- 'b'...` and $f'(x) -- 'y'$ and <span title=\"it's -- x\">it’s</span>")
  const urls = links.children.filter((node) => node.type === 'link')
  assert.deepEqual(urls.map((link) => [link.url, link.title ?? null, textOf(link, markdown)]), [
    ['https://example.org/a--b...', null, 'https://example.org/a--b...'],
    ["https://example.org/'c'--d", null, "https://example.org/'c'--d"],
    ['https://example.org/x--y', "a 'title' -- here", 'it’s']
  ])
})

test('escaped characters and character references stay as written, in quotes, lists and tables alike', async () => {
  assert.equal(await smartText('> \\"a\\" and \\\'b\\\' and a\\-\\-b and \\.\\.\\.\n> "c" -- it\'s'), '"a" and \'b\' and a--b and ...\n“c” – it’s')
  assert.equal(await smartText('- &quot;a&quot; and "b&quot; and &#39;c\''), '"a" and “b” and \'c’', 'a reference closes a quote, as in Pandoc')
  const {tree} = await smartTree('| a | b |\n|---|---|\n| \\"x\\" | "y" -- it\'s |\n')
  assert.deepEqual(selectCells(tree), ['a', 'b', '"x"', '“y” – it’s'])
})

function selectCells(tree: Root): string[] {
  const cells: string[] = []
  const walk = (node: Nodes) => {
    if (node.type === 'tableCell') cells.push(textOf(node, ''))
    else if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  walk(tree)
  return cells
}

test('notes, headings and image descriptions; each paragraph pairs its own quotes', async () => {
  const markdown = '# "Heading" -- it\'s\n\nText.^[An inline "note" -- it\'s.] "Open\n\nclose." ![An "alt" -- it\'s](x.png)[^n]\n\n[^n]: A \'note\'... here.\n'
  const {tree} = await smartTree(markdown)
  const texts: string[] = []
  const walk = (node: Nodes) => {
    if (node.type === 'paragraph' || node.type === 'heading') texts.push(textOf(node, markdown))
    else if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  walk(tree)
  assert.deepEqual(texts, ['“Heading” – it’s', 'Text. “Open', 'close.” ![An “alt” – it’s]', 'A ‘note’… here.', 'An inline “note” – it’s.'])
})

test('citation prefixes, locators and suffixes are smartened each on its own; keys never', async () => {
  const {tree} = await smartTree('Text [see "this" and \'that\' @{a--b}, pp. 33--35, "quoted" -- Mr. Smith\'s...] and "@c".\n')
  const cites: Array<{citation: {items: Array<Record<string, string>>}}> = []
  const walk = (node: Nodes) => {
    if (node.type === 'cite') cites.push(node as never)
    else if ('children' in node) for (const child of node.children as Nodes[]) walk(child)
  }
  walk(tree)
  assert.deepEqual(cites.map((cite) => cite.citation.items.map(({key, prefix, locator, suffix}) => ({key, prefix, locator, suffix}))), [
    [{key: 'a--b', prefix: 'see “this” and ‘that’', locator: '33–35', suffix: ', “quoted” – Mr.\u00a0Smith’s…'}],
    [{key: 'c', prefix: undefined, locator: undefined, suffix: undefined}]
  ])
  assert.equal(await smartText('Text [see "this" @a] and "@c" and \'@c\'s\' view.'), 'Text [see "this" @a] and “@c” and ‘@c’s’ view.')
})

test('an inline node it does not know: descended into when it has children, else one opaque atom', async () => {
  const file = new VFile({value: ''})
  const tree: Root = {type: 'root', children: [{type: 'paragraph', children: [
    {type: 'text', value: '"See '},
    {type: 'cite', citation: {mode: 'normal', items: [{key: 'a'}]}, children: [{type: 'text', value: "it's -- "}, {type: 'emphasis', children: [{type: 'text', value: "'here'"}]}]} as never,
    {type: 'text', value: '" and "'},
    {type: 'unknownLeaf'} as never,
    {type: 'text', value: '"\'s'}
  ]}]}
  await unified().use(remarkSmartPunctuation).run(tree, file)
  assert.equal(textOf(tree, ''), '“See it’s – ‘here’” and “”’s')
})

test('the front matter\'s title, subtitle, authors and description, on the page and in its metadata', async () => {
  const markdown = '---\ntitle: "The \'90s -- a \\"decade\\"..."\nsubtitle: Mr. Smith\'s "view"\nauthor: Conan O\'Brien\ndescription: It\'s "short".\n---\n\nText.\n'
  const build = async (smart?: boolean) => {
    const file = new VFile({path: '/virtual/title.md', value: markdown})
    const {html} = await buildEdition(file, {styles: ['apa'], ...(smart === undefined ? {} : {smart})})
    assert.ok(html, file.messages.join('\n'))
    return fromHtml(html)
  }
  const page = await build()
  const title = 'The ’90s – a “decade”…'
  assert.equal(toString(select('title', page)!), title)
  assert.equal(toString(select('h1.title', page)!), title)
  assert.equal(toString(select('p.subtitle', page)!), 'Mr.\u00a0Smith’s “view”')
  assert.equal(toString(select('p.byline', page)!), 'Conan O’Brien')
  assert.equal(select('meta[name=citation_title]', page)!.properties.content, title)
  assert.equal(select('meta[name=description]', page)!.properties.content, 'It’s “short”.')
  assert.equal(JSON.parse(toString(select('script[type="application/ld+json"]', page)!)).headline, title)
  const straight = await build(false)
  assert.equal(toString(select('h1.title', straight)!), 'The \'90s -- a "decade"...')
  assert.equal(toString(select('p.byline', straight)!), 'Conan O\'Brien')
})

test('smartenString: a plain string, as a title is', () => {
  assert.equal(smartenString('"A" -- \'b\' --- c... Dr. Who\'s \'90s'), '“A” – ‘b’ — c… Dr.\u00a0Who’s ’90s')
  assert.equal(smartenString('plain'), 'plain')
})

test('--no-smart keeps quotes, dashes and dots as typed, in build and check; the watch cache tells the two apart', () => {
  const dir = fixture({'e.md': '---\ntitle: "It\'s"\n---\n\n"Quoted" -- it\'s... Mr. Smith.\n'})
  const paragraph = (out: string) => toString(select('p#p-1', fromHtml(fs.readFileSync(path.join(dir, out, 'index.html'), 'utf8')))!).replace(/¶$/, '')
  assert.equal(runCli(['build', 'e.md', '--out', 'smart', '--quiet'], {cwd: dir}).code, 0)
  assert.equal(paragraph('smart'), '“Quoted” – it’s… Mr.\u00a0Smith.')
  assert.equal(runCli(['build', 'e.md', '--out', 'straight', '--no-smart', '--quiet'], {cwd: dir}).code, 0)
  assert.equal(paragraph('straight'), '"Quoted" -- it\'s... Mr. Smith.')
  assert.equal(toString(select('h1.title', fromHtml(fs.readFileSync(path.join(dir, 'straight', 'index.html'), 'utf8')))!), 'It\'s')
  assert.equal(runCli(['check', 'e.md', '--no-smart'], {cwd: dir}).code, 0)
  for (const command of ['build', 'check', 'preview']) assert.match(runCli([command, '--help']).stdout, /--no-smart/)
  const source = path.join(dir, 'e.md')
  const hash = (smart: boolean) => inputsOf(source, 'e', dir, undefined, {inputs: [source], smart}).hash
  assert.notEqual(hash(true), hash(false))
})
