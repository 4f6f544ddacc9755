/**
 * The citation renderer: CSL items and citations in, HTML strings per style out. It knows nothing
 * of Markdown or HTML trees, so it can be tested alone and run anywhere.
 *
 * It drives the citeproc-js engine that @citation-js/plugin-csl exposes, the linear way (see
 * shared/notes): `updateItems` once with every id in first-citation order, positions computed in one
 * pass (`positions.ts`), then `makeCitationCluster` for each citation.
 *
 * Output format: each citation's HTML wraps the part that belongs to each cited work in
 * `<span data-cite-item="N">`, N being the item's index in the citation, so that callers can link
 * each work to its entry. Bibliography entries are citeproc's HTML (`<div class="csl-entry">`).
 */
import {createRequire} from 'node:module'
import crypto from 'node:crypto'
import {computePositions} from './positions.js'
import {readLocale, type CslStyle} from './styles.js'
import type {Citation, CiteItem} from './types.js'
import {speedUpCiteproc} from './citeproc-speed.js'
import {installCiteprocRules} from '../bibliography/citeproc-rules.js'
import {markMathInRendered, mathForCiteproc} from '../bibliography/math.js'

const require = createRequire(import.meta.url)
const core = require('@citation-js/core') as {plugins: {config: {get(name: string): CslPluginConfig}}}
require('@citation-js/plugin-csl')
// Same output, less time: shortcuts through citeproc's hot spots (citeproc-speed.ts).
speedUpCiteproc()
// Pandoc's citeproc rules for BibTeX data: `and others` as "et al.", versions like "2.4" (citeproc-rules.ts).
installCiteprocRules()

interface Register<T> {
  add(name: string, value: T): void
  has(name: string): boolean
}
interface CslPluginConfig {
  styles: Register<string>
  locales: Register<string>
  engine(items: CslItem[], style: string, lang: string | undefined, format: string): CiteprocEngine
}
interface CiteprocEngine {
  opt: {development_extensions: Record<string, boolean>}
  sys: {wrapCitationEntry?: (html: string, id: string) => string; retrieveItem(id: string): CslItem}
  updateItems(ids: string[]): void
  makeCitationCluster(items: Array<Record<string, unknown>>): string
  makeBibliography(): false | [BibliographyMeta, string[]]
}
interface BibliographyMeta {
  entry_ids: string[][]
  hangingindent?: number | boolean
  'second-field-align'?: string | false
  entryspacing?: number
  linespacing?: number
}

/** A CSL-JSON item (only `id` and `type` are required). */
export interface CslItem {
  id: string
  type?: string
  [field: string]: unknown
}

/** A citation placed in the document for one style: its note number (0 in running text). */
export interface PlacedCitation {
  citation: Citation
  noteIndex: number
}

export interface RenderOptions {
  style: CslStyle
  /** All items that may be cited or listed. */
  items: Map<string, CslItem>
  /** The citations, in document order, with only known keys. */
  citations: PlacedCitation[]
  /** Keys to list besides the cited ones (`nocite`), in order. */
  nocite?: string[]
  /** Language of the document (`en-GB`); the style's own default locale otherwise. */
  lang?: string
  /** Works rendered alone as entries, outside the list (the essay itself, for "Cite this"). */
  standalone?: CslItem[]
}

export interface RenderedCitation {
  /** The citation as the style prints it (narrative ones under in-text styles: author and rest). */
  html: string
  /** Narrative citations: the author part alone ("Khan") and, under in-text styles, the rest ("(2021)"). */
  narrative?: {author: string; rest: string}
}

export interface RenderedEntry {
  key: string
  html: string
}

export interface RenderedStyle {
  styleId: string
  class: CslStyle['class']
  citations: RenderedCitation[]
  /** The reference list in the style's order; empty when the style has none. */
  bibliography: RenderedEntry[]
  hangingIndent: boolean
  secondFieldAlign: boolean
  /** The `standalone` works, each as an entry of this style. */
  standalone: RenderedEntry[]
}

