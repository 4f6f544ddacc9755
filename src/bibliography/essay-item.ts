/**
 * The essay itself as a CSL item, from its front matter, for "Cite this essay": only what the front
 * matter says (title, authors, date, container, publisher, URL, DOI), nothing made up.
 */
import type {CslItem} from '../citations/render.js'
import type {EssayMetadata} from '../types.js'

/** A BibTeX-style key for the essay: first author's family name (or the title's first word) and year. */
function essayKey(metadata: EssayMetadata): string {
  const author = metadata.author?.[0]
  const base = author?.family ?? (author ? splitName(author.name).family ?? author.name : undefined) ?? String(metadata.title).split(/\s+/)[0]!
  const year = /^\d{4}/.exec(metadata.dateIso ?? metadata.date ?? '')?.[0] ?? ''
  return (base.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase() || 'essay') + year
}

function dateParts(date: string): {'date-parts': number[][]} | {literal: string} {
  const iso = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?/.exec(date.trim())
  return iso ? {'date-parts': [iso.slice(1).filter(Boolean).map(Number)]} : {literal: date}
}

/**
 * The essay as a work others can cite; undefined without a title. Its key is made unlike every key
 * in `taken` (the bibliography's) by a letter, as BibTeX keys are: `khan2024a` when the essay cites
 * a `khan2024` of its own.
 */
export function essayItem(metadata: EssayMetadata | undefined, taken: {has(key: string): boolean} = new Set()): CslItem | undefined {
  if (!metadata?.title) return undefined
  const base = essayKey(metadata)
  let id = base
  for (let n = 0; taken.has(id); n++) id = base + suffix(n)
  const item: CslItem = {
    id,
    type: metadata.containerTitle ? 'article-journal' : metadata.url ? 'webpage' : 'article',
    title: metadata.title
  }
  if (metadata.author) {
    item.author = metadata.author.map((a) => (a.family ? {family: a.family, ...(a.given ? {given: a.given} : {})} : splitName(a.name)))
  }
  if (metadata.date) item.issued = dateParts(metadata.dateIso ?? metadata.date)
  if (metadata.containerTitle) item['container-title'] = metadata.containerTitle
  if (metadata.publisher) item.publisher = metadata.publisher
  if (metadata.url) item.URL = metadata.url
  if (metadata.doi) item.DOI = metadata.doi
  return item
}

/** a, b, ..., z, aa, ab, ... */
function suffix(n: number): string {
  return (n >= 26 ? suffix(Math.floor(n / 26) - 1) : '') + String.fromCharCode(97 + (n % 26))
}

/** "Jane Q. Roe" -> family Roe, given Jane Q.; a single word stays a literal name. */
function splitName(name: string): Record<string, string> {
  const parts = name.trim().split(/\s+/)
  if (parts.length < 2) return {literal: name.trim()}
  return {family: parts[parts.length - 1]!, given: parts.slice(0, -1).join(' ')}
}
