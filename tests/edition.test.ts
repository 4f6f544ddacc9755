/** The default essay, built as a user would, read back as HTML. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {fromHtml} from 'hast-util-from-html'
import {selectAll, select} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import type {Element} from 'hast'
import {buildDefaultEssay, projectRoot, runCli, tempDir, defaultEssay} from './helpers.js'
import {shippedStyleIds} from '../src/citations/styles.js'

const file = buildDefaultEssay()
const html = fs.readFileSync(file, 'utf8')
const tree = fromHtml(html)
const text = (node: Element | undefined) => (node ? toString(node).replace(/\s+/g, ' ').trim() : '')

function noteText(n: number, style: string): string {
  const li = select(`section[role=doc-endnotes] li#fn-${n}`, tree)
  assert.ok(li, `note ${n} exists`)
  const variant = selectAll('.cite-variant', li).find((el) => String(el.properties.dataStyles).split(' ').includes(style))
  return text(variant)
}

test('17 note references and 17 endnotes, each with a backlink to its reference', () => {
  const refs = selectAll('a[role=doc-noteref]', tree)
  assert.equal(refs.length, 17)
  refs.forEach((ref, i) => {
    assert.equal(text(ref), String(i + 1))
    assert.equal(ref.properties.href, `#fn-${i + 1}`)
  })
  const notes = selectAll('section[role=doc-endnotes] > ol > li', tree)
  assert.equal(notes.length, 17)
  notes.forEach((li, i) => {
    const back = select('a[role=doc-backlink]', li)
    assert.equal(back?.properties.href, `#fnref-${i + 1}`)
  })
})

test('every paragraph of the seed is in the page, verbatim but for the allowed mends', () => {
  const seed = fs.readFileSync(path.join(projectRoot, 'tests/fixtures/seed-russia-warms-up-to-pakistan.txt'), 'utf8')
  const body = seed.split('Footnotes :')[0]!
  const paragraphs = body.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p && p !== 'Russia warms up to Pakistan')
  const article = structuredClone(select('article', tree)!)
  for (const sup of selectAll('sup.note-mark', article)) sup.children = []
  const pageText = text(article)
  const mend = (p: string) =>
    p.replace(/^\* /, '')
      .replace(/([.,’;:)])\d{1,2}(?=\s|$)/g, '$1') // note numbers after punctuation
      .replace(/im-prove/g, 'improve').replace(/dis-agreements/g, 'disagreements').replace(/corner-stone/g, 'cornerstone')
      .replace(/[\s\u00a0]+/g, ' ').trim()
  assert.ok(paragraphs.length >= 20)
  for (const paragraph of paragraphs) assert.ok(pageText.includes(mend(paragraph)), `missing: ${mend(paragraph).slice(0, 80)}`)
  assert.equal(selectAll('article > ul > li', tree).length, 5, 'the five recommendations are a list')
})

test('nine styles, each listing the 13 works; only the shown list carries ref-KEY ids', () => {
  const sections = selectAll('section[role=doc-bibliography]', tree)
  assert.deepEqual(sections.map((s) => s.properties.dataStyle).sort(), [...shippedStyleIds].sort())
  for (const section of sections) {
    const entries = selectAll('li[data-key]', section)
    assert.equal(entries.length, 13, String(section.properties.dataStyle))
    const shown = section.properties.hidden !== true
    for (const li of entries) assert.equal(li.properties.id, shown ? `ref-${String(li.properties.dataKey)}` : undefined)
  }
  assert.equal(selectAll('section[role=doc-bibliography]:not([hidden])', tree).length, 1)
  assert.equal(select('section[role=doc-bibliography]:not([hidden])', tree)?.properties.dataStyle, 'modern-humanities-research-association')
})

test('Turabian: Ibid. for note 2, a full note 3, short forms with pages for 7, 15 and 17', () => {
  const style = 'turabian-fullnote-bibliography'
  assert.equal(noteText(2, style), 'Ibid.')
  assert.match(noteText(3, style), /Herald of the Russian Academy of Sciences/)
  assert.match(noteText(3, style), /^Syed Muhammad Saad Zaidi and Adam Saud/)
  assert.match(noteText(7, style), /^Zaidi and Saud, .*159\.$/)
  assert.match(noteText(15, style), /^Abbas, .*201\.$/)
  assert.match(noteText(17, style), /^Zaidi and Saud, .*161\.$/)
  assert.doesNotMatch(noteText(7, style), /Herald/)
})

test('APA: in-text forms in the notes, and the DOI as a link in the Zaidi and Saud entry', () => {
  assert.equal(noteText(3, 'apa'), '(Zaidi & Saud, 2021)')
  assert.notEqual(noteText(3, 'apa'), noteText(3, 'turabian-fullnote-bibliography'))
  const entry = select('section[data-style=apa] li[data-key=zaidi2021]', tree)
  const links = selectAll('a', entry!).map((a) => String(a.properties.href))
  assert.ok(links.includes('https://doi.org/10.1134/S1019331621020106'))
})

test('citations link to entries, entries link back to each citing place', () => {
  const citations = selectAll('a[role=doc-biblioref]', tree)
  const variants = selectAll('.citation .cite-variant', tree)
  assert.ok(variants.length >= 17 * 3)
  for (const variant of variants) assert.ok(select('a[role=doc-biblioref]', variant), 'every rendering links its work')
  for (const a of citations) assert.match(String(a.properties.href), /^#ref-[a-z0-9]+$/)
  const khan = select('section[data-style=apa] li[data-key=khan2021]', tree)!
  const back = selectAll('a[role=doc-backlink]', khan)
  assert.deepEqual(back.map((a) => text(a)), ['note 1', 'note 2'])
  for (const a of back) assert.ok(select(String(a.properties.href), tree), `${String(a.properties.href)} exists`)
})

test('no in-page link points to a missing id; ids are unique', () => {
  const ids = selectAll('[id]', tree).map((el) => String(el.properties.id))
  assert.equal(new Set(ids).size, ids.length, 'unique ids')
  const idSet = new Set(ids)
  for (const a of selectAll('a[href^="#"]', tree)) {
    const target = decodeURIComponent(String(a.properties.href).slice(1))
    if (a.properties.role === 'doc-biblioref') continue // resolved by the shown list (checked above)
    assert.ok(target === '' || idSet.has(target), `#${target}`)
  }
  for (const a of selectAll('a[role=doc-biblioref]', tree)) assert.ok(idSet.has(String(a.properties.href).slice(1)))
})

test('self-contained: no external script, stylesheet or image; CSP present; Highwire and COinS', () => {
  assert.equal(selectAll('script[src], link[rel=stylesheet], img, iframe', tree).length, 0)
  assert.match(String(select('meta[http-equiv=Content-Security-Policy]', tree)?.properties.content), /default-src 'none'/)
  assert.equal(select('meta[name=citation_title]', tree)?.properties.content, 'Russia warms up to Pakistan')
  assert.equal(selectAll('meta[name=citation_reference]', tree).length, 13)
  assert.equal(selectAll('span.Z3988', tree).length, 13)
  assert.equal(select('html', tree)?.properties.lang, 'en-GB')
})

test('two builds of the same essay are byte-identical', () => {
  const out = tempDir()
  const result = runCli(['build', defaultEssay, '--out', out])
  assert.equal(result.code, 0, result.stderr)
  assert.equal(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), html)
})
