/**
 * citeproc's HTML strings (citations, bibliography entries) as hast.
 *
 * citeproc-js writes a small, regular subset of HTML: well-nested `span`, `div`, `i`, `b`, `sup`,
 * `sub`, `a` and the like, attributes in double quotes (`class`, `style`, `href`,
 * `data-cite-item`), text with character references (`&#38;`, `&#60;`, `&#160;`, `&amp;`...).
 * `parseCiteprocHtml` reads exactly that subset, and gives for it what
 * `fromHtml(html, {fragment: true})` gives (element properties made by the same `h` of
 * hastscript), except `position`, which nothing reads; it is many times cheaper than parse5.
 * Anything else goes to parse5 (`hast-util-from-html`), because HTML's tree construction rewrites
 * it in ways not worth copying: unclosed or mis-nested tags are closed, reopened or moved, `<p>`,
 * tables, headings, lists, void and nested `a` elements have rules of their own, a stray `<` or `&`
 * is text, some characters are replaced or dropped, duplicate attributes are ignored, and so on.
 * The subset parser gives up (returns `undefined`) at the first thing it does not know.
 *
 * Results are kept per string: the same citation or entry comes back many times (repeated
 * citations, styles that agree, every rebuild in watch and preview). Each call returns its own
 * copy, so callers may change what they get.
 */
import type {Element, ElementContent, Properties} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {h} from 'hastscript'
import {sanitizeTree} from './sanitize.js'

/**
 * Elements whose start and end tags, when well nested, only open and close them: formatting
 * (`a b code em i small strong u`) and plain phrasing elements, and `div` (no `p` is ever open).
 * A nested `a` is not: parse5 closes the outer one.
 */
const elements = new Set(['a', 'abbr', 'b', 'cite', 'code', 'div', 'em', 'i', 'small', 'span', 'strong', 'sub', 'sup', 'u'])
/** The named references citeproc might write; parse5 reads any other (and any without `;`). */
const named: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0'}
// Tags as citeproc writes them: lowercase, attributes after one space each, in double quotes.
const startTag = /<([a-z][a-z\d]*)((?: [a-z][a-z\d-]*="[^"<]*")*)>/y
const endTag = /<\/([a-z][a-z\d]*)>/y
const attribute = / ([a-z][a-z\d-]*)="([^"<]*)"/g
const reference = /&(#\d{1,7}|#[xX][\da-fA-F]{1,6}|[a-z]{2,4})?(;?)/g

/** A character reference's character, if parse5 decodes it to just that; undefined if not. */
function character(name: string): string | undefined {
  if (name[0] !== '#') return Object.hasOwn(named, name) ? named[name] : undefined
  const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10)
  // Not NUL, C1 controls (read as windows-1252), surrogates, or past Unicode: parse5 replaces those.
  const kept = (code >= 1 && code <= 0x7f) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0x10ffff)
  return kept ? String.fromCodePoint(code) : undefined
}

/** Text or an attribute value with its references decoded; undefined if anything needs parse5. */
function decode(value: string): string | undefined {
  // parse5 turns CR and CR LF into LF, and drops or replaces NUL.
  if (value.includes('\r') || value.includes('\0')) return undefined
  if (!value.includes('&')) return value
  let failed = false
  const result = value.replace(reference, (all, name: string | undefined, semicolon: string) => {
    const decoded = name && semicolon ? character(name) : undefined
    if (decoded === undefined) failed = true
    return decoded ?? all
  })
  return failed ? undefined : result
}

/**
 * `html` in citeproc's subset of HTML as hast, as `fromHtml(html, {fragment: true}).children`
 * (without positions); undefined when it is not in the subset.
 */
