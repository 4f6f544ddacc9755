/**
 * Screenshots of the default essay for the README (`npm run screenshots`): light and dark on a
 * desktop, a phone with a note open, and a wide screen with the notes in the margin. Builds the
 * essay into a temporary folder and writes docs/*.png. Needs `npm run compile` first (the npm
 * script does it) and Chromium (see src/outputs/chromium.ts).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import type {BrowserContextOptions, Page} from 'playwright-core'
import {launchChromium} from '../src/outputs/chromium.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const docs = path.join(root, 'docs')
const essay = path.join(root, 'essay/russia-warms-up-to-pakistan.md')

interface Shot {
  file: string
  context: BrowserContextOptions
  /** What to do before the picture: scroll, open a note. */
  prepare?: (page: Page) => Promise<void>
}

/** Scroll so that `selector` stands `offset` pixels below the top of the window. */
async function scrollTo(page: Page, selector: string, offset: number) {
  await page.evaluate(([s, o]) => window.scrollTo(0, document.querySelector(s as string)!.getBoundingClientRect().top + window.scrollY - (o as number)), [selector, offset] as const)
}

const shots: Shot[] = [
  {file: 'screenshot-light.png', context: {viewport: {width: 1280, height: 800}, colorScheme: 'light'}},
  {
    file: 'screenshot-dark.png',
    context: {viewport: {width: 1280, height: 800}, colorScheme: 'dark'},
    prepare: async (page) => {
      await scrollTo(page, '#p-3', 120)
      await page.locator('#fnref-3').click()
      await page.locator('.note-popover').waitFor({state: 'visible'})
    }
  },
  {
    file: 'screenshot-phone.png',
    context: {viewport: {width: 390, height: 844}, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'light'},
    prepare: async (page) => {
      await scrollTo(page, '#p-2', 40)
      await page.locator('#fnref-2').tap()
      await page.locator('.note-popover').waitFor({state: 'visible'})
    }
  },
  {
    file: 'screenshot-sidenotes.png',
    context: {viewport: {width: 1600, height: 1000}, colorScheme: 'light'},
    prepare: async (page) => scrollTo(page, '#p-5', 60)
  },
  {
    file: 'annotations.png',
    context: {viewport: {width: 1500, height: 820}, colorScheme: 'light'},
    prepare: async (page) => {
      await scrollTo(page, '#p-2', 40)
      await annotate(page, 'p-2', 'the geostrategic paradigmatic shift in the policy orientation of Russia', 'The thesis: geo-economics over geo-military. Compare ¶ 13.')
      await annotate(page, 'p-3', 'Pakistan lost its decades-old key ally', '')
      await page.getByRole('button', {name: 'My notes', exact: true}).click()
      await page.locator('#p-2 mark.annotation').first().hover()
      await page.getByRole('tooltip').waitFor()
    }
  }
]

/** Select `text` in paragraph `id` and highlight it, with a note if one is given. */
async function annotate(page: Page, id: string, text: string, note: string) {
  await page.evaluate(([id, text]) => {
    const p = document.getElementById(id!)!
    const node = Array.from(p.childNodes).find((n): n is Text => n instanceof Text && n.data.includes(text!))!
    const range = document.createRange()
    range.setStart(node, node.data.indexOf(text!))
    range.setEnd(node, node.data.indexOf(text!) + text!.length)
    getSelection()!.removeAllRanges()
    getSelection()!.addRange(range)
  }, [id, text])
  const bar = page.getByRole('toolbar', {name: 'Annotate'})
  await bar.waitFor()
  if (!note) return bar.getByRole('button', {name: 'Highlight'}).click()
  await bar.getByRole('button', {name: 'Note', exact: true}).click()
  await page.getByRole('textbox', {name: 'Note'}).fill(note)
  await page.getByRole('button', {name: 'Save note'}).click()
}

/** `npm run screenshots -- annotations.png` retakes only the pictures named. */
const only = process.argv.slice(2)

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-edition-screenshots-'))
const build = spawnSync(process.execPath, [path.join(root, 'bin/essay-edition.js'), 'build', essay, '--out', out, '--quiet'], {cwd: root, encoding: 'utf8'})
if (build.status !== 0) {
  process.stderr.write(build.stderr)
  process.exit(1)
}
const url = 'file://' + path.join(out, 'index.html')
fs.mkdirSync(docs, {recursive: true})
const browser = await launchChromium()
try {
  for (const shot of shots.filter((s) => only.length === 0 || only.includes(s.file))) {
    const context = await browser.newContext({...shot.context, reducedMotion: 'reduce'})
    const page = await context.newPage()
    await page.goto(url)
    await shot.prepare?.(page)
    // Let the script lay out the sidenotes (an animation frame) and the page settle.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    await page.screenshot({path: path.join(docs, shot.file)})
    await context.close()
    console.log(`docs/${shot.file}`)
  }
} finally {
  await browser.close()
  fs.rmSync(out, {recursive: true, force: true})
}