const config = core.plugins.config.get('@csl')

function registerLocale(lang: string | undefined): string | undefined {
  if (!lang) return undefined
  if (config.locales.has(lang) && lang !== 'en-US') return lang
  const xml = readLocale(lang)
  if (xml) {
    config.locales.add(lang, xml)
    return lang
  }
  const base = lang.split('-')[0]
  const fallback = base === 'en' ? 'en-US' : undefined
  return fallback && readLocale(fallback) ? registerLocale(fallback) : config.locales.has(lang) ? lang : undefined
}

function registerStyle(style: CslStyle): string {
  const name = `${style.id}#${crypto.createHash('sha1').update(style.xml).digest('hex').slice(0, 12)}`
  if (!config.styles.has(name)) config.styles.add(name, style.xml)
  return name
}

/** Make a fresh engine for a style (engines are cached by citation-js; `updateItems` resets them). */
function engineFor(style: CslStyle, items: CslItem[], lang: string | undefined): CiteprocEngine {
  const locale = registerLocale(lang ?? style.defaultLocale ?? 'en-US')
  let engine: CiteprocEngine
  try {
    engine = config.engine(items, registerStyle(style), locale, 'html')
  } catch (error) {
    throw new Error(`the style ${style.path} cannot be used by citeproc-js (${(error as Error).message.split('\n')[0]})`)
  }
  engine.opt.development_extensions.wrap_url_and_doi = true
  engine.opt.development_extensions.apply_citation_wrapper = false
  return engine
}

function citeprocItem(item: CiteItem, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {id: item.key, ...extra}
  if (item.locator) {
    out.locator = item.locator
    out.label = item.label ?? 'page'
  }
  if (item.prefix) out.prefix = item.prefix + ' '
  if (item.suffix) out.suffix = item.suffix
  if (item.suppressAuthor) out['suppress-author'] = true
  return out
}


/**
 * Wrap each item's part of a rendered cluster in `<span data-cite-item="N">`. citeproc's citation
 * wrapper drops the layout's affixes, so the wrapped rendering is matched back into the plain one.
 *
 * Why two renderings and not one: the wrapper puts a level of its own around each item, and
 * without the layout's affixes citeproc's punctuation passes (clean_up_csl_flaws) see another
 * tree; the plain rendering is not the wrapped one with the affixes added back. An item suffix
 * ending in "." under a layout suffix "." shows it: plain "…, and elsewhere." against wrapped
 * "…, and elsewhere." + "." once the affixes are added. Neither rendering can be derived from
 * the other without running citeproc's getCitationCluster again.
 */
function markItems(engine: CiteprocEngine, plain: string, input: Array<Record<string, unknown>>): string {
  if (input.length === 1) return `<span data-cite-item="0">${plain}</span>`
  const indexById = new Map<string, number>()
  input.forEach((item, index) => {
    if (!indexById.has(String(item.id))) indexById.set(String(item.id), index)
  })
  engine.opt.development_extensions.apply_citation_wrapper = true
  engine.sys.wrapCitationEntry = (html, id) =>
    indexById.has(id) ? `<span data-cite-item="${indexById.get(id)}">${html}</span>` : html
  let wrapped: string
  try {
    wrapped = engine.makeCitationCluster(input.map((item) => ({...item})))
  } finally {
    engine.opt.development_extensions.apply_citation_wrapper = false
  }
  const inner = stripMarkers(wrapped)
  const at = plain.indexOf(inner)
  if (inner && at >= 0 && wrapped.includes('data-cite-item')) {
    return plain.slice(0, at) + wrapped + plain.slice(at + inner.length)
  }
  // Could not align (collapsed numeric ranges and the like): the whole citation links to the first work.
  return `<span data-cite-item="0">${plain}</span>`
}

