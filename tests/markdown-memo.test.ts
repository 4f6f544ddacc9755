/** Rebuilds parse only the chunks of an essay that changed, into the tree a whole parse gives. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'
import type {Root} from 'mdast'
import {MarkdownMemo, chunksOf, definitionsIn} from '../src/util/markdown-memo.js'
import {parser, startsWithFrontMatter} from '../src/pipeline.js'
import {defaultEssay, projectRoot} from './helpers.js'

const require = createRequire(import.meta.url)
const spec = require('commonmark-spec') as {tests: Array<{markdown: string; number: number}>}
const parse = (markdown: string, frontMatter: boolean) => parser({frontMatter}).parse(markdown) as Root
const whole = (markdown: string) => parse(markdown, startsWithFrontMatter(markdown))

/**
 * `markdown` parsed chunk by chunk: the memo first sees an essay with the same definitions and no
 * chunk in common, so that every chunk is then parsed alone.
 */
function chunkByChunk(markdown: string, frontMatter = startsWithFrontMatter(markdown)): Root {
  const memo = new MarkdownMemo(parse, Infinity)
  const definitions = definitionsIn(whole(markdown).children, markdown)
  memo.parse(`Another essay.\n\n${definitions.join('\n\n')}\n`, false)
  const tree = memo.parse(markdown, frontMatter)
  const chunks = chunksOf(markdown, frontMatter)
  if (chunks) assert.deepEqual(memo.lastRun, {whole: false, parsed: chunks.length, reused: 0}, `chunk by chunk: ${JSON.stringify(markdown.slice(0, 80))}`)
  return tree
}

const tricky = [
  '---\ntitle: "A title"\n\nabstract: |\n  Two\n\n  paragraphs\n---\n\nText.[^a]\n\n[^a]: A note\n\n    with a second paragraph.\n\nMore text [link][ref] and [^b].\n\n[ref]: https://example.org\n\n[^b]: Another.\n',
  'Before.\n\n```js\nconst a = 1\n\nnot a boundary\n```\n\nAfter.\n\n~~~~\n```\n\nstill code\n~~~~\n\nEnd.\n',
  'Math:\n\n$$\na = b\n\nc = d\n$$\n\nDone.\n',
  '- one\n\n- two\n\n  continued\n\n1. first\n\n2) second\n\nNot a list.\n\n* * *\n\n---\n\nSetext\n===\n',
  '> quote\n\n> another quote\nlazy\n\n    indented code\n\n\tcode with a tab\n\nText\r\n\r\nCRLF text\r\n',
  '\n\n\nLeading blank lines.\n\nNo final newline',
  'Intro.\n\n<div>\n\nhtml\n\n</div>\n\nOutro.\n',
  'A[^1] and B[^2].\n\n[^1]: One, citing [@key].\n[^2]: Two.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText^[inline note] end.\n'
]

test('each chunk parsed alone gives the tree a whole parse gives (tricky essays, positions included)', () => {
  for (const markdown of tricky) {
    assert.deepEqual(chunkByChunk(markdown), whole(markdown), markdown)
  }
})

test('every CommonMark spec example, chunk by chunk, gives the whole parse', () => {
  let cut = 0
  for (const example of spec.tests) {
    const markdown = `Intro paragraph.\n\n${example.markdown}\n\nOutro paragraph.\n`
    const chunks = chunksOf(markdown, false)
    if (chunks && chunks.length > 1) cut++
    assert.deepEqual(chunkByChunk(markdown, false), parse(markdown, false), `example ${example.number}`)
  }
  assert.ok(cut > 400, `examples cut in chunks: ${cut}`)
})

test('the essays we ship and the Pandoc paper, chunk by chunk, give the whole parse', () => {
  for (const file of [defaultEssay, path.join(projectRoot, 'tests/fixtures/pandoc-paper/paper.md'), path.join(projectRoot, 'tests/fixtures/seed/russia-warms-up-to-pakistan.md')]) {
    if (!fs.existsSync(file)) continue
    const markdown = fs.readFileSync(file, 'utf8')
    assert.deepEqual(chunkByChunk(markdown), whole(markdown), file)
  }
})

test('after an edit only the edited chunk is parsed again; notes and links defined elsewhere still resolve', () => {
  const markdown = fs.readFileSync(defaultEssay, 'utf8')
  const memo = new MarkdownMemo(parse)
  assert.deepEqual(memo.parse(markdown, true), whole(markdown))
  const at = markdown.indexOf('\n\n', markdown.length / 3) + 2
  const edits = [
    `${markdown.slice(0, at)}A new sentence with a note.[^1] ${markdown.slice(at)}`,
    `${markdown.slice(0, at)}A new paragraph.\n\n${markdown.slice(at)}`,
    markdown.replace(/\n\n[^\n]+\n\n/, '\n\n')
  ]
  for (const edited of edits) {
    const tree = memo.parse(edited, true)
    assert.deepEqual(tree, whole(edited))
    assert.ok(!memo.lastRun.whole && memo.lastRun.parsed <= 2 && memo.lastRun.reused > 10, JSON.stringify(memo.lastRun))
  }
  const tree = memo.parse(edits[0]!, true)
  assert.ok(JSON.stringify(tree).includes('"type":"footnoteReference","identifier":"1"'), 'the note reference in the edited chunk')
})

test('an essay with HTML blocks is not cut; a note defined in a new chunk resolves in an old one', () => {
  assert.equal(chunksOf('a\n\n<div>\n\nb\n\n</div>\n', false), undefined)
  const memo = new MarkdownMemo(parse)
  const before = 'Text with a note.[^n]\n\nMiddle.\n\nEnd.\n'
  memo.parse(before, false)
  const after = 'Text with a note.[^n]\n\nMiddle.\n\n[^n]: Now defined.\n\nEnd.\n'
  assert.deepEqual(memo.parse(after, false), whole(after))
})

test('a line opening with an autolink or a comment closed on it opens no HTML block: the essay is still cut', () => {
  const essay = 'First paragraph, which goes on\n<https://example.org/a> and ends here.\n\n<!-- A comment -->\n\nSecond paragraph <a@example.org>.\n\n<name@example.org> wrote this.\n\nLast.\n'
  const chunks = chunksOf(essay, false)
  assert.ok(chunks && chunks.length >= 4, `chunks: ${chunks?.length}`)
  assert.deepEqual(chunkByChunk(essay, false), whole(essay))
  // A comment left open, an HTML tag, a fenced div: not cut.
  for (const open of ['<!-- open\n\nstill the comment -->', '<div class="x">', '::: note', '  <p>para</p>']) assert.equal(chunksOf(`a\n\n${open}\n\nb\n`, false), undefined, open)
})
