/**
 * The EPUB edition: an EPUB 3.3 reflowable book made from the same tree as the web edition (the
 * page's hast, after the document stage), in the style shown first, for e-readers.
 *
 * One essay is one chapter (`epubChapter`): an XHTML content document holding what the default
 * style shows and nothing that runs or switches:
 * - no script, no reader controls, no buttons, no permalinks, no table of contents in the text (the
 *   book's `nav.xhtml` is its contents), no other styles (every `hidden` element goes), no COinS,
 *   no BibTeX, no "Cited at" links;
 * - each note an `aside epub:type="footnote"` (Apple Books, Kobo and Thorium open it as a pop-up)
 *   reached by `a epub:type="noteref"`, its number first and its backlinks kept;
 * - citations linked to their entry in the reference list (`#ref-KEY`, as on the page);
 * - math as the MathML the page already carries (KaTeX's wrapper gone; manifest property `mathml`);
 * - the essay's images copied into the book (`images/<hash>.<ext>`); an image that cannot be read,
 *   is remote or is not an EPUB core media type is a warning at the image, which the book replaces
 *   by its description, so the book stays valid;
 * - a stylesheet made for e-readers (src/outputs/epub.css).
 *
 * The book (`epubBook`) is a zip written by fflate: `mimetype` first and stored, then every other
 * entry in a fixed order with one fixed date, so that two builds of the same input are the same
 * bytes. Its metadata comes from the front matter: DOI as `dc:identifier` (else a `urn:uuid` made
 * from the content), `dcterms:modified` from the front matter's `date` (else SOURCE_DATE_EPOCH),
 * and the EPUB Accessibility 1.1 properties.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type {Element, ElementContent, Root} from 'hast'
import {toString} from 'hast-util-to-string'
import {toXast} from 'hast-util-to-xast'
import {toXml} from 'xast-util-to-xml'
import type {Element as XastElement, ElementContent as XastContent, Root as XastRoot} from 'xast'
import {zipSync, type Zippable} from 'fflate'
import type {VFile} from 'vfile'
import {sourceDate} from './source-date.js'
import {outputStylesheet} from './stylesheet.js'

const xhtmlNs = 'http://www.w3.org/1999/xhtml'
const opsNs = 'http://www.idpf.org/2007/ops'
const mathNs = 'http://www.w3.org/1998/Math/MathML'

/** A heading of a chapter, for the book's table of contents. */
export interface EpubHeading {
  level: number
  id: string
  text: string
}

/** An essay made ready for a book (see the module comment). */
export interface EpubChapter {
  title: string
  authors: string[]
  lang: string
  /** The front matter's fields the book's metadata takes. */
  date?: string
  subject?: string
  keywords?: string[]
  publisher?: string
  description?: string
  doi?: string
  /** The XHTML content document. */
  xhtml: string
  headings: EpubHeading[]
  /** Files the content document refers to, by their path in the book (`images/...`). */
  resources: Map<string, {mediaType: string; data: Uint8Array}>
  /** Manifest properties of the content document (`mathml`, `svg`). */
  properties: string[]
  /** What the accessibility metadata says about it. */
  images: {count: number; described: number}
}

declare module 'vfile' {
  interface DataMap {
    /** The image files the EPUB read (or tried to), so that a rebuild watches them (src/watch.ts). */
    epubImages: string[]
  }
}

export interface EpubChapterOptions {
  /** Where the essay's relative image paths start (default: the essay's folder). */
  baseDir?: string
}

/** src/outputs/epub.css, read from the source tree (tsc does not copy CSS into dist/). */
export function epubStylesheet(): string {
  return outputStylesheet('epub.css')
}

function isElement(node: unknown): node is Element {
  return Boolean(node && (node as Element).type === 'element')
}

function classes(node: Element): string[] {
  const value = node.properties.className
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\s+/) : []
}

const hasClass = (node: Element, name: string) => classes(node).includes(name)

/** Visit elements in document order; the visitor may return a replacement (nodes) for the element. */
function rewrite(parent: Root | Element, visitor: (node: Element, ancestors: Element[]) => ElementContent[] | undefined, ancestors: Element[] = []): void {
  for (let index = 0; index < parent.children.length; index++) {
    const child = parent.children[index]!
    if (!isElement(child)) continue
    const replacement = visitor(child, ancestors)
    if (replacement) {
      parent.children.splice(index, 1, ...(replacement as Element[]))
      // The replacement's own elements are visited in turn.
      index--
      continue
    }
    rewrite(child, visitor, [...ancestors, child])
  }
}

