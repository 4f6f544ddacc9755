/**
 * The EPUB edition (`build --epub`): built through the CLI, unpacked with fflate, read as XML
 * documents, and validated by Debian's EPUBCheck (scripts/ensure-chromium.sh installs it).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {unzipSync} from 'fflate'
import type {Root} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {select, selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import {generateCorpus, writeCorpus} from '../bench/generate.js'
import {epubChapter, uuidV5} from '../src/outputs/epub.js'
import {buildEdition} from '../src/pipeline.js'
import {readEssay} from '../src/build.js'
import {inputsOf} from '../src/watch.js'
import {defaultEssay, fixture, projectRoot, runCli, tempDir} from './helpers.js'

const slug = 'russia-warms-up-to-pakistan'
const epoch = '1600000000' // 2020-09-13T12:26:40Z
const epubcheckJar = '/usr/share/java/epubcheck.jar'

/** EPUBCheck's verdict on a book: its counts line, and everything it said. */
function epubcheck(file: string): {counts: string; output: string} {
  const result = spawnSync('java', ['-jar', epubcheckJar, file], {encoding: 'utf8'})
  const output = `${result.stdout}\n${result.stderr}`
  const counts = /Messages: (\d+ fatals \/ \d+ errors \/ \d+ warnings)/.exec(output)?.[1] ?? output
  return {counts, output}
}

function assertValid(file: string) {
  const {counts, output} = epubcheck(file)
  assert.equal(counts, '0 fatals / 0 errors / 0 warnings', output)
}

/** The book's entries, in their order in the zip. */
function unpack(file: string): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(fs.readFileSync(file))))
}

const text = (entries: Map<string, Uint8Array>, name: string): string => {
  const data = entries.get(name)
  assert.ok(data, `${name} is in the book (it holds ${[...entries.keys()].join(', ')})`)
  return new TextDecoder().decode(data)
}

/** An XHTML document read as HTML (for selecting); its XML well-formedness is EPUBCheck's to say. */
const parse = (xhtml: string): Root => fromHtml(xhtml)

const onePixelPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const squareSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40"><rect width="40" height="40" fill="#369"/></svg>\n'

const mathPaper = `---
title: Waves and their measure
author:
  - Ada Quill
  - Ben Rule
date: 2021-05-01
lang: en-US
subject: Physics
keywords: [waves, measurement]
publisher: Example Press
doi: 10.1234/waves.2021
bibliography: refs.json
---

# Introduction

Energy is $E = mc^2$ and a wave is $y = A \\sin(kx - \\omega t)$ [@fourier1822, p. 3].[^a]

$$\\int_0^1 x\\,dx = \\frac{1}{2}$$

![A blue square, the figure's only content](figures/square.svg)

## Measure

A pixel: ![one pixel](figures/pixel.png) and the same pixel again ![the pixel again](figures/pixel.png).[^b]

| a | b |
|:-:|--:|
| 1 | 2 |

[^a]: See @fourier1822 for the heat equation, $u_t = \\alpha u_{xx}$.
[^b]: A second note.
`

const mathRefs = JSON.stringify([
  {id: 'fourier1822', type: 'book', title: 'Théorie analytique de la chaleur', author: [{family: 'Fourier', given: 'Joseph'}], issued: {'date-parts': [[1822]]}, publisher: 'Firmin Didot'}
])

function mathPaperFixture(extra: Record<string, string | Uint8Array> = {}): string {
  return fixture({'paper/waves.md': mathPaper, 'paper/refs.json': mathRefs, 'paper/figures/square.svg': squareSvg, 'paper/figures/pixel.png': onePixelPng, ...extra})
}

let defaultBuilt: {dir: string; epub: string} | undefined
/** The default essay built once with --epub, with a fixed SOURCE_DATE_EPOCH. */
function buildDefault() {
  if (defaultBuilt) return defaultBuilt
  const dir = tempDir()
  const result = runCli(['build', defaultEssay, '--out', dir, '--epub'], {env: {SOURCE_DATE_EPOCH: epoch}})
  assert.equal(result.code, 0, result.stderr)
  defaultBuilt = {dir, epub: path.join(dir, `${slug}.epub`)}
  return defaultBuilt
}

