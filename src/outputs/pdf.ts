/**
 * The PDF edition: the print variant of the page (src/outputs/print-html.ts) laid out in pages by
 * Paged.js in Debian's Chromium (notes at the foot of their pages, running head, page numbers),
 * printed by Chromium (fonts embedded, live links, headings as bookmarks, tagged), then its Info
 * dictionary rewritten: Title, Author, Subject, Keywords, Creator, and reproducible dates.
 *
 * The page is printed offline: it is given with `setContent`, Paged.js is injected inline, and every
 * request the page would make is aborted.
 *
 * Reproducible output: Chromium stamps CreationDate/ModDate with its clock and Paged.js makes ids
 * from the clock and Math.random (they reach the PDF as link destinations). The dates are replaced
 * (the front matter's `date`, else SOURCE_DATE_EPOCH, else 1970-01-01) and Paged.js's ids counted
 * instead; Chromium 156 writes no XMP stream and no /ID for such a PDF, so two builds of the same
 * essay are byte-identical.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {launchChromium} from './chromium.js'
import {printHtml, type Paper} from './print-html.js'
import {sourceDate} from './source-date.js'

export type {Paper} from './print-html.js'

export interface PdfOptions {
  /** Page size (default `a4`). */
  paper?: Paper
  /** Document title (default: the page's `<title>`). */
  title?: string
  author?: string | string[]
  subject?: string
  keywords?: string | string[]
  /** The document's date (front matter `date`, e.g. `2021-05-01`); default: SOURCE_DATE_EPOCH, else 1970-01-01. */
  date?: string | Date
  /** Where SOURCE_DATE_EPOCH is read (default `process.env`). */
  env?: NodeJS.ProcessEnv
}

let cachedPaged: string | undefined

/** Paged.js's polyfill, with its random ids replaced by a counter (same format) for reproducible output. */
function pagedSource(): string {
  if (!cachedPaged) {
    // The package's `require` entry is lib/index.cjs; the polyfill is dist/paged.polyfill.js beside it.
    const entry = createRequire(import.meta.url).resolve('pagedjs')
    const source = fs.readFileSync(path.resolve(path.dirname(entry), '../dist/paged.polyfill.js'), 'utf8')
    cachedPaged = source.replace(
      'function UUID() {',
      'function UUID() {\n\t\tUUID.count = (UUID.count || 0) + 1;\n\t\treturn "00000000-0000-4000-8000-" + UUID.count.toString(16).padStart(12, "0");'
    )
  }
  return cachedPaged
}

/** The date the PDF carries (src/outputs/source-date.ts). */
export const pdfDate = sourceDate

/** Render a built page as a PDF (see the module comment). Throws when Chromium is missing or fails. */
export async function renderPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array> {
  const paper = options.paper ?? 'a4'
  const browser = await launchChromium()
  let pdf: Uint8Array
  try {
    const context = await browser.newContext({colorScheme: 'light', serviceWorkers: 'block'})
    const page = await context.newPage()
    // Nothing leaves the machine: the page comes from setContent, so every request is someone else's.
    await page.route('**/*', (route) => route.abort())
    await page.emulateMedia({media: 'print', colorScheme: 'light'})
    await page.setContent(printHtml(html, {paper, ...(options.title !== undefined ? {title: options.title} : {})}), {waitUntil: 'load'})
    await page.evaluate(() => {
      ;(window as unknown as {PagedConfig: unknown}).PagedConfig = {auto: false}
    })
    await page.addScriptTag({content: pagedSource()})
    const pages = await page.evaluate(async () => {
      await document.fonts.ready
      const flow = await (window as unknown as {PagedPolyfill: {preview(): Promise<{total: number}>}}).PagedPolyfill.preview()
      return flow.total
    })
    if (!pages) throw new Error('Paged.js laid out no page')
    pdf = await page.pdf({
      format: paper === 'letter' ? 'Letter' : 'A4',
      preferCSSPageSize: true,
      printBackground: true,
      margin: {top: '0', right: '0', bottom: '0', left: '0'},
      outline: true,
      tagged: true
    })
  } finally {
    await browser.close()
  }
  const date = pdfDate(options.date, options.env)
  return setPdfInfo(pdf, {
    ...(options.title !== undefined ? {Title: options.title} : {}),
    ...(options.author && options.author.length > 0 ? {Author: [options.author].flat().join(', ')} : {}),
    ...(options.subject ? {Subject: options.subject} : {}),
    ...(options.keywords && options.keywords.length > 0 ? {Keywords: [options.keywords].flat().join(', ')} : {}),
    Creator: 'essay-edition',
    CreationDate: pdfDateString(date),
    ModDate: pdfDateString(date)
  })
}

