/**
 * The page as a reader's browser gets it from a web server (served from 127.0.0.1), in real
 * Chromium: it asks the server for nothing but itself (no `/favicon.ico`), and nothing moves once
 * it is painted (cumulative layout shift, from the browser's own `layout-shift` entries) on a phone
 * and on a 1600 px desktop where the notes stand in the margin.
 */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {buildDefaultEssay, closeBrowser, getBrowser} from '../helpers.js'
import {servePage, type ServedPage} from '../../scripts/serve-page.js'

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>

const phone: ContextOptions = {viewport: {width: 390, height: 844}, deviceScaleFactor: 3, hasTouch: true, isMobile: true}
const wide: ContextOptions = {viewport: {width: 1600, height: 1000}}

let browser: Browser
let served: ServedPage
/** The same page, sent 8 KB every 40 ms: painted in parts before its script arrives, as on a phone's network. */
let trickled: ServedPage

before(async () => {
  served = await servePage(buildDefaultEssay())
  trickled = await servePage(buildDefaultEssay(), {trickle: {bytes: 8192, ms: 40}})
  browser = await getBrowser()
})
after(async () => {
  await closeBrowser()
  await served.close()
  await trickled.close()
})

async function open(options: ContextOptions, from = served): Promise<{context: BrowserContext; page: Page}> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await page.goto(from.url, {waitUntil: 'load'})
  return {context, page}
}

/**
 * The page's cumulative layout shift so far, as Lighthouse counts it: the sum of the `layout-shift`
 * entries not caused by recent input, read from the start (`buffered`), after the script has laid
 * the page out (sidenotes are placed in an animation frame) and a moment more.
 */
async function layoutShift(page: Page): Promise<{cls: number; shifts: string[]}> {
  return page.evaluate(() => new Promise<{cls: number; shifts: string[]}>((resolve) => {
    let cls = 0
    const shifts: string[] = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<PerformanceEntry & {value: number; hadRecentInput: boolean; sources?: Array<{node?: Node}>}>) {
        if (entry.hadRecentInput) continue
        cls += entry.value
        const nodes = (entry.sources ?? []).map((s) => (s.node instanceof Element ? s.node.tagName.toLowerCase() + (s.node.className ? '.' + String(s.node.className).split(' ')[0] : '') : String(s.node?.nodeName)))
        shifts.push(`${entry.value.toFixed(4)} at ${Math.round(entry.startTime)} ms: ${nodes.join(', ')}`)
      }
    }).observe({type: 'layout-shift', buffered: true})
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve({cls, shifts}), 500)))
  }))
}

test('served over HTTP, the page asks for nothing but itself: its icon is inline (no /favicon.ico)', async () => {
  served.requests.length = 0
  const {context, page} = await open(wide)
  // The browser asks for a missing icon after load; give it the time to.
  await page.waitForTimeout(1000)
  const icon = await page.locator('head link[rel=icon]').getAttribute('href')
  await context.close()
  assert.deepEqual(served.requests, ['/'])
  assert.match(icon ?? '', /^data:image\/svg\+xml,/)
})

for (const [name, options] of [['a phone (390 x 844, touch)', phone], ['a 1600 px desktop with sidenotes', wide]] as const) {
  test(`cumulative layout shift at most 0.02 on ${name}`, async (t) => {
    const {context, page} = await open(options, trickled)
    const {cls, shifts} = await layoutShift(page)
    if (options === wide) assert.ok(await page.locator('.sidenote').first().isVisible(), 'the notes stand in the margin')
    assert.ok(await page.locator('.reader-controls').isVisible(), 'the reader controls are shown')
    await context.close()
    t.diagnostic(`CLS ${cls.toFixed(4)}`)
    assert.ok(cls <= 0.02, `CLS ${cls.toFixed(4)} <= 0.02; shifts: ${shifts.join('; ') || 'none'}`)
  })
}

test('the reader\'s script moves nothing on a phone: the text starts where it started before the script ran', async () => {
  // The same page with and without its last script (the reader's; the head's stays): every
  // control the script works ("My notes" too) is in the page from the first paint.
  const textTop = async (withoutReader: boolean): Promise<number> => {
    const context = await browser.newContext(phone)
    const page = await context.newPage()
    if (withoutReader) {
      await page.route(served.url, async (route) => {
        const response = await route.fetch()
        const body = (await response.text()).replace(/<script>(?:(?!<\/script>)[\s\S])*<\/script>\s*<\/body>/, '</body>')
        await route.fulfill({response, body})
      })
    }
    await page.goto(served.url, {waitUntil: 'load'})
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    assert.equal(await page.locator('.annotate-para').count() > 0, !withoutReader, withoutReader ? 'the reader script left out' : 'the reader script ran')
    const top = await page.locator('article p').first().evaluate((p) => p.getBoundingClientRect().top + scrollY)
    await context.close()
    return top
  }
  assert.equal(await textTop(false), await textTop(true))
})

test('without JavaScript the reader controls stay hidden', async () => {
  const {context, page} = await open({...phone, javaScriptEnabled: false})
  assert.equal(await page.locator('.reader-controls').count(), 1)
  assert.ok(!(await page.locator('.reader-controls').isVisible()))
  await context.close()
})
