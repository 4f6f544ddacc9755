/** Math: the rehype stage alone (display math inside a paragraph, math without a place, bad TeX), and in the pipeline. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {VFile} from 'vfile'
import {fromHtml} from 'hast-util-from-html'
import {select, selectAll} from 'hast-util-select'
import {toHtml} from 'hast-util-to-html'
import type {Root} from 'hast'
import rehypeMath from '../src/plugins/rehype-math.js'
import {buildEdition} from '../src/pipeline.js'

async function typeset(html: string): Promise<{tree: Root; file: VFile}> {
  const tree = fromHtml(html, {fragment: true})
  const file = new VFile({path: 'x.md'})
  await rehypeMath()(tree, file)
  return {tree, file}
}

test('display math inside a paragraph stays in it, as a block formula', async () => {
  const {tree, file} = await typeset('<p>So <code class="language-math math-display">\\frac{1}{2}</code> holds.</p>')
  assert.equal(file.messages.length, 0)
  const math = select('p > span.katex > math', tree)
  assert.ok(math, toHtml(tree))
  assert.equal(math.properties.display, 'block')
  assert.match(toHtml(tree), /^<p>So <span class="katex">.*<\/span> holds\.<\/p>$/)
})

test('a ```math block replaces its pre; inline math stays inline', async () => {
  const {tree} = await typeset('<pre><code class="language-math">a = b\n</code></pre><p>and <code class="language-math math-inline">c</code></p>')
  assert.equal(select('pre', tree), undefined)
  assert.deepEqual(selectAll('math', tree).map((m) => m.properties.display ?? 'inline'), ['block', 'inline'])
})

test('math in markup without a place (a reference entry, a citation) is typeset too', async () => {
  const {tree, file} = await typeset('<div class="csl-entry">On <span class="math-inline">x^2</span> and <span class="math-display">y</span>.</div>')
  assert.equal(file.messages.length, 0)
  assert.equal(selectAll('div.csl-entry math', tree).length, 2)
})

test('bad TeX: a warning at the formula, no stack; the TeX stays as code', async () => {
  const html = '<p>Say <code class="language-math math-inline">a+\\foo</code>.</p>'
  const tree = fromHtml(html, {fragment: true})
  const code = select('code', tree)!
  code.position = {start: {line: 3, column: 5, offset: 20}, end: {line: 3, column: 15, offset: 30}}
  const file = new VFile({path: 'x.md'})
  await rehypeMath()(tree, file)
  assert.equal(file.messages.length, 1)
  const [message] = file.messages
  assert.equal(message!.reason, 'Math cannot be rendered: KaTeX parse error: Undefined control sequence: \\foo at position 3')
  assert.equal(message!.fatal, false)
  assert.deepEqual([message!.line, message!.column], [3, 5])
  assert.equal(message!.cause, undefined, 'no error (and its stack) attached')
  assert.equal(toHtml(tree), '<p>Say <code class="katex-error" title="KaTeX parse error: Undefined control sequence: \\foo at position 3">a+\\foo</code>.</p>')
})

test('a bad ```math block stays a code block', async () => {
  const {tree, file} = await typeset('<pre><code class="language-math">\\begin{x}\n</code></pre>')
  assert.equal(file.messages.length, 1)
  assert.equal(toHtml(tree), `<pre><code class="katex-error" title="${file.messages[0]!.reason.replace('Math cannot be rendered: ', '')}">\\begin{x}\n</code></pre>`)
})

test('in the pipeline: bad math is located in the essay; a heading is slugged from its TeX, as Pandoc does', async () => {
  const file = new VFile({path: 'm.md', value: '# The $x$ axis\n\n## Next\n\nText $a+\\foo$ here.\n'})
  const {html} = await buildEdition(file, {styles: ['apa']})
  assert.ok(html)
  const messages = file.messages.map((m) => `${m.line}:${m.column} ${m.reason}`)
  assert.deepEqual(messages, ['5:6 Math cannot be rendered: KaTeX parse error: Undefined control sequence: \\foo at position 3'])
  assert.match(html, /<code class="katex-error" title="[^"]*">a\+\\foo<\/code>/)
  assert.match(html, /<h2 id="the-x-axis">The <span class="katex"><math/)
})

test('macros the essay defines in raw TeX are KaTeX\'s (Pandoc\'s latex_macros); one warning a cause', async () => {
  const {macrosIn} = await import('../src/plugins/remark-tex-macros.js')
  assert.deepEqual(macrosIn('\\newcommand{\\R}{\\mathbb{R}} \\renewcommand\\vect[1]{\\mathbf{#1}} \\def\\e{\\mathrm{e}}'), [['\\R', '\\mathbb{R}'], ['\\vect', '\\mathbf{#1}'], ['\\e', '\\mathrm{e}']])
  const file = new VFile({path: '/virtual/macros.md', value: '\\newcommand{\\vect}[1]{\\mathbf{#1}}\n\nLet $\\vect{x} \\in \\Rset$ and $\\vect{y}$, $\\foo$ and $\\foo{2}$.\n'})
  const {html} = await buildEdition(file, {styles: ['apa']})
  const tree = fromHtml(html!)
  // \vect is defined: typeset; \Rset and \foo are not: shown as code, one warning each.
  assert.equal(selectAll('article code.katex-error', tree).length, 3)
  const warnings = file.messages.filter((message) => message.ruleId === 'math').map((message) => message.reason)
  assert.deepEqual(warnings, [
    'Math cannot be rendered: KaTeX parse error: Undefined control sequence: \\Rset at position 14',
    'Math cannot be rendered: KaTeX parse error: Undefined control sequence: \\foo at position 1 (in 2 formulas; the first is here)'
  ])
})
