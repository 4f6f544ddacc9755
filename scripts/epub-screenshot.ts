/**
 * The EPUB picture for the README (`npm run screenshot:epub`): the default essay built with
 * `--epub`, its content document (EPUB/essay.xhtml, unpacked from the book) opened in Chromium as
 * XHTML with the book's own stylesheet, at an e-reader's size, with a note open as e-readers open
 * an `aside epub:type="footnote"`: a pop-up by its reference. Chromium is no e-reader, so the
 * pop-up is drawn here, from the aside's own content, by this script (Apple Books, Kobo and
 * Thorium draw their own). Writes docs/epub-note.png. Needs `npm run compile` first and Chromium.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {unzipSync} from 'fflate'
import {launchChromium} from '../src/outputs/chromium.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const essay = path.join(root, 'essay/russia-warms-up-to-pakistan.md')
const target = path.join(root, 'docs/epub-note.png')
/** The note shown open. */
const note = 1

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-edition-epub-shot-'))
try {
  const build = spawnSync(process.execPath, [path.join(root, 'bin/essay-edition.js'), 'build', essay, '--out', out, '--epub', '--quiet'], {cwd: root, encoding: 'utf8'})
  if (build.status !== 0) {
    process.stderr.write(build.stderr)
    process.exit(1)
  }
  const book = path.join(out, 'russia-warms-up-to-pakistan.epub')
  const unpacked = path.join(out, 'book')
  for (const [name, data] of Object.entries(unzipSync(fs.readFileSync(book)))) {
    fs.mkdirSync(path.dirname(path.join(unpacked, name)), {recursive: true})
    fs.writeFileSync(path.join(unpacked, name), data)
  }
  const browser = await launchChromium()
  try {
    const context = await browser.newContext({viewport: {width: 600, height: 800}, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce'})
    const page = await context.newPage()
    await page.goto('file://' + path.join(unpacked, 'EPUB/essay.xhtml'))
    await page.evaluate((n) => {
      const ns = 'http://www.w3.org/1999/xhtml'
      // An e-reader's page: margins, a serif font; footnote asides out of the flow, as readers hide them.
      const style = document.createElementNS(ns, 'style')
      style.textContent = `
        body { margin: 0 48px; font-family: "DejaVu Serif", serif; font-size: 17px; }
        aside[role="doc-footnote"] { display: none; }
        .reader-popup { position: absolute; left: 36px; right: 36px; padding: 14px 18px; background: #fff;
          border-radius: 10px; box-shadow: 0 4px 24px rgba(0,0,0,0.28); font-size: 15px; line-height: 1.4; }
        .reader-popup::before { content: ""; position: absolute; top: -8px; left: var(--arrow); width: 16px; height: 16px;
          background: #fff; transform: rotate(45deg); box-shadow: -3px -3px 6px rgba(0,0,0,0.08); }
        .reader-popup p { margin: 0; }`
      document.head.appendChild(style)
      const reference = document.getElementById(`fnref-${n}`)!
      const aside = document.getElementById(`fn-${n}`)!
      // The book's first page: its title, the first paragraphs, the note over them.
      window.scrollTo(0, 0)
      const box = reference.getBoundingClientRect()
      const popup = document.createElementNS(ns, 'div') as HTMLElement
      popup.className = 'reader-popup'
      popup.append(...[...aside.childNodes].map((child) => child.cloneNode(true)))
      popup.style.top = `${box.bottom + window.scrollY + 12}px`
      popup.style.setProperty('--arrow', `${Math.max(12, box.left - 36 + box.width / 2 - 8)}px`)
      document.body.appendChild(popup)
    }, note)
    await page.screenshot({path: target})
    await context.close()
    console.log(path.relative(root, target))
  } finally {
    await browser.close()
  }
} finally {
  fs.rmSync(out, {recursive: true, force: true})
}
