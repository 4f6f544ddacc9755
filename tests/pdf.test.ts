/**
 * The PDF edition (`build --pdf`): built through the CLI in Debian's Chromium, read back with
 * poppler-utils (pdfinfo, pdftotext, pdffonts). Also the print variant of the page, as a unit.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawn, spawnSync} from 'node:child_process'
import http from 'node:http'
import type {Element, Root} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {select, selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import {installHint} from '../src/outputs/chromium.js'
import {printHtml} from '../src/outputs/print-html.js'
import {pdfDate} from '../src/outputs/pdf.js'
import {cliPath, defaultEssay, fixture, runCli, tempDir} from './helpers.js'

const slug = 'russia-warms-up-to-pakistan'
const epoch = '1600000000' // 2020-09-13T12:26:40Z

function tool(command: string, args: string[]): {stdout: string; stderr: string} {
  const result = spawnSync(command, args, {encoding: 'utf8'})
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`)
  return {stdout: result.stdout, stderr: result.stderr}
}

function info(pdf: string): Map<string, string> {
  const {stdout, stderr} = tool('pdfinfo', ['-isodates', pdf])
  assert.equal(stderr.trim(), '', 'poppler reads the PDF without complaint')
  return new Map(stdout.split('\n').filter((line) => line.includes(':')).map((line) => {
    const at = line.indexOf(':')
    return [line.slice(0, at), line.slice(at + 1).trim()]
  }))
}

/** The text of one page, laid out, as lines without trailing blank lines. */
function pageLines(pdf: string, page: number): string[] {
  const lines = tool('pdftotext', ['-f', String(page), '-l', String(page), '-layout', pdf, '-']).stdout.replace(/\f/g, '').split('\n')
  while (lines.length > 0 && !lines[lines.length - 1]!.trim()) lines.pop()
  return lines
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim()

let built: {dir: string; pdf: string; html: string} | undefined
/** The default essay built once with --pdf, with a fixed SOURCE_DATE_EPOCH. */
function buildDefault() {
  if (built) return built
  const dir = tempDir()
  const result = runCli(['build', defaultEssay, '--out', dir, '--pdf'], {env: {SOURCE_DATE_EPOCH: epoch}})
  assert.equal(result.code, 0, result.stderr)
  built = {dir, pdf: path.join(dir, `${slug}.pdf`), html: fs.readFileSync(path.join(dir, 'index.html'), 'utf8')}
  return built
}

test('build --pdf writes DIR/<slug>.pdf: A4, several pages, the title, tagged, reproducible dates', () => {
  const {pdf} = buildDefault()
  const meta = info(pdf)
  assert.ok(Number(meta.get('Pages')) >= 3, `pages: ${meta.get('Pages')}`)
  assert.equal(meta.get('Title'), 'Russia warms up to Pakistan')
  assert.match(meta.get('Page size') ?? '', /\(A4\)/)
  assert.equal(meta.get('Tagged'), 'yes')
  assert.equal(meta.get('CreationDate'), '2020-09-13T12:26:40Z')
  assert.equal(meta.get('ModDate'), '2020-09-13T12:26:40Z')
  // Chromium writes no XMP here; if it ever does, its dates would need rewriting too (src/outputs/pdf.ts).
  assert.equal(meta.get('Metadata Stream'), 'no')
})

test('every font is embedded, and they are the installed DejaVu fonts', () => {
  const {pdf} = buildDefault()
  const rows = tool('pdffonts', [pdf]).stdout.split('\n').slice(2).filter((line) => line.trim())
  assert.ok(rows.length > 0, 'fonts listed')
  for (const row of rows) {
    // name, type (one or more words), encoding, then emb sub uni object ID.
    const columns = row.trim().split(/\s+/)
    assert.equal(columns[columns.length - 5], 'yes', `embedded: ${row}`)
    assert.match(columns[0]!, /DejaVu/, row)
  }
})

test('the DOI is a live link', () => {
  const {pdf} = buildDefault()
  const urls = tool('pdfinfo', ['-url', pdf]).stdout
  assert.match(urls, /Annotation\s+https:\/\/doi\.org\/10\.1134\/S1019331621020106\s*$/m)
})

test('notes 1, 8 and 17 stand at the foot of the page that carries their marker, numbered as on the web', () => {
  const {pdf, html} = buildDefault()
  const pages = Number(info(pdf).get('Pages'))
  const tree = fromHtml(html)
  // The web edition's visible text: what the default style shows.
  const visible = (node: Element): string => {
    const copy = structuredClone(node)
    for (const hidden of selectAll('[hidden], [role=doc-backlink]', copy)) hidden.children = []
    return squeeze(toString(copy))
  }
  for (const n of [1, 8, 17]) {
    const note = select(`section[role=doc-endnotes] li#fn-${n}`, tree)
    assert.ok(note, `note ${n} in the web edition`)
    const content = visible(note).slice(0, 30)
    const reference = select(`sup.note-mark > a[role=doc-noteref][href="#fn-${n}"]`, tree)!
    assert.equal(toString(reference), String(n), `the web edition numbers note ${n} so`)
    // The few characters just before the marker in the running text, e.g. "tan," of "Pakistan,1".
    const paragraph = structuredClone(selectAll('article p', tree).find((p) => select(`a[href="#fn-${n}"]`, p))!)
    select(`sup.note-mark:has(a[href="#fn-${n}"])`, paragraph)!.children = [{type: 'text', value: '\u0000'}]
    const before = visible(paragraph).split('\u0000')[0]!.replace(/\s/g, '').slice(-4)
    assert.ok(before.length === 4, `text before marker ${n}`)

    const found: number[] = []
    for (let page = 1; page <= pages; page++) {
      const lines = pageLines(pdf, page)
      const at = lines.findIndex((line) => squeeze(line).startsWith(`${n}. ${content}`))
      if (at < 0) continue
      found.push(page)
      assert.ok(at > lines.length / 2, `note ${n} is in the bottom half of page ${page} (line ${at} of ${lines.length})`)
      const body = squeeze(lines.slice(0, at).join(' '))
      assert.ok(body.includes(`${before}${n}`), `page ${page} carries the marker ${before}${n} above note ${n}`)
      const below = lines.slice(at + 1).filter((line) => line.trim())
      assert.equal(squeeze(below[below.length - 1]!), String(page), 'the page number closes the page, below the notes')
    }
    assert.deepEqual(found.length, 1, `note ${n} printed once, at the foot of a page (found on ${found.join(', ') || 'none'})`)
  }
})

test('running head and page numbers; no endnotes, no other style, one reference list', () => {
  const {pdf} = buildDefault()
  const pages = Number(info(pdf).get('Pages'))
  const all: string[] = []
  for (let page = 1; page <= pages; page++) {
    const lines = pageLines(pdf, page).filter((line) => line.trim())
    all.push(...lines.map(squeeze))
    assert.equal(squeeze(lines[lines.length - 1]!), String(page), `page number on page ${page}`)
    if (page > 1) assert.equal(squeeze(lines[0]!), 'Russia warms up to Pakistan', `running head on page ${page}`)
  }
  assert.ok(!all.includes('Notes'), 'no endnotes section')
  assert.equal(all.filter((line) => line === 'Bibliography').length, 1, 'the MHRA bibliography, once')
  assert.ok(!all.includes('References'), 'no other style\'s reference list')
  assert.ok(!all.some((line) => /\(Khan, 2021\)|Ibid\./.test(line)), 'no citation of another style')
  assert.ok(!all.some((line) => /Copy|Cited at|¶/.test(line)), 'no buttons, backlinks or permalinks')
})

test('two builds of the same essay are byte-identical', () => {
  const {pdf} = buildDefault()
  const again = tempDir()
  const result = runCli(['build', defaultEssay, '--out', again, '--pdf', '--quiet'], {env: {SOURCE_DATE_EPOCH: epoch}})
  assert.equal(result.code, 0, result.stderr)
  assert.ok(fs.readFileSync(pdf).equals(fs.readFileSync(path.join(again, `${slug}.pdf`))), 'same bytes')
})

test('several essays with --pdf --paper letter: DIR/<slug>/<slug>.pdf, linked from the collection; metadata from the front matter', () => {
  const front = 'title: First essay\nauthor: [Jane Doe, Jöhn Roe]\ndate: 2021-05-01\nsubject: Geopolitics\nkeywords: [Russia, Pakistan]'
  const dir = fixture({
    'a.md': `---\n${front}\n---\n\nOne.[^1]\n\n[^1]: A note.\n`,
    'b.md': '---\ntitle: Second essay\n---\n\nTwo.\n'
  })
  const result = runCli(['build', 'a.md', 'b.md', '--out', 'site', '--pdf', '--paper', 'letter'], {cwd: dir, env: {SOURCE_DATE_EPOCH: epoch}})
  assert.equal(result.code, 0, result.stderr)
  const a = info(path.join(dir, 'site/a/a.pdf'))
  assert.equal(a.get('Title'), 'First essay')
  assert.equal(a.get('Author'), 'Jane Doe, Jöhn Roe')
  assert.equal(a.get('Subject'), 'Geopolitics')
  assert.equal(a.get('Keywords'), 'Russia, Pakistan')
  assert.equal(a.get('CreationDate'), '2021-05-01T00:00:00Z', 'the front matter date wins over SOURCE_DATE_EPOCH')
  assert.match(a.get('Page size') ?? '', /612 x 792 pts/)
  const b = info(path.join(dir, 'site/b/b.pdf'))
  assert.equal(b.get('Title'), 'Second essay')
  assert.equal(b.get('Author'), undefined)
  assert.equal(b.get('CreationDate'), '2020-09-13T12:26:40Z')
  const index = fs.readFileSync(path.join(dir, 'site/index.html'), 'utf8')
  assert.match(index, /href="a\/a\.pdf"/)
  assert.match(index, /href="b\/b\.pdf"/)
})

test('the page is printed offline: not even a trusted essay\'s image is fetched', async () => {
  const requests: string[] = []
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '')
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const {port} = server.address() as {port: number}
    const dir = fixture({'e.md': `---\ntitle: Offline\n---\n\nText.\n\n<img src="http://127.0.0.1:${port}/image.png" alt="">\n`})
    // Asynchronously, so that this process can answer (and count) a request if one came.
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [cliPath, 'build', 'e.md', '--out', 'out', '--pdf', '--trust-html', '--quiet'], {cwd: dir, stdio: 'ignore'}).on('exit', resolve)
    })
    assert.equal(code, 0)
    assert.match(fs.readFileSync(path.join(dir, 'out/index.html'), 'utf8'), new RegExp(`127\\.0\\.0\\.1:${port}/image\\.png`), 'the page asks for the image')
    assert.ok(fs.existsSync(path.join(dir, 'out/e.pdf')))
    assert.deepEqual(requests, [], 'no request reached the network')
  } finally {
    server.close()
  }
})

