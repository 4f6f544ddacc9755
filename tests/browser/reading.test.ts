/**
 * Reading on every screen, in real Chromium: typography, sidenotes on wide screens, the notes and
 * theme preferences, dark mode, phones, print, contents and permalinks, reduced motion, keyboard
 * use, and axe-core (no violation) in light and dark, on a desktop and on a phone.
 */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {buildDefaultEssay, closeBrowser, fileUrl, fixture, getBrowser, projectRoot, runCli} from '../helpers.js'

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>

const axePath = path.join(projectRoot, 'node_modules/axe-core/axe.min.js')
const desktop: ContextOptions = {viewport: {width: 1280, height: 900}}
const phone: ContextOptions = {viewport: {width: 390, height: 844}, hasTouch: true, isMobile: true}
const wide: ContextOptions = {viewport: {width: 1600, height: 1000}}

let browser: Browser
let url: string
let sectionsUrl: string

/** An essay with headings, a body citation and an outside link: contents, permalinks, "¶ N". */
function buildSectionsEssay(): string {
  const dir = fixture({
    'essay/sections.md': [
      '---',
      'title: An essay in sections',
      'lang: fr',
      'bibliography: ../works.json',
      '---',
      '',
      'An opening paragraph, before any heading.',
      '',
      '## Why it matters',
      '',
      'A second paragraph with a note.[^a]',
      '',
      '### Un détail',
      '',
      'A third paragraph that cites a work [@doe2020, p. 4] and links to [a page](https://example.org/page).',
      '',
      '## Why it matters',
      '',
      'The same heading again, for the ids.',
      '',
      '[^a]: The note.',
      ''
    ].join('\n'),
    'works.json': JSON.stringify([{id: 'doe2020', type: 'book', title: 'A Book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}}])
  })
  const out = path.join(dir, 'out')
  const result = runCli(['build', path.join(dir, 'essay/sections.md'), '--out', out, '--default-style', 'apa'])
  if (result.code !== 0) throw new Error(`build failed: ${result.stderr}`)
  return path.join(out, 'index.html')
}

before(async () => {
  url = fileUrl(buildDefaultEssay())
  sectionsUrl = fileUrl(buildSectionsEssay())
  browser = await getBrowser()
})
after(closeBrowser)

async function open(options: ContextOptions = desktop, address = url): Promise<{context: BrowserContext; page: Page; problems: string[]}> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  page.on('pageerror', (error) => problems.push(String(error)))
  await page.goto(address)
  return {context, page, problems}
}

/** Wait until the script has laid the page out (sidenotes are placed in an animation frame). */
const settled = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))

function parseColor(value: string): [number, number, number, number] {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(value)
  assert.ok(m, `a colour: ${value}`)
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])]
}

function luminance(value: string): number {
  const [r, g, b] = parseColor(value).map((c) => c / 255)
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!)
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p)
  return (x! + 0.05) / (y! + 0.05)
}

const pageBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)

/**
 * axe-core's rules, and also `label-content-name-mismatch` (a control's accessible name contains
 * its visible text, WCAG 2.5.3), which axe counts as experimental and Lighthouse runs.
 */
