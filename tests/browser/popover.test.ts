/** Notes open in place, in real Chromium: hover, focus + Enter, tap; Esc, outside click; no script. */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {buildDefaultEssay, closeBrowser, fileUrl, getBrowser} from '../helpers.js'

let browser: Browser
let url: string
before(async () => {
  url = fileUrl(buildDefaultEssay())
  browser = await getBrowser()
})
after(closeBrowser)

async function open(options: Parameters<Browser['newContext']>[0] = {}): Promise<{context: BrowserContext; page: Page; problems: string[]}> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  page.on('pageerror', (error) => problems.push(String(error)))
  page.on('request', (request) => !request.url().startsWith('file:') && problems.push(`request ${request.url()}`))
  await page.goto(url)
  return {context, page, problems}
}

const popover = (page: Page) => page.locator('.note-popover')

async function insideViewport(page: Page) {
  const box = await popover(page).boundingBox()
  const viewport = page.viewportSize()!
  assert.ok(box, 'popover has a box')
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height, JSON.stringify(box))
  return box
}

async function doesNotCover(page: Page, ref: ReturnType<Page['locator']>) {
  const a = (await ref.boundingBox())!
  const b = (await popover(page).boundingBox())!
  const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
  assert.ok(!overlap, 'the popover does not cover its reference')
}

test('hover opens the right note after a short delay, stays open over the popover, closes after leaving', async () => {
  const {context, page, problems} = await open({viewport: {width: 1280, height: 900}})
  const ref = page.locator('a[role=doc-noteref]').nth(2)
  await ref.scrollIntoViewIfNeeded()
  await ref.hover()
  await page.waitForTimeout(80)
  assert.equal(await popover(page).count(), 0, 'not at once')
  await popover(page).waitFor({state: 'visible'})
  assert.match(await popover(page).innerText(), /Zaidi/)
  assert.equal(await popover(page).getAttribute('role'), 'dialog')
  assert.equal(await ref.getAttribute('aria-expanded'), 'true')
  assert.equal(await ref.getAttribute('aria-controls'), await popover(page).getAttribute('id'))
  await insideViewport(page)
  await doesNotCover(page, ref)
  const box = (await popover(page).boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, {steps: 5})
  await page.waitForTimeout(500)
  assert.equal(await popover(page).count(), 1, 'stays open while the pointer is over it')
  await page.mouse.move(5, 5)
  await popover(page).waitFor({state: 'detached'})
  assert.deepEqual(problems, [])
  await context.close()
})

test('keyboard: focus + Enter opens, Tab reaches the link inside, Esc closes and returns focus', async () => {
  const {context, page, problems} = await open({viewport: {width: 1280, height: 900}})
  const ref = page.locator('a[role=doc-noteref]').first()
  await ref.focus()
  await page.keyboard.press('Enter')
  await popover(page).waitFor({state: 'visible'})
  assert.match(await popover(page).innerText(), /Khan/)
  assert.equal(new URL(page.url()).hash, '', 'Enter opened the note instead of jumping')
  await page.keyboard.press('Tab')
  assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest('.note-popover'))), 'Tab moves into the note')
  await page.keyboard.press('Escape')
  await popover(page).waitFor({state: 'detached'})
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '#fn-1')
  assert.equal(await ref.getAttribute('aria-expanded'), 'false')
  assert.deepEqual(problems, [])
  await context.close()
})

test('tap on a phone opens the note in place, inside the viewport; a tap elsewhere closes it', async () => {
  const {context, page, problems} = await open({viewport: {width: 390, height: 844}, hasTouch: true, isMobile: true})
  for (const index of [0, 7, 16]) {
    const ref = page.locator('a[role=doc-noteref]').nth(index)
    await ref.scrollIntoViewIfNeeded()
    await ref.tap()
    await popover(page).waitFor({state: 'visible'})
    assert.equal(new URL(page.url()).hash, '', 'the tap did not jump')
    const fn = await page.locator(`#fn-${index + 1}`).innerText()
    assert.ok(fn.includes((await popover(page).innerText()).trim().slice(0, 20)), 'the right note')
    await insideViewport(page)
    await doesNotCover(page, ref)
    const noWiderThanPage = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
    assert.ok(noWiderThanPage, 'no sideways scrolling')
    await page.touchscreen.tap(20, 20)
    await popover(page).waitFor({state: 'detached'})
  }
  assert.deepEqual(problems, [])
  await context.close()
})

test('a link inside an open note works', async () => {
  const {context, page} = await open({viewport: {width: 1280, height: 900}})
  await page.locator('a[role=doc-noteref]').nth(2).click()
  await popover(page).waitFor({state: 'visible'})
  await popover(page).locator('a[role=doc-biblioref]').first().click()
  await page.waitForFunction(() => location.hash === '#ref-zaidi2021')
  await popover(page).waitFor({state: 'detached'})
  await context.close()
})

test('without JavaScript a reference jumps to its note and the backlink jumps back', async () => {
  const {context, page} = await open({viewport: {width: 1280, height: 900}, javaScriptEnabled: false})
  await page.locator('a[role=doc-noteref]').nth(4).click()
  await page.waitForFunction(() => location.hash === '#fn-5')
  assert.equal(await page.locator('.note-popover').count(), 0)
  assert.ok(await page.locator('#fn-5').isVisible())
  await page.locator('#fn-5 a[role=doc-backlink]').click()
  await page.waitForFunction(() => location.hash === '#fnref-5')
  await context.close()
})