test('without Chromium, --pdf exits 1 with the install hint and writes nothing', () => {
  const out = path.join(tempDir(), 'out')
  const result = runCli(['build', defaultEssay, '--out', out, '--pdf'], {env: {CHROMIUM_PATH: '/nonexistent'}})
  assert.equal(result.code, 1)
  assert.ok(result.stderr.includes(installHint), result.stderr)
  assert.ok(!fs.existsSync(out), 'nothing written')
})

test('--paper takes a4 or letter only', () => {
  const result = runCli(['build', defaultEssay, '--out', path.join(tempDir(), 'out'), '--pdf', '--paper', 'a5'])
  assert.equal(result.code, 2)
  assert.match(result.stderr, /--paper must be a4 or letter/)
})

test('pdfDate: the front matter date, else SOURCE_DATE_EPOCH, else the Unix epoch', () => {
  assert.equal(pdfDate('2021-05-01', {}).toISOString(), '2021-05-01T00:00:00.000Z')
  assert.equal(pdfDate('2021', {SOURCE_DATE_EPOCH: epoch}).toISOString(), '2021-01-01T00:00:00.000Z')
  assert.equal(pdfDate(undefined, {SOURCE_DATE_EPOCH: epoch}).toISOString(), '2020-09-13T12:26:40.000Z')
  assert.equal(pdfDate('2021-05-01T10:00:00+02:00', {}).toISOString(), '2021-05-01T08:00:00.000Z')
  // A date as people write it in front matter, read as the page reads it (at 00:00 UTC, never in the
  // machine's time zone); an ambiguous one (March or May) is not guessed.
  assert.equal(pdfDate('1 May 2021', {SOURCE_DATE_EPOCH: epoch}).toISOString(), '2021-05-01T00:00:00.000Z')
  assert.equal(pdfDate('3/5/2021', {SOURCE_DATE_EPOCH: epoch}).toISOString(), '2020-09-13T12:26:40.000Z')
  assert.equal(pdfDate('not a date', {}).toISOString(), '1970-01-01T00:00:00.000Z')
})