async function axe(page: Page, label: string) {
  await page.addScriptTag({path: axePath})
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as {axe: {run: (context: Document, options: object) => Promise<{violations: Array<{id: string; impact: string; nodes: Array<{target: unknown}>}>}>}}).axe.run(document, {resultTypes: ['violations'], rules: {'label-content-name-mismatch': {enabled: true}}})
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`)
  })
  assert.deepEqual(violations, [], `axe-core, ${label}`)
}

/* ---------- 1. typography ---------- */

test('typography: body text at least 16 px, larger on a desktop, 45-85 characters a line at 1280 px, generous leading, the essay\'s lang', async () => {
  for (const [options, least] of [[phone, 16], [desktop, 19]] as const) {
    const {context, page} = await open(options)
    const style = await page.evaluate(() => {
      const p = getComputedStyle(document.querySelector('article p')!)
      return {size: parseFloat(p.fontSize), leading: parseFloat(p.lineHeight) / parseFloat(p.fontSize), family: p.fontFamily}
    })
    assert.ok(style.size >= least, `body text ${style.size}px >= ${least}px`)
    assert.ok(style.leading >= 1.45, `line height ${style.leading}`)
    assert.match(style.family, /serif/)
    await context.close()
  }
  const {context, page} = await open(desktop)
  assert.equal(await page.getAttribute('html', 'lang'), 'en-GB')
  const perLine = await page.evaluate(() => {
    const counts: number[] = []
    for (const p of Array.from(document.querySelectorAll('article > p')).slice(0, 6)) {
      const lines = new Map<number, number>()
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest('sup, .permalink')) continue
        for (let i = 0; i < (node as Text).length; i++) {
          const range = document.createRange()
          range.setStart(node, i)
          range.setEnd(node, i + 1)
          const rect = range.getClientRects()[0]
          if (rect) lines.set(Math.round(rect.bottom / 4), (lines.get(Math.round(rect.bottom / 4)) ?? 0) + 1)
        }
      }
      counts.push(...Array.from(lines.values()).slice(0, -1)) // the last line of a paragraph is short
    }
    return counts.reduce((a, b) => a + b, 0) / counts.length
  })
  assert.ok(perLine >= 45 && perLine <= 85, `${perLine} characters a line`)
  assert.ok(perLine >= 55 && perLine <= 78, `near 60-75 characters a line: ${perLine}`)
  const headings = await page.evaluate(() => Array.from(document.querySelectorAll('h1')).length)
  assert.equal(headings, 1, 'one h1: the title')
  await context.close()
})

test('note markers: no extra space around them, and a target of at least 24 x 24 px', async () => {
  for (const options of [desktop, phone]) {
    const {context, page} = await open(options)
    await page.locator('#fnref-1').scrollIntoViewIfNeeded()
    const result = await page.evaluate(() => {
      const ref = document.querySelector<HTMLAnchorElement>('a[role=doc-noteref]')!
      const box = ref.getBoundingClientRect()
      // The text right after the marker: " Russia pursued ..."
      const after = ref.parentElement!.nextSibling as Text
      const range = document.createRange()
      range.setStart(after, 1)
      range.setEnd(after, 2)
      const next = range.getBoundingClientRect()
      range.setStart(after, 0)
      range.setEnd(after, 1)
      const space = range.getBoundingClientRect().width
      const before = ref.parentElement!.previousSibling as Text
      range.setStart(before, before.length - 1)
      range.setEnd(before, before.length)
      const previous = range.getBoundingClientRect()
      const cx = box.left + box.width / 2
      const cy = box.top + box.height / 2
      const hits = [[-11.5, 0], [11.5, 0], [0, -11.5], [0, 11.5], [-11, -11], [11, 11]].map(([dx, dy]) => document.elementFromPoint(cx + dx!, cy + dy!)?.closest('a') === ref)
      return {gapAfter: next.left - box.right, space, gapBefore: box.left - previous.right, hits, fontSize: parseFloat(getComputedStyle(ref.closest('p')!).fontSize)}
    })
    assert.ok(result.gapAfter <= result.space + 0.1 * result.fontSize, `gap after the marker ${result.gapAfter}px, a space is ${result.space}px`)
    assert.ok(result.gapBefore <= 0.15 * result.fontSize, `gap before the marker ${result.gapBefore}px`)
    assert.deepEqual(result.hits, result.hits.map(() => true), 'every point 11.5 px from the centre is the marker')
    await context.close()
  }
})

/* ---------- 2. sidenotes, and the notes preference ---------- */

async function sidenoteBoxes(page: Page) {
  return page.evaluate(() => {
    const text = document.querySelector('main p')!.getBoundingClientRect()
    return {
      column: {left: text.left, right: text.right},
      notes: Array.from(document.querySelectorAll<HTMLElement>('.sidenote')).map((el) => {
        const r = el.getBoundingClientRect()
        return {n: el.dataset.n, top: r.top, bottom: r.bottom, left: r.left, right: r.right, text: el.innerText.replace(/\s+/g, ' ').trim(), hidden: el.closest('[aria-hidden=true]') !== null}
      })
    }
  })
}

test('at 1600 x 1000 note 1 stands in the margin beside its marker, without any action; the notes do not overlap', async () => {
  const {context, page, problems} = await open(wide)
  await settled(page)
  const marker = (await page.locator('#fnref-1').boundingBox())!
  const noteText = (await page.locator('#fn-1 .cite-variant:not([hidden])').innerText()).trim()
  const {column, notes} = await sidenoteBoxes(page)
  assert.equal(notes.length, 17, 'one sidenote a note')
  const first = notes.find((n) => n.text.includes(noteText.slice(0, 40)))
  assert.ok(first, `a sidenote holds note 1's text: ${noteText}`)
  assert.equal(first.n, '1')
  assert.ok(first.left >= column.right + 16, 'right of the text column')
  assert.ok(first.right <= 1600, 'inside the viewport')
  assert.ok(Math.abs(first.top - marker.y) < 24, `at its marker's height: ${first.top} vs ${marker.y}`)
  assert.ok(first.top >= 0 && first.bottom <= 1000, 'visible without scrolling')
  const visible = await page.evaluate(() => {
    const el = document.querySelector('.sidenote')!
    const r = el.getBoundingClientRect()
    return document.elementFromPoint(r.left + 5, r.top + 5)?.closest('.sidenote') === el
  })
  assert.ok(visible, 'nothing covers it')
  for (let i = 1; i < notes.length; i++) assert.ok(notes[i]!.top >= notes[i - 1]!.bottom, `sidenote ${notes[i]!.n} is below sidenote ${notes[i - 1]!.n}`)
  // A visual copy: hidden from assistive technology, its links out of the Tab order.
  assert.ok(notes.every((n) => n.hidden))
  assert.equal(await page.locator('.sidenotes a:not([tabindex="-1"])').count(), 0)
  assert.equal(await page.locator('.sidenotes [id]').count(), 0, 'no duplicate ids')
  // Hovering a marker still opens its note in place, as the page contract promises.
  await page.locator('#fnref-1').hover()
  await page.locator('.note-popover').waitFor({state: 'visible'})
  assert.match(await page.locator('.note-popover').innerText(), /Khan/)
  assert.deepEqual(problems, [])
  await context.close()
})