test('build --epub writes DIR/<slug>.epub, which EPUBCheck finds without error or warning', () => {
  const {epub} = buildDefault()
  assert.ok(fs.existsSync(epub))
  assertValid(epub)
})

test('the zip: mimetype first, stored, no extra field; then the container, the package, the nav', () => {
  const {epub} = buildDefault()
  const bytes = fs.readFileSync(epub)
  assert.equal(bytes.readUInt32LE(0), 0x04034b50, 'a local file header first')
  assert.equal(bytes.readUInt16LE(8), 0, 'stored, not deflated')
  const nameLength = bytes.readUInt16LE(26)
  assert.equal(bytes.readUInt16LE(28), 0, 'no extra field')
  assert.equal(bytes.subarray(30, 30 + nameLength).toString('latin1'), 'mimetype')
  assert.equal(bytes.subarray(30 + nameLength, 30 + nameLength + 20).toString('latin1'), 'application/epub+zip')
  assert.deepEqual([...unpack(epub).keys()], ['mimetype', 'META-INF/container.xml', 'EPUB/package.opf', 'EPUB/nav.xhtml', 'EPUB/style.css', 'EPUB/essay.xhtml'])
})

test('notes are aside epub:type="footnote", reached by a epub:type="noteref", with links back', () => {
  const entries = unpack(buildDefault().epub)
  const doc = parse(text(entries, 'EPUB/essay.xhtml'))
  const asides = selectAll('aside', doc)
  assert.equal(asides.length, 17, 'the essay has 17 notes')
  const ids = new Set(selectAll('[id]', doc).map((node) => String(node.properties.id)))
  const refs = selectAll('a[role="doc-noteref"]', doc)
  assert.equal(refs.length, 17)
  for (const ref of refs) {
    assert.equal(ref.properties['epub:type'], 'noteref', 'the reference says it is a note reference')
    const target = String(ref.properties.href).slice(1)
    const aside = asides.find((node) => node.properties.id === target)
    assert.ok(aside, `the reference to ${target} reaches an aside`)
    assert.equal(aside.properties['epub:type'], 'footnote')
    assert.equal(aside.properties.role, 'doc-footnote')
    const back = select('a[role="doc-backlink"]', aside)
    assert.ok(back, `note ${target} links back`)
    assert.equal(String(back.properties.href), `#${String(ref.properties.id)}`, 'back to its reference')
    assert.ok(ids.has(String(ref.properties.id)))
  }
  // Its number first, then its content: the first note is the first citation of Khan (MHRA, the essay's style).
  assert.match(toString(asides[0]!), /^1\. Feroze Hassan Khan, ‘Russia-Pakistan Strategic Relations/)
})