/** Remove the item markers (and only them) from wrapped output. */
function stripMarkers(html: string): string {
  const stack: boolean[] = []
  let out = ''
  let last = 0
  for (const match of html.matchAll(/<span data-cite-item="\d+">|<span\b[^>]*>|<\/span>/g)) {
    out += html.slice(last, match.index)
    last = match.index! + match[0].length
    if (match[0].startsWith('<span data-cite-item')) {
      stack.push(true)
    } else if (match[0] === '</span>') {
      if (stack.pop() !== true) out += match[0]
    } else {
      stack.push(false)
      out += match[0]
    }
  }
  return out + html.slice(last)
}

/** Render every citation and the reference list of one style. */
export function renderStyle(options: RenderOptions): RenderedStyle {
  const {style, items, citations} = options
  const order: string[] = []
  const seen = new Set<string>()
  for (const placed of citations) {
    for (const item of placed.citation.items) {
      if (!seen.has(item.key) && items.has(item.key)) {
        seen.add(item.key)
        order.push(item.key)
      }
    }
  }
  for (const key of options.nocite ?? []) {
    if (!seen.has(key) && items.has(key)) {
      seen.add(key)
      order.push(key)
    }
  }
  // Plain JSON copies: citeproc runs 2-2.5x slower on objects built elsewhere (shared/notes).
  const standaloneItems = (options.standalone ?? []).filter((item) => !seen.has(item.id))
  const data = [...order.map((key) => items.get(key)!), ...standaloneItems].map((item) => ({...mathForCiteproc(JSON.parse(JSON.stringify(item)) as CslItem), system_id: item.id}))
  const engine = engineFor(style, data, options.lang)
  engine.updateItems(order)

  const positions = computePositions(
    citations.map((placed) => ({noteIndex: placed.noteIndex, items: placed.citation.items})),
    {nearNoteDistance: style.nearNoteDistance, noteStyle: style.class === 'note'}
  )
  const rendered: RenderedCitation[] = citations.map((placed, index) => {
    const input = placed.citation.items.map((item, i) => {
      const pos = positions[index]![i]!
      return citeprocItem(item, {
        position: pos.position,
        'near-note': pos.nearNote,
        'first-reference-note-number': pos.firstReferenceNoteNumber,
        noteIndex: placed.noteIndex
      })
    })
    if (placed.citation.mode === 'narrative') {
      // "Khan (2021)": the author in the text, then under an in-text style the rest beside it, or
      // under a note style the whole citation in its note. Only what will be shown is rendered.
      const author = `<span data-cite-item="0">${engine.makeCitationCluster([{...input[0], 'author-only': true, 'suppress-author': false}])}</span>`
      if (style.class === 'note') {
        const full = engine.makeCitationCluster(input.map((item) => ({...item})))
        return {html: markItems(engine, full, input), narrative: {author, rest: ''}}
      }
      const rest = `<span data-cite-item="0">${engine.makeCitationCluster([{...input[0], 'suppress-author': true}])}</span>`
      return {html: `${author} ${rest}`, narrative: {author, rest}}
    }
    const plain = engine.makeCitationCluster(input.map((item) => ({...item})))
    return {html: markItems(engine, plain, input)}
  })

  const bib = engine.makeBibliography()
  const bibliography: RenderedEntry[] = []
  let hangingIndent = false
  let secondFieldAlign = false
  if (bib) {
    const [meta, entries] = bib
    hangingIndent = Boolean(meta.hangingindent)
    secondFieldAlign = Boolean(meta['second-field-align'])
    entries.forEach((html, index) => {
      const key = meta.entry_ids[index]?.[0]
      if (key !== undefined) bibliography.push({key: String(key), html: html.trim()})
    })
  }
  // The standalone works, each alone in the same engine once the document is done.
  const standalone: RenderedEntry[] = []
  for (const item of standaloneItems) {
    engine.updateItems([item.id])
    const alone = engine.makeBibliography()
    if (alone && alone[1][0]) standalone.push({key: item.id, html: alone[1][0].trim()})
  }
  // TeX math of titles as the page's math elements (bibliography/math.ts).
  return markMathInRendered({styleId: style.id, class: style.class, citations: rendered, bibliography, hangingIndent, secondFieldAlign, standalone})
}