test('sidenotes follow the citation style, and move when the window is resized', async () => {
  const {context, page} = await open(wide)
  await settled(page)
  await page.getByRole('combobox', {name: /style/i}).selectOption('apa')
  await settled(page)
  const shown = (await page.locator('#fn-3 .cite-variant:not([hidden])').innerText()).trim()
  assert.equal(shown, '(Zaidi & Saud, 2021)')
  const {notes} = await sidenoteBoxes(page)
  assert.ok(notes.some((n) => n.n === '3' && n.text === shown), `sidenote 3 reads ${shown}: ${JSON.stringify(notes[2])}`)
  assert.ok(!notes.some((n) => n.text.includes('Herald of the Russian')), 'no text of the other styles')
  // Narrower: popovers instead; wider again: sidenotes again, at their markers.
  await page.setViewportSize({width: 1100, height: 1000})
  await settled(page)
  await page.waitForTimeout(50)
  assert.equal(await page.locator('.sidenote').count(), 0)
  await page.setViewportSize({width: 1500, height: 1000})
  await settled(page)
  await page.waitForTimeout(50)
  const marker = (await page.locator('#fnref-1').boundingBox())!
  const again = await sidenoteBoxes(page)
  assert.ok(Math.abs(again.notes[0]!.top - marker.y) < 24)
  assert.ok(again.notes[0]!.left >= again.column.right)
  await context.close()
})

