/**
 * Hostile essays and bibliographies, in the style of the OWASP XSS filter-evasion cheat sheet:
 * payloads in the body, the notes, the front matter and every kind of bibliography field. Built as
 * a user would, opened in Chromium: nothing they carry may run or reach the network.
 */
import crypto from 'node:crypto'
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type {Browser} from 'playwright-core'
import {closeBrowser, fileUrl, fixture, getBrowser, runCli} from '../helpers.js'
import {preferencesScript} from '../../src/plugins/rehype-document.js'

const payloads = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">j</a>',
  '<a href="JaVaScRiPt:alert(1)">j</a>',
  '<a href="jav&#x09;ascript:alert(1)">j</a>',
  '<a href=" &#14; javascript:alert(1)">j</a>',
  '<a href="vbscript:msgbox(1)">v</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<details open ontoggle=alert(1)>x</details>',
  '<input autofocus onfocus=alert(1)>',
  '<div style="background:url(javascript:alert(1))">s</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<img src="http://127.0.0.1:9/track.png">',
  '<link rel=stylesheet href="http://127.0.0.1:9/x.css">',
  '"><script>alert(1)</script>',
  "'-alert(1)-'",
  '</script><script>alert(1)</script>',
  '<IMG SRC=`javascript:alert(1)`>',
  '<<SCRIPT>alert(1);//<</SCRIPT>'
]
const markdownPayloads = [
  '[link](javascript:alert(1))',
  '[link](JAVASCRIPT:alert(1))',
  '![img](javascript:alert(1))',
  '<javascript:alert(1)>',
  '[link](vbscript:msgbox(1))',
  '[link](data:text/html,<script>alert(1)</script>)',
  '![img](http://127.0.0.1:9/pixel.png)',
  '$\\href{javascript:alert(1)}{x}$'
]
const all = [...payloads, ...markdownPayloads]
const yamlString = (value: string) => JSON.stringify(value)

const essay = `---
title: ${yamlString('Hostile </title><script>alert(1)</script>')}
author:
  - ${yamlString('<img src=x onerror=alert(1)>')}
description: ${yamlString('"><script>alert(1)</script>')}
keywords: [${yamlString('</script><script>alert(1)</script>')}]
date: ${yamlString('2024"><script>alert(1)</script>')}
url: ${yamlString('javascript:alert(1)')}
lang: ${yamlString('en" onmouseover="alert(1)')}
bibliography: refs.json
---

${all.map((p, i) => `Paragraph ${i} ${p} [@evil${i % 4}].[^n${i}]`).join('\n\n')}

${all.map((p, i) => `[^n${i}]: Note ${i} ${p} [@evil${(i + 1) % 4}, p. 3].`).join('\n\n')}
`

const hostileItem = (i: number) => ({
  id: `evil${i}`,
  type: ['article-journal', 'book', 'webpage', 'chapter'][i]!,
  title: payloads[i * 3 % payloads.length] + ' <i onmouseover=alert(1)>x</i>',
  'container-title': payloads[(i * 3 + 1) % payloads.length],
  publisher: payloads[(i * 3 + 2) % payloads.length],
  author: [{family: '<script>alert(1)</script>', given: '"><img src=x onerror=alert(1)>'}],
  URL: ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', ' javascript:alert(1)', 'http://127.0.0.1:9/"><script>alert(1)</script>'][i],
  DOI: `10.1/"><script>alert(1)</script>${i}`,
  note: '</script><script>alert(1)</script>',
  issued: {'date-parts': [[2020]]}
})
const refs = [0, 1, 2, 3].map(hostileItem)
// A key used inside attributes.
refs.push({...hostileItem(0), id: 'x" onmouseover="alert(1)'})

let browser: Browser
let page: Awaited<ReturnType<Browser['newPage']>>
const dialogs: string[] = []
const requests: string[] = []
let html = ''