test('printHtml: footnotes after their first reference, only the default style, no script or CSP', () => {
  const page = `<!doctype html><html lang="en"><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<title>A "quoted" title</style></title><style>body{}</style></head><body>
<a class="skip-link" href="#main">Skip</a>
<header class="masthead"><h1 class="title">T</h1><div class="reader-controls" hidden><select></select></div></header>
<main id="main"><article>
<p id="p-1">Text.<sup class="note-mark"><a role="doc-noteref" href="#fn-1" id="fnref-1" class="note-ref">1</a></sup>
Cited <span class="cite-variant" data-styles="apa" hidden>(Doe, 2020)</span><span class="cite-variant" data-styles="mhra"><sup class="note-mark"><a role="doc-noteref" href="#fn-2" id="fnref-2" class="note-ref">2</a></sup></span>
again.<sup class="note-mark"><a role="doc-noteref" href="#fn-1" id="fnref-1-2" class="note-ref">1</a></sup><a class="permalink" href="#p-1">¶</a></p>
<section role="doc-endnotes" id="notes"><h2>Notes</h2><ol>
<li id="fn-1" value="1"><p>First <em>note</em>. <a role="doc-backlink" href="#fnref-1">↩a</a></p><ul><li>item</li></ul></li>
<li id="fn-2" value="2"><p><span data-styles="mhra">Doe, <i>Book</i>.</span><span data-styles="chicago" hidden>Doe, Book (Chicago).</span> <a role="doc-backlink" href="#fnref-2">↩</a></p></li>
</ol></section>
<div class="reference-lists"><section role="doc-bibliography" data-style="mhra"><h2>Bibliography</h2><button class="copy-all">Copy all</button><ul><li id="ref-doe"><div class="csl-entry">Doe, Jane</div><div class="entry-actions"><a role="doc-backlink" href="#cite-1">note 2</a><button>Copy</button></div><span class="Z3988"></span></li></ul></section>
<section role="doc-bibliography" data-style="apa" hidden><h2>References</h2></section></div>
</article></main><div id="live-region"></div><script>alert(1)</script></body></html>`
  const out = printHtml(page, {paper: 'letter', css: '/* print.css */'})
  const tree: Root = fromHtml(out)
  assert.equal(selectAll('script, meta[http-equiv], [hidden], button, .skip-link, .entry-actions, .Z3988, .permalink, #live-region, section[role=doc-endnotes]', tree).length, 0)
  assert.deepEqual(selectAll('section[role=doc-bibliography]', tree).map((s) => s.properties.dataStyle), ['mhra'])
  assert.ok(!out.includes('(Doe, 2020)') && !out.includes('(Chicago)'), 'only the default style')

  // Each note once, inside the paragraph, right after its first reference, with its number.
  const footnotes = selectAll('p span.footnote', tree)
  assert.equal(footnotes.length, 2)
  const [first, second] = footnotes as [Element, Element]
  assert.equal(toString(select('.footnote-number', first)!), '1.')
  assert.equal(select('.footnote-number', first)!.properties.id, 'fn-1', 'the reference still lands on its note')
  assert.equal(select('.footnote-number', first)!.properties.href, '#fnref-1')
  assert.equal(squeeze(toString(first)), '1. First note. item')
  assert.ok(select('span.fn-p.fn-run-in > em', first), 'paragraphs become spans, the first runs in')
  assert.ok(select('span.fn-ul > span.fn-li', first), 'lists become spans too')
  assert.equal(selectAll('[role=doc-backlink]', first).length, 0)
  assert.equal(squeeze(toString(second)), '2. Doe, Book.')
  const paragraph = select('p#p-1', tree)!
  const sequence = paragraph.children.filter((c): c is Element => c.type === 'element' && (c.tagName === 'sup' || (c.properties.className as string[] | undefined)?.includes('footnote') === true))
  assert.deepEqual(sequence.map((c) => (c.tagName === 'sup' ? `ref ${toString(c)}` : 'note')), ['ref 1', 'note', 'ref 1'], 'the note follows its first reference; the second reference keeps only its number')

  // The page size and the running head go before print.css, the head safely quoted.
  const style = selectAll('head style', tree).map((s) => toString(s)).pop()!
  assert.match(style, /size: letter;/)
  assert.match(style, /--running-head: "A \\22 quoted\\22  title\\3c \/style\\3e ";/)
  assert.ok(style.indexOf('--running-head') < style.indexOf('/* print.css */'))
  assert.match(printHtml(page, {css: ''}), /size: A4;/)
})