test('the reader chooses popovers, sidenotes or endnotes; the choice persists', async () => {
  const {context, page} = await open(wide)
  const notes = page.getByRole('combobox', {name: 'Notes'})
  assert.equal(await notes.inputValue(), 'auto')
  await notes.selectOption('popover')
  await settled(page)
  assert.equal(await page.locator('.sidenote').count(), 0, 'no sidenotes when popovers are chosen')
  await page.locator('#fnref-3').hover()
  await page.locator('.note-popover').waitFor({state: 'visible'})
  await page.mouse.move(5, 5)
  await page.reload()
  await settled(page)
  assert.equal(await page.getByRole('combobox', {name: 'Notes'}).inputValue(), 'popover', 'kept across a reload')
  assert.equal(await page.locator('.sidenote').count(), 0)
  await page.getByRole('combobox', {name: 'Notes'}).selectOption('end')
  await page.locator('#fnref-5').click()
  await page.waitForFunction(() => location.hash === '#fn-5')
  assert.equal(await page.locator('.note-popover').count(), 0, 'endnotes: a marker jumps to its note')
  await context.close()

  // Sidenotes on request where the automatic choice would give popovers.
  const narrower = await open({viewport: {width: 1200, height: 900}})
  await settled(narrower.page)
  assert.equal(await narrower.page.locator('.sidenote').count(), 0)
  await narrower.page.getByRole('combobox', {name: 'Notes'}).selectOption('side')
  await settled(narrower.page)
  assert.equal(await narrower.page.locator('.sidenote').count(), 17)
  const scroll = await narrower.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  assert.ok(scroll, 'the margin fits without sideways scrolling')
  await narrower.context.close()
})

test('without JavaScript the notes stay endnotes', async () => {
  const {context, page} = await open({...wide, javaScriptEnabled: false})
  assert.equal(await page.locator('.sidenote').count(), 0)
  assert.ok(await page.locator('section[role=doc-endnotes] li').first().isVisible())
  await context.close()
})

/* ---------- 3. dark mode ---------- */

test('dark mode follows the system; the theme control overrides it and persists; contrast holds in both', async () => {
  const dark = await open({...desktop, colorScheme: 'dark'})
  assert.ok(luminance(await pageBackground(dark.page)) < 0.2, 'dark background under a dark system scheme')
  const theme = dark.page.getByRole('combobox', {name: 'Theme'})
  assert.equal(await theme.inputValue(), 'system')
  await theme.selectOption('light')
  assert.ok(luminance(await pageBackground(dark.page)) > 0.8, 'light when chosen, whatever the system')
  await dark.page.reload()
  assert.equal(await dark.page.getByRole('combobox', {name: 'Theme'}).inputValue(), 'light')
  assert.ok(luminance(await pageBackground(dark.page)) > 0.8, 'the choice persists')
  await dark.context.close()

  const light = await open({...desktop, colorScheme: 'light'})
  assert.ok(luminance(await pageBackground(light.page)) > 0.8)
  await light.page.getByRole('combobox', {name: 'Theme'}).selectOption('dark')
  assert.ok(luminance(await pageBackground(light.page)) < 0.2, 'dark when chosen under a light system')
  assert.equal(await light.page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), 'dark')
  await light.context.close()

  for (const colorScheme of ['light', 'dark'] as const) {
    const {context, page} = await open({...wide, colorScheme})
    await settled(page)
    const colours = await page.evaluate(() => {
      const style = (selector: string) => getComputedStyle(document.querySelector(selector)!)
      return {bg: style('html').backgroundColor, text: style('article p').color, link: style('a[role=doc-biblioref]').color, side: style('.sidenote a').color, muted: style('.byline, .reader-controls').color}
    })
    for (const key of ['text', 'link', 'side', 'muted'] as const) {
      assert.ok(contrast(colours[key], colours.bg) >= 4.5, `${colorScheme}: ${key} ${colours[key]} on ${colours.bg}`)
    }
    await page.getByRole('combobox', {name: 'Notes'}).selectOption('popover')
    await page.locator('#fnref-1').click()
    await page.locator('.note-popover').waitFor({state: 'visible'})
    const popover = await page.evaluate(() => {
      const box = document.querySelector('.note-popover')!
      return {bg: getComputedStyle(box).backgroundColor, link: getComputedStyle(box.querySelector('a')!).color, close: getComputedStyle(box.querySelector('button')!).color}
    })
    assert.ok(contrast(popover.link, popover.bg) >= 4.5, `${colorScheme}: popover link ${popover.link} on ${popover.bg}`)
    assert.ok(contrast(popover.close, popover.bg) >= 3, `${colorScheme}: close button`)
    await context.close()
  }
})

