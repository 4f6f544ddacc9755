/**
 * "Copy quote" (the reader's annotations): the page holds the essay cited at a paragraph in each
 * style, rendered at build time by citeproc-js with the placeholder number, sanitized, as JSON.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {VFile} from 'vfile'
import {fromHtml} from 'hast-util-from-html'
import {select} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import {buildEdition} from '../src/pipeline.js'
import {paragraphPlaceholder} from '../src/citations/render.js'

const styles = ['apa', 'chicago-author-date', 'chicago-fullnote-bibliography', 'modern-language-association', 'ieee']

async function quoteCitations(frontMatter: string): Promise<Record<string, string>> {
  const file = new VFile({path: '/virtual/quoted.md', value: `---\n${frontMatter}\n---\n\nA paragraph.\n`})
  const {html} = await buildEdition(file, {styles})
  assert.ok(html, file.messages.join('\n'))
  const script = select('#cite-this script#quote-citations', fromHtml(html))
  assert.ok(script, 'script#quote-citations in the Cite-this section')
  assert.equal(script.properties.type, 'application/json')
  return JSON.parse(toString(script)) as Record<string, string>
}

test('the essay cited at paragraph N, in each style, as the style writes the locator', async () => {
  const quotes = await quoteCitations('title: An annotated essay\nauthor: Ada Writer\ndate: 2024-05-01')
  assert.equal(paragraphPlaceholder, '999999')
  assert.deepEqual(Object.keys(quotes).sort(), [...styles].sort())
  assert.equal(quotes.apa, '(Writer, 2024, para. 999999)')
  assert.equal(quotes['chicago-author-date'], '(Writer 2024, para. 999999)')
  assert.equal(quotes['chicago-fullnote-bibliography'], 'Ada Writer, “An Annotated Essay,” May 1, 2024, para. 999999.')
  for (const html of Object.values(quotes)) assert.ok(html.includes(paragraphPlaceholder), html)
})

test('the quote citations are sanitized and cannot close their script element', async () => {
  const quotes = await quoteCitations('title: "An essay </script><script>alert(1)</script> <img src=x onerror=alert(1)>"\nauthor: Ada Writer\ndate: 2024')
  for (const html of Object.values(quotes)) {
    const fragment = fromHtml(html, {fragment: true})
    assert.equal(select('script, img, [onerror]', fragment), undefined, html)
  }
  // The title's markup is its text.
  assert.match(toString(fromHtml(quotes['chicago-fullnote-bibliography']!, {fragment: true})), /<img src=x onerror=alert\(1\)>/i)
  const file = new VFile({path: '/virtual/quoted.md', value: '---\ntitle: "A </script> title"\nauthor: Ada Writer\n---\n\nText.\n'})
  const {html} = await buildEdition(file, {styles: ['apa']})
  assert.match(html!, /id="quote-citations">\{[^<]*\}<\/script>/)
})
