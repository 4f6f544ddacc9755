/** citeproc's HTML as hast: the subset parser gives what parse5 gives, falls back when unsure, and copies. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {Element, ElementContent, Nodes, Root} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {htmlFragment, parseCiteprocHtml, stylesAsClasses} from '../src/util/html-fragment.js'
import {sanitizeTree} from '../src/util/sanitize.js'
import {buildEdition} from '../src/pipeline.js'
import {readEssay} from '../src/build.js'
import {renderInWorkers} from '../src/citations/pool.js'
import type {RenderedStyle} from '../src/citations/render.js'
import {generateCorpus, writeCorpus, type SizeName} from '../bench/generate.js'
import {tempDir} from './helpers.js'

/** `node` without `position` fields, deeply (parse5's nodes carry them, the subset parser's do not). */
function withoutPositions<T extends Nodes>(node: T): T {
  const {position: _, ...rest} = node as T & {position?: unknown}
  if ('children' in rest) (rest as Root | Element).children = (rest as Root | Element).children.map(withoutPositions) as Element['children']
  return rest as T
}

/** What the page got before the subset parser: parse5's nodes, optionally sanitized. */
function parse5(html: string, sanitize = false): ElementContent[] {
  const tree = fromHtml(html, {fragment: true})
  return withoutPositions(sanitize ? sanitizeTree(tree) : tree).children as ElementContent[]
}

/** What htmlFragment gives: parse5's nodes, citeproc-js's styles as classes, optionally sanitized. */
function page(html: string, sanitize = false): ElementContent[] {
  const tree = fromHtml(html, {fragment: true})
  stylesAsClasses(tree.children as ElementContent[])
  return withoutPositions(sanitize ? sanitizeTree(tree) : tree).children as ElementContent[]
}

/** Citations, narrative parts and entries, as citeproc-js writes them. */
const citeprocLike = [
  '',
  'plain text only',
  ' \n\t ',
  '<span data-cite-item="0">Smith 2020, 12</span>',
  '(<span data-cite-item="0">Smith 2020</span>; <span data-cite-item="1">Doe &#38; Roe 2019</span>)',
  '<span data-cite-item="0"><i>Title</i>, 1964 &#60;<a href="https://example.org/large/823">https://example.org/large/823</a>&#62; [accessed 19 March 2024].</span>',
  '<div class="csl-entry">Ångström, Agnieszka, ‘Corridor’, <i>Asian Affairs</i>, 43.7 (1987), 301–38</div>',
  '<div class="csl-entry">\n  <div class="csl-left-margin">[1]</div><div class="csl-right-inline">A. Smith, <i>Book</i>.</div>\n</div>',
  '<div class="csl-entry">\n  <div class="csl-left-margin">1. </div>\n  <div class="csl-right-inline">Text</div>\n</div>\n',
  '<div class="csl-entry"><div class="csl-block">Block</div><div class="csl-indent">Indented</div></div>',
  '<span style="font-variant:small-caps;">Smith</span>, <span style="font-style:normal;">x</span>',
  '<span style="font-weight:bold;">bold</span> <b>b</b> <sup>2</sup> <sub>i</sub> <span class="nocase">iPhone</span>',
  '<a href="https://doi.org/10.1000/xyz?a=1&#38;b=2&amp;c=3">https://doi.org/10.1000/xyz?a=1&#38;b=2&amp;c=3</a>',
  '<span title="it&#39;s &quot;quoted&quot; &apos;here&apos; a&gt;b">x</span>',
  'a&#160;b&nbsp;c &#x2014; &#X2013; &#8212; &#x1F600; &#128512; &#9;tab &lt;tag&gt; 5 > 3 = true',
  '<i><b><span class="a  b c">deep</span></b></i>',
  '<i><i><i><i><i>five times the same</i></i></i></i></i>',
  '<span></span><i></i>',
  '<span data-cite-item="0"><div class="csl-entry">div in span</div></span>',
  '<a href="#x"><i>formatted link</i></a> <i><a href="#y">link in italics</a></i>',
  '<span hidden="">hidden</span> <span lang="fr" dir="ltr">français</span>',
  '<span class="csl-left-margin">x</span><code>code</code><em>em</em><strong>s</strong><small>sm</small><u>u</u><cite>c</cite><abbr title="t">a</abbr>',
  '<span id="x" data-note-ref="">a</span><span role="doc-biblioref" aria-label="l">b</span>',
  'Łęcki, 𝔄ncient, emoji 🎉, العربية, 中文'
]