/* ---------- 4. phones ---------- */


test('a chosen theme and notes place are set before the body is parsed, so a reload does not flash', async () => {
  const {context, page, problems} = await open({...desktop, colorScheme: 'light'})
  await page.getByRole('combobox', {name: 'Theme'}).selectOption('dark')
  await page.getByRole('combobox', {name: 'Notes'}).selectOption('end')
  // What <html> says at the moment <body> is inserted, before anything of the page is painted.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.body) return
      const root = document.documentElement
      ;(window as unknown as {atBody: string}).atBody = `${root.dataset.theme}/${root.dataset.notes}`
      observer.disconnect()
    }).observe(document, {childList: true, subtree: true})
  })
  await page.reload()
  assert.equal(await page.evaluate(() => (window as unknown as {atBody: string}).atBody), 'dark/end')
  assert.ok(luminance(await pageBackground(page)) < 0.2)
  assert.deepEqual(problems, [], 'no script refused by the page policy')
  await context.close()
})
test('phones: no sideways scrolling from 320 px up, in every style and with a note open', async () => {
  for (const width of [320, 390]) {
    const {context, page, problems} = await open({viewport: {width, height: 700}, hasTouch: true, isMobile: true})
    for (const style of ['modern-humanities-research-association', 'apa', 'ieee', 'modern-language-association']) {
      await page.getByRole('combobox', {name: /style/i}).selectOption(style)
      const widths = await page.evaluate(() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth}))
      assert.ok(widths.scroll <= widths.inner, `${width}px, ${style}: ${widths.scroll} > ${widths.inner}`)
    }
    await page.locator('#fnref-3').tap()
    await page.locator('.note-popover').waitFor({state: 'visible'})
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${width}px with a note open`)
    assert.deepEqual(problems, [])
    await context.close()
  }
})

test('phones: an open note has a visible Close button that closes it and returns to the marker', async () => {
  const {context, page} = await open(phone)
  const ref = page.locator('#fnref-2')
  await ref.scrollIntoViewIfNeeded()
  await ref.tap()
  await page.locator('.note-popover').waitFor({state: 'visible'})
  const close = page.locator('.note-popover').getByRole('button', {name: 'Close note'})
  assert.ok(await close.isVisible())
  const box = (await close.boundingBox())!
  assert.ok(box.width >= 24 && box.height >= 24, `close button ${box.width} x ${box.height}`)
  const viewport = page.viewportSize()!
  assert.ok(box.x >= 0 && box.x + box.width <= viewport.width && box.y >= 0, 'inside the viewport')
  await close.tap()
  await page.locator('.note-popover').waitFor({state: 'detached'})
  assert.equal(await ref.getAttribute('aria-expanded'), 'false')
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'fnref-2')
  await context.close()
})

/* ---------- 5. print ---------- */

test('print: controls hidden, notes as endnotes, only the chosen style\'s list, URLs spelled out', async () => {
  const {context, page} = await open(wide)
  await settled(page)
  await page.getByRole('combobox', {name: /style/i}).selectOption('apa')
  await page.getByRole('combobox', {name: 'Notes'}).selectOption('side')
  await settled(page)
  await page.emulateMedia({media: 'print'})
  assert.ok(!(await page.locator('.reader-controls').isVisible()), 'controls hidden')
  assert.equal(await page.locator('select:visible, button:visible').count(), 0, 'no control at all')
  assert.equal(await page.locator('.sidenote:visible').count(), 0, 'no sidenotes')
  assert.ok(await page.locator('section[role=doc-endnotes] li').first().isVisible(), 'the endnotes')
  assert.equal(await page.locator('section[role=doc-bibliography]:visible').count(), 1)
  assert.equal(await page.locator('section[role=doc-bibliography]:visible').getAttribute('data-style'), 'apa')
  assert.equal(await page.locator('.permalink:visible').count(), 0)
  const colours = await page.evaluate(() => ({bg: getComputedStyle(document.documentElement).backgroundColor, fg: getComputedStyle(document.body).color}))
  assert.ok(luminance(colours.bg) > 0.9 && luminance(colours.fg) < 0.05, 'black on white')
  const workLink = await page.evaluate(() => {
    const a = document.querySelector('section[data-style=apa] a.work-link')
    return a ? {href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content} : undefined
  })
  if (workLink) assert.ok(workLink.after.includes(workLink.href!), `the entry's link spelled out: ${workLink.after}`)
  await context.close()

  const sections = await open({...desktop, colorScheme: 'dark'}, sectionsUrl)
  await sections.page.emulateMedia({media: 'print'})
  const link = await sections.page.evaluate(() => getComputedStyle(document.querySelector('a[href="https://example.org/page"]')!, '::after').content)
  assert.match(link, /https:\/\/example\.org\/page/, 'a link in the text prints its URL')
  assert.ok(!(await sections.page.locator('nav.toc').isVisible()), 'no table of contents on paper')
  assert.ok(luminance(await pageBackground(sections.page)) > 0.9, 'white paper under a dark system scheme')
  await sections.context.close()
})

