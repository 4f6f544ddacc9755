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
import {computePositions, Position} from './positions.js'
import {readLocale, type CslStyle} from './styles.js'
import type {Citation, CiteItem} from './types.js'
import {speedUpCiteproc} from './citeproc-speed.js'
import {installCiteprocRules, titleCaseStopWords} from '../bibliography/citeproc-rules.js'
export {titleCaseStopWords}
import {markMathInRendered, mathForCiteproc} from '../bibliography/math.js'
import {dropLeadingPunctuation} from './note-layout.js'
import {orderedCluster} from './cluster-sort.js'

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
  /** The style's citation layout: its affixes and delimiter, as written in the style. */
  citation: {opt: {layout_prefix: string; layout_suffix: string; layout_delimiter: string}}
  /** The style's citation sort (no tokens: citations keep the author's order). */
  citation_sort: {tokens: unknown[]}
  updateItems(ids: string[]): void
  makeCitationCluster(items: Array<Record<string, unknown>>): string
  retrieveItem(id: string): unknown
  makeBibliography(): false | [BibliographyMeta, string[]]
  setSuppressTrailingPunctuation(suppress: boolean): void
  getTerm(term: string): string | undefined
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
  /**
   * Note styles: the citation stands inside the author's own note, within its sentence (not
   * opening it), where Pandoc sets it in parentheses or after its author without the final
   * period: it is rendered without the layout's closing period (unless `keepPeriod`) and a
   * leading "Ibid." in lower case.
   */
  midNote?: {keepPeriod: boolean}
}

export interface RenderOptions {
  style: CslStyle
  /** All items that may be cited or listed. */
  items: Map<string, CslItem>
  /**
   * The citations, in document order. A key that no item has is printed as Pandoc prints it: the
   * key and `?`, in bold, in the style's citation layout (`(fig:map?)` under APA).
   */
  citations: PlacedCitation[]
  /** Keys to list besides the cited ones (`nocite`), in order. */
  nocite?: string[]
  /** Language of the document (`en-GB`); the style's own default locale otherwise. */
  lang?: string
  /** Works whose `note` is text only: citeproc-js reads no `key: value` line of it (BibTeX's). */
  plainNotes?: string[]
  /** Works rendered alone as entries, outside the list (the essay itself, for "Cite this"). */
  standalone?: CslItem[]
}

export interface RenderedCitation {
  /**
   * The citation as the style prints it: under in-text styles what stands in the text (narrative:
   * author and rest), under note styles what its note holds (narrative: the rest, without the
   * author), starting at its first word as Pandoc's notes do.
   */
  html: string
  /**
   * Narrative citations of a known work: the author alone ("Khan"), and the rest ("(2021)" under
   * in-text styles; under note styles the note's text, as `html`, which may be empty).
   */
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
  /**
   * The first `standalone` work cited alone at a paragraph, as this style writes it ("(Khan, 2024,
   * para. 999999)"), the number being `paragraphPlaceholder`: the page's "Copy quote" puts the
   * paragraph's number there.
   */
  quoteCitation?: string
}

/** The paragraph number in `quoteCitation`, replaced by the reader's script. */
export const paragraphPlaceholder = '999999'

const config = core.plugins.config.get('@csl')

/** A locale's XML with `skip-words` set to `titleCaseStopWords` on its style options. */
export function withStopWords(xml: string): string {
  const words = `skip-words="${titleCaseStopWords.join(', ')}"`
  if (/<style-options\b/.test(xml)) return xml.replace(/<style-options\b/, `<style-options ${words}`)
  return xml.replace(/(<locale\b[^>]*>)/, `$1<style-options ${words}/>`)
}

