/** The style control and copying, in real Chromium. */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Browser, Page} from 'playwright-core'
import fs from 'node:fs'
import path from 'node:path'
import {buildDefaultEssay, closeBrowser, fileUrl, fixture, getBrowser, runCli} from '../helpers.js'

let browser: Browser
let url: string
before(async () => {
  url = fileUrl(buildDefaultEssay())
  browser = await getBrowser()
})
after(closeBrowser)

const visibleNote = (page: Page, n: number) =>
  page.locator(`#fn-${n} .cite-variant:not([hidden])`).first().innerText()

test('the style control switches notes and reference list together, and survives a reload', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  const control = page.getByRole('combobox', {name: /style/i})
  assert.equal(await control.inputValue(), 'modern-humanities-research-association')
  await control.selectOption('turabian-fullnote-bibliography')
  assert.equal(await visibleNote(page, 2), 'Ibid.')
  assert.equal(await page.locator('section[role=doc-bibliography]:visible').getAttribute('data-style'), 'turabian-fullnote-bibliography')
  assert.equal(await page.locator('#ref-khan2021').count(), 1)
  assert.ok(await page.locator('#ref-khan2021').isVisible(), '#ref-KEY is on the shown list')
  await control.selectOption('apa')
  assert.equal(await visibleNote(page, 3), '(Zaidi & Saud, 2021)')
  assert.equal(await page.locator('section[data-style=apa] #ref-zaidi2021').count(), 1)
  await page.reload()
  assert.equal(await page.getByRole('combobox', {name: /style/i}).inputValue(), 'apa')
  assert.equal(await visibleNote(page, 3), '(Zaidi & Saud, 2021)')
  await context.close()
})

test('?style=ID selects a style; an in-text citation opens its reference in a popover', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url + '?style=ieee')
  assert.equal(await page.getByRole('combobox', {name: /style/i}).inputValue(), 'ieee')
  assert.equal(await visibleNote(page, 1), '[1]')
  assert.ok(await page.locator('section[data-style=ieee]').isVisible())
  await context.close()
})

test('Copy puts the entry on the clipboard as text/html and text/plain, and says so', async () => {
  const context = await browser.newContext({permissions: ['clipboard-read', 'clipboard-write']})
  const page = await context.newPage()
  await page.goto(url + '?style=apa')
  const entry = page.locator('section[data-style=apa] li[data-key]').first()
  const button = entry.getByRole('button', {name: /^Copy/})
  await button.click()
  await page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Copied')
  const clip = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read()
    return {
      types: item!.types,
      html: await (await item!.getType('text/html')).text(),
      text: await (await item!.getType('text/plain')).text()
    }
  })
  const shown = (await entry.locator('.csl-entry').innerText()).replace(/\s+/g, ' ').trim()
  assert.ok(clip.types.includes('text/html') && clip.types.includes('text/plain'))
  assert.equal(clip.text, shown)
  assert.match(clip.html, /<i>/, 'italics kept')
  await context.close()
})

