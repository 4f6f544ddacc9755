/**
 * Stage "document": wrap the essay in a whole page: `lang`, title, viewport, a
 * Content-Security-Policy that admits only the page's own inline script and style (by hash),
 * Highwire Press `citation_*` tags and schema.org JSON-LD for reference managers, a description,
 * Open Graph and Twitter card tags for link previews (and a canonical link for an http(s) `url`),
 * an inline icon, the masthead with the style control, and the inlined CSS and client script. The
 * page loads nothing else, not even `/favicon.ico`.
 */
import type {Element, ElementContent, Root, RootContent} from 'hast'
import type {VFile} from 'vfile'
import {cspHash, el, text} from '../util/hast.js'
import {highwireReference} from '../bibliography/coins.js'
import type {CslItem} from '../citations/render.js'
import {pageDescription} from '../util/description.js'

export interface Options {
  /** The client script (bundled JavaScript), inlined. */
  script?: string
  /** The stylesheet, inlined. */
  css?: string
  /** Title when the front matter gives none. */
  fallbackTitle?: string
}

const nl = (): ElementContent => text('\n')
const meta = (name: string, content: string) => el('meta', {name, content})
/** Open Graph's tags are `property`, not `name` (RDFa, as the protocol defines them). */
const property = (name: string, content: string) => el('meta', {property: name, content})

/** The front matter's `url`, when it is an absolute http(s) address (a canonical link must be). */
function canonicalUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}


function jsonLd(file: VFile, title: string, description: string | undefined, references: CslItem[]): string {
  const metadata = file.data.metadata
  const data: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'ScholarlyArticle',
    headline: title,
    name: title
  }
  if (metadata?.author) data.author = metadata.author.map((a) => ({'@type': 'Person', name: a.name}))
  if (metadata?.dateIso) data.datePublished = metadata.dateIso
  if (description) data.description = description
  if (metadata?.lang) data.inLanguage = metadata.lang
  if (metadata?.publisher) data.publisher = {'@type': 'Organization', name: metadata.publisher}
  if (metadata?.containerTitle) data.isPartOf = {'@type': 'Periodical', name: metadata.containerTitle}
  if (metadata?.doi) data.sameAs = `https://doi.org/${metadata.doi}`
  if (metadata?.url) data.url = metadata.url
  if (metadata?.keywords) data.keywords = metadata.keywords.join(', ')
  if (metadata?.description) data.abstract = metadata.description
  data.citation = references.map((item) => {
    const work: Record<string, unknown> = {'@type': item.type?.startsWith('article') ? 'ScholarlyArticle' : item.type === 'book' ? 'Book' : item.type === 'report' ? 'Report' : 'CreativeWork'}
    if (item.title) work.name = String(item.title)
    const authors = (item.author as Array<{family?: string; given?: string; literal?: string}> | undefined) ?? []
    if (authors.length > 0) work.author = authors.map((a) => ({'@type': 'Person', name: a.literal ?? [a.given, a.family].filter(Boolean).join(' ')}))
    const year = (item.issued as {'date-parts'?: number[][]} | undefined)?.['date-parts']?.[0]
    if (year) work.datePublished = year.map((p, i) => (i === 0 ? String(p) : String(p).padStart(2, '0'))).join('-')
    if (item['container-title']) work.isPartOf = String(item['container-title'])
    if (item.DOI) work.sameAs = `https://doi.org/${String(item.DOI)}`
    else if (item.URL) work.url = String(item.URL)
    return work
  })
  // `<` escaped so that no value can close the script element.
  return JSON.stringify(data).replace(/</g, '\\u003c')
}

/**
 * Run in the head, before the page is first painted, so that nothing moves once it is:
 * - `html.js`: the script runs, so the reader controls (useless without it, `hidden` in the HTML)
 *   are shown by the stylesheet from the first paint, not by the client script after load;
 * - the reader's stored preferences (theme, where notes show) on `<html>`: the client script at the
 *   end of the body keeps them, but set only there a chosen dark theme would flash light;
 * - `html.has-sidenotes` when notes will stand in the margin (the client's `notesMode` rule, same
 *   widths), so that the column is already where the sidenotes leave it.
 * Values are checked as the client checks its own (a word); a page that cannot read storage just
 * shows the defaults.
 */
