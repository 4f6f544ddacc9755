/** Rebuilds print only what changed, and the page is byte for byte the one a cold build prints. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {fromHtml} from 'hast-util-from-html'
import {toHtml} from 'hast-util-to-html'
import {select} from 'hast-util-select'
import type {Root} from 'hast'
import {HtmlMemo, printChanges} from '../src/util/html-memo.js'
import {BuildCache} from '../src/watch.js'
import {buildEssay} from '../src/build.js'
import {forgetRenderings, renderCounts} from '../src/citations/render.js'
import {buildDefaultEssay, defaultEssay, projectRoot, tempDir} from './helpers.js'

const page = fs.readFileSync(buildDefaultEssay(), 'utf8')

test('the memo prints the page as toHtml does, then reuses every block of an unchanged page', () => {
  const tree = fromHtml(page)
  const memo = new HtmlMemo()
  assert.equal(memo.stringify(tree), toHtml(tree))
  assert.ok(memo.lastRun.printed > 100, `blocks printed: ${memo.lastRun.printed}`)
  assert.equal(memo.stringify(structuredClone(tree)), toHtml(tree))
  assert.equal(memo.lastRun.printed, 0)
  assert.ok(memo.lastRun.reused > 100)
})

test('an edited paragraph is printed again, alone, even when everything below it moved', () => {
  const tree = fromHtml(page)
  const memo = new HtmlMemo()
  memo.stringify(tree)
  const edited = structuredClone(tree)
  const paragraph = select('article p', edited)!
  paragraph.children.unshift({type: 'text', value: 'A new sentence. '})
  // Positions shift below an edit; they are not part of what is printed.
  const shift = (node: Root | Root['children'][number]) => {
    if (node.position) node.position = {start: {...node.position.start, offset: (node.position.start.offset ?? 0) + 16}, end: node.position.end}
    if ('children' in node) node.children.forEach(shift)
  }
  shift(edited)
  assert.equal(memo.stringify(edited), toHtml(edited))
  assert.equal(memo.lastRun.printed, 1)
  assert.match(memo.stringify(edited), /A new sentence\. /)
})

test('a tree with raw HTML of its own is printed plainly, as toHtml prints it', () => {
  const tree: Root = {type: 'root', children: [{type: 'element', tagName: 'p', properties: {}, children: [{type: 'raw', value: '<script>x</script>'}]}]}
  assert.equal(new HtmlMemo().stringify(tree), toHtml(tree))
  assert.doesNotMatch(new HtmlMemo().stringify(tree), /<script>/)
})

/**
 * The default essay built once with a cache, edited by `edit`, built again with the cache (a watched
 * rebuild), and built cold; `around` runs just before and just after the rebuild.
 */
async function rebuildAfter(edit: (markdown: string) => string, around: {before?: () => void; after?: () => void} = {}) {
  const dir = tempDir()
  const source = path.join(dir, 'essay.md')
  fs.copyFileSync(defaultEssay, source)
  const bibliography = [path.join(projectRoot, 'bibliography/russia-warms-up-to-pakistan.json')]
  const cache = new BuildCache()
  cache.beginRun()
  await buildEssay(source, 'essay', '', {cache, bibliography})
  cache.endRun()
  fs.writeFileSync(source, edit(fs.readFileSync(source, 'utf8')))
  around.before?.()
  cache.beginRun()
  const rebuilt = await buildEssay(source, 'essay', '', {cache, bibliography})
  cache.endRun()
  around.after?.()
  const cold = await buildEssay(source, 'essay', '', {bibliography})
  assert.ok(rebuilt.ok && cold.ok)
  return {rebuilt: String(rebuilt.outputs.get('index.html')), cold: String(cold.outputs.get('index.html'))}
}

test('a watched rebuild after an edit writes the page a cold build writes', async () => {
  const {rebuilt, cold} = await rebuildAfter((markdown) => {
    const at = markdown.indexOf('\n\n', markdown.length / 2) + 2
    return `${markdown.slice(0, at)}An added paragraph, citing nothing.\n\n${markdown.slice(at)}`
  })
  assert.match(rebuilt, /An added paragraph, citing nothing\./)
  assert.equal(rebuilt, cold)
})

test('a rebuild after a citation is added renders only the citations whose input or position changed, and writes the page a cold build writes', async () => {
  let before = {...renderCounts}
  const {rebuilt, cold} = await rebuildAfter((markdown) => {
    // In the last third: the notes after it are numbered anew under the note styles.
    const at = markdown.indexOf('\n\n', (markdown.length * 2) / 3)
    return `${markdown.slice(0, at)} An added claim [@zaidi2021, p. 7].${markdown.slice(at)}`
  }, {before: () => (before = {...renderCounts}), after: () => {
    // The rebuild's own renderings, then a cold build from scratch.
    const rendered = renderCounts.rendered - before.rendered
    const reused = renderCounts.reused - before.reused
    assert.ok(rendered > 0 && reused > 2 * rendered, `citations rendered ${rendered}, reused ${reused}`)
    forgetRenderings()
  }})
  assert.match(rebuilt, /An added claim/)
  assert.equal(rebuilt, cold)
})

test('a page for a reader who has the last version open holds only what changed: unchanged blocks stand in as templates', () => {
  const tree = fromHtml(page)
  const memo = new HtmlMemo()
  memo.stringify(tree)
  const was = memo.page!.nodes
  const edited = structuredClone(tree)
  select('article p', edited)!.children.unshift({type: 'text', value: 'A CHANGED sentence. '})
  const whole = memo.stringify(edited)
  const changes = printChanges(was, memo.page!.nodes)
  assert.match(changes, /A CHANGED sentence\. /)
  assert.ok(changes.length < whole.length / 3, `${changes.length} of ${whole.length} bytes`)
  // The head whole; the reader's script, which runs, whole; the rest of the body stands in.
  assert.equal(select('head', fromHtml(changes))!.children.length, select('head', fromHtml(whole))!.children.length)
  assert.ok(select('body > script:not([type])', fromHtml(changes)), 'the reader script, whole')
  const standIns = changes.match(/<template data-essay-edition-same="[a-z0-9-]+"><\/template>/g) ?? []
  assert.ok(standIns.length > 10, `${standIns.length} stand-ins`)
  // Nothing changed: the whole body stands in.
  assert.doesNotMatch(printChanges(memo.page!.nodes, memo.page!.nodes), /A CHANGED sentence/)
})