function registerLocale(lang: string | undefined): string | undefined {
  if (!lang) return undefined
  if (config.locales.has(lang) && lang !== 'en-US') return lang
  const xml = readLocale(lang)
  if (xml) {
    config.locales.add(lang, withStopWords(xml))
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
function engineFor(style: CslStyle, items: CslItem[], lang: string | undefined, notes: string[] = []): CiteprocEngine {
  const locale = registerLocale(lang ?? style.defaultLocale ?? 'en-US')
  let engine: CiteprocEngine
  try {
    engine = config.engine(items, registerStyle(style), locale, 'html')
  } catch (error) {
    throw new Error(`the style ${style.path} cannot be used by citeproc-js (${(error as Error).message.split('\n')[0]})`)
  }
  engine.opt.development_extensions.wrap_url_and_doi = true
  engine.opt.development_extensions.apply_citation_wrapper = false
  // The works of a cluster in Pandoc's order (sorted within groups that affixes bound); citation-js
  // caches engines, so this is done once an engine.
  const held = engine as CiteprocEngine & {[pandocOrder]?: boolean; [plainNotes]?: Set<string>}
  if (!held[pandocOrder]) {
    const make = engine.makeCitationCluster.bind(engine)
    engine.makeCitationCluster = (input) => orderedCluster(engine as never, input, make)
    // citeproc-js reads `key: value` lines of a `note` as variables (its `field_hack`, Zotero's
    // way) when it first takes an item; not for the works whose note is text (`plainNotes`).
    const retrieve = engine.retrieveItem.bind(engine)
    engine.retrieveItem = (id) => {
      if (!held[plainNotes]?.has(id)) return retrieve(id)
      const extensions = engine.opt.development_extensions
      const before = extensions.field_hack
      extensions.field_hack = false
      try {
        return retrieve(id)
      } finally {
        extensions.field_hack = before
      }
    }
    held[pandocOrder] = true
  }
  held[plainNotes] = new Set(notes)
  // citation-js empties a cached engine's registry as it hands it out.
  delete (engine as CiteprocEngine & {[registryOf]?: string})[registryOf]
  return engine
}
const plainNotes = Symbol('essay-edition.plain-notes')
/** The registry (`RenderMemo.registry`) an engine's `updateItems` last set up, while it holds. */
const registryOf = Symbol('essay-edition.registry')
const pandocOrder = Symbol('essay-edition.pandoc-order')

function citeprocItem(item: CiteItem, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {id: item.key, ...extra}
  if (item.locator) {
    // A range written with an en dash (or `--`, which smart punctuation made one) is a range to
    // citeproc-js as one with a hyphen is: page-range-format applies ("218–19"), as in Pandoc.
    out.locator = item.locator.replace(/(?<=[\p{L}\p{N}])\u2013(?=[\p{L}\p{N}])/gu, '-')
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
function markItems(engine: CiteprocEngine, plain: string, input: Array<Record<string, unknown>>, indexes: number[]): string {
  if (input.length === 1) return `<span data-cite-item="${indexes[0]}">${plain}</span>`
  const indexById = new Map<string, number>()
  input.forEach((item, index) => {
    if (!indexById.has(String(item.id))) indexById.set(String(item.id), indexes[index]!)
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
  return `<span data-cite-item="${indexes[0]}">${plain}</span>`
}

/** The items' part of a cluster, each in its `<span data-cite-item>`, without the layout's affixes. */
function wrappedItems(engine: CiteprocEngine, input: Array<Record<string, unknown>>, indexes: number[]): string {
  engine.opt.development_extensions.apply_citation_wrapper = true
  engine.sys.wrapCitationEntry = (html, id) => {
    const at = input.findIndex((item) => String(item.id) === id)
    return at >= 0 ? `<span data-cite-item="${indexes[at]}">${html}</span>` : html
  }
  try {
    return engine.makeCitationCluster(input.map((item) => ({...item})))
  } finally {
    engine.opt.development_extensions.apply_citation_wrapper = false
  }
}

const escapeText = (text: string) => text.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;')

/** The inline markup citeproc reads in a prefix or suffix; anything else there is text. */
const affixMarkup = /<\/?(?:i|b|sup|sub|span(?: class="nocase"| style="font-variant:\s*small-caps;?")?)>/g

/** A prefix or suffix as HTML, as citeproc would print it: its markup kept, the rest escaped. */
function affixHtml(affix: string): string {
  let out = ''
  let last = 0
  for (const match of affix.matchAll(affixMarkup)) {
    out += escapeText(affix.slice(last, match.index)) + match[0]
    last = match.index! + match[0].length
  }
  return out + escapeText(affix.slice(last))
}

/** What Pandoc prints for a key no work has: the key and "?", in bold, with the item's prefix and suffix. */
function unknownItem(item: CiteItem): string {
  const key = `<span class="citation-missing" title="Unknown citation key">${escapeText(item.key)}?</span>`
  return `${item.prefix ? `${affixHtml(item.prefix)} ` : ''}${key}${item.suffix ? affixHtml(item.suffix) : ''}`
}

/**
 * Join two pieces of a citation as citeproc joins them (its punctuation rules, the cases that can
 * meet here): "?" or "!" followed by "." keeps the first; a doubled "." ";" "," keeps one.
 */
function joinPunctuation(left: string, right: string): string {
  const last = left.replace(/<[^>]*>/g, '').slice(-1)
  const opening = /^(?:<[^>]*>)*/.exec(right)![0]
  const first = right.charAt(opening.length)
  const keepFirst = (('?!:;'.includes(last) && first === '.') || (last === first && '.;,:'.includes(last))) && last !== ''
  return keepFirst ? left + opening + right.slice(opening.length + 1) : left + right
}

/** The top-level `<span data-cite-item>` elements of wrapped items: their index and extent. */
function itemSpans(wrapped: string): Array<{index: number; start: number; end: number}> {
  const spans: Array<{index: number; start: number; end: number}> = []
  let depth = 0
  let open: {index: number; start: number} | undefined
  for (const match of wrapped.matchAll(/<span\b[^>]*>|<\/span>/g)) {
    if (match[0] === '</span>') {
      depth--
      if (depth === 0 && open) {
        spans.push({...open, end: match.index! + match[0].length})
        open = undefined
      }
      continue
    }
    if (depth === 0) {
      const item = /^<span data-cite-item="(\d+)">$/.exec(match[0])
      if (item) open = {index: Number(item[1]), start: match.index!}
    }
    depth++
  }
  return spans
}

/**
 * A citation holding keys no work has: the known works as citeproc renders them, the unknown keys
 * where Pandoc puts them (in the author's order, or after the known works when the style sorts
 * its citations), joined by the layout's delimiter inside its affixes.
 */
function withUnknownKeys(engine: CiteprocEngine, items: CiteItem[], known: Array<{input: Record<string, unknown>; index: number}>, withoutPeriod: boolean): string {
  const layout = engine.citation.opt
  const delimiter = escapeText(layout.layout_delimiter)
  const unknown = (index: number) => !known.some((k) => k.index === index)
  let inner = ''
  const add = (piece: string, separator = delimiter) => {
    inner = inner ? joinPunctuation(joinPunctuation(inner, separator), piece) : piece
  }
  if (known.length > 0) {
    const wrapped = wrappedItems(engine, known.map((k) => k.input), known.map((k) => k.index))
    const spans = itemSpans(wrapped)
    const inOrder = engine.citation_sort.tokens.length === 0 && spans.length === known.length && spans.every((span, at) => span.index === known[at]!.index)
    if (!inOrder) {
      // Sorted (or collapsed past telling apart): the known works, then the unknown keys.
      add(wrapped)
      items.forEach((item, index) => unknown(index) && add(unknownItem(item)))
    } else {
      // In the author's order: between two works that follow each other, citeproc's own separator.
      let previous: number | undefined
      items.forEach((item, index) => {
        if (unknown(index)) {
          add(unknownItem(item))
          previous = undefined
          return
        }
        const at = spans.findIndex((span) => span.index === index)
        const span = spans[at]!
        if (previous !== undefined && previous === at - 1) inner += wrapped.slice(spans[previous]!.end, span.start) + wrapped.slice(span.start, span.end)
        else add(wrapped.slice(at === 0 ? 0 : span.start, at === spans.length - 1 ? wrapped.length : span.end))
        previous = at
      })
    }
  } else {
    items.forEach((item) => add(unknownItem(item)))
  }
  const suffix = withoutPeriod && layout.layout_suffix === '.' ? '' : layout.layout_suffix
  return joinPunctuation(escapeText(layout.layout_prefix) + inner, escapeText(suffix))
}

/**
 * The author part of a citation ("Khan"), as citeproc's `author-only` renders it. citeproc-js
 * leaves there the labels of variables it suppresses, with their affixes (MHRA, a chapter: "Olga
 * Ivanov and Olga Ibáñez, pp. "); such a rendering, told by the space it ends with, is cut back to
 * where it parts from the whole citation's, without the punctuation and spaces before that.
 */
function authorOnly(engine: CiteprocEngine, input: Record<string, unknown>): string {
  const author = engine.makeCitationCluster([{...input, 'author-only': true, 'suppress-author': false}])
  if (!/\s$/.test(author.replace(/<[^>]*>/g, ''))) return author
  const whole = wrappedItems(engine, [input], [0]).replace(/^<span data-cite-item="0">|<\/span>$/g, '')
  let common = 0
  while (common < author.length && author[common] === whole[common]) common++
  // Back to a place outside tags and references, then without trailing punctuation and spaces.
  let cut = author.slice(0, common)
  cut = cut.replace(/<[^>]*$|&[^;]*$/, '').replace(/(?:[\s,;:]|&#160;)+$/, '')
  // Close what the cut left open.
  const open: string[] = []
  for (const match of cut.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (match[1]) open.pop()
    else open.push(match[2]!)
  }
  return cut + open.reverse().map((tag) => `</${tag}>`).join('')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const noPrinted = /\[NO_PRINTED_FORM\]|\[CSL STYLE ERROR[^\]]*\]/g

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

/**
 * A comma or period that the locale moved inside a closing quotation mark after a title that
 * already ends with terminal punctuation is dropped: “Buy, Sell, or Troll?” 2007, not “… Troll?,”
 * (CMOS 6.119: no comma after a question mark or exclamation point), “… via Stan.” 2018, not
 * “… Stan.,”. Pandoc's citeproc does the same when it moves punctuation inside quotes;
 * citeproc-js keeps both.
 */
export function dropDoubledPunctuation(html: string): string {
  return html.replace(/([.?!])((?:<\/[a-z]+>)*)[.,]([”’])/g, '$1$2$3')
}

function withoutDoubledPunctuation(style: RenderedStyle): RenderedStyle {
  const fix = dropDoubledPunctuation
  return {
    ...style,
    citations: style.citations.map((citation) => ({
      ...citation,
      html: fix(citation.html),
      ...(citation.narrative ? {narrative: {author: fix(citation.narrative.author), rest: fix(citation.narrative.rest)}} : {})
    })),
    bibliography: style.bibliography.map((entry) => ({...entry, html: fix(entry.html)})),
    standalone: style.standalone.map((entry) => ({...entry, html: fix(entry.html)}))
  }
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
  // What citeproc's registry holds after `updateItems`: while it is the same, a citation with the
  // same input and position renders the same (rebuilds: an added citation renders only the
  // citations whose input or position changed, and the list only when a work comes or goes).
  const memo = renderMemoFor(style, JSON.stringify([options.lang ?? null, data, order, options.plainNotes ?? []]))
  let ready: CiteprocEngine | undefined
  const engineReady = (): CiteprocEngine => {
    if (!ready) {
      // `updateItems` is most of a rebuild's cost (citeproc-js disambiguates every work again):
      // the engine of the last render is taken as it is when its registry still holds these works
      // in this order (citation-js's `engine()` would empty it).
      const kept = memo.engine as (CiteprocEngine & {[registryOf]?: string}) | undefined
      if (kept && kept[registryOf] === memo.registry) ready = kept
      else {
        ready = engineFor(style, data, options.lang, options.plainNotes)
        ready.updateItems(order)
        ;(ready as CiteprocEngine & {[registryOf]?: string})[registryOf] = memo.registry
        memo.engine = ready
      }
    }
    return ready
  }

  const positions = computePositions(
    citations.map((placed) => ({noteIndex: placed.noteIndex, items: placed.citation.items})),
    {nearNoteDistance: style.nearNoteDistance, noteStyle: style.class === 'note'}
  )
  const noteStyle = style.class === 'note'
  /** One citation rendered, or as an earlier render with the same registry rendered it. */
  const rendered: RenderedCitation[] = citations.map((placed, index) => {
    const key = JSON.stringify([placed.citation, placed.midNote ?? null, positions[index]])
    let done = memo.citations.get(key)
    if (!done) {
      memo.citations.set(key, (done = renderOne(engineReady(), placed, positions[index]!)))
      renderCounts.rendered++
    } else renderCounts.reused++
    memo.used.add(key)
    return structuredClone(done)
  })
  for (const key of memo.citations.keys()) if (!memo.used.has(key)) memo.citations.delete(key)
  memo.used.clear()

  /** The list and the standalone works: once for a registry. */
  memo.lists ??= renderLists(engineReady(), standaloneItems)
  const lists = structuredClone(memo.lists)
  // TeX math of titles as the page's math elements (bibliography/math.ts).
  return markMathInRendered(withoutDoubledPunctuation({styleId: style.id, class: style.class, citations: rendered, ...lists}))

  function renderOne(engine: CiteprocEngine, placed: PlacedCitation, position: NonNullable<(typeof positions)[number]>): RenderedCitation {
  // citeproc-js capitalizes a term that opens a citation ("Ibid."); inside a sentence it is the
  // locale's own form ("ibid."), as Pandoc prints it.
  const ibid = noteStyle ? engine.getTerm('ibid') : undefined
  const ibidAtStart = ibid && /^\p{Ll}/u.test(ibid) ? new RegExp(`^((?:<[^>]*>)*)${escapeRegExp(ibid.charAt(0).toUpperCase() + ibid.slice(1))}`) : undefined
  /** A cluster as the note (or the text) shows it, without citeproc's markers for what is not there. */
  const cluster = (input: Array<Record<string, unknown>>, withoutPeriod: boolean): string => {
    if (!withoutPeriod || !engine.citation.opt.layout_suffix.startsWith('.')) return engine.makeCitationCluster(input.map((item) => ({...item})))
    engine.setSuppressTrailingPunctuation(true)
    try {
      return engine.makeCitationCluster(input.map((item) => ({...item})))
    } finally {
      engine.setSuppressTrailingPunctuation(false)
    }
  }
  {
    const {items: citeItems, mode} = placed.citation
    const known: Array<{input: Record<string, unknown>; index: number}> = []
    citeItems.forEach((item, i) => {
      if (!items.has(item.key)) return
      const pos = position[i]!
      known.push({
        index: i,
        input: citeprocItem(item, {
          position: pos.position,
          'near-note': pos.nearNote,
          'first-reference-note-number': pos.firstReferenceNoteNumber,
          noteIndex: placed.noteIndex
        })
      })
    })
    const midNote = noteStyle ? placed.midNote : undefined
    const withoutPeriod = midNote !== undefined && !midNote.keepPeriod
    /** Under note styles, the text of a note starts at its first word (Pandoc's notes). */
    const asNote = (html: string): string => {
      if (!noteStyle) return html
      let text = dropLeadingPunctuation(html.replace(noPrinted, ''))
      if (midNote && ibidAtStart) text = text.replace(ibidAtStart, `$1${ibid}`)
      return text
    }
    const render = (parts: Array<{input: Record<string, unknown>; index: number}>, all: CiteItem[]): string => {
      if (parts.length < all.length) return withUnknownKeys(engine, all, parts, withoutPeriod)
      return markItems(engine, cluster(parts.map((p) => p.input), withoutPeriod), parts.map((p) => p.input), parts.map((p) => p.index))
    }
    if (mode === 'narrative' && known[0]?.index === 0) {
      // "Khan (2021)": the author in the text, and beside it (in-text styles) or in its note (note
      // styles) the rest of the citation without the author, as Pandoc has it. The author is
      // never "ibid": Pandoc gives it a place of its own in the citation.
      const first = known[0]
      const position = first.input.position === Position.first ? Position.first : Position.subsequent
      const author = `<span data-cite-item="0">${authorOnly(engine, {...first.input, position})}</span>`
      const {prefix: _prefix, ...withoutPrefix} = first.input
      const restParts = [{index: 0, input: {...withoutPrefix, 'suppress-author': true}}, ...known.slice(1)]
      const rest = render(restParts, citeItems)
      if (noteStyle) {
        const note = asNote(rest)
        return {html: note, narrative: {author, rest: note}}
      }
      return {html: `${author} ${rest}`, narrative: {author, rest}}
    }
    return {html: asNote(render(known, citeItems))}
  }
  }
}

interface RenderedLists {
  bibliography: RenderedEntry[]
  hangingIndent: boolean
  secondFieldAlign: boolean
  standalone: RenderedEntry[]
  /** The first standalone work cited at a paragraph (see `RenderedStyle.quoteCitation`). */
  quoteCitation?: string
}

/** The reference list, then each standalone work alone in the same engine. */
function renderLists(engine: CiteprocEngine, standaloneItems: CslItem[]): RenderedLists {
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
  if (standaloneItems.length > 0) delete (engine as CiteprocEngine & {[registryOf]?: string})[registryOf]
  let quoteCitation: string | undefined
  for (const item of standaloneItems) {
    engine.updateItems([item.id])
    const alone = engine.makeBibliography()
    if (alone && alone[1][0]) standalone.push({key: item.id, html: alone[1][0].trim()})
    quoteCitation ??= engine.makeCitationCluster([{id: item.id, locator: paragraphPlaceholder, label: 'paragraph'}]).trim()
  }
  return {bibliography, hangingIndent, secondFieldAlign, standalone, ...(quoteCitation ? {quoteCitation} : {})}
}

interface RenderMemo {
  registry: string
  xml: string
  /** Citation input and position (JSON) -> its rendering. */
  citations: Map<string, RenderedCitation>
  used: Set<string>
  lists?: RenderedLists
  /** The engine that rendered them; its registry holds `registry` while it is tagged so (`registryOf`). */
  engine?: CiteprocEngine
}

/** Per style (and thread): the renderings made with the registry last set up for it. */
const renderMemos = new Map<string, RenderMemo>()

/** Citations rendered by citeproc and taken from the memo, in this thread, since it started. */
export const renderCounts = {rendered: 0, reused: 0}

/** Forget every rendering kept for rebuilds (tests: a build as cold as a new process's). */
export function forgetRenderings(): void {
  renderMemos.clear()
}

function renderMemoFor(style: CslStyle, registry: string): RenderMemo {
  const key = `${style.id}\0${style.path}`
  let memo = renderMemos.get(key)
  if (!memo || memo.registry !== registry || memo.xml !== style.xml) {
    memo = {registry, xml: style.xml, citations: new Map(), used: new Set()}
    renderMemos.set(key, memo)
  }
  return memo
}