function find(tree: Root | Element, test: (node: Element) => boolean): Element | undefined {
  for (const child of tree.children) {
    if (!isElement(child)) continue
    if (test(child)) return child
    const found = find(child, test)
    if (found) return found
  }
  return undefined
}

function findAll(tree: Root | Element, test: (node: Element) => boolean, out: Element[] = []): Element[] {
  for (const child of tree.children) {
    if (!isElement(child)) continue
    if (test(child)) out.push(child)
    findAll(child, test, out)
  }
  return out
}

/** What the book does not show, or must not run (as the PDF's print variant leaves it out). */
function unwanted(node: Element): boolean {
  return (node.properties.hidden !== undefined && node.properties.hidden !== false && node.properties.hidden !== null) ||
    ['script', 'style', 'button', 'select', 'template', 'iframe', 'object', 'embed', 'link', 'meta'].includes(node.tagName) ||
    hasClass(node, 'skip-link') || hasClass(node, 'entry-actions') || hasClass(node, 'Z3988') ||
    hasClass(node, 'permalink') || (node.tagName === 'nav' && hasClass(node, 'toc')) ||
    hasClass(node, 'bibtex-entry') || hasClass(node, 'reader-controls') || node.properties.id === 'live-region' ||
    hasClass(node, 'exports') || node.properties.dataExport !== undefined || node.properties.download !== undefined
}