test('the content document holds the default style only, nothing that runs or switches', () => {
  const xhtml = text(unpack(buildDefault().epub), 'EPUB/essay.xhtml')
  const doc = parse(xhtml)
  for (const selector of ['script', 'style', 'button', 'select', '[hidden]', '.permalink', '.Z3988', '.entry-actions', 'nav', '[data-export]']) {
    assert.equal(selectAll(selector, doc).length, 0, `no ${selector}`)
  }
  const lists = selectAll('section[role="doc-bibliography"]', doc)
  assert.deepEqual(lists.map((node) => node.properties.dataStyle), ['modern-humanities-research-association'])
  // Every citation links to its entry, which the document holds.
  const citations = selectAll('a[role="doc-biblioref"]', doc)
  assert.ok(citations.length >= 17)
  for (const citation of citations) {
    const key = String(citation.properties.href).replace(/^#ref-/, '')
    assert.ok(select(`li[id="ref-${key}"]`, lists[0]!), `entry of ${key}`)
  }
  assert.match(xhtml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE html>\n<html xmlns="http:\/\/www.w3.org\/1999\/xhtml" xmlns:epub="http:\/\/www.idpf.org\/2007\/ops" lang="en-GB" xml:lang="en-GB">/)
})

test('the nav lists the headings: the chapter, then its sections', () => {
  const entries = unpack(mathBuild().epub)
  const nav = parse(text(entries, 'EPUB/nav.xhtml'))
  const toc = selectAll('nav', nav).find((node) => node.properties['epub:type'] === 'toc')
  assert.ok(toc, 'a toc nav')
  const links = selectAll('a', toc).map((a) => [String(a.properties.href), toString(a)])
  assert.deepEqual(links, [
    ['essay.xhtml', 'Waves and their measure'],
    ['essay.xhtml#introduction', 'Introduction'],
    ['essay.xhtml#measure', 'Measure'],
    ['essay.xhtml#notes-heading', 'Notes'],
    ['essay.xhtml#references-heading-modern-humanities-research-association', 'Bibliography'],
    ['essay.xhtml#cite-this-heading', 'Cite this essay']
  ])
  // "Measure" (##) nests under "Introduction" (#).
  const introduction = selectAll('li', toc).find((li) => toString(select('a', li)!) === 'Introduction')!
  assert.ok(select('ol a[href="essay.xhtml#measure"]', introduction))
  // Each target is in the content document.
  const doc = parse(text(entries, 'EPUB/essay.xhtml'))
  for (const [href] of links.slice(1)) assert.ok(select(`[id="${href.split('#')[1]}"]`, doc), href)
})

test('the metadata: front matter, DOI as identifier, dates, accessibility', () => {
  const opf = text(unpack(mathBuild().epub), 'EPUB/package.opf')
  const meta = (property: string) => [...opf.matchAll(new RegExp(`<meta property="${property}">([^<]*)</meta>`, 'g'))].map((m) => m[1])
  const dc = (name: string) => [...opf.matchAll(new RegExp(`<dc:${name}[^>]*>([^<]*)</dc:${name}>`, 'g'))].map((m) => m[1])
  assert.deepEqual(dc('identifier'), ['urn:doi:10.1234/waves.2021'])
  assert.deepEqual(dc('title'), ['Waves and their measure'])
  assert.deepEqual(dc('creator'), ['Ada Quill', 'Ben Rule'])
  assert.deepEqual(dc('language'), ['en-US'])
  assert.deepEqual(dc('date'), ['2021-05-01'])
  assert.deepEqual(dc('publisher'), ['Example Press'])
  assert.deepEqual(dc('subject'), ['Physics', 'waves', 'measurement'])
  assert.deepEqual(meta('dcterms:modified'), ['2021-05-01T00:00:00Z'], 'the front matter date, not the clock')
  assert.deepEqual(meta('schema:accessMode'), ['textual', 'visual'])
  assert.deepEqual(meta('schema:accessModeSufficient'), ['textual'])
  assert.deepEqual(meta('schema:accessibilityFeature'), ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability', 'alternativeText', 'MathML'])
  assert.deepEqual(meta('schema:accessibilityHazard'), ['none'])
  assert.equal(meta('schema:accessibilitySummary').length, 1)
  assert.deepEqual(meta('dcterms:conformsTo'), ['EPUB Accessibility 1.1 - WCAG 2.1 Level AA'])
  assert.match(opf, /<item id="essay-1" href="essay.xhtml" media-type="application\/xhtml\+xml" properties="mathml" \/>/)

  // Without a DOI: a UUID of the content; without a date: SOURCE_DATE_EPOCH.
  const other = text(unpack(buildDefault().epub), 'EPUB/package.opf')
  assert.match(other, /<dc:identifier id="pub-id">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/dc:identifier>/)
  assert.match(other, /<meta property="dcterms:modified">2020-09-13T12:26:40Z<\/meta>/)
  assert.match(other, /<dc:language>en-GB<\/dc:language>/)
  assert.doesNotMatch(other, /property="mathml"|schema:accessMode">visual/)
})

test('uuidV5 is RFC 9562\'s version 5 UUID', () => {
  // The RFC's own example: "www.example.com" in the DNS namespace is 2ed6657d-e927-568b-95e1-2665a8aea6a2;
  // ours is in the URL namespace, checked against Python's uuid.uuid5(uuid.NAMESPACE_URL, 'essay-edition').
  assert.equal(uuidV5('essay-edition'), '0bf569e3-6d9c-54b1-9452-988d57a0326f')
})

test('two builds of the same input are byte-identical, in any time zone', () => {
  const {epub} = buildDefault()
  const again = tempDir()
  const result = runCli(['build', defaultEssay, '--out', again, '--epub'], {env: {SOURCE_DATE_EPOCH: epoch, TZ: 'Pacific/Kiritimati'}})
  assert.equal(result.code, 0, result.stderr)
  assert.ok(fs.readFileSync(path.join(again, `${slug}.epub`)).equals(fs.readFileSync(epub)), 'the same bytes')
  // Another date is another book.
  const later = tempDir()
  assert.equal(runCli(['build', defaultEssay, '--out', later, '--epub'], {env: {SOURCE_DATE_EPOCH: '1700000000'}}).code, 0)
  assert.ok(!fs.readFileSync(path.join(later, `${slug}.epub`)).equals(fs.readFileSync(epub)))
})

let mathBuilt: {dir: string; epub: string; stderr: string} | undefined
function mathBuild() {
  if (mathBuilt) return mathBuilt
  const dir = mathPaperFixture()
  const out = path.join(dir, 'out')
  const result = runCli(['build', path.join(dir, 'paper/waves.md'), '--out', out, '--epub'])
  assert.equal(result.code, 0, result.stderr)
  mathBuilt = {dir, epub: path.join(out, 'waves.epub'), stderr: result.stderr}
  return mathBuilt
}

test('a paper with math and images: MathML kept, images embedded, valid', () => {
  const {epub, stderr} = mathBuild()
  assert.doesNotMatch(stderr, /warning/, 'no warning')
  assertValid(epub)
  const entries = unpack(epub)
  const xhtml = text(entries, 'EPUB/essay.xhtml')
  const doc = parse(xhtml)
  // Math: MathML only, in its namespace; KaTeX's wrapper gone. Also in a note.
  assert.equal((xhtml.match(/<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML"/g) ?? []).length, 4)
  assert.equal(selectAll('.katex', doc).length, 0)
  assert.ok(select('aside math', doc), 'math in a note')
  assert.match(xhtml, /<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" display="block">/)
  // Images: one file per image (the same pixel twice is one file), each listed in the manifest.
  const images = selectAll('img', doc)
  assert.equal(images.length, 3)
  const files = [...entries.keys()].filter((name) => name.startsWith('EPUB/images/'))
  assert.equal(files.length, 2)
  assert.deepEqual([...new Set(images.map((img) => `EPUB/${String(img.properties.src)}`))].sort(), files.sort())
  const svg = files.find((name) => name.endsWith('.svg'))!
  assert.equal(text(entries, svg), squareSvg)
  assert.ok(Buffer.from(entries.get(files.find((name) => name.endsWith('.png'))!)!).equals(onePixelPng))
  const opf = text(entries, 'EPUB/package.opf')
  assert.match(opf, /media-type="image\/svg\+xml"/)
  assert.match(opf, /media-type="image\/png"/)
  assert.equal(String(images[0]!.properties.alt), 'A blue square, the figure’s only content')
})

test('a paper in a note style with 300 notes: valid, every note an aside', () => {
  const dir = tempDir()
  const md = writeCorpus(generateCorpus('medium'), dir)
  const out = path.join(dir, 'out')
  const result = runCli(['build', md, '--out', out, '--epub', '--style', 'chicago-fullnote-bibliography', '--style', 'apa'])
  assert.equal(result.code, 0, result.stderr)
  const epub = path.join(out, 'medium.epub')
  assertValid(epub)
  const doc = parse(text(unpack(epub), 'EPUB/essay.xhtml'))
  const asides = selectAll('aside[role="doc-footnote"]', doc)
  assert.ok(asides.length >= 300, `${asides.length} notes`)
  assert.equal(selectAll('a[role="doc-noteref"]', doc).length, asides.length)
  assert.equal(selectAll('section[role="doc-bibliography"]', doc).length, 1)
  assert.equal(select('section[role="doc-bibliography"]', doc)!.properties.dataStyle, 'chicago-fullnote-bibliography')
})

test('a bad image path is a located warning, and the book is still valid', () => {
  const dir = mathPaperFixture({'paper/waves.md': mathPaper.replace('figures/pixel.png) and', 'figures/missing.png) and')})
  const out = path.join(dir, 'out')
  const result = runCli(['build', path.join(dir, 'paper/waves.md'), '--out', out, '--epub'])
  assert.equal(result.code, 0, result.stderr)
  // The line and column of the image itself (line 25 of the essay, after "A pixel: ").
  assert.match(result.stderr, /25:10-25:43\s+warning\s+Image "figures\/missing.png" is left out of the EPUB: it cannot be read \(ENOENT[^)]*\); its description stands in its place\s+epub-image/)
  const epub = path.join(out, 'waves.epub')
  assertValid(epub)
  const doc = parse(text(unpack(epub), 'EPUB/essay.xhtml'))
  assert.equal(selectAll('img', doc).length, 2)
  assert.equal(toString(select('.missing-image', doc)!), '[one pixel]')
  // Under --strict the warning is an error: no book, no page.
  const strict = path.join(dir, 'strict')
  assert.equal(runCli(['build', path.join(dir, 'paper/waves.md'), '--out', strict, '--epub', '--strict']).code, 1)
  assert.ok(!fs.existsSync(path.join(strict, 'waves.epub')))
})

test('a collection with --epub: each essay its book, and collection.epub with every essay a chapter', () => {
  const dir = mathPaperFixture({
    'paper/short.md': '---\ntitle: A short note\nauthor: Cy Dee\n---\n\nA line with a note.[^1]\n\n[^1]: The note of the short essay.\n',
    [`paper/${slug}.md`]: fs.readFileSync(defaultEssay, 'utf8'),
    [`bibliography/${slug}.json`]: fs.readFileSync(path.join(projectRoot, 'bibliography', `${slug}.json`))
  })
  const out = path.join(dir, 'out')
  const result = runCli(['build', path.join(dir, 'paper'), '--out', out, '--epub', '--collection-title', 'Three essays'], {cwd: dir, env: {SOURCE_DATE_EPOCH: epoch}})
  assert.equal(result.code, 0, result.stderr)
  const book = path.join(out, 'collection.epub')
  assertValid(book)
  for (const name of [slug, 'short', 'waves']) assert.ok(fs.existsSync(path.join(out, name, `${name}.epub`)), `${name}/${name}.epub`)
  const page = fromHtml(fs.readFileSync(path.join(out, 'index.html'), 'utf8'))
  assert.equal(toString(select('title', page)!), 'Three essays', '--collection-title names the page too')
  assert.ok(select('a[href="collection.epub"]', page))
  assert.ok(select('a[href="short/short.epub"]', page))

  const entries = unpack(book)
  const opf = text(entries, 'EPUB/package.opf')
  assert.match(opf, /<dc:title id="title">Three essays<\/dc:title>/)
  assert.deepEqual([...opf.matchAll(/<dc:creator[^>]*>([^<]*)</g)].map((m) => m[1]), ['Cy Dee', 'Ada Quill', 'Ben Rule'])
  assert.deepEqual([...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]), ['essay-1', 'essay-2', 'essay-3'])
  assert.match(opf, /<meta property="dcterms:modified">2021-05-01T00:00:00Z<\/meta>/, 'the latest date of its essays')
  const nav = parse(text(entries, 'EPUB/nav.xhtml'))
  const toc = selectAll('nav', nav).find((node) => node.properties['epub:type'] === 'toc')!
  const chapters = selectAll(':scope > ol > li > a', toc).map((a) => [String(a.properties.href), toString(a)])
  assert.deepEqual(chapters, [['essay-1.xhtml', 'Russia warms up to Pakistan'], ['essay-2.xhtml', 'A short note'], ['essay-3.xhtml', 'Waves and their measure']])
  // Each chapter has its own notes and references (the third: its two notes and, under MHRA, a
  // note style, the note its citation in the text becomes).
  const notes = (name: string) => selectAll('aside[role="doc-footnote"]', parse(text(entries, `EPUB/${name}`))).length
  assert.deepEqual([notes('essay-1.xhtml'), notes('essay-2.xhtml'), notes('essay-3.xhtml')], [17, 1, 3])
  const short = parse(text(entries, 'EPUB/essay-2.xhtml'))
  assert.equal(toString(select('aside', short)!).replace(/\s*↩$/, ''), '1. The note of the short essay.')
  assert.equal(selectAll('section[role="doc-bibliography"]', parse(text(entries, 'EPUB/essay-1.xhtml'))).length, 1)
  assert.equal(selectAll('section[role="doc-bibliography"]', parse(text(entries, 'EPUB/essay-3.xhtml'))).length, 1)
  assert.ok([...entries.keys()].some((name) => name.startsWith('EPUB/images/')), 'the images of the third essay')
})

test('odd input still makes a valid book: raw HTML, a task list, a note used twice, a data URL image, links out of the book, a free-form date', () => {
  const dir = fixture({'odd.md': `---
title: "Kitchen <sink> & co"
author: [A. B., "C D"]
date: "May 2021"
lang: fr
---

# Heading *one* {#h:one}

- [ ] task
- [x] done

Text[^n] and again[^n] with \`code\` and <kbd>Ctrl</kbd> <span style="color:red">red</span> <u>u</u>.

<div class="x"><img src="nope.png" alt="no"><br><input type="checkbox" checked disabled></div>

Line ~sub~ ^sup^ [link](other.html) [ext](https://example.org) [frag](#h:one) [bad frag](#nowhere)

| a | b |
|--:|:-:|
| \`x\` | y |

![a pixel](data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7)

$$\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}$$

[^n]: A note used twice, with $x^2$.
`})
  const out = path.join(dir, 'out')
  const result = runCli(['build', path.join(dir, 'odd.md'), '--out', out, '--epub', '--style', 'apa'])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, /15:16-15:45\s+warning\s+Image "nope.png" is left out of the EPUB/)
  assert.match(result.stderr, /17:18-17:36\s+warning\s+Link "other.html" is not a link in the EPUB/)
  const epub = path.join(out, 'odd.epub')
  assertValid(epub)
  const entries = unpack(epub)
  const doc = parse(text(entries, 'EPUB/essay.xhtml'))
  assert.equal(toString(select('.date', doc)!), 'May 2021')
  assert.equal(select('.date time', doc), undefined, 'no time element for a date HTML cannot read')
  const aside = select('aside', doc)!
  assert.equal(selectAll('a[role="doc-backlink"]', aside).length, 2, 'a note referenced twice links back to both references')
  assert.equal(select('a[href="#nowhere"]', doc), undefined, 'a link to nothing in the document is its text')
  assert.ok(select('a[href="#h:one"]', doc))
  assert.equal([...entries.keys()].filter((name) => name.endsWith('.gif')).length, 1, 'the data URL image is a file of the book')
})

test('--default-style chooses the style of the book: APA, citations in the text, its reference list', () => {
  const dir = mathPaperFixture()
  const out = path.join(dir, 'out')
  const result = runCli(['build', path.join(dir, 'paper/waves.md'), '--out', out, '--epub', '--default-style', 'apa'])
  assert.equal(result.code, 0, result.stderr)
  const doc = parse(text(unpack(path.join(out, 'waves.epub')), 'EPUB/essay.xhtml'))
  assert.deepEqual(selectAll('section[role="doc-bibliography"]', doc).map((node) => node.properties.dataStyle), ['apa'])
  assert.equal(selectAll('aside', doc).length, 2, "the author's two notes, no note made of a citation")
  assert.equal(toString(select('#p-1 a[role="doc-biblioref"]', doc) ?? select('p a[role="doc-biblioref"]', doc)!), '(Fourier, 1822, p. 3)')
})

test('a rebuild (build --watch, preview) sees a changed image: the images the book read are inputs of the essay', async () => {
  const dir = mathPaperFixture()
  const source = path.join(dir, 'paper/waves.md')
  const file = readEssay(source)
  const {tree} = await buildEdition(file, {styles: ['apa'], bibliography: [path.join(dir, 'paper/refs.json')]})
  assert.ok(tree)
  epubChapter(tree, file)
  const images = [path.join(dir, 'paper/figures/pixel.png'), path.join(dir, 'paper/figures/square.svg')]
  assert.deepEqual(file.data.epubImages, images)
  const before = inputsOf(source, 'waves', '', file, {inputs: [source], epub: true})
  for (const image of images) assert.ok(before.inputs.includes(image), `${image} is watched`)
  fs.writeFileSync(images[1]!, squareSvg.replace('#369', '#963'))
  assert.notEqual(inputsOf(source, 'waves', '', file, {inputs: [source], epub: true}).hash, before.hash)
})

test('without --epub no book is written', () => {
  const dir = tempDir()
  assert.equal(runCli(['build', path.join(projectRoot, 'tests/fixtures/pandoc-paper/paper.md'), '--out', dir]).code, 0)
  assert.deepEqual(fs.readdirSync(dir).filter((name) => name.endsWith('.epub')), [])
})
