/** `essay-edition preview` in real Chromium: the page patched in place, scroll, style and open note kept, build errors over the page. */
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {spawn, type ChildProcess} from 'node:child_process'
import type {Browser} from 'playwright-core'
import {cliPath, closeBrowser, getBrowser, projectRoot, tempDir} from '../helpers.js'

let browser: Browser
let child: ChildProcess | undefined
let url: string
let dir: string
let essay: string
let stderr = ''
/** How soon a change must show (3 s; PREVIEW_RELOAD_MS raises it on a machine too busy to measure). */
const within = Number(process.env.PREVIEW_RELOAD_MS ?? 3000)

/** Start `preview` and resolve with the address it prints. */
function startPreview(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [cliPath, 'preview', ...args], {cwd, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    const timer = setTimeout(() => reject(new Error(`preview printed no address in 60 s:\n${stdout}\n${stderr}`)), 60000)
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)
      if (found) {
        clearTimeout(timer)
        resolve(found[0])
      }
    })
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`preview exited (${code}):\n${stdout}\n${stderr}`))
    })
  })
}

before(async () => {
  dir = tempDir()
  fs.mkdirSync(path.join(dir, 'essay'))
  fs.mkdirSync(path.join(dir, 'bibliography'))
  essay = path.join(dir, 'essay/live.md')
  fs.copyFileSync(path.join(projectRoot, 'essay/russia-warms-up-to-pakistan.md'), essay)
  fs.copyFileSync(path.join(projectRoot, 'bibliography/russia-warms-up-to-pakistan.json'), path.join(dir, 'bibliography/live.json'))
  url = await startPreview(['essay/live.md', '--port', '0'], dir)
  browser = await getBrowser()
})

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  await closeBrowser()
})

/** Replace the essay's text the way an editor does: a new file renamed over the old one. */
function save(text: string) {
  const temporary = essay + '.saving'
  fs.writeFileSync(temporary, text)
  fs.renameSync(temporary, essay)
}

test('an edit shows in the open page within 3 s, patched in place, keeping the style and the scroll position; a broken edit shows over the last good page', async () => {
  const context = await browser.newContext({viewport: {width: 1000, height: 700}})
  const page = await context.newPage()
  const refused: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text())
  })
  // The new versions the page fetches to patch itself: only what changed since the version it has.
  const changes: Array<Promise<number>> = []
  page.on('response', (response) => {
    if (/\/__page\?.*&from=/.test(response.url())) changes.push(response.body().then((body) => body.length))
  })
  await page.goto(url)
  assert.match(await page.locator('h1.title').innerText(), /Russia warms up to Pakistan/)
  const control = page.getByRole('combobox', {name: /style/i})
  await control.selectOption('apa')
  await page.evaluate(() => window.scrollTo(0, 1200))
  await page.waitForFunction(() => Math.abs(window.scrollY - 1200) < 2)
  await page.evaluate(() => ((window as unknown as {marker: boolean}).marker = true))

  const original = fs.readFileSync(essay, 'utf8')
  const edited = original.replace('IN the realm of geopolitics', 'LIVE-EDIT-ONE In the realm of geopolitics')
  assert.notEqual(edited, original)
  save(edited)
  await page.waitForFunction(() => document.body.innerText.includes('LIVE-EDIT-ONE'), undefined, {timeout: within})
  assert.equal(await page.evaluate(() => (window as unknown as {marker?: boolean}).marker), true, 'the page was patched, not reloaded')
  assert.equal(await page.getByRole('combobox', {name: /style/i}).inputValue(), 'apa', 'the chosen style is kept')
  assert.equal(await page.evaluate(() => document.documentElement.dataset.style), 'apa')
  await page.waitForFunction(() => Math.abs(window.scrollY - 1200) < 40, undefined, {timeout: 1000})

  // A broken edit: the error over the page, the last good content under it.
  save(edited.replace('title: Russia warms up to Pakistan', 'title: [unclosed').replace('LIVE-EDIT-ONE', 'LIVE-EDIT-TWO'))
  const overlay = page.locator('#essay-edition-preview-error')
  await overlay.waitFor({state: 'visible', timeout: within})
  // Where YAML finds the flow sequence unclosed: the line after `title: [unclosed`.
  assert.match(await overlay.innerText(), /live\.md[\s\S]*3:1 [\s\S]*YAML/)
  assert.ok(await page.getByText('LIVE-EDIT-ONE').isVisible(), 'the last good page stays')
  assert.equal(await page.getByText('LIVE-EDIT-TWO').count(), 0)
  assert.match(stderr, /live\.md[\s\S]*YAML/, 'the error shows in the terminal too')

  // Fixed: the overlay goes, the new text comes.
  save(edited.replace('LIVE-EDIT-ONE', 'LIVE-EDIT-THREE'))
  await page.waitForFunction(() => document.body.innerText.includes('LIVE-EDIT-THREE'), undefined, {timeout: within})
  assert.equal(await page.locator('#essay-edition-preview-error').count(), 0)
  assert.equal(await page.getByRole('combobox', {name: /style/i}).inputValue(), 'apa')

  assert.deepEqual(refused, [], 'the served page admits the live script and its connection')
  const whole = (await (await page.request.get(url)).body()).length
  const sizes = await Promise.all(changes)
  assert.ok(sizes.length >= 2 && sizes.every((size) => size < whole / 3), `changes fetched: ${sizes.join(', ')} bytes; the page: ${whole}`)
  assert.ok(!fs.existsSync(path.join(dir, 'build')), 'preview writes nothing')
  assert.deepEqual(fs.readdirSync(path.join(dir, 'essay')), ['live.md'])
  await context.close()
})

