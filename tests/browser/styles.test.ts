/** The style control and copying, in real Chromium. */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Browser, Page} from 'playwright-core'
import {buildDefaultEssay, closeBrowser, fileUrl, getBrowser} from '../helpers.js'

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