/** EPUB's core image media types, by their first bytes. */
function imageType(data: Uint8Array): {mediaType: string; ext: string} | undefined {
  const b = data
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return {mediaType: 'image/png', ext: 'png'}
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return {mediaType: 'image/jpeg', ext: 'jpg'}
  if (b.length >= 6 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'GIF8') return {mediaType: 'image/gif', ext: 'gif'}
  if (b.length >= 12 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP') return {mediaType: 'image/webp', ext: 'webp'}
  const head = Buffer.from(b.subarray(0, 1024)).toString('utf8')
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return {mediaType: 'image/svg+xml', ext: 'svg'}
  return undefined
}

/** The bytes of an image the essay names, or why there are none. */
function readImage(src: string, baseDir: string): {data: Uint8Array; file?: string} | {why: string; file?: string} {
  if (/^data:/i.test(src)) {
    const match = /^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$/is.exec(src)
    if (!match) return {why: 'its data URL cannot be read'}
    return {data: match[3] ? Buffer.from(match[4]!, 'base64') : Buffer.from(decodeURIComponent(match[4]!), 'utf8')}
  }
  if (/^[a-z][a-z\d+.-]*:/i.test(src) || src.startsWith('//')) return {why: 'it is not a file beside the essay (an e-book holds every image it shows)'}
  let relative: string
  try {
    relative = decodeURIComponent(src.replace(/[?#].*$/, ''))
  } catch {
    relative = src
  }
  const file = path.resolve(baseDir, relative)
  try {
    return {data: fs.readFileSync(file), file}
  } catch (error) {
    return {why: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}: ${file})`, file}
  }
}

/**
 * Prepare an essay for a book, from the page's tree (the hast `buildEdition` returns) and its file.
 * Problems with images are warnings on `file`, at the image.
 */
export function epubChapter(page: Root, file: VFile, options: EpubChapterOptions = {}): EpubChapter {
  const metadata = file.data.metadata
  const title = metadata?.title ?? file.stem ?? 'Untitled essay'
  const lang = metadata?.lang ?? 'en'
  const baseDir = options.baseDir ?? file.dirname ?? process.cwd()
  const article = find(page, (node) => node.tagName === 'article' && hasClass(node, 'essay'))
  const content: Element = structuredClone(article ?? {type: 'element', tagName: 'article', properties: {}, children: []})
  content.properties = {className: ['essay']}

  const resources = new Map<string, {mediaType: string; data: Uint8Array}>()
  const properties = new Set<string>()
  const images = {count: 0, described: 0}
  const warned = new Set<string>()
  const imageFiles = new Set<string>()

  rewrite(content, (node) => {
    if (unwanted(node)) return []
    // Event handlers (trusted HTML) would make the document scripted.
    for (const key of Object.keys(node.properties)) if (/^on/i.test(key)) delete node.properties[key]
    // KaTeX's wrapper: only the MathML stays.
    if (hasClass(node, 'katex')) {
      const math = find(node, (child) => child.tagName === 'math')
      if (math) return [math]
    }
    if (node.tagName === 'math') {
      node.properties = {...node.properties, xmlns: mathNs}
      properties.add('mathml')
    }
    if (node.tagName === 'svg') properties.add('svg')
    // HTML5 has no `align` on table cells: a style says it.
    if ((node.tagName === 'td' || node.tagName === 'th') && typeof node.properties.align === 'string') {
      node.properties.style = `text-align: ${node.properties.align}`
      delete node.properties.align
    }
    if (node.tagName === 'a' && node.properties.role === 'doc-noteref') node.properties['epub:type'] = 'noteref'
    if (node.tagName === 'img') {
      const src = String(node.properties.src ?? '')
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt : ''
      delete node.properties.srcSet
      delete node.properties.sizes
      const read: ReturnType<typeof readImage> = src ? readImage(src, baseDir) : {why: 'it has no source'}
      if (read.file) imageFiles.add(read.file)
      const type = 'data' in read ? imageType(read.data) : undefined
      if (!('data' in read) || !type) {
        const why = 'why' in read ? read.why : 'it is not a PNG, JPEG, GIF, WebP or SVG image'
        const key = `${src}\u0000${node.position?.start.line}:${node.position?.start.column}`
        if (!warned.has(key)) {
          warned.add(key)
          file.message(`Image "${src.length > 80 ? src.slice(0, 80) + '…' : src}" is left out of the EPUB: ${why}; its description stands in its place`, {
            ...(node.position ? {place: node.position} : {}),
            ruleId: 'epub-image',
            source: 'essay-edition'
          })
        }
        return [{type: 'element', tagName: 'span', properties: {className: ['missing-image']}, children: alt ? [{type: 'text', value: `[${alt}]`}] : []}]
      }
      const name = `images/${crypto.createHash('sha256').update(read.data).digest('hex').slice(0, 16)}.${type.ext}`
      resources.set(name, {mediaType: type.mediaType, data: read.data})
      node.properties.src = name
      node.properties.alt = alt
      images.count++
      if (alt.trim()) images.described++
    }
    return undefined
  })

  file.data.epubImages = [...imageFiles].sort()

  // The notes: each an aside that e-readers open as a pop-up, its number first.
  rewrite(content, (node) => {
    if (node.tagName !== 'section' || node.properties.role !== 'doc-endnotes') return undefined
    const heading = node.children.find((child): child is Element => isElement(child) && /^h[1-6]$/.test(child.tagName))
    const asides: ElementContent[] = []
    for (const item of findAll(node, (child) => child.tagName === 'li' && typeof child.properties.id === 'string')) {
      const number = String(item.properties.dataNote ?? item.properties.value ?? '')
      const children = item.children.filter((child) => !(child.type === 'text' && !child.value.trim()))
      const mark: ElementContent = {type: 'element', tagName: 'span', properties: {className: ['note-number']}, children: [{type: 'text', value: `${number}.`}]}
      const first = children[0]
      if (isElement(first) && first.tagName === 'p') first.children.unshift(mark, {type: 'text', value: ' '})
      else children.unshift(mark, {type: 'text', value: ' '})
      asides.push({type: 'text', value: '\n'}, {
        type: 'element',
        tagName: 'aside',
        properties: {id: item.properties.id, 'epub:type': 'footnote', role: 'doc-footnote', className: ['note']},
        children
      })
    }
    return [{
      type: 'element',
      tagName: 'section',
      properties: {className: ['notes'], ...(heading?.properties.id ? {ariaLabelledBy: heading.properties.id} : {})},
      children: [...(heading ? [heading] : []), ...asides, {type: 'text', value: '\n'}]
    }]
  })

  // Ids once each, and links only to what the document holds (else their text stays).
  const ids = new Set<string>()
  rewrite(content, (node) => {
    const id = node.properties.id
    if (typeof id === 'string') {
      if (ids.has(id) || !id) delete node.properties.id
      else ids.add(id)
    }
    return undefined
  })
  let generated = 0
  const headings: EpubHeading[] = []
  const backMatter = (node: Element) => hasClass(node, 'notes') || node.properties.role === 'doc-bibliography' || hasClass(node, 'cite-this')
  rewrite(content, (node, ancestors) => {
    const level = /^h([1-6])$/.exec(node.tagName)
    if (level) {
      if (typeof node.properties.id !== 'string') {
        let id
        do id = `heading-${++generated}`
        while (ids.has(id))
        ids.add(id)
        node.properties.id = id
      }
      const text = toString(node).replace(/\s+/g, ' ').trim()
      // The notes, references and "Cite this" are the essay's parts, not its last section's.
      if (text) headings.push({level: ancestors.some(backMatter) ? 1 : Number(level[1]), id: String(node.properties.id), text})
      return undefined
    }
    if (node.tagName !== 'a' || typeof node.properties.href !== 'string') return undefined
    const href = node.properties.href
    const internal = href.startsWith('#')
    const external = /^(https?|mailto|ftp):/i.test(href)
    if ((internal && ids.has(decodeURIComponent(href.slice(1)))) || external) return undefined
    if (!internal) {
      file.message(`Link "${href}" is not a link in the EPUB: it points to a file outside the book; its text stays`, {
        ...(node.position ? {place: node.position} : {}),
        ruleId: 'epub-link',
        source: 'essay-edition'
      })
    }
    return [{type: 'element', tagName: 'span', properties: {}, children: node.children}]
  })

  // The chapter's head: title, subtitle, authors, date.
  const header: Element = {type: 'element', tagName: 'header', properties: {className: ['chapter-head']}, children: [
    {type: 'element', tagName: 'h1', properties: {className: ['title']}, children: [{type: 'text', value: title}]}
  ]}
  const line = (className: string, value: string): ElementContent => ({type: 'element', tagName: 'p', properties: {className: [className]}, children: [{type: 'text', value}]})
  if (metadata?.subtitle) header.children.push(line('subtitle', metadata.subtitle))
  if (metadata?.author?.length) header.children.push(line('byline', metadata.author.map((a) => a.name).join(', ')))
  // A `time` only for a date HTML can read (`2021-05-01`); "May 2021" stays text.
  if (metadata?.date) header.children.push({type: 'element', tagName: 'p', properties: {className: ['date']}, children: [w3cDate(metadata.date) && !metadata.date.includes('T') ? {type: 'element', tagName: 'time', properties: {dateTime: metadata.date}, children: [{type: 'text', value: metadata.date}]} : {type: 'text', value: metadata.date}]})

  const nl = (): ElementContent => ({type: 'text', value: '\n'})
  const document: Root = {type: 'root', children: [{
    type: 'element',
    tagName: 'html',
    properties: {'xmlns:epub': opsNs, lang, 'xml:lang': lang},
    children: [
      nl(),
      {type: 'element', tagName: 'head', properties: {}, children: [
        nl(), {type: 'element', tagName: 'meta', properties: {charSet: 'utf-8'}, children: []},
        nl(), {type: 'element', tagName: 'title', properties: {}, children: [{type: 'text', value: title}]},
        nl(), {type: 'element', tagName: 'link', properties: {rel: ['stylesheet'], type: 'text/css', href: 'style.css'}, children: []},
        nl()
      ]},
      nl(),
      {type: 'element', tagName: 'body', properties: {'epub:type': 'bodymatter'}, children: [nl(), header, nl(), content, nl()]},
      nl()
    ]
  }]}
  const xhtml = xmlDocument(toXast(document, {space: 'html'}) as XastRoot, true)

  return {
    title,
    authors: metadata?.author?.map((a) => a.name) ?? [],
    lang,
    ...(metadata?.date ? {date: metadata.date} : {}),
    ...(metadata?.subject ? {subject: metadata.subject} : {}),
    ...(metadata?.keywords ? {keywords: metadata.keywords} : {}),
    ...(metadata?.publisher ? {publisher: metadata.publisher} : {}),
    ...(metadata?.description ? {description: metadata.description} : {}),
    ...(metadata?.doi ? {doi: metadata.doi} : {}),
    xhtml,
    headings,
    resources,
    properties: [...properties].sort(),
    images
  }
}

/** HTML's void elements: the only ones written `<br />`; every other element has an end tag. */
const voids = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'])

/**
 * Only HTML's void elements are written `<br />`; every other element has an end tag (`<span></span>`,
 * not `<span />`), so that the document reads the same to an HTML parser as to an XML one.
 */
function polyglot(tree: XastRoot): XastRoot {
  const walk = (node: XastRoot | XastElement, foreign: boolean) => {
    node.children.forEach((child, index) => {
      if (child.type !== 'element') return
      const inForeign = foreign || child.name === 'math' || child.name === 'svg'
      if (!inForeign && voids.has(child.name)) {
        node.children[index] = {type: 'raw', value: toXml(child, {closeEmptyElements: true})} as unknown as XastContent
        return
      }
      walk(child, inForeign)
    })
  }
  walk(tree, false)
  return tree
}

/** An XML document: the declaration, an HTML doctype for content documents, the tree. */
function xmlDocument(tree: XastRoot | XastElement, html = false): string {
  const root: XastRoot = tree.type === 'root' ? tree : {type: 'root', children: [tree]}
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + (html ? '<!DOCTYPE html>\n' : '') + toXml(html ? polyglot(root) : root, {closeEmptyElements: !html, allowDangerousXml: true}) + '\n'
}

/** An xast element. */
function x(name: string, attributes: Record<string, string | undefined> = {}, children: Array<XastContent | string> = []): XastElement {
  const defined: Record<string, string> = {}
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) defined[key] = value
  return {type: 'element', name, attributes: defined, children: children.map((child) => (typeof child === 'string' ? {type: 'text', value: child} : child))}
}

/** Text between elements, so that the XML reads as written by hand. */
function indent(children: XastElement[], depth: number): XastContent[] {
  const pad = '\n' + '  '.repeat(depth)
  return [...children.flatMap((child): XastContent[] => [{type: 'text', value: pad}, child]), {type: 'text', value: '\n' + '  '.repeat(Math.max(0, depth - 1))}]
}

/** A name-based UUID (version 5, RFC 9562) of `name`, in the URL namespace. */
export function uuidV5(name: string): string {
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex')
  const hash = crypto.createHash('sha1').update(namespace).update(name, 'utf8').digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** A date as `dcterms:modified` wants it: `2021-05-01T00:00:00Z`. */
function modifiedString(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export interface EpubBookOptions {
  /** The book's title (default: the one chapter's). */
  title?: string
  /** Where SOURCE_DATE_EPOCH is read (default `process.env`). */
  env?: NodeJS.ProcessEnv
  /** The stylesheet (default: src/outputs/epub.css). */
  css?: string
}

/** Nest headings by level under the chapter's title: the nav's lists. */
function navList(chapters: Array<{href: string; chapter: EpubChapter}>): XastElement {
  const items = chapters.map(({href, chapter}) => {
    const root = {children: [] as XastElement[], level: 0}
    const stack: Array<{children: XastElement[]; level: number}> = [root]
    for (const heading of chapter.headings) {
      while (stack.length > 1 && stack[stack.length - 1]!.level >= heading.level) stack.pop()
      const children: XastElement[] = []
      const li = x('li', {}, [x('a', {href: `${href}#${heading.id}`}, [heading.text])])
      ;(li as XastElement & {sub?: XastElement[]}).sub = children
      stack[stack.length - 1]!.children.push(li)
      stack.push({children, level: heading.level})
    }
    const finish = (list: XastElement[], depth: number): XastElement[] =>
      list.map((li) => {
        const sub = (li as XastElement & {sub?: XastElement[]}).sub ?? []
        delete (li as XastElement & {sub?: XastElement[]}).sub
        if (sub.length > 0) li.children.push(x('ol', {}, indent(finish(sub, depth + 2), depth + 1)))
        return li
      })
    const li = x('li', {}, [x('a', {href}, [chapter.title])])
    const nested = finish(root.children, 6)
    if (nested.length > 0) li.children.push(x('ol', {}, indent(nested, 5)))
    return li
  })
  return x('ol', {}, indent(items, 4))
}

const metaProperty = (property: string, value: string) => x('meta', {property}, [value])

/** Whether a front matter date is one `dc:date` takes (W3C date and time formats). */
const w3cDate = (value: string) => /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/.test(value)

/** The whole book, as zip bytes (see the module comment). One chapter: an essay; several: a collection. */
export function epubBook(chapters: EpubChapter[], options: EpubBookOptions = {}): Uint8Array {
  if (chapters.length === 0) throw new Error('a book needs at least one chapter')
  const single = chapters.length === 1
  const title = options.title ?? chapters[0]!.title
  const lang = chapters[0]!.lang
  const css = options.css ?? epubStylesheet()
  const named = chapters.map((chapter, index) => ({href: single ? 'essay.xhtml' : `essay-${index + 1}.xhtml`, chapter}))

  // Identity: the DOI of a single essay, else a UUID of the content (the same content, the same id).
  const content = crypto.createHash('sha256')
  content.update(title).update('\0')
  for (const {chapter} of named) {
    content.update(chapter.xhtml).update('\0')
    for (const [name, resource] of [...chapter.resources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) content.update(name).update(resource.data)
  }
  const identifier = single && chapters[0]!.doi ? `urn:doi:${chapters[0]!.doi}` : `urn:uuid:${uuidV5(`essay-edition:${content.digest('hex')}`)}`

  // Dates: the latest front matter date, else SOURCE_DATE_EPOCH, else the epoch.
  const dates = chapters.map((chapter) => (chapter.date ? sourceDate(chapter.date, {}) : undefined)).filter((d): d is Date => Boolean(d && d.getTime() !== 0))
  const modified = dates.length > 0 ? new Date(Math.max(...dates.map((d) => d.getTime()))) : sourceDate(undefined, options.env ?? process.env)

  const authors = [...new Set(chapters.flatMap((chapter) => chapter.authors))]
  const resources = new Map<string, {mediaType: string; data: Uint8Array}>()
  for (const {chapter} of named) for (const [name, resource] of chapter.resources) resources.set(name, resource)
  const images = chapters.reduce((sum, chapter) => ({count: sum.count + chapter.images.count, described: sum.described + chapter.images.described}), {count: 0, described: 0})
  const hasMath = chapters.some((chapter) => chapter.properties.includes('mathml'))

  const metadata: XastElement[] = [
    x('dc:identifier', {id: 'pub-id'}, [identifier]),
    x('dc:title', {id: 'title'}, [title]),
    x('dc:language', {}, [lang])
  ]
  authors.forEach((author, index) => {
    metadata.push(x('dc:creator', {id: `creator-${index + 1}`}, [author]), x('meta', {refines: `#creator-${index + 1}`, property: 'role', scheme: 'marc:relators'}, ['aut']))
  })
  if (single) {
    const chapter = chapters[0]!
    if (chapter.date && w3cDate(chapter.date)) metadata.push(x('dc:date', {}, [chapter.date]))
    if (chapter.description) metadata.push(x('dc:description', {}, [chapter.description]))
    if (chapter.publisher) metadata.push(x('dc:publisher', {}, [chapter.publisher]))
    for (const subject of [chapter.subject, ...(chapter.keywords ?? [])]) if (subject) metadata.push(x('dc:subject', {}, [subject]))
  } else {
    const subjects = [...new Set(chapters.flatMap((chapter) => [chapter.subject, ...(chapter.keywords ?? [])]).filter((s): s is string => Boolean(s)))]
    for (const subject of subjects) metadata.push(x('dc:subject', {}, [subject]))
    const publishers = [...new Set(chapters.map((chapter) => chapter.publisher).filter((p): p is string => Boolean(p)))]
    if (publishers.length === 1) metadata.push(x('dc:publisher', {}, [publishers[0]!]))
  }
  metadata.push(metaProperty('dcterms:modified', modifiedString(modified)))
  // EPUB Accessibility 1.1.
  metadata.push(metaProperty('schema:accessMode', 'textual'))
  if (images.count > 0) metadata.push(metaProperty('schema:accessMode', 'visual'))
  metadata.push(metaProperty('schema:accessModeSufficient', images.count > images.described ? 'textual,visual' : 'textual'))
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability']
  if (images.count > 0 && images.described === images.count) features.push('alternativeText')
  if (hasMath) features.push('MathML')
  for (const feature of features) metadata.push(metaProperty('schema:accessibilityFeature', feature))
  metadata.push(metaProperty('schema:accessibilityHazard', 'none'))
  metadata.push(metaProperty('schema:accessibilitySummary',
    `A reflowable ${single ? 'essay' : 'collection of essays'} with a table of contents and navigable headings; ` +
    'each note opens from its number and links back to the text; each citation links to its entry in the list of references' +
    (images.count > 0 ? (images.described === images.count ? '; every image has a text description' : '; some images have no text description') : '') +
    (hasMath ? '; mathematics is MathML' : '') + '.'))
  metadata.push(metaProperty('dcterms:conformsTo', 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA'))
  metadata.push(x('meta', {name: 'generator', content: 'essay-edition'}))

  const manifest: XastElement[] = [
    x('item', {id: 'nav', href: 'nav.xhtml', 'media-type': 'application/xhtml+xml', properties: 'nav'}),
    x('item', {id: 'style', href: 'style.css', 'media-type': 'text/css'}),
    ...named.map(({href, chapter}, index) => x('item', {id: `essay-${index + 1}`, href, 'media-type': 'application/xhtml+xml', properties: chapter.properties.length > 0 ? chapter.properties.join(' ') : undefined})),
    ...[...resources.keys()].sort().map((name) => x('item', {id: `img-${name.replace(/^images\//, '').replace(/\.\w+$/, '')}`, href: name, 'media-type': resources.get(name)!.mediaType}))
  ]
  const spine = named.map((_, index) => x('itemref', {idref: `essay-${index + 1}`}))

  const opf = x('package', {xmlns: 'http://www.idpf.org/2007/opf', version: '3.0', 'unique-identifier': 'pub-id', 'xml:lang': lang}, indent([
    x('metadata', {'xmlns:dc': 'http://purl.org/dc/elements/1.1/'}, indent(metadata, 2)),
    x('manifest', {}, indent(manifest, 2)),
    x('spine', {}, indent(spine, 2))
  ], 1))

  const nav = x('html', {xmlns: xhtmlNs, 'xmlns:epub': opsNs, lang, 'xml:lang': lang}, indent([
    x('head', {}, indent([x('meta', {charset: 'utf-8'}), x('title', {}, [title]), x('link', {rel: 'stylesheet', type: 'text/css', href: 'style.css'})], 2)),
    x('body', {}, indent([
      x('nav', {'epub:type': 'toc', id: 'toc', role: 'doc-toc'}, indent([x('h1', {}, ['Contents']), navList(named)], 3)),
      x('nav', {'epub:type': 'landmarks', id: 'landmarks', hidden: ''}, indent([
        x('h2', {}, ['Landmarks']),
        x('ol', {}, indent([x('li', {}, [x('a', {'epub:type': 'bodymatter', href: named[0]!.href}, [single ? title : named[0]!.chapter.title])])], 4))
      ], 3))
    ], 2))
  ], 1))

  const container = x('container', {version: '1.0', xmlns: 'urn:oasis:names:tc:opendocument:xmlns:container'}, indent([
    x('rootfiles', {}, indent([x('rootfile', {'full-path': 'EPUB/package.opf', 'media-type': 'application/oebps-package+xml'})], 2))
  ], 1))

  // Zip entries carry a DOS date in local time: the same wall-clock fields on every machine. DOS
  // dates start in 1980.
  const zipDate = modified.getTime() < Date.UTC(1980, 0, 1, 12) ? new Date(Date.UTC(1980, 0, 1, 12)) : modified
  const mtime = new Date(zipDate.getUTCFullYear(), zipDate.getUTCMonth(), zipDate.getUTCDate(), zipDate.getUTCHours(), zipDate.getUTCMinutes(), zipDate.getUTCSeconds())
  const utf8 = (text: string) => new TextEncoder().encode(text)
  const entries: Zippable = {
    mimetype: [utf8('application/epub+zip'), {level: 0, mtime}],
    'META-INF/container.xml': [utf8(xmlDocument(container)), {level: 9, mtime}],
    'EPUB/package.opf': [utf8(xmlDocument(opf)), {level: 9, mtime}],
    'EPUB/nav.xhtml': [utf8(xmlDocument(nav, true)), {level: 9, mtime}],
    'EPUB/style.css': [utf8(css), {level: 9, mtime}]
  }
  for (const {href, chapter} of named) entries[`EPUB/${href}`] = [utf8(chapter.xhtml), {level: 9, mtime}]
  for (const name of [...resources.keys()].sort()) {
    const resource = resources.get(name)!
    // Compressed formats are stored as they are.
    entries[`EPUB/${name}`] = [resource.data, {level: resource.mediaType === 'image/svg+xml' ? 9 : 0, mtime}]
  }
  return zipSync(entries)
}