/* ---------- 6. finding one's way ---------- */

test('contents: headings get stable ids from their text and a nav lists them when there are two or more', async () => {
  const {context, page} = await open(desktop, sectionsUrl)
  assert.equal(await page.getAttribute('html', 'lang'), 'fr')
  const nav = page.getByRole('navigation', {name: 'Contents'})
  assert.ok(await nav.isVisible())
  const links = await nav.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]))
  assert.deepEqual(links, [['Why it matters', '#why-it-matters'], ['Un détail', '#un-détail'], ['Why it matters', '#why-it-matters-2']])
  assert.equal(await page.locator('#why-it-matters-2').innerText().then((t) => t.replace(/#$/, '').trim()), 'Why it matters')
  await nav.locator('a').nth(1).click()
  await page.waitForFunction(() => decodeURIComponent(location.hash) === '#un-détail')
  await context.close()
  // The default essay has no headings: no contents.
  const plain = await open(desktop)
  assert.equal(await plain.page.locator('nav.toc').count(), 0)
  await plain.context.close()
})

test('permalinks: paragraphs are p-N as the reference lists count "¶ N"; links show on hover and focus', async () => {
  const {context, page} = await open(desktop, sectionsUrl)
  // APA is shown: the body citation is "¶ 3" in the list, and #p-3 holds it.
  const place = await page.locator('section[data-style=apa] .cited-at a[role=doc-backlink]').first()
  assert.equal((await place.innerText()).trim(), '¶ 3')
  const target = (await place.getAttribute('href'))!.slice(1)
  assert.equal(await page.evaluate((id) => document.getElementById(id)?.closest('p')?.id, target), 'p-3')
  assert.deepEqual(await page.locator('article p[id^="p-"]').evaluateAll((ps) => ps.map((p) => p.id)), ['p-1', 'p-2', 'p-3', 'p-4'])

  const link = page.locator('#p-2 a.permalink')
  assert.equal(await link.getAttribute('href'), '#p-2')
  assert.equal(await page.getByRole('link', {name: 'Link to this paragraph'}).count(), 4)
  assert.equal(await page.locator('#un-détail').getByRole('link', {name: 'Link to this section'}).count(), 1)
  const opacity = () => link.evaluate((a) => getComputedStyle(a).opacity)
  assert.equal(await opacity(), '0', 'hidden at rest')
  await page.locator('#p-2').hover()
  await page.waitForTimeout(250)
  assert.equal(await opacity(), '1', 'shown on hover')
  await page.mouse.move(1, 1)
  await page.waitForTimeout(250)
  await link.focus()
  await page.waitForTimeout(250)
  assert.equal(await opacity(), '1', 'shown on focus')
  const box = (await link.boundingBox())!
  const p = (await page.locator('#p-2').boundingBox())!
  assert.ok(box.x + box.width <= p.x + 1 && box.x >= 0, 'in the left margin on a desktop')
  await link.click()
  await page.waitForFunction(() => location.hash === '#p-2')
  await context.close()

  const essay = await open(desktop)
  assert.equal(await essay.page.locator('article p[id^="p-"]').count(), 16)
  await essay.context.close()
})

test('reduced motion: no smooth scrolling and no transitions', async () => {
  const reduced = await open({...desktop, reducedMotion: 'reduce'}, sectionsUrl)
  const still = await reduced.page.evaluate(() => ({scroll: getComputedStyle(document.documentElement).scrollBehavior, transition: getComputedStyle(document.querySelector('.permalink')!).transitionDuration}))
  assert.deepEqual(still, {scroll: 'auto', transition: '0s'})
  await reduced.context.close()
  const moving = await open({...desktop, reducedMotion: 'no-preference'}, sectionsUrl)
  assert.equal(await moving.page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior), 'smooth')
  await moving.context.close()
})

