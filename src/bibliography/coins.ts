/**
 * COinS (ContextObjects in Spans, OpenURL 1.0 KEV) for one CSL item, so that Zotero and similar
 * tools find each reference in the page; and the Highwire Press `citation_reference` value.
 */
import type {CslItem} from '../citations/render.js'
import {cslPlainText} from './math.js'

type Names = Array<{family?: string; given?: string; literal?: string}>

function year(item: CslItem): string | undefined {
  const parts = (item.issued as {'date-parts'?: Array<Array<number | string>>} | undefined)?.['date-parts']?.[0]
  if (!parts || parts.length === 0) return undefined
  return parts.map((p, i) => (i === 0 ? String(p) : String(p).padStart(2, '0'))).join('-')
}

/** A field as plain text (CSL's markup and math spans are not for metadata). */
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? cslPlainText(value) : typeof value === 'number' ? String(value) : undefined
}

/** The KEV string of a COinS span's `title`. */
export function coinsTitle(item: CslItem): string {
  const type = item.type ?? 'document'
  const journal = ['article-journal', 'article-magazine', 'article-newspaper', 'article'].includes(type)
  const book = ['book', 'chapter', 'report', 'thesis'].includes(type)
  const pairs: Array<[string, string | undefined]> = [
    ['ctx_ver', 'Z39.88-2004'],
    ['rft_val_fmt', journal ? 'info:ofi/fmt:kev:mtx:journal' : book ? 'info:ofi/fmt:kev:mtx:book' : 'info:ofi/fmt:kev:mtx:dc']
  ]
  if (journal) {
    pairs.push(['rft.genre', 'article'], ['rft.atitle', str(item.title)], ['rft.jtitle', str(item['container-title'])])
    pairs.push(['rft.volume', str(item.volume)], ['rft.issue', str(item.issue)], ['rft.pages', str(item.page)])
  } else if (book) {
    pairs.push(['rft.genre', type === 'chapter' ? 'bookitem' : type === 'report' ? 'report' : 'book'])
    pairs.push([type === 'chapter' ? 'rft.atitle' : 'rft.btitle', str(item.title)])
    if (type === 'chapter') pairs.push(['rft.btitle', str(item['container-title'])])
    pairs.push(['rft.pub', str(item.publisher)], ['rft.place', str(item['publisher-place'])], ['rft.series', str(item['collection-title'])])
  } else {
    pairs.push(['rft.type', type], ['rft.title', str(item.title)], ['rft.source', str(item['container-title'])], ['rft.publisher', str(item.publisher)])
  }
  pairs.push(['rft.date', year(item)])
  for (const name of ((item.author as Names | undefined) ?? [])) {
    if (name.family) pairs.push([journal || book ? 'rft.au' : 'rft.creator', [name.family, name.given].filter(Boolean).join(', ')])
    else if (name.literal) pairs.push([journal || book ? 'rft.au' : 'rft.creator', name.literal])
  }
  if (item.DOI) pairs.push(['rft_id', `info:doi/${String(item.DOI)}`])
  if (item.URL) pairs.push(['rft_id', String(item.URL)])
  if (item.ISSN) pairs.push(['rft.issn', str(item.ISSN)])
  if (item.ISBN) pairs.push(['rft.isbn', str(item.ISBN)])
  return pairs
    .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&')
}

/** Google Scholar's `citation_reference` content: `citation_title=...; citation_author=...; ...`. */
export function highwireReference(item: CslItem): string {
  const fields: string[] = []
  const add = (key: string, value: string | undefined) => {
    if (value) fields.push(`${key}=${value.replace(/;/g, ',')}`)
  }
  for (const name of ((item.author as Names | undefined) ?? [])) add('citation_author', name.family ? [name.family, name.given].filter(Boolean).join(', ') : name.literal)
  add('citation_title', str(item.title))
  const type = item.type ?? ''
  if (type.startsWith('article')) add('citation_journal_title', str(item['container-title']))
  else if (type === 'chapter') add('citation_inbook_title', str(item['container-title']))
  add('citation_publication_date', year(item)?.replace(/-/g, '/'))
  add('citation_volume', str(item.volume))
  add('citation_issue', str(item.issue))
  const [first, last] = String(item.page ?? '').split(/[-–]/)
  add('citation_firstpage', first || undefined)
  add('citation_lastpage', last || undefined)
  add('citation_publisher', str(item.publisher))
  add('citation_doi', str(item.DOI))
  add('citation_public_url', str(item.URL))
  return fields.join('; ')
}

/** The work's DOI as a URL, or its URL; only http(s). */
export function workLink(item: CslItem): {href: string; label: string} | undefined {
  const doi = str(item.DOI)?.trim().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:)/i, '')
  if (doi && /^10\.\S+$/.test(doi)) return {href: `https://doi.org/${encodeURI(doi).replace(/#/g, '%23')}`, label: 'DOI'}
  const url = str(item.URL)?.trim()
  if (url && /^https?:\/\/[^\s]+$/i.test(url)) return {href: url, label: 'Link'}
  return undefined
}