before(async () => {
  const dir = fixture({'hostile.md': essay, 'refs.json': JSON.stringify(refs, null, 2)})
  const result = runCli(['build', 'hostile.md', '--out', 'out'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  html = fs.readFileSync(path.join(dir, 'out/index.html'), 'utf8')
  browser = await getBrowser()
  page = await browser.newPage({viewport: {width: 1280, height: 900}})
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url())
  })
  await page.goto(fileUrl(path.join(dir, 'out/index.html')))
})
after(closeBrowser)

test('nothing runs: no dialog, no request, while the page is used', async () => {
  // Use the page: hover and focus everything, open notes, switch every style.
  for (const selector of ['a', 'img', 'span', 'div', 'input', 'details']) {
    await page.$$eval(selector, (elements) => {
      for (const el of elements.slice(0, 400)) {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'load', 'error']) el.dispatchEvent(new Event(type))
      }
    })
  }
  const refsCount = await page.locator('a[role=doc-noteref]').count()
  for (let i = 0; i < Math.min(refsCount, 6); i++) {
    await page.locator('a[role=doc-noteref]').nth(i).click()
    await page.keyboard.press('Escape')
  }
  const styles = await page.locator('select[data-style-control] option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))
  for (const style of styles) await page.selectOption('select[data-style-control]', style)
  await page.waitForTimeout(300)
  assert.deepEqual(dialogs, [])
  assert.deepEqual(requests, [])
})

test('no event-handler attribute, no script URL, no dangerous element in the page', async () => {
  const report = await page.evaluate((preferences) => {
    const problems: string[] = []
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) problems.push(`${el.tagName} ${attr.name}`)
        if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster'].includes(attr.name.toLowerCase())) {
          const url = attr.value.replace(/[\u0000-\u0020]/g, '').toLowerCase()
          if (/^(javascript|vbscript):/.test(url) || /^data:text\/html/.test(url)) problems.push(`${el.tagName} ${attr.name}=${attr.value}`)
        }
      }
    }
    for (const el of Array.from(document.querySelectorAll('iframe, object, embed, form, base, link, meta[http-equiv=refresh], style:not(head > style)'))) {
      // The page's own icon, inline, is its one `link`.
      if (el === document.head.querySelector('link[rel=icon]') && /^data:image\/svg\+xml,/.test(el.getAttribute('href') ?? '')) continue
      problems.push(`element ${el.tagName}`)
    }
    const scripts = Array.from(document.querySelectorAll('script'))
    const executable = scripts.filter((s) => s.type !== 'application/ld+json' && s.type !== 'application/json')
    // The page's own two: the preferences in the head, the client last in the body.
    const [head, client] = executable
    if (executable.length !== 2 || head!.parentElement !== document.head || head!.textContent !== preferences ||
        client!.parentElement !== document.body || client!.nextElementSibling !== null) {
      problems.push(`${executable.length} executable scripts`)
    }
    return problems
  }, preferencesScript)
  assert.deepEqual(report, [])
})

test('no inline style attribute comes from the input', () => {
  assert.doesNotMatch(html, /<[a-z][^>]*\sstyle=/i)
})

test('the JSON-LD block cannot be closed early, and the title is text', () => {
  const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!
  assert.doesNotMatch(ld, /<\/script/i)
  assert.ok(JSON.parse(ld))
  assert.match(html, /<title>Hostile &#x3C;\/title>&#x3C;script>alert\(1\)&#x3C;\/script><\/title>/)
})

test('the Content-Security-Policy admits only the page own script and style', async () => {
  const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content')
  assert.match(csp!, /default-src 'none'/)
  // One hash for each inline script of the page (the preferences in the head, the client at the
  // end), and nothing else.
  const sources = /script-src ((?:'sha256-[A-Za-z0-9+/=]+' ?)+)(;|$)/.exec(csp!)?.[1]?.trim().split(' ') ?? []
  const scripts = await page.locator('script:not([type])').evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''))
  assert.equal(scripts.length, 2)
  assert.deepEqual(sources, scripts.map((code) => `'sha256-${crypto.createHash('sha256').update(code).digest('base64')}'`))
  assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|\*/)
})