/* ---------- 7. accessibility ---------- */

test('keyboard only: Tab to a note reference, Enter opens it, a link inside works, Esc returns focus', async () => {
  const {context, page, problems} = await open(desktop)
  let presses = 0
  while (presses++ < 80) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(() => document.activeElement?.id === 'fnref-1')) break
  }
  assert.ok(presses < 80, 'reached the first note reference by Tab')
  const ref = page.locator('#fnref-1')
  assert.equal(await ref.evaluate((a) => getComputedStyle(a).outlineStyle), 'solid', 'focus is visible')
  await page.keyboard.press('Enter')
  const popover = page.locator('.note-popover')
  await popover.waitFor({state: 'visible'})
  assert.equal(await ref.getAttribute('aria-expanded'), 'true')
  assert.equal(await ref.getAttribute('aria-controls'), await popover.getAttribute('id'))
  // Into the note: its close button, then its links.
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Close note')
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.closest('.note-popover') !== null && document.activeElement?.getAttribute('role')), 'doc-biblioref')
  await page.keyboard.press('Escape')
  await popover.waitFor({state: 'detached'})
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'fnref-1', 'focus back on the reference')
  assert.equal(await ref.getAttribute('aria-expanded'), 'false')
  // Again, and follow the link.
  await page.keyboard.press('Enter')
  await popover.waitFor({state: 'visible'})
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => location.hash === '#ref-khan2021')
  await popover.waitFor({state: 'detached'})
  assert.ok(await page.locator('#ref-khan2021').isVisible())
  assert.deepEqual(problems, [])
  await context.close()
})

for (const [name, options] of [['1280 x 900', desktop], ['390 x 844 touch', phone], ['1600 x 1000 sidenotes', wide]] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core: no violation, ${colorScheme}, ${name}, and with a note open`, async () => {
      const {context, page} = await open({...options, colorScheme, bypassCSP: true})
      await settled(page)
      await axe(page, `${colorScheme} ${name}`)
      const ref = page.locator('#fnref-3')
      await ref.scrollIntoViewIfNeeded()
      if (options.hasTouch) await ref.tap()
      else await ref.click()
      await page.locator('.note-popover').waitFor({state: 'visible'})
      await axe(page, `${colorScheme} ${name}, note open`)
      await context.close()
    })
  }
}

test('axe-core: no violation on a page with contents and permalinks, light and dark', async () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const {context, page} = await open({...desktop, colorScheme, bypassCSP: true}, sectionsUrl)
    await axe(page, `sections ${colorScheme}`)
    await context.close()
  }
})

/* ---------- the client stays small ---------- */

test('the client script stays at most 16 KB minified, annotations included', () => {
  const size = fs.statSync(path.join(projectRoot, 'dist/client/reader.js')).size
  assert.ok(size <= 16 * 1024, `${size} bytes`)
})