test('switching between note and in-text styles renumbers notes; an in-text citation opens its entry', async () => {
  const bib = [
    {id: 'doe2020', type: 'book', title: 'A Book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}, publisher: 'P'},
    {id: 'roe2019', type: 'book', title: 'Another Book', author: [{family: 'Roe', given: 'Rick'}], issued: {'date-parts': [[2019]]}, publisher: 'Q'}
  ]
  const dir = fixture({
    'mixed.md': `---\ntitle: Mixed\nstyle: apa\n---\n\nFirst claim [@doe2020, p. 4].[^own] @roe2019 [p. 9] argues.\n\n[^own]: The author's own note, citing [@roe2019].\n`,
    'bibliography/mixed.json': JSON.stringify(bib)
  })
  const result = runCli(['build', 'mixed.md', '--out', 'out', '--style', 'apa', '--style', 'chicago-fullnote-bibliography'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  const context = await browser.newContext({viewport: {width: 1000, height: 800}})
  const page = await context.newPage()
  await page.goto(fileUrl(path.join(dir, 'out/index.html')))
  const own = page.locator('a[role=doc-noteref][href="#fn-own"]')
  assert.equal(await own.innerText(), '1')
  assert.equal(await page.locator('section[role=doc-endnotes] li:visible').count(), 1)
  const citation = page.locator('p a[role=doc-biblioref]:visible').first()
  await citation.hover()
  await page.locator('.note-popover').waitFor({state: 'visible'})
  assert.match(await page.locator('.note-popover').innerText(), /Doe, J\. \(2020\)\. A Book/)
  await page.mouse.move(1, 1)
  await page.getByRole('combobox', {name: /style/i}).selectOption('chicago-fullnote-bibliography')
  assert.equal(await own.innerText(), '2')
  assert.equal(await page.locator('section[role=doc-endnotes] li:visible').count(), 3)
  assert.deepEqual(await page.locator('a[role=doc-noteref]:visible').allInnerTexts(), ['1', '2', '3'])
  await page.getByRole('combobox', {name: /style/i}).selectOption('apa')
  assert.equal(await own.innerText(), '1')
  await context.close()
})

test('each entry downloads its own BibTeX and RIS from the page alone; Cite this copies BibTeX with its lines', async () => {
  const context = await browser.newContext({acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write']})
  const page = await context.newPage()
  await page.goto(url + '?style=apa')
  const entry = page.locator('section[data-style=apa] li[data-key=zaidi2021]')
  for (const [format, pattern] of [['bib', /^@article\{zaidi2021,[\s\S]*doi = \{10\.1134\/S1019331621020106\}/], ['ris', /^TY {2}- JOUR[\s\S]*DO {2}- 10\.1134\/S1019331621020106[\s\S]*ER {2}-\s*$/]] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), entry.locator(`a[data-export=${format}]`).click()])
    assert.equal(download.suggestedFilename(), `zaidi2021.${format}`)
    const content = fs.readFileSync((await download.path())!, 'utf8')
    assert.match(content, pattern)
    assert.doesNotMatch(content, /khan2021/, 'that work alone')
  }
  const [all] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-export=json]').first().click()])
  assert.equal((JSON.parse(fs.readFileSync((await all.path())!, 'utf8')) as unknown[]).length, 13)
  const citeThis = page.locator('#cite-this')
  assert.match(await citeThis.locator('li:visible .csl-entry').first().innerText(), /Russia warms up to Pakistan/i)
  await citeThis.getByRole('button', {name: /^Copy BibTeX/}).click()
  await page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Copied')
  const text = await page.evaluate(() => navigator.clipboard.readText())
  assert.match(text, /^@article\{russia,\n\s+title = \{Russia warms up to \{Pakistan\}\},\n\}$/)
  await context.close()
})

test('the first Copy button of the page copies the first entry shown; Copy all copies the whole list', async () => {
  const context = await browser.newContext({permissions: ['clipboard-read', 'clipboard-write']})
  const page = await context.newPage()
  await page.goto(url)
  const first = page.getByRole('button', {name: /^Copy/}).first()
  const entry = page.locator('section[role=doc-bibliography]:visible li[data-key]').first()
  assert.equal(await first.evaluate((b) => b.closest('li')?.dataset.key), await entry.getAttribute('data-key'))
  await first.click()
  await page.waitForFunction(() => document.getElementById('live-region')?.textContent === 'Copied')
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), (await entry.locator('.csl-entry').innerText()).replace(/\s+/g, ' ').trim())
  await page.getByRole('button', {name: /^Copy all/}).click()
  await page.waitForFunction(async () => (await navigator.clipboard.readText()).split('\n').length === 13)
  await context.close()
})

test('after a preview patch the chosen style is applied again without touching what already shows it', async () => {
  // On a large page, rewriting every citation's `hidden` and every note number (to the same values)
  // made Chromium restyle the whole page after each patch; the reader writes only what differs.
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  await page.getByRole('combobox', {name: /style/i}).selectOption('apa')
  const touched = await page.evaluate(async () => {
    const records: MutationRecord[] = []
    const observer = new MutationObserver((found) => records.push(...found))
    observer.observe(document.body, {subtree: true, attributes: true, childList: true, characterData: true})
    document.dispatchEvent(new CustomEvent('essay-edition:patched'))
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))
    observer.disconnect()
    const styled = (node: Node) => node instanceof Element && (node.matches('[data-styles], [data-n-note]') || node.closest('[data-n-note]') !== null)
    return records.filter((record) => styled(record.target)).map((record) => `${record.type} ${(record.target as Element).outerHTML.slice(0, 60)}`)
  })
  assert.deepEqual(touched, [])
  assert.equal(await visibleNote(page, 3), '(Zaidi & Saud, 2021)')
  await context.close()
})