export const preferencesScript =
  'var d=document.documentElement;d.classList.add("js");try{for(var k of["notes","theme"]){var v=localStorage.getItem("essay-edition:"+k);if(v&&/^[a-z]+$/.test(v))d.dataset[k]=v}}catch(e){}' +
  'var n=d.dataset.notes;if(n!=="end"&&n!=="popover"&&matchMedia(n==="side"?"(min-width:70em)":"(min-width:87.5em)").matches)d.classList.add("has-sidenotes")'

/**
 * The page's icon, inline (a rounded square in the accent colour), so that the browser does not ask
 * the server for `/favicon.ico`: the page makes no request. The CSP's `img-src` admits `data:`.
 */
export const pageIcon = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a5c9e"/></svg>')

export default function rehypeDocument(options: Options = {}) {
  return function transformer(tree: Root, file: VFile) {
    const metadata = file.data.metadata
    const citations = file.data.citations
    const title = metadata?.title ?? options.fallbackTitle ?? 'Untitled essay'
    const items = file.data.bibliography?.items
    const references = (citations?.listed ?? []).map((key) => items?.get(key)).filter((item): item is CslItem => Boolean(item))
    const script = options.script ?? ''
    const css = options.css ?? ''
    const read: Element[] = []
    const description = pageDescription(metadata, tree, read)
    file.data.descriptionParagraphs = read
    const ld = jsonLd(file, title, description, references)
    const canonical = canonicalUrl(metadata?.url)
    if (metadata?.url && !canonical) {
      const place = metadata.places?.url
      file.message(`Front-matter \`url\` "${metadata.url}" is not an absolute http(s) address; the page has no canonical link`, {
        ...(place ? {place} : {}),
        ruleId: 'front-matter-url',
        source: 'essay-edition'
      })
    }

    const head: ElementContent[] = [
      nl(), el('meta', {charSet: 'utf-8'}),
      nl(), el('meta', {name: 'viewport', content: 'width=device-width, initial-scale=1'}),
      nl(), el('meta', {httpEquiv: 'Content-Security-Policy', content: [
        "default-src 'none'",
        `script-src ${cspHash(preferencesScript)} ${cspHash(script)}`,
        `style-src ${cspHash(css)}`,
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'"
      ].join('; ')}),
      nl(), el('meta', {name: 'referrer', content: 'no-referrer'}),
      nl(), el('script', {}, [text(preferencesScript)]),
      nl(), el('title', {}, [text(title)]),
      nl(), el('link', {rel: ['icon'], href: pageIcon}),
      nl(), el('meta', {name: 'generator', content: 'essay-edition'})
    ]
    if (description) head.push(nl(), meta('description', description))
    if (canonical) head.push(nl(), el('link', {rel: ['canonical'], href: canonical}))
    if (metadata?.keywords) head.push(nl(), meta('keywords', metadata.keywords.join(', ')))
    for (const author of metadata?.author ?? []) head.push(nl(), meta('author', author.name))
    head.push(nl(), meta('citation_title', title))
    for (const author of metadata?.author ?? []) {
      head.push(nl(), meta('citation_author', author.family ? [author.family, author.given].filter(Boolean).join(', ') : author.name))
    }
    // ISO 8601 (2022-01-28), as everywhere the page states its date; Google Scholar documents
    // 2022/01/28 but reads this form too, as Zotero does.
    if (metadata?.dateIso) head.push(nl(), meta('citation_publication_date', metadata.dateIso))
    if (metadata?.containerTitle) head.push(nl(), meta('citation_journal_title', metadata.containerTitle))
    if (metadata?.publisher) head.push(nl(), meta('citation_publisher', metadata.publisher))
    if (metadata?.doi) head.push(nl(), meta('citation_doi', metadata.doi))
    if (metadata?.url) head.push(nl(), meta('citation_public_url', metadata.url))
    if (metadata?.lang) head.push(nl(), meta('citation_language', metadata.lang))
    for (const item of references) head.push(nl(), meta('citation_reference', highwireReference(item)))
    // Link previews (Open Graph, read by most sites and apps; the Twitter card, by X and others).
    head.push(nl(), property('og:type', 'article'), nl(), property('og:title', title))
    if (description) head.push(nl(), property('og:description', description))
    if (canonical) head.push(nl(), property('og:url', canonical))
    if (metadata?.lang) head.push(nl(), property('og:locale', metadata.lang.replace(/-/g, '_')))
    for (const author of metadata?.author ?? []) head.push(nl(), property('article:author', author.name))
    if (metadata?.dateIso) head.push(nl(), property('article:published_time', metadata.dateIso))
    head.push(nl(), meta('twitter:card', 'summary'), nl(), meta('twitter:title', title))
    if (description) head.push(nl(), meta('twitter:description', description))
    head.push(nl(), el('script', {type: 'application/ld+json'}, [text(ld)]))
    head.push(nl(), el('style', {}, [text(css)]), nl())

    const styles = citations?.styles ?? []
    const controls: ElementContent[] = []
    if (styles.length > 1) {
      controls.push(el('span', {className: ['control']}, [
        el('label', {htmlFor: 'style-select'}, [text('Citation style')]),
        text(' '),
        el('select', {id: 'style-select', name: 'style', dataStyleControl: ''},
          styles.flatMap((style) => [nl(), el('option', {value: style.id, dataClass: style.class, selected: style.id === citations?.defaultStyle}, [text(style.label)])]))
      ]))
    }
    // Reading preferences, kept by the client script (`data-pref`): where notes show, and the theme.
    const preference = (name: string, label: string, options: Array<[string, string]>): ElementContent =>
      el('span', {className: ['control']}, [
        el('label', {htmlFor: `${name}-select`}, [text(label)]),
        text(' '),
        el('select', {id: `${name}-select`, dataPref: name}, options.map(([value, shown]) => el('option', {value}, [text(shown)])))
      ])
    if (tree.children.some((node) => node.type === 'element' && node.properties.role === 'doc-endnotes')) {
      controls.push(text(' '), preference('notes', 'Notes', [['auto', 'Automatic'], ['popover', 'Pop-ups'], ['side', 'In the margin'], ['end', 'At the end']]))
    }
    controls.push(text(' '), preference('theme', 'Theme', [['system', 'System'], ['light', 'Light'], ['dark', 'Dark']]))
    // The reader's annotations (src/client/annotations.ts): the button is in the page from the first
    // paint, so that the script's panel moves nothing; the script names what it controls.
    controls.push(text(' '), el('button', {type: 'button', className: ['my-notes-toggle'], ariaExpanded: 'false'}, [text('My notes')]))
    const masthead = el('header', {className: ['masthead']}, [
      nl(),
      el('h1', {className: ['title']}, [text(title)]),
      ...(metadata?.subtitle ? [nl(), el('p', {className: ['subtitle']}, [text(metadata.subtitle)])] : []),
      ...(metadata?.author ? [nl(), el('p', {className: ['byline']}, [text(metadata.author.map((a) => a.name).join(', '))])] : []),
      // A date that cannot be read as ISO 8601 is shown as written, without `time` (a warning).
      ...(metadata?.date ? [nl(), el('p', {className: ['date']}, [metadata.dateIso ? el('time', {dateTime: metadata.dateIso}, [text(metadata.date)]) : text(metadata.date)])] : []),
      nl(),
      el('div', {className: ['reader-controls'], hidden: true, dataReaderControls: ''}, controls),
      nl()
    ])
    // The article is named by the essay's title (an `aria-label`: the W3C checker asks an article
    // without a heading of its own for one, and counts no `aria-labelledby`).
    const body: ElementContent[] = [
      nl(), el('a', {className: ['skip-link'], href: '#main'}, [text('Skip to the text')]),
      nl(), masthead,
      nl(), el('main', {id: 'main'}, [nl(), el('article', {className: ['essay'], ariaLabel: title}, tree.children as ElementContent[]), nl()]),
      nl(), el('div', {id: 'live-region', className: ['sr-only'], ariaLive: 'polite'}),
      nl(), el('script', {}, [text(script)]), nl()
    ]
    const html: RootContent = el('html', {lang: metadata?.lang ?? 'en', dataDefaultStyle: citations?.defaultStyle ?? ''}, [
      nl(), el('head', {}, head), nl(), el('body', {}, body), nl()
    ])
    tree.children = [{type: 'doctype'}, nl() as RootContent, html, nl() as RootContent]
  }
}
