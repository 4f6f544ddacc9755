/**
 * The reader's own annotations, in real Chromium: select then Highlight, Note, Copy quote (with the
 * essay's citation in the chosen style, the paragraph as locator), "Annotate paragraph" by
 * keyboard, My notes (Delete, Export, Export Markdown, Import), storage in localStorage and
 * anchoring again after a reload and after a rebuild, a note shown as text, print, and axe-core
 * with the toolbar and the panel open.
 */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {closeBrowser, fileUrl, fixture, getBrowser, projectRoot, runCli} from '../helpers.js'

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>
const desktop: ContextOptions = {viewport: {width: 1280, height: 900}}
const phone: ContextOptions = {viewport: {width: 390, height: 844}, hasTouch: true, isMobile: true}
const axePath = path.join(projectRoot, 'node_modules/axe-core/axe.min.js')

const paragraphs = [
  'An opening paragraph about nothing in particular.',
  'A second paragraph with *emphasis in the middle* of it, a [link to a page](https://example.org/page) and a citation [@doe2020] in the running text.',
  'The third paragraph holds the quotable words here, and they matter.',
  'A fourth paragraph that will change: the vanishing sentence is here.'
]

let browser: Browser
let dir: string
let url: string

/** Build the essay (its paragraphs given) into the same folder, as an author rebuilding it would. */
function build(body: string[]) {
  fs.mkdirSync(path.join(dir, 'essay'), {recursive: true})
  fs.writeFileSync(path.join(dir, 'essay/annotated.md'), ['---', 'title: An annotated essay', 'author: Ada Writer', 'date: 2024-05-01', 'bibliography: ../works.json', '---', '', ...body.flatMap((p) => [p, ''])].join('\n'))
  const result = runCli(['build', path.join(dir, 'essay/annotated.md'), '--out', path.join(dir, 'out'), '--default-style', 'apa'])
  if (result.code !== 0) throw new Error(`build failed: ${result.stderr}`)
}