/** A date in PDF syntax, UTC: `D:20210501000000+00'00'`. */
export function pdfDateString(date: Date): string {
  const iso = date.toISOString()
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`
}

/** A PDF text string: a literal for printable ASCII, else UTF-16BE with its byte order mark. */
function pdfString(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `(${value.replace(/[\\()]/g, (c) => `\\${c}`)})`
  let hex = 'FEFF'
  for (let i = 0; i < value.length; i++) hex += value.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')
  return `<${hex}>`
}

/** The entries of a dictionary whose values are names, numbers, references or strings (as Info's are). */
function dictionaryEntries(body: string): Array<[string, string]> {
  const entries: Array<[string, string]> = []
  let i = 0
  const skipSpace = () => {
    while (i < body.length && /\s/.test(body[i]!)) i++
  }
  while (true) {
    skipSpace()
    if (i >= body.length) break
    const key = /^\/[^\s/<>()[\]{}%]+/.exec(body.slice(i))
    if (!key) throw new Error(`unexpected Info dictionary near "${body.slice(i, i + 20)}"`)
    i += key[0].length
    skipSpace()
    const start = i
    if (body[i] === '(') {
      let depth = 0
      for (; i < body.length; i++) {
        const c = body[i]
        if (c === '\\') i++
        else if (c === '(') depth++
        else if (c === ')' && --depth === 0) break
      }
      i++
    } else if (body[i] === '<') i = body.indexOf('>', i) + 1
    else {
      const value = /^(\d+\s+\d+\s+R|[^\s/]+|\/[^\s/<>()[\]{}%]+)/.exec(body.slice(i))
      if (!value) throw new Error(`unexpected Info value near "${body.slice(i, i + 20)}"`)
      i += value[0].length
    }
    if (i <= start) throw new Error('unterminated Info value')
    entries.push([key[0].slice(1), body.slice(start, i)])
  }
  return entries
}

/**
 * Rewrite the Info dictionary of a PDF with one classic cross-reference table (as Chromium writes
 * it): the given entries replace or join the existing ones, the object is rewritten in place, and
 * the offsets after it shift. Nothing else in the file changes.
 */
export function setPdfInfo(pdf: Uint8Array, info: Record<string, string>): Uint8Array {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1')
  const fail = (why: string): never => {
    throw new Error(`cannot rewrite the PDF's Info dictionary: ${why}`)
  }
  const tail = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text) ?? fail('no startxref at the end')
  const xrefOffset = Number(tail[1])
  if (!text.startsWith('xref', xrefOffset)) fail('no classic cross-reference table')
  const trailerAt = text.indexOf('trailer', xrefOffset)
  if (trailerAt < 0) fail('no trailer')
  const trailer = text.slice(trailerAt, tail.index)
  if (/\/Prev\b/.test(trailer)) fail('incremental updates')
  const infoRef = /\/Info\s+(\d+)\s+0\s+R/.exec(trailer) ?? fail('no Info dictionary')
  const infoNumber = Number(infoRef[1])

  // The table: subsection headers ("0 38") and entries ("0000000015 00000 n").
  const entries: Array<{number: number; offset: number; rest: string}> = []
  let next = 0
  for (const line of text.slice(xrefOffset + 4, trailerAt).split(/\r\n|\r|\n/)) {
    const header = /^\s*(\d+) (\d+)\s*$/.exec(line)
    const entry = /^(\d{10}) (\d{5} [nf])\s*$/.exec(line)
    if (entry) entries.push({number: next++, offset: Number(entry[1]), rest: entry[2]!})
    else if (header) next = Number(header[1])
    else if (line.trim()) fail('malformed cross-reference table')
  }
  const infoEntry = entries.find((e) => e.number === infoNumber && e.rest.endsWith('n')) ?? fail('the Info object is not in the table')
  const start = infoEntry.offset
  const objectHead = new RegExp(`^${infoNumber}\\s+0\\s+obj\\s*<<`).exec(text.slice(start, start + 40)) ?? fail('the Info object is not where the table says')
  const end = text.indexOf('endobj', start)
  const close = text.lastIndexOf('>>', end)
  if (end < 0 || close < start + objectHead[0].length) fail('the Info object does not end')

  const values = new Map(dictionaryEntries(text.slice(start + objectHead[0].length, close)))
  for (const [key, value] of Object.entries(info)) values.set(key, pdfString(value))
  const object = `${infoNumber} 0 obj\n<<${[...values].map(([key, value]) => `/${key} ${value}`).join('\n')}>>\nendobj`
  const objectEnd = end + 'endobj'.length
  const delta = object.length - (objectEnd - start)

  const subsections: string[] = []
  for (let i = 0; i < entries.length; ) {
    let j = i
    while (j + 1 < entries.length && entries[j + 1]!.number === entries[j]!.number + 1) j++
    subsections.push(`${entries[i]!.number} ${j - i + 1}\n`)
    for (let k = i; k <= j; k++) {
      const e = entries[k]!
      const offset = e.rest.endsWith('n') && e.offset > start ? e.offset + delta : e.offset
      subsections.push(`${String(offset).padStart(10, '0')} ${e.rest} \n`)
    }
    i = j + 1
  }
  const out =
    text.slice(0, start) + object + text.slice(objectEnd, xrefOffset) +
    'xref\n' + subsections.join('') + trailer + `startxref\n${xrefOffset + delta}\n%%EOF\n`
  return new Uint8Array(Buffer.from(out, 'latin1'))
}