/** Outside the subset: each of these makes the subset parser give up. */
const fallback = [
  "<span class='single'>x</span>",
  '<span class=unquoted>x</span>',
  '<!-- a comment -->text',
  'a<br>b',
  '<p>a</p><p>b</p>',
  '<table><tr><td>cell</td></tr></table>',
  '<i><b>mis</i>nested</b>',
  '<span>unclosed',
  '</span>stray end',
  'a < b and <3',
  'Smith & Jones',
  'no semicolon &amp here, &copy 2020',
  '&notin; &copy; (named references parse5 knows, and not the subset)',
  '&#128; &#0; &#xD800;',
  '<SPAN>upper</SPAN>',
  '<span class="a" class="b">duplicate</span>',
  '<a href="#x">outer <a href="#y">nested</a></a>',
  '<span title="a<b">lt in a value</span>',
  '<span constructor="x">own property of Object.prototype</span>',
  '<div><h1>heading</h1></div>',
  '<span/>self-closing',
  'line\r\nbreaks\r',
  'nul\0char',
  '<span class = "x">spaces around =</span>',
  '<span hidden>bare attribute</span>'
]

test('citeproc-like strings: the subset parser gives what parse5 gives, raw and sanitized', () => {
  for (const html of citeprocLike) {
    const fast = parseCiteprocHtml(html)
    assert.ok(fast, `in the subset: ${JSON.stringify(html)}`)
    assert.deepEqual(fast, parse5(html), html)
    assert.deepEqual(htmlFragment(html), page(html), html)
    assert.deepEqual(htmlFragment(html, {sanitize: true}), page(html, true), html)
  }
})

test('what is outside the subset goes to parse5, and comes out as parse5 makes it', () => {
  for (const html of fallback) {
    assert.equal(parseCiteprocHtml(html), undefined, `not in the subset: ${JSON.stringify(html)}`)
    assert.deepEqual(htmlFragment(html), page(html), html)
    assert.deepEqual(htmlFragment(html, {sanitize: true}), page(html, true), html)
  }
})

test('each call returns its own copy', () => {
  for (const html of ['<span class="a b" data-cite-item="0">x<i>y</i></span>', '<span class=a>x<br>y</span>']) {
    for (const options of [{}, {sanitize: true}]) {
      const expected = parse5(html, options.sanitize)
      const first = htmlFragment(html, options)
      const span = first[0] as Element
      span.properties.dataCiteItem = '9'
      ;(span.properties.className as string[]).push('changed')
      span.children.push({type: 'text', value: 'added'})
      ;(span.children[0] as {value: string}).value = 'changed'
      ;(span.children[1] as Element).tagName = 'b'
      first.push({type: 'text', value: 'added'})
      assert.deepEqual(htmlFragment(html, options), expected, `${html} ${JSON.stringify(options)}`)
      assert.notEqual(htmlFragment(html, options), htmlFragment(html, options))
    }
  }
})