test('an open note stays open, and a selection stays selected, when another paragraph changes; a changed head reloads the page at the same place', async () => {
  const original = fs.readFileSync(essay, 'utf8')
  const context = await browser.newContext({viewport: {width: 1000, height: 700}})
  const page = await context.newPage()
  await page.goto(url)
  // The first note whose reference is not in the paragraph edited below.
  const paragraphs = page.locator('article p', {hasNot: page.getByText('realm of geopolitics')}).filter({has: page.locator('a[role="doc-noteref"]')})
  const reference = paragraphs.first().locator('a[role="doc-noteref"]').first()
  await reference.scrollIntoViewIfNeeded()
  await reference.click()
  const note = page.locator('.note-popover')
  await note.waitFor({state: 'visible'})
  const noteText = await note.innerText()
  // A selection in a paragraph the edit does not touch, and a mark on the open note's element.
  await page.evaluate(() => {
    const p = Array.from(document.querySelectorAll('article p')).find((el) => el.textContent!.includes('The pivotal factor'))!
    const range = document.createRange()
    range.selectNodeContents(p.firstChild!)
    getSelection()!.removeAllRanges()
    getSelection()!.addRange(range)
    ;(document.querySelector('.note-popover') as unknown as {kept: boolean}).kept = true
    ;(window as unknown as {__marker: number}).__marker = 42
  })
  const selected = await page.evaluate(() => getSelection()!.toString())
  assert.match(selected, /The pivotal factor/)

  save(original.replace(/I[Nn] the realm of geopolitics/, 'NOTE-STAYS-OPEN In the realm of geopolitics'))
  await page.waitForFunction(() => document.body.innerText.includes('NOTE-STAYS-OPEN'), undefined, {timeout: within})
  assert.equal(await page.evaluate(() => (window as unknown as {__marker?: number}).__marker), 42, 'patched, not reloaded')
  assert.ok(await note.isVisible(), 'the open note stays open')
  assert.equal(await note.innerText(), noteText)
  assert.equal(await page.evaluate(() => (document.querySelector('.note-popover') as unknown as {kept?: boolean}).kept), true, 'the same note element')
  assert.equal(await reference.getAttribute('aria-expanded'), 'true')
  assert.equal(await page.evaluate(() => getSelection()!.toString()), selected, 'the selection stays')

  // The title is in the head: that cannot be patched, so the page reloads, and scrolls back.
  await page.keyboard.press('Escape')
  await page.evaluate(() => window.scrollTo(0, 1500))
  await page.waitForFunction(() => Math.abs(window.scrollY - 1500) < 2)
  save(original.replace('title: Russia warms up to Pakistan', 'title: Russia warms up to Pakistan, RELOADED'))
  // (The title is also in the essay's own citation, so every style renders again: slower.)
  await page.waitForFunction(() => document.title.includes('RELOADED'), undefined, {timeout: within * 5})
  await page.waitForFunction(() => Math.abs(window.scrollY - 1500) < 40, undefined, {timeout: 2000})
  assert.equal(await page.evaluate(() => (window as unknown as {__marker?: number}).__marker), undefined, 'reloaded')
  save(original)
  await page.waitForFunction(() => !document.title.includes('RELOADED'), undefined, {timeout: within * 5})
  await context.close()
})