before(async () => {
  dir = fixture({'works.json': JSON.stringify([{id: 'doe2020', type: 'book', title: 'A Book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}}])})
  build(paragraphs)
  url = fileUrl(path.join(dir, 'out/index.html'))
  browser = await getBrowser()
})
after(closeBrowser)

async function open(options: ContextOptions = desktop, context?: BrowserContext): Promise<{context: BrowserContext; page: Page; problems: string[]}> {
  context ??= await browser.newContext(options)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  page.on('pageerror', (error) => problems.push(String(error)))
  page.on('dialog', (dialog) => {
    problems.push('dialog: ' + dialog.message())
    void dialog.dismiss()
  })
  await page.goto(url)
  return {context, page, problems}
}

/** Select `text` in paragraph `id` as a reader would with the mouse (a range over its text nodes). */
async function select(page: Page, id: string, text: string) {
  await page.evaluate(([id, text]) => {
    const el = document.getElementById(id!)!
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {acceptNode: (n) => (n.parentElement!.closest('[hidden]') ? 2 : 1)})
    const nodes: Array<[Text, number]> = []
    let all = ''
    for (let n: Node | null; (n = walk.nextNode()); ) {
      nodes.push([n as Text, all.length])
      all += (n as Text).data
    }
    const i = all.indexOf(text!)
    if (i < 0) throw new Error(`${text} not in ${id}`)
    const at = (k: number): [Text, number] => {
      const [n, s] = nodes.find(([n, s]) => k >= s && k <= s + n.length)!
      return [n, k - s]
    }
    const range = document.createRange()
    range.setStart(...at(i))
    range.setEnd(...at(i + text!.length))
    getSelection()!.removeAllRanges()
    getSelection()!.addRange(range)
  }, [id, text])
  await page.getByRole('toolbar', {name: 'Annotate'}).waitFor()
}

/** The text of each annotation's marks, joined, by annotation id. */
const highlighted = (page: Page) =>
  page.evaluate(() => {
    const out: Record<string, string> = {}
    for (const m of document.querySelectorAll<HTMLElement>('mark.annotation')) out[m.dataset.annotationId!] = (out[m.dataset.annotationId!] ?? '') + m.textContent
    return out
  })

test('select, Highlight: marks per text node across emphasis, a link and a citation, which stay whole; kept after a reload and in another style', async () => {
  const {context, page, problems} = await open()
  const shape = () => page.locator('#p-2').evaluate((p) => ({em: p.querySelector('em')!.textContent, link: p.querySelector('a[href^="http"]')!.textContent, cite: p.querySelector('[role=doc-biblioref]')!.textContent}))
  const before = await shape()
  await select(page, 'p-2', 'the middle of it, a link to a page and a citation (Doe, 2020) in the running')
  const bar = page.getByRole('toolbar', {name: 'Annotate'})
  for (const name of ['Highlight', 'Note', 'Copy quote']) assert.ok(await bar.getByRole('button', {name: new RegExp('^' + name)}).isVisible(), name)
  await bar.getByRole('button', {name: 'Highlight'}).click()
  const marks = page.locator('#p-2 mark.annotation')
  assert.ok((await marks.count()) >= 4, 'one mark a text node: ' + (await marks.count()))
  assert.deepEqual(Object.values(await highlighted(page)), ['the middle of it, a link to a page and a citation (Doe, 2020) in the running'])
  // Every mark holds text only: no element was split or moved into one.
  assert.equal(await page.locator('mark.annotation *').count(), 0)
  assert.deepEqual(await shape(), before)
  assert.ok(await page.locator('#p-2 em mark.annotation').count() === 1 && (await page.locator('#p-2 a[href^="http"] mark.annotation').count()) === 1)
  await page.reload()
  assert.deepEqual(Object.values(await highlighted(page)), ['the middle of it, a link to a page and a citation (Doe, 2020) in the running'])
  // The quote is the text that every style shares: found again under another style, its citation marked.
  await page.getByLabel('Citation style').selectOption('chicago-author-date')
  await page.reload()
  assert.deepEqual(Object.values(await highlighted(page)), ['the middle of it, a link to a page and a citation (Doe 2020) in the running'])
  await page.getByRole('button', {name: 'My notes', exact: true}).click()
  assert.deepEqual(await page.locator('#my-notes blockquote').allTextContents(), ['the middle of it, a link to a page and a citation in the running'])
  assert.deepEqual(problems, [])
  await context.close()
})

test('the mouse: double-clicking a word shows the toolbar beside it; Esc closes it', async () => {
  const {context, page} = await open()
  const box = await page.locator('#p-3').evaluate((p) => {
    const range = document.createRange()
    const text = p.firstChild as Text
    const i = text.data.indexOf('quotable')
    range.setStart(text, i)
    range.setEnd(text, i + 8)
    const r = range.getBoundingClientRect()
    return {x: r.left + r.width / 2, y: r.top + r.height / 2, bottom: r.bottom}
  })
  await page.mouse.dblclick(box.x, box.y)
  const bar = page.getByRole('toolbar', {name: 'Annotate'})
  await bar.waitFor()
  const barBox = (await bar.boundingBox())!
  assert.ok(Math.abs(barBox.y - box.bottom) < 60, `toolbar beside the selection: ${barBox.y} vs ${box.bottom}`)
  await bar.getByRole('button', {name: 'Highlight'}).focus()
  await page.keyboard.press('Escape')
  assert.equal(await bar.isVisible(), false)
  await context.close()
})

test('Note: plain text kept beside the highlight, shown on hover, focus and tap, never as HTML; kept after a reload', async () => {
  const {context, page, problems} = await open()
  const note = '<img src=x onerror=alert(1)> a note'
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Note', exact: true}).click()
  const field = page.getByRole('textbox', {name: 'Note'})
  await field.fill(note)
  await field.press('Control+Enter')
  const mark = page.locator('#p-3 mark.annotation').first()
  assert.equal(await mark.getAttribute('class'), 'annotation has-note')
  await page.reload()
  await mark.hover()
  const tip = page.getByRole('tooltip')
  assert.equal(await tip.textContent(), note)
  assert.ok(await tip.isVisible())
  await page.mouse.move(0, 0)
  await page.keyboard.press('Tab')
  await mark.focus()
  assert.equal(await tip.textContent(), note)
  assert.equal(await mark.getAttribute('aria-describedby'), 'annotation-tip')
  // Tapped (or Enter): the toolbar for this highlight shows its note.
  await page.keyboard.press('Enter')
  assert.equal(await page.getByRole('toolbar', {name: 'Annotate'}).locator('p').textContent(), note)
  assert.equal(await page.locator('img').count(), 0)
  await page.getByRole('button', {name: 'My notes', exact: true}).click()
  assert.equal(await page.getByRole('complementary', {name: 'My notes', exact: true}).locator('li p').first().textContent(), note)
  assert.equal(await page.locator('img').count(), 0)
  assert.deepEqual(problems, [])
  await context.close()
})

test('Annotate paragraph: by keyboard alone, the whole paragraph; Esc closes the toolbar and returns', async () => {
  const {context, page} = await open()
  await page.locator('#p-1 a.permalink').focus()
  await page.keyboard.press('Tab')
  const annotate = page.locator('#p-1').getByRole('button', {name: 'Annotate paragraph'})
  assert.ok(await annotate.evaluate((b) => b === document.activeElement))
  await page.keyboard.press('Enter')
  const bar = page.getByRole('toolbar', {name: 'Annotate'})
  const focused = (name: string) => bar.getByRole('button', {name}).evaluate((b) => b === document.activeElement)
  assert.ok(await focused('Highlight'))
  await page.keyboard.press('Escape')
  assert.equal(await bar.isVisible(), false)
  assert.ok(await annotate.evaluate((b) => b === document.activeElement))
  await page.keyboard.press('Enter')
  assert.ok(await focused('Highlight'))
  await page.keyboard.press('Tab')
  assert.ok(await focused('Note'))
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Enter')
  assert.deepEqual(Object.values(await highlighted(page)), ['An opening paragraph about nothing in particular.'])
  // The new highlight has the focus; Enter on it opens its toolbar, Esc closes it and returns.
  assert.ok(await page.locator('#p-1 mark.annotation').first().evaluate((m) => m === document.activeElement))
  await page.keyboard.press('Enter')
  assert.ok(await bar.isVisible())
  await page.keyboard.press('Escape')
  assert.equal(await bar.isVisible(), false)
  assert.ok(await page.locator('#p-1 mark.annotation').first().evaluate((m) => m === document.activeElement))
  await context.close()
})

test('Copy quote: the quote and the essay\'s citation in the chosen style, the paragraph as locator, as HTML and text', async () => {
  const context = await browser.newContext({...desktop, permissions: ['clipboard-read', 'clipboard-write']})
  const {page, problems} = await open(desktop, context)
  const clipboard = () => page.evaluate(async () => {
    const [item] = await navigator.clipboard.read()
    return {text: await (await item!.getType('text/plain')).text(), html: await (await item!.getType('text/html')).text()}
  })
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Copy quote'}).click()
  await page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Quote copied')
  let copied = await clipboard()
  assert.equal(copied.text, '“quotable words” (Writer, 2024, para. 3)')
  assert.match(copied.html, /“quotable words” \(Writer, 2024, para\. 3\)/)
  await page.getByLabel('Citation style').selectOption('chicago-author-date')
  await select(page, 'p-2', 'emphasis in the middle')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Copy quote'}).click()
  await page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Quote copied')
  copied = await clipboard()
  assert.equal(copied.text, '“emphasis in the middle” (Writer 2024, para. 2)')
  await page.getByLabel('Citation style').selectOption('chicago-fullnote-bibliography')
  await select(page, 'p-4', 'vanishing sentence')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Copy quote'}).click()
  await page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Quote copied')
  copied = await clipboard()
  assert.equal(copied.text, '“vanishing sentence” Ada Writer, “An Annotated Essay,” May 1, 2024, para. 4.')
  assert.deepEqual(problems, [])
  await context.close()
})

test('after a rebuild that edited another paragraph, the highlight and note are on the same words; a removed quote is listed as not found', async () => {
  const {context, page} = await open()
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Note', exact: true}).click()
  await page.getByRole('textbox', {name: 'Note'}).fill('Keep this')
  await page.getByRole('button', {name: 'Save note'}).click()
  await select(page, 'p-4', 'the vanishing sentence')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Highlight'}).click()
  try {
    // Another paragraph longer (every offset after it moves), one before it new, the quoted sentence gone.
    build(['A new paragraph first, that pushes the others down.', paragraphs[0] + ' Now it says a good deal more than it did.', paragraphs[1]!, paragraphs[2]!, 'A fourth paragraph that has changed.'])
    await page.reload()
    const marks = await highlighted(page)
    assert.deepEqual(Object.values(marks), ['quotable words'])
    assert.equal(await page.locator('mark.annotation').first().evaluate((m) => m.closest('p')!.id), 'p-4')
    await page.getByRole('button', {name: 'My notes', exact: true}).click()
    const panel = page.getByRole('complementary', {name: 'My notes', exact: true})
    const items = panel.getByRole('listitem')
    assert.equal(await items.count(), 2)
    assert.match(await items.nth(0).innerText(), /quotable words[\s\S]*Keep this[\s\S]*¶ 4/)
    assert.match(await items.nth(1).innerText(), /the vanishing sentence[\s\S]*Not found in this version/)
    // Its link goes to the highlight.
    await items.nth(0).getByRole('link').click()
    assert.equal(await page.evaluate(() => document.querySelector(':target')?.textContent), 'quotable words')
  } finally {
    build(paragraphs)
  }
  await context.close()
})

test('My notes: in the order of the text, Delete removes one; Export is a W3C Web Annotation collection that Import restores in a fresh profile, merging', async () => {
  const {context, page, problems} = await open()
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Note', exact: true}).click()
  await page.getByRole('textbox', {name: 'Note'}).fill('First note')
  await page.getByRole('button', {name: 'Save note'}).click()
  await select(page, 'p-1', 'opening paragraph')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Highlight'}).click()
  await select(page, 'p-4', 'vanishing sentence')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Highlight'}).click()
  await page.getByRole('button', {name: 'My notes', exact: true}).click()
  const panel = page.getByRole('complementary', {name: 'My notes', exact: true})
  assert.deepEqual(await panel.locator('blockquote').allTextContents(), ['opening paragraph', 'quotable words', 'vanishing sentence'])
  await panel.getByRole('listitem').nth(2).getByRole('button', {name: 'Delete'}).click()
  assert.ok(await panel.evaluate((p) => p === document.activeElement), 'focus stays in the panel')
  assert.deepEqual(await panel.locator('blockquote').allTextContents(), ['opening paragraph', 'quotable words'])
  assert.deepEqual(Object.values(await highlighted(page)), ['opening paragraph', 'quotable words'])

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', {name: 'Export', exact: true}).click()])
  assert.equal(download.suggestedFilename(), 'annotations.json')
  const file = path.join(dir, 'annotations.json')
  await download.saveAs(file)
  const json = JSON.parse(fs.readFileSync(file, 'utf8'))
  assert.equal(json['@context'], 'http://www.w3.org/ns/anno.jsonld')
  assert.equal(json.type, 'AnnotationCollection')
  assert.equal(json.items.length, 2)
  for (const item of json.items) {
    assert.equal(item.type, 'Annotation')
    assert.match(item.id, /^urn:uuid:[0-9a-f-]{36}$/)
    const types = item.target.selector.map((s: {type: string}) => s.type)
    assert.ok(types.includes('TextQuoteSelector') && types.includes('TextPositionSelector'))
  }
  const quote = json.items[1].target.selector.find((s: {type: string}) => s.type === 'TextQuoteSelector')
  assert.equal(quote.exact, 'quotable words')
  assert.equal(quote.prefix.endsWith('holds the '), true)
  assert.equal(quote.suffix.startsWith(' here, and'), true)
  assert.deepEqual(json.items[1].body, {type: 'TextualBody', value: 'First note', format: 'text/plain', purpose: 'commenting'})

  const [markdown] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', {name: 'Export Markdown'}).click()])
  const md = fs.readFileSync(await markdown.path(), 'utf8')
  assert.match(md, /> “quotable words” \(Writer, 2024, para\. 3\)\n\nFirst note\n/)

  // A fresh profile: nothing, then Import restores the same set; importing again adds nothing.
  const fresh = await open()
  assert.equal(await fresh.page.locator('mark.annotation').count(), 0)
  await fresh.page.getByRole('button', {name: 'My notes', exact: true}).click()
  await fresh.page.getByLabel('Import').setInputFiles(file)
  await fresh.page.waitForFunction(() => document.querySelectorAll('mark.annotation').length > 0)
  assert.deepEqual(await highlighted(fresh.page), await highlighted(page))
  await fresh.page.getByLabel('Import').setInputFiles(file)
  await fresh.page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Imported: 0')
  assert.deepEqual(await fresh.page.getByRole('complementary', {name: 'My notes', exact: true}).locator('blockquote').allTextContents(), ['opening paragraph', 'quotable words'])
  await fresh.page.reload()
  assert.deepEqual(await highlighted(fresh.page), await highlighted(page))
  assert.deepEqual([...problems, ...fresh.problems], [])
  await fresh.context.close()
  await context.close()
})

test('storage refused: said once in the panel; highlighting still works', async () => {
  const context = await browser.newContext(desktop)
  await context.addInitScript(() => Object.defineProperty(window, 'localStorage', {get: () => { throw new DOMException('denied', 'SecurityError') }}))
  const {page} = await open(desktop, context)
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Highlight'}).click()
  assert.deepEqual(Object.values(await highlighted(page)), ['quotable words'])
  await page.getByRole('button', {name: 'My notes', exact: true}).click()
  const panel = page.getByRole('complementary', {name: 'My notes', exact: true})
  assert.equal(await panel.getByText('keeps no notes here').count(), 1)
  await context.close()
})

test('print: highlights as light underlines; "Print my notes" adds the notes after the essay', async () => {
  const {context, page} = await open()
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Note', exact: true}).click()
  await page.getByRole('textbox', {name: 'Note'}).fill('Printed note')
  await page.getByRole('button', {name: 'Save note'}).click()
  await page.emulateMedia({media: 'print'})
  const style = await page.locator('mark.annotation').first().evaluate((m) => {
    const s = getComputedStyle(m)
    return {background: s.backgroundColor, line: s.textDecorationLine}
  })
  assert.deepEqual(style, {background: 'rgba(0, 0, 0, 0)', line: 'underline'})
  assert.equal(await page.locator('#my-notes').isVisible(), false)
  await page.emulateMedia({media: 'screen'})
  await page.getByRole('button', {name: 'My notes', exact: true}).click()
  await page.evaluate(() => {
    window.print = () => {
      document.body.dataset.printed = String(getComputedStyle(document.getElementById('my-notes')!).display !== 'none' && document.documentElement.classList.contains('print-notes'))
    }
  })
  await page.getByRole('button', {name: 'Print my notes'}).click()
  assert.equal(await page.evaluate(() => document.body.dataset.printed), 'true')
  await page.getByRole('button', {name: 'Close my notes'}).click()
  await page.evaluate(() => document.documentElement.classList.add('print-notes'))
  await page.emulateMedia({media: 'print'})
  assert.ok(await page.locator('#my-notes').getByText('Printed note').isVisible())
  assert.equal(await page.locator('#my-notes').getByRole('button').first().isVisible(), false)
  await context.close()
})

test('Esc closes My notes and returns to its button; the page keeps its CSP and makes no request', async () => {
  const context = await browser.newContext(desktop)
  const requests: string[] = []
  context.on('request', (request) => !request.url().startsWith('file:') && requests.push(request.url()))
  const {page, problems} = await open(desktop, context)
  await select(page, 'p-3', 'quotable words')
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Highlight'}).click()
  const toggle = page.getByRole('button', {name: 'My notes', exact: true})
  await toggle.click()
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true')
  await page.keyboard.press('Escape')
  assert.equal(await page.locator('#my-notes').isVisible(), false)
  assert.ok(await toggle.evaluate((b) => b === document.activeElement))
  assert.match((await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'))!, /default-src 'none'/)
  assert.deepEqual(requests, [])
  assert.deepEqual(problems, [])
  await context.close()
})

async function axe(page: Page, label: string) {
  await page.addScriptTag({path: axePath})
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as {axe: {run: (context: Document, options: object) => Promise<{violations: Array<{id: string; nodes: Array<{target: unknown}>}>}>}}).axe.run(document, {resultTypes: ['violations']})
    return result.violations.map((v) => ({id: v.id, targets: v.nodes.map((n) => n.target)}))
  })
  assert.deepEqual(violations, [], `axe-core, ${label}`)
}

for (const [name, options] of [['desktop', desktop], ['phone', phone]] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core: no violation with a highlight, a note, the toolbar and My notes open, ${colorScheme}, ${name}`, async () => {
      const {context, page} = await open({...options, colorScheme, bypassCSP: true})
      await select(page, 'p-3', 'quotable words')
      await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: 'Note', exact: true}).click()
      await page.getByRole('textbox', {name: 'Note'}).fill('A note')
      await page.getByRole('button', {name: 'Save note'}).click()
      await page.getByRole('button', {name: 'My notes', exact: true}).click()
      await select(page, 'p-2', 'emphasis in the middle')
      // On a phone the panel covers the page: the toolbar is reached under it.
      await page.getByRole('button', {name: 'Note', exact: true}).dispatchEvent('click')
      assert.ok(await page.getByRole('complementary', {name: 'My notes', exact: true}).isVisible())
      assert.ok(await page.getByRole('textbox', {name: 'Note'}).isVisible())
      await axe(page, `${colorScheme} ${name}`)
      await context.close()
    })
  }
}