export function parseCiteprocHtml(html: string): ElementContent[] | undefined {
  const root: ElementContent[] = []
  const open: Element[] = []
  let anchors = 0
  let index = 0
  while (index < html.length) {
    const tag = html.indexOf('<', index)
    const end = tag === -1 ? html.length : tag
    if (end > index) {
      const value = decode(html.slice(index, end))
      if (value === undefined) return undefined
      ;(open.at(-1)?.children ?? root).push({type: 'text', value})
    }
    if (tag === -1) break
    if (html[tag + 1] === '/') {
      endTag.lastIndex = tag
      const match = endTag.exec(html)
      if (!match || open.at(-1)?.tagName !== match[1]) return undefined
      open.pop()
      if (match[1] === 'a') anchors--
      index = endTag.lastIndex
    } else {
      startTag.lastIndex = tag
      const match = startTag.exec(html)
      if (!match || !elements.has(match[1]!) || (match[1] === 'a' && anchors > 0)) return undefined
      const properties: Record<string, string> = {}
      for (const [, name, raw] of match[2]!.matchAll(attribute)) {
        const value = decode(raw!)
        // Duplicates are dropped by parse5, names of Object.prototype by hast-util-from-parse5.
        if (value === undefined || Object.hasOwn(properties, name!) || Object.hasOwn(Object.prototype, name!)) return undefined
        properties[name!] = value
      }
      const element = h(match[1]!, properties)
      ;(open.at(-1)?.children ?? root).push(element)
      open.push(element)
      if (match[1] === 'a') anchors++
      index = startTag.lastIndex
    }
  }
  return open.length === 0 ? root : undefined
}

/** A copy of hast nodes as parsed here (text, comments, elements); positions are left out. */
function copy(nodes: ElementContent[]): ElementContent[] {
  return nodes.map((node): ElementContent => {
    if (node.type !== 'element') return {type: node.type, value: node.value}
    // A `template`'s content: only parse5 makes one, and only if citeproc wrote a template.
    if (node.content) return structuredClone(node)
    const properties: Properties = {}
    for (const key in node.properties) {
      const value = node.properties[key]
      properties[key] = Array.isArray(value) ? [...value] : value
    }
    return {type: 'element', tagName: node.tagName, properties, children: copy(node.children)}
  })
}

/**
 * citeproc-js's inline styles as classes of ours (the page's stylesheet sets them, and its
 * Content-Security-Policy allows no `style` attribute): small capitals (a title's `\textsc`, a
 * style's `font-variant="small-caps"`), underline, and the upright, regular-weight and normal
 * variants that flip formatting inside an italic, bold or small-caps title. Other declarations
 * are dropped with the attribute.
 */
const styleClasses: Record<string, string> = {
  'font-variant:small-caps': 'smallcaps',
  'font-variant:normal': 'csl-normal-variant',
  'font-style:normal': 'csl-normal-style',
  'font-style:italic': 'csl-italic',
  'font-weight:normal': 'csl-normal-weight',
  'font-weight:bold': 'csl-bold',
  'text-decoration:underline': 'underline'
}

/** Replace, in place, citeproc-js's `style` attributes by our classes (`styleClasses`). */
export function stylesAsClasses(nodes: ElementContent[]): ElementContent[] {
  for (const node of nodes) {
    if (node.type !== 'element') continue
    const style = node.properties.style
    if (typeof style === 'string') {
      const classes = style.split(';').map((declaration) => styleClasses[declaration.replace(/\s+/g, '').toLowerCase()]).filter((name) => name !== undefined)
      delete node.properties.style
      if (classes.length > 0) node.properties.className = [...(Array.isArray(node.properties.className) ? node.properties.className.map(String) : []), ...classes]
    }
    stylesAsClasses(node.children)
  }
  return nodes
}

const parsed = {raw: new Map<string, ElementContent[]>(), sanitized: new Map<string, ElementContent[]>()}
const limit = 200_000

/** `html` as hast nodes; `sanitize` runs the page's sanitizing schema over them first. */
export function htmlFragment(html: string, options: {sanitize?: boolean} = {}): ElementContent[] {
  const cache = options.sanitize ? parsed.sanitized : parsed.raw
  let nodes = cache.get(html)
  if (!nodes) {
    const children = parseCiteprocHtml(html) ?? (fromHtml(html, {fragment: true}).children as ElementContent[])
    stylesAsClasses(children)
    nodes = options.sanitize ? (sanitizeTree({type: 'root', children}).children as ElementContent[]) : children
    if (cache.size >= limit) cache.clear()
    cache.set(html, nodes)
  }
  return copy(nodes)
}