test('random strings near the subset: whatever the subset parser accepts, parse5 parses alike', () => {
  let seed = 42
  const random = () => { // mulberry32
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!
  const tags = ['a', 'b', 'div', 'i', 'span', 'sup', 'code', 'em', 'p', 'br', 'td', 'li', 'nobr', 'svg', 'pre', 'Span']
  const names = ['class', 'style', 'href', 'data-cite-item', 'hidden', 'title', 'type', 'children', 'xml:lang', 'tabindex', 'download']
  const values = ['x', 'a  b', '', '0', 'font-variant:small-caps;', '?a=1&#38;b', '&quot;', "'", 'true']
  const texts = [' ', '\n', 'x', '&#38;', '&amp;', '&lt;', '&nbsp;', '&#x2014;', '&#128;', '&copy;', '&', '<', '>', '"', '\r', 'é', '🎉']
  const fragment = (depth: number): string => Array.from({length: Math.floor(random() * 4)}, () => {
    if (depth > 3 || random() < 0.4) return pick(texts) + pick(texts)
    const tag = pick(tags)
    const attributes = Array.from({length: Math.floor(random() * 3)}, () => ` ${pick(names)}="${pick(values)}"`).join('')
    return `<${tag}${attributes}>${fragment(depth + 1)}${random() < 0.9 ? `</${random() < 0.95 ? tag : pick(tags)}>` : ''}`
  }).join('')
  let accepted = 0
  for (let n = 0; n < 3000; n++) {
    const html = fragment(0)
    const fast = parseCiteprocHtml(html)
    if (!fast) continue
    accepted++
    assert.deepEqual(fast, parse5(html), html)
    assert.deepEqual(withoutPositions(sanitizeTree({type: 'root', children: fast})).children, parse5(html, true), html)
  }
  assert.ok(accepted > 500, `${accepted} accepted`)
})

/** Every citeproc string the nine styles render for a benchmark corpus. */
async function corpusStrings(size: SizeName): Promise<string[]> {
  const md = writeCorpus(generateCorpus(size), tempDir())
  let rendered: RenderedStyle[] = []
  const {file} = await buildEdition(readEssay(md), {
    renderAll: async (jobs) => (rendered = await renderInWorkers(jobs))
  })
  assert.equal(file.messages.filter((m) => m.fatal).length, 0, String(file.messages))
  assert.equal(rendered.length, 9)
  const strings: string[] = []
  for (const style of rendered) {
    for (const citation of style.citations) {
      strings.push(citation.html)
      if (citation.narrative) strings.push(citation.narrative.author, citation.narrative.rest)
    }
    for (const entry of [...style.bibliography, ...style.standalone]) strings.push(entry.html)
  }
  return [...new Set(strings)]
}

for (const size of ['small', 'medium'] as const) {
  test(`every string of the ${size} corpus, in nine styles, is in the subset and parsed as parse5 parses it`, async () => {
    const strings = await corpusStrings(size)
    assert.ok(strings.length > (size === 'small' ? 300 : 4000), `${strings.length} strings`)
    const outside = strings.filter((html) => parseCiteprocHtml(html) === undefined)
    assert.deepEqual(outside, [], 'none falls back to parse5')
    for (const html of strings) {
      assert.deepEqual(parseCiteprocHtml(html), parse5(html), html)
      assert.deepEqual(htmlFragment(html, {sanitize: true}), parse5(html, true), html)
    }
  })
}

test('citeproc-js\'s inline styles become classes the stylesheet sets (no style attribute, which the page\'s CSP forbids)', () => {
  const html = '<i>A <span style="font-style:normal;">Title</span></i> <span style="font-variant:small-caps;">xv</span> <span style="text-decoration:underline;">u</span> <span style="color:red">c</span>'
  for (const sanitize of [false, true]) {
    const nodes = htmlFragment(html, {sanitize})
    const spans: Element[] = []
    const walk = (list: ElementContent[]) => list.forEach((node) => node.type === 'element' && (node.tagName === 'span' && spans.push(node), walk(node.children)))
    walk(nodes)
    assert.deepEqual(spans.map((span) => span.properties), [{className: ['csl-normal-style']}, {className: ['smallcaps']}, {className: ['underline']}, {}])
  }
})