test('the reader\'s highlights stay on their words through patches, in the edited paragraph too', async () => {
  const original = fs.readFileSync(essay, 'utf8')
  const context = await browser.newContext({viewport: {width: 1000, height: 700}})
  const page = await context.newPage()
  await page.goto(url)
  // Highlight "The pivotal factor" through the toolbar, as a reader does.
  await page.evaluate(() => {
    const p = Array.from(document.querySelectorAll('article p')).find((el) => el.textContent!.includes('The pivotal factor'))!
    const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT)
    let node: Node | null
    while ((node = walk.nextNode()) && !node.textContent!.includes('The pivotal factor'));
    const at = node!.textContent!.indexOf('The pivotal factor')
    const range = document.createRange()
    range.setStart(node!, at)
    range.setEnd(node!, at + 'The pivotal factor'.length)
    getSelection()!.removeAllRanges()
    getSelection()!.addRange(range)
    ;(window as unknown as {__marker: number}).__marker = 7
  })
  await page.getByRole('toolbar', {name: 'Annotate'}).getByRole('button', {name: /^Highlight/}).click()
  const marks = () => page.evaluate(() => Array.from(document.querySelectorAll('mark.annotation'), (m) => m.textContent).join(''))
  assert.equal(await marks(), 'The pivotal factor')

  // Another paragraph changes: patched, the highlight where it was.
  save(original.replace(/I[Nn] the realm of geopolitics/, 'HIGHLIGHT-ELSEWHERE In the realm of geopolitics'))
  await page.waitForFunction(() => document.body.innerText.includes('HIGHLIGHT-ELSEWHERE'), undefined, {timeout: within})
  assert.equal(await page.evaluate(() => (window as unknown as {__marker?: number}).__marker), 7, 'patched, not reloaded')
  assert.equal(await marks(), 'The pivotal factor')
  // Its own paragraph changes: anchored again on the same words, and the paragraph keeps its button.
  save(original.replace('The pivotal factor', 'HIGHLIGHT-HERE The pivotal factor'))
  await page.waitForFunction(() => document.body.innerText.includes('HIGHLIGHT-HERE'), undefined, {timeout: within})
  assert.equal(await page.evaluate(() => (window as unknown as {__marker?: number}).__marker), 7, 'patched, not reloaded')
  assert.equal(await marks(), 'The pivotal factor')
  const paragraph = page.locator('article p', {hasText: 'HIGHLIGHT-HERE'})
  assert.equal(await paragraph.getByRole('button', {name: 'Annotate paragraph'}).count(), 1)
  save(original)
  await page.waitForFunction(() => !document.body.innerText.includes('HIGHLIGHT-HERE'), undefined, {timeout: within})
  await context.close()
})

test('the served copy widens its policy for the live script alone; other outputs are served as built', async () => {
  const html = await (await fetch(url)).text()
  const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]?.replace(/&#x27;/g, "'") ?? ''
  assert.match(policy, /script-src 'sha256-[^']+' 'sha256-[^']+'/)
  assert.match(policy, /connect-src 'self'/)
  assert.match(policy, /default-src 'none'/)
  // The preview script: in the head, its page and version as attributes (its text, hence its hash,
  // the same for every version); `/__page` gives that version as built, without it.
  const tag = /<head>[\s\S]*<script data-essay-edition-preview data-page="index.html" data-version="([0-9a-f]+-[0-9]+)">[\s\S]*<\/head>/.exec(html)
  assert.ok(tag, 'the preview script is in the head')
  const built = await fetch(new URL(`__page?page=index.html&version=${tag[1]}`, url))
  assert.equal(built.status, 200)
  const builtHtml = await built.text()
  assert.doesNotMatch(builtHtml, /data-essay-edition-preview/)
  assert.match(builtHtml, /connect-src &#x27;none&#x27;/, 'the built policy, unwidened')
  assert.equal((await fetch(new URL('__page?page=index.html&version=0000', url))).status, 404)
  const bib = await fetch(new URL('references.bib', url))
  assert.equal(bib.status, 200)
  assert.match(await bib.text(), /@/)
  assert.equal((await fetch(new URL('nothing-here', url))).status, 404)
  // Another host name (DNS rebinding) is refused.
  const status = await new Promise<number>((resolve, reject) => {
    http.get(url, {headers: {host: 'attacker.example'}}, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    }).on('error', reject)
  })
  assert.equal(status, 403)
})
