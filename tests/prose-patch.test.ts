/**
 * A prose edit is patched into the last page (src/util/prose-patch.ts) only when that gives the
 * page a full build gives: every case here compares the watched rebuild with a cold build, byte for
 * byte, and says whether it was patched.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {BuildCache} from '../src/watch.js'
import {buildEssay, type BuildOptions, type EssayResult} from '../src/build.js'
import {offsetBefore, textEdit} from '../src/util/prose-patch.js'
import {defaultEssay, projectRoot, tempDir} from './helpers.js'
import {summaryLine} from '../src/cli/progress.js'

const works = [
  {id: 'khan2019', type: 'book', title: 'Eating Grass', author: [{family: 'Khan', given: 'Feroz'}], issued: {'date-parts': [[2019]]}, publisher: 'Stanford University Press'},
  {id: 'lee2020', type: 'article-journal', title: 'Arms and influence', author: [{family: 'Lee', given: 'Ann'}], issued: {'date-parts': [[2020]]}, 'container-title': 'Survival', volume: '62', page: '1-20'}
]

const essay = `---
title: A small essay for prose patches
author: Ann Writer
---

The opening paragraph says what the essay is about, in a sentence or two. Its first sentences are
the page's description, which search engines and link previews show; the description is cut at a
sentence's end once it is long enough, so that this paragraph is all that it holds, and an edit of
the paragraphs below it does not change the head of the page at all.

## A first section

Moscow and Islamabad drew closer in *the twenty-tens*, as [the record](https://example.org/record) shows [@khan2019, p. 12].
Arms sales followed.[^arms]

A paragraph with "quotes", an en dash 1990--2000 and $x^2$ math, then a citation [@lee2020].

[^arms]: The note says *where* the figures come from [@lee2020, p. 3].

## A second section

The last paragraph refers to a note never written.[^missing]
`

const styles = ['chicago-fullnote-bibliography', 'apa']

async function patchedAfter(edits: Array<(markdown: string) => string>, text = essay): Promise<{patched: number[]; rebuilt: EssayResult; cold: EssayResult}> {
  const dir = tempDir()
  const source = path.join(dir, 'essay.md')
  fs.writeFileSync(source, text)
  fs.writeFileSync(path.join(dir, 'works.json'), JSON.stringify(works))
  const options: BuildOptions = {bibliography: [path.join(dir, 'works.json')], styles, cwd: dir}
  const cache = new BuildCache()
  cache.beginRun()
  let rebuilt = await buildEssay(source, 'essay', '', {...options, cache})
  const patched: number[] = []
  for (const edit of edits) {
    fs.writeFileSync(source, edit(fs.readFileSync(source, 'utf8')))
    cache.beginRun()
    rebuilt = await buildEssay(source, 'essay', '', {...options, cache})
    patched.push(cache.patched)
  }
  const cold = await buildEssay(source, 'essay', '', options)
  assert.ok(rebuilt.ok && cold.ok)
  assert.equal(rebuilt.outputs.get('index.html'), cold.outputs.get('index.html'))
  return {patched, rebuilt, cold}
}

const replace = (from: string, to: string) => (markdown: string) => {
  assert.ok(markdown.includes(from), from)
  return markdown.replace(from, to)
}

test('words changed in a paragraph, in emphasis, in a link, in a note and around a citation are patched, and the page is a full build\'s', async () => {
  const {patched} = await patchedAfter([
    replace('drew closer', 'drew much closer'),
    replace('*the twenty-tens*', '*the late twenty-tens*'),
    replace('[the record]', '[the public record]'),
    replace('The note says', 'The note tells'),
    replace('A paragraph with', 'A long paragraph with'),
    // Under the note style, the text around a citation loses its space before and its period after.
    replace(') shows [@khan2019', ') clearly shows [@khan2019'),
    replace('Arms sales followed.', 'Arms sales followed, slowly.')
  ])
  assert.deepEqual(patched, [1, 1, 1, 1, 1, 1, 1])
})

test('typed quotes, dashes and a line break are made as a full build makes them', async () => {
  const {rebuilt} = await patchedAfter([replace('an en dash', 'an "en" dash -- see'), replace('in a sentence or two.', 'in a sentence\nor two.'), replace('or two.', "or two, it's said...")])
  assert.match(String(rebuilt.outputs.get('index.html')), /an “en” dash – see/)
})

test('edits that change more than words are built in full', async () => {
  const {patched} = await patchedAfter([
    replace('## A first section', '## A first part'),
    replace('12].\nArms', '12].,\nArms'),
    replace('Arms sales followed.', 'Arms sales *followed*.'),
    replace('then a citation', 'then a second citation [@khan2019] and'),
    replace('about, in a sentence', 'about, in one sentence')
  ])
  // A heading (its id, the contents); punctuation next to that which the note style moves before
  // the note's number; emphasis; a citation; the opening sentences (the page's description).
  assert.deepEqual(patched, [0, 0, 0, 0, 0])
})

test('the words of the paragraphs the description is made of are built in full, wherever the description is cut', async () => {
  // The description is the opening's first sentences, at most 160 characters: here all of the
  // first one. The page's byline comes before it, but is not part of it.
  const opening = `---
title: Opening
author: Ann Writer
date: 2020-01-02
---

This first sentence of the essay is long enough to fill most of the page's description, which search engines show under its title in results.
Its second sentence is not in the description.

A second paragraph.
`
  const {patched, rebuilt} = await patchedAfter([replace('under its title', 'under its own title'), replace('second sentence is not', 'second sentence is still not'), replace('A second', 'A long second')], opening)
  assert.match(String(rebuilt.outputs.get('index.html')), /<meta name="description" content="This first sentence [^"]*under its own title in results\.">/)
  // Only the words outside the description's paragraphs are patched.
  assert.deepEqual(patched, [0, 0, 1])
})

test('a warning below a patched edit keeps its place in the edited essay', async () => {
  const {patched, rebuilt, cold} = await patchedAfter([replace('Moscow and Islamabad', 'Moscow\nand\nIslamabad')])
  assert.deepEqual(patched, [1])
  const where = (result: EssayResult) => result.file.messages.map((m) => [m.ruleId, m.line, m.column, m.place && 'start' in m.place ? m.place.end.line : undefined])
  assert.deepEqual(where(rebuilt), where(cold))
  assert.ok(rebuilt.file.messages.some((m) => m.ruleId === 'note-undefined' && m.line === 24), JSON.stringify(where(rebuilt)))
})

test('the one span an edit changed, and offsets carried back over several edits', () => {
  assert.deepEqual(textEdit('the cat', 'the the cat'), {at: 4, removed: 0, added: 4})
  assert.deepEqual(textEdit('abcdef', 'abXYef'), {at: 2, removed: 2, added: 2})
  const edits = [{at: 10, removed: 0, added: 5}, {at: 2, removed: 3, added: 4}]
  assert.equal(offsetBefore(1, edits), 1)
  assert.equal(offsetBefore(20, edits), 14)
  assert.equal(offsetBefore(3, edits), undefined)
})

test('words put in at random places of the shipped essay: each page, patched or built, is a cold build\'s', async () => {
  const dir = tempDir()
  const source = path.join(dir, 'essay.md')
  fs.copyFileSync(defaultEssay, source)
  const options: BuildOptions = {bibliography: [path.join(projectRoot, 'bibliography/russia-warms-up-to-pakistan.json')], styles}
  const cache = new BuildCache()
  cache.beginRun()
  await buildEssay(source, 'essay', '', {...options, cache})
  let seed = 7
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647)
  let patched = 0
  for (let n = 0; n < 10; n++) {
    const markdown = fs.readFileSync(source, 'utf8')
    const spaces = [...markdown.matchAll(/ /g)].map((m) => m.index!)
    const at = spaces[Math.floor(random() * spaces.length)]!
    fs.writeFileSync(source, `${markdown.slice(0, at)} word${n}${markdown.slice(at)}`)
    cache.beginRun()
    const rebuilt = await buildEssay(source, 'essay', '', {...options, cache})
    patched += cache.patched
    const cold = await buildEssay(source, 'essay', '', options)
    assert.equal(rebuilt.outputs.get('index.html'), cold.outputs.get('index.html'), `edit ${n} at ${at}: ${markdown.slice(at - 30, at + 30)}`)
  }
  assert.ok(patched >= 5, `${patched} of 10 patched`)
})

test('the summary line of a watched rebuild says which essays were patched', () => {
  assert.match(summaryLine({done: 2, total: 2, files: [], unchanged: 1, patched: 1}, 'built', 12), /^essay-edition: built 2 of 2 essays \(1 unchanged, 1 patched, words only\), 0 warnings/)
  assert.match(summaryLine({done: 1, total: 1, files: [], unchanged: 0, patched: 0}, 'built', 12), /^essay-edition: built 1 of 1 essay, 0 warnings/)
})
