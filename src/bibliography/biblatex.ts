/**
 * BibTeX and biblatex entries to CSL items, field by field as Pandoc 2.17 maps them
 * (Text.Pandoc.Citeproc.BibTeX `itemToReference`, documented in Pandoc's manual under
 * "Citations"). citation-js reads the file into entries (`@biblatex/text`, with `@string`s
 * expanded); this module maps each entry on its own, so one entry that cannot be read never
 * costs the others.
 *
 * What differs from Pandoc, on purpose (each for the reason given where it is done):
 * - a DOI field holding a URL gives the DOI (`https://doi.org/10.1/x`) or that URL, not
 *   "https://doi.org/https://...";
 * - `eprinttype = {hdl}` gives a Handle URL, as biblatex prints it;
 * - a URL's `\_`, `\%`, `\&` and `\#` are the characters, not a backslash and the character;
 * - a one-word subtitle keeps its capital (sentence-case.ts).
 */
import {parseLatex, stringify, toCslString, mergeText, type Inline} from './latex.js'
import {sentenceCase} from './sentence-case.js'
import {toNameList, type CslName} from './names.js'
import {parseEdtf, parseMonth, type CslDate} from './dates.js'

/** An entry as citation-js's BibTeX grammar reads it. */
export interface RawEntry {
  type: string
  label: string
  properties: Record<string, string | number>
}

export type Variant = 'biblatex' | 'bibtex'

export interface MapOptions {
  variant?: Variant
  /** The document's language is English (Pandoc converts titles to sentence case only then). */
  english?: boolean
  /** Hears of each LaTeX command left out of a field because it is not known (`\\foo`). */
  onUnknownCommand?: (name: string) => void
}

type Fields = Map<string, string>

/** biblatex's English localisation keys that bibliographies use (`type`, `pubstate`, `\bibstring`). */
const englishStrings: Record<string, string> = {
  phdthesis: 'PhD thesis', mathesis: 'Master’s thesis', bathesis: 'Bachelor’s thesis', candthesis: 'Candidate thesis',
  techreport: 'technical report', resreport: 'research report', software: 'computer software', datacd: 'CD-ROM',
  audiocd: 'audio CD', patent: 'patent', patentde: 'German patent', patenteu: 'European patent',
  patentfr: 'French patent', patentuk: 'British patent', patentus: 'U.S. patent', patreq: 'patent request',
  patreqde: 'German patent request', patreqeu: 'European patent request', patreqfr: 'French patent request',
  patrequk: 'British patent request', patrequs: 'U.S. patent request', inpreparation: 'in preparation',
  submitted: 'submitted', forthcoming: 'forthcoming', inpress: 'in press', prepublished: 'pre-published',
  jourser: 'series', newseries: 'new series', oldseries: 'old series', january: 'January', february: 'February',
  march: 'March', april: 'April', may: 'May', june: 'June', july: 'July', august: 'August',
  september: 'September', october: 'October', november: 'November', december: 'December', urlseen: 'visited on',
  andothers: 'et al.', version: 'version', edition: 'edition', volume: 'volume', number: 'number',
  chapter: 'chapter', page: 'page', pages: 'pages', reprint: 'reprint', translation: 'translation'
}
export const resolveKey = (key: string): string => englishStrings[key] ?? key

const toIetf: Record<string, string> = {
  english: 'en-US', usenglish: 'en-US', american: 'en-US', british: 'en-GB', ukenglish: 'en-GB', canadian: 'en-US',
  australian: 'en-GB', newzealand: 'en-GB', afrikaans: 'af-ZA', arabic: 'ar', basque: 'eu', bulgarian: 'bg-BG',
  catalan: 'ca-AD', croatian: 'hr-HR', czech: 'cs-CZ', danish: 'da-DK', dutch: 'nl-NL', estonian: 'et-EE',
  finnish: 'fi-FI', canadien: 'fr-CA', acadian: 'fr-CA', french: 'fr-FR', francais: 'fr-FR', austrian: 'de-AT',
  naustrian: 'de-AT', german: 'de-DE', germanb: 'de-DE', ngerman: 'de-DE', greek: 'el-GR', polutonikogreek: 'el-GR',
  hebrew: 'he-IL', hungarian: 'hu-HU', icelandic: 'is-IS', italian: 'it-IT', japanese: 'ja-JP', latvian: 'lv-LV',
  lithuanian: 'lt-LT', magyar: 'hu-HU', mongolian: 'mn-MN', norsk: 'nb-NO', nynorsk: 'nn-NO', farsi: 'fa-IR',
  polish: 'pl-PL', brazil: 'pt-BR', brazilian: 'pt-BR', portugues: 'pt-PT', portuguese: 'pt-PT', romanian: 'ro-RO',
  russian: 'ru-RU', serbian: 'sr-RS', serbianc: 'sr-RS', slovak: 'sk-SK', slovene: 'sl-SL', spanish: 'es-ES',
  swedish: 'sv-SE', thai: 'th-TH', turkish: 'tr-TR', ukrainian: 'uk-UA', vietnamese: 'vi-VN', latin: 'la'
}

const entryTypes: Record<string, string> = {
  book: 'book', booklet: 'pamphlet', bookinbook: 'chapter', collection: 'book', dataset: 'dataset',
  electronic: 'webpage', inbook: 'chapter', incollection: 'chapter', inreference: 'entry-encyclopedia',
  inproceedings: 'paper-conference', manual: 'book', mastersthesis: 'thesis', misc: '', mvbook: 'book',
  mvcollection: 'book', mvproceedings: 'book', mvreference: 'book', online: 'webpage', patent: 'patent',
  phdthesis: 'thesis', proceedings: 'book', reference: 'book', report: 'report', software: 'book',
  suppbook: 'chapter', suppcollection: 'chapter', techreport: 'report', thesis: 'thesis', www: 'webpage',
  artwork: 'graphic', audio: 'song', commentary: 'book', image: 'graphic', jurisdiction: 'legal_case',
  legislation: 'legislation', legal: 'treaty', letter: 'personal_communication', movie: 'motion_picture',
  music: 'song', performance: 'speech', review: 'review', standard: 'legislation', video: 'motion_picture',
  data: 'dataset', letters: 'personal_communication', newsarticle: 'article-newspaper'
}

const collectionNumberTypes = new Set(['book', 'collection', 'proceedings', 'reference', 'mvbook', 'mvcollection', 'mvproceedings',
  'mvreference', 'bookinbook', 'inbook', 'incollection', 'inproceedings', 'inreference', 'suppbook', 'suppcollection'])

const eprintBases: Record<string, string> = {
  arxiv: 'https://arxiv.org/abs/',
  jstor: 'https://www.jstor.org/stable/',
  pubmed: 'https://www.ncbi.nlm.nih.gov/pubmed/',
  googlebooks: 'https://books.google.com?id=',
  // Not in Pandoc 2.17, which drops the handle; biblatex links it so.
  hdl: 'https://hdl.handle.net/'
}

/** Pandoc's field aliases. */
const aliases: Record<string, string> = {archiveprefix: 'eprinttype', primaryclass: 'eprintclass'}

/** The fields of an entry, names lower-cased and aliased, values as strings. */
export function entryFields(entry: RawEntry): Fields {
  const fields: Fields = new Map()
  for (const [name, value] of Object.entries(entry.properties)) {
    const key = aliases[name.toLowerCase()] ?? name.toLowerCase()
    fields.set(key, String(value))
  }
  return fields
}

// ---- crossref and xdata (Pandoc's resolveCrossRefs, biblatex's inheritance rules) ----

const neverInherited = new Set(['ids', 'crossref', 'xref', 'entryset', 'entrysubtype', 'execute', 'label', 'options', 'presort',
  'related', 'relatedoptions', 'relatedstring', 'relatedtype', 'shorthand', 'shorthandintro', 'sortkey'])
const noTitles = new Set(['shorttitle', 'sorttitle', 'indextitle', 'indexsorttitle'])

function renamed(prefix: 'main' | 'book', key: string): string[] {
  if (key === 'title') return [`${prefix}title`]
  if (key === 'subtitle') return [`${prefix}subtitle`]
  if (key === 'titleaddon') return [`${prefix}titleaddon`]
  if (noTitles.has(key)) return []
  return [key]
}

/** The names a parent's field takes in a child (`transformKey`). */
function transformKey(source: string, target: string, key: string): string[] {
  if (neverInherited.has(key)) return []
  if (key === 'author' && ['mvbook', 'book'].includes(source) && ['inbook', 'bookinbook', 'suppbook'].includes(target)) return ['bookauthor', 'author']
  if (key === 'author' && source === 'mvbook' && target === 'book') return ['bookauthor', 'author']
  if (source === 'mvbook' && ['book', 'inbook', 'bookinbook', 'suppbook'].includes(target)) return renamed('main', key)
  if (['mvcollection', 'mvreference'].includes(source) && ['collection', 'reference', 'incollection', 'inreference', 'suppcollection'].includes(target)) return renamed('main', key)
  if (source === 'mvproceedings' && ['proceedings', 'inproceedings'].includes(target)) return renamed('main', key)
  if (source === 'book' && ['inbook', 'bookinbook', 'suppbook'].includes(target)) return renamed('book', key)
  if (['collection', 'reference'].includes(source) && ['incollection', 'inreference', 'suppcollection'].includes(target)) return renamed('book', key)
  if (source === 'proceedings' && target === 'inproceedings') return renamed('book', key)
  if (source === 'periodical' && ['article', 'suppperiodical'].includes(target)) {
    if (key === 'title') return ['journaltitle']
    if (key === 'subtitle') return ['journalsubtitle']
    if (noTitles.has(key)) return []
  }
  return [key]
}

const splitKeys = (keys: string) => keys.split(/[ ,]/).filter(Boolean)

/** An entry's fields with those of its `crossref` and `xdata` entries added (its own win). */
export function withInherited(entry: RawEntry, fields: Fields, byKey: Map<string, {entry: RawEntry; fields: Fields}>, variant: Variant, seen = new Set<string>()): Fields {
  const parents = [...splitKeys(fields.get('crossref') ?? ''), ...splitKeys(fields.get('xdata') ?? '')]
  if (parents.length === 0) return fields
  const out = new Map(fields)
  for (const key of parents) {
    const parent = byKey.get(key)
    if (!parent || seen.has(key)) continue
    const inherited = withInherited(parent.entry, parent.fields, byKey, variant, new Set([...seen, entry.label, key]))
    for (const [name, value] of inherited) {
      const targets = variant === 'bibtex' ? (name === 'crossref' || name === 'xdata' ? [] : [name]) : transformKey(parent.entry.type.toLowerCase(), entry.type.toLowerCase(), name)
      for (const target of targets) if (!out.has(target) && !fields.has(target)) out.set(target, value)
    }
  }
  return out
}

// ---- the mapping ----

function concatWith(sep: string, parts: Inline[][]): Inline[] {
  let out: Inline[] = []
  for (const part of parts) {
    if (part.length === 0) continue
    if (out.length === 0) {
      out = [...part]
      continue
    }
    const last = out.at(-1)!
    if (last.type === 'str' && '!?.,:;'.includes(last.text.at(-1) ?? '')) out.push({type: 'space'}, ...part)
    else out.push({type: 'str', text: sep}, {type: 'space'}, ...part)
  }
  return mergeText(out)
}

/** Split inlines at top-level " and " into a "; "-separated list (`getLiteralList'`). */
function literalList(list: Inline[]): Inline[] {
  const out: Inline[] = []
  let i = 0
  for (; i < list.length; i++) {
    const node = list[i]!
    if (node.type === 'space' && list[i + 1]?.type === 'str' && (list[i + 1] as {text: string}).text === 'and' && list[i + 2]?.type === 'space') {
      out.push({type: 'str', text: ';'}, {type: 'space'})
      i += 2
    } else out.push(node)
  }
  return mergeText(out)
}

function upToColon(list: Inline[]): Inline[] | undefined {
  const out: Inline[] = []
  for (const node of list) {
    if (node.type === 'str' && node.text.includes(':')) {
      const before = node.text.slice(0, node.text.indexOf(':'))
      if (before) out.push({type: 'str', text: before})
      return out
    }
    out.push(node)
  }
  return undefined
}

function parseOptions(raw: string): Map<string, string> {
  const options = new Map<string, string>()
  for (const part of raw.split(',')) {
    const at = part.indexOf('=')
    const key = (at < 0 ? part : part.slice(0, at)).trim().toLowerCase()
    options.set(key, at < 0 ? '' : part.slice(at + 1).trim().toLowerCase())
  }
  return options
}

const optionSet = (options: Map<string, string>, key: string) => options.get(key) === 'true' || options.get(key) === ''

/** Pandoc prints a DOI after "https://doi.org/" even when it is a URL already; we give the DOI or the URL. */
function cleanDoi(raw: string): {doi?: string; url?: string} {
  const doi = raw.trim()
  const resolver = /^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i.exec(doi)
  if (resolver) return {doi: doi.slice(resolver[0].length)}
  if (/^https?:\/\//i.test(doi)) return {url: doi}
  return {doi}
}

/** A URL as written, with LaTeX's escapes of `_ % & #` undone (Pandoc keeps the backslash). */
const cleanUrl = (raw: string) => raw.trim().replace(/\\([_%&#~$])/g, '$1')

/** One entry as a CSL item. Throws only on a bug; bad values are left out. */
export function entryToCsl(entry: RawEntry, fields: Fields, options: MapOptions = {}): Record<string, unknown> {
  const variant = options.variant ?? 'biblatex'
  const et = entry.type.toLowerCase()
  const latex = (value: string) => parseLatex(value.trim(), resolveKey, options.onUnknownCommand)
  const field = (name: string): Inline[] | undefined => {
    const value = fields.get(name)
    return value === undefined ? undefined : latex(value)
  }
  const raw = (name: string) => fields.get(name)

  const opts = parseOptions(raw('options') ?? '')

  // language: `langid` (with `langidopts`'s variant), else `hyphenation`
  let language: string | undefined
  const langid = raw('langid')?.trim().toLowerCase()
  if (langid !== undefined) {
    const variantOpt = stringify(field('langidopts') ?? []).trim().toLowerCase()
    const english: Record<string, string> = {
      'variant=british': 'british', 'variant=american': 'american', 'variant=us': 'american', 'variant=usmax': 'american',
      'variant=uk': 'british', 'variant=australian': 'australian', 'variant=newzealand': 'newzealand'
    }
    language = langid === 'english' && english[variantOpt] ? english[variantOpt] : langid
  } else language = raw('hyphenation')
  if (language !== undefined) language = toIetf[language.toLowerCase()] ?? language.toLowerCase()
  const untitlecase = (options.english ?? true) && (language === undefined || language.startsWith('en-'))

  const title = (name: string): Inline[] | undefined => {
    let value = field(name)
    if (!value) return undefined
    if (name === 'series') value = value.map((node) => (node.type === 'str' ? {type: 'str', text: resolveKey(node.text)} : node))
    return untitlecase ? sentenceCase(value) : value
  }

  // type and genre
  const typeKey = raw('type') !== undefined ? resolveKey(raw('type')!) : ''
  const subtype = raw('entrysubtype') ?? ''
  const isEvent = fields.has('eventdate') || fields.has('eventtitle') || fields.has('venue')
  let type: string
  if (et === 'article' || et === 'periodical' || et === 'suppperiodical') {
    type = subtype === 'magazine' ? 'article-magazine' : subtype === 'newspaper' ? 'article-newspaper' : 'article-journal'
  } else if (et === 'unpublished') type = isEvent ? 'speech' : 'manuscript'
  else type = entryTypes[et] ?? ''
  let genre: string | undefined = typeKey || undefined
  if (et === 'mastersthesis' && !typeKey) genre = resolveKey('mathesis')
  if (et === 'phdthesis' && !typeKey) genre = resolveKey('phdthesis')

  const isArticle = ['article', 'periodical', 'suppperiodical', 'review'].includes(et)
  const isPeriodical = et === 'periodical'
  const isChapterlike = ['inbook', 'incollection', 'inproceedings', 'inreference', 'bookinbook'].includes(et)
  const hasMaintitle = fields.has('maintitle')

  const item: Record<string, unknown> = {id: entry.label, type}
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) item[key] = value
  }
  const fancy = (value: Inline[] | undefined) => (value && value.length > 0 ? toCslString(value) : undefined)

  if (genre !== undefined) set('genre', genre)
  if (language !== undefined) set('language', language)

  // names
  const nameOptions = {useprefix: optionSet(opts, 'useprefix'), juniorcomma: optionSet(opts, 'juniorcomma'), bibtex: variant === 'bibtex'}
  const names = (name: string): CslName[] | undefined => {
    const value = field(name)
    return value ? toNameList(value, nameOptions) : undefined
  }
  set('author', names('author'))
  set('container-author', names('bookauthor'))
  set('translator', names('translator'))
  if (raw('editortype') === 'director') set('director', names('editor'))
  else {
    set('editor', names('editor'))
    set('director', names('director'))
  }

  // dates
  const date = (name: string, prefix: string): CslDate | undefined => {
    const value = raw(name)
    if (value !== undefined) {
      const parsed = parseEdtf(value.replace(/\u00a0/g, '~').trim())
      if (parsed) return parsed
    }
    return oldDate(prefix)
  }
  const oldDate = (prefix: string): CslDate | undefined => {
    const number = (name: string) => {
      const value = raw(name)
      if (value === undefined) return undefined
      const text = stringify(latex(value)).trim().replace(/^[–—](?=\d)/, '-')
      return /^-?\d+$/.test(text) ? Number(text) : undefined
    }
    const month = (name: string) => (raw(name) === undefined ? undefined : parseMonth(stringify(latex(raw(name)!))))
    const year = number(`${prefix}year`)
    const start = year === undefined ? [] : [year, ...(month(`${prefix}month`) !== undefined ? [month(`${prefix}month`)!, ...(number(`${prefix}day`) !== undefined ? [number(`${prefix}day`)!] : [])] : [])]
    const endYear = number(`${prefix}endyear`)
    const end = endYear === undefined ? [] : [endYear, ...(month(`${prefix}endmonth`) !== undefined ? [month(`${prefix}endmonth`)!, ...(number(`${prefix}endday`) !== undefined ? [number(`${prefix}endday`)!] : [])] : [])]
    const parts = [start, end].filter((p) => p.length > 0)
    if (parts.length > 0) return {'date-parts': parts}
    const literal = raw(`${prefix}year`)?.trim()
    return literal ? {literal} : undefined
  }
  const issued = date('date', '')
  set('issued', issued)
  set('event-date', date('eventdate', 'event'))
  set('original-date', date('origdate', 'orig'))
  set('accessed', date('urldate', 'url'))

  // locators
  set('page', fancy(field('pages'))?.replace(/–/g, '-'))
  set('number-of-pages', fancy(field('pagetotal')))
  const volume = field('volume')
  const part = field('part')
  set('volume', fancy(volume && part ? [...volume, {type: 'str', text: '.'}, ...part] : volume ?? part))
  set('number-of-volumes', fancy(field('volumes')))
  set('chapter-number', fancy(field('chapter')))
  set('edition', fancy(field('edition')))
  set('version', fancy(field('version')))
  const number = field('number')
  if (number) {
    if (collectionNumberTypes.has(et)) set('collection-number', fancy(number))
    else if (isArticle) {
      const issue = field('issue')
      set('issue', fancy(issue ? concatWith(',', [number, issue]) : number))
    } else set('number', fancy(number))
  }

  // titles
  const orEmpty = (value: Inline[] | undefined) => value ?? []
  const first = <T>(...options: Array<() => T | undefined>): T | undefined => {
    for (const option of options) {
      const value = option()
      if (value !== undefined) return value
    }
    return undefined
  }
  const when = <T>(condition: boolean, value: () => T | undefined) => () => (condition ? value() : undefined)
  const mainOfBook = hasMaintitle && !isChapterlike
  const mainOfPart = hasMaintitle && isChapterlike

  const mainTitle = first(when(isPeriodical, () => title('issuetitle')), when(mainOfBook, () => title('maintitle')), () => title('title'))
  const subtitle = orEmpty(first(when(isPeriodical, () => title('issuesubtitle')), when(mainOfBook, () => title('mainsubtitle')), () => title('subtitle')))
  const titleaddon = orEmpty(first(when(mainOfBook, () => title('maintitleaddon')), () => title('titleaddon')))
  if (mainTitle) set('title', fancy(concatWith('.', [concatWith(':', [mainTitle, subtitle]), titleaddon])))

  const volumeTitle = first(when(mainOfBook, () => title('title')), when(mainOfPart, () => title('booktitle')))
  const volumeSubtitle = orEmpty(first(when(mainOfBook, () => title('subtitle')), when(mainOfPart, () => title('booksubtitle'))))
  const volumeAddon = orEmpty(first(when(mainOfBook, () => title('titleaddon')), when(mainOfPart, () => title('booktitleaddon'))))
  if (volumeTitle) set('volume-title', fancy(concatWith('.', [concatWith(':', [volumeTitle, volumeSubtitle]), volumeAddon])))

  const containerTitle = first(when(isPeriodical, () => field('title')), when(isChapterlike, () => title('maintitle')),
    when(isChapterlike, () => title('booktitle')), () => field('journaltitle'), () => field('journal'))
  const containerSubtitle = orEmpty(first(when(isPeriodical, () => field('subtitle')), when(isChapterlike, () => title('mainsubtitle')),
    when(isChapterlike, () => title('booksubtitle')), () => field('journalsubtitle')))
  const containerAddon = orEmpty(first(when(isPeriodical, () => field('titleaddon')), when(isChapterlike, () => title('maintitleaddon')),
    when(isChapterlike, () => title('booktitleaddon'))))
  if (containerTitle) set('container-title', fancy(concatWith('.', [concatWith(':', [containerTitle, containerSubtitle]), containerAddon])))
  set('container-title-short', fancy(first(when(isPeriodical && !hasMaintitle, () => field('shorttitle')), () => field('shortjournal'))))

  const series = title('series')
  if (series) {
    const only = series.length === 1 && series[0]!.type === 'str' ? series[0].text : undefined
    set('collection-title', only !== undefined && /^-?\d+$/.test(only) ? `${ordinal(only)} ${resolveKey('jourser')}` : fancy(series))
  }
  const shortTitle = first(when(!hasMaintitle || isChapterlike, () => title('shorttitle')), () => {
    const whole = title('title')
    if (!whole) return undefined
    if ((subtitle.length > 0 || titleaddon.length > 0) && !hasMaintitle) return upToColon(whole) ?? whole
    return upToColon(whole)
  })
  set('title-short', fancy(shortTitle))
  set('event', fancy(title('eventtitle')))
  set('original-title', fancy(title('origtitle')))

  // publisher
  const publishers: Inline[][] = []
  for (const name of ['school', 'institution', 'organization', 'howpublished', 'publisher']) {
    const value = field(name)
    if (value) publishers.push(variant === 'bibtex' || name === 'howpublished' ? value : literalList(value))
  }
  if (publishers.length > 0) set('publisher', fancy(concatWith(';', publishers)))
  set('original-publisher', fancy(field('origpublisher')))

  // places
  set('event-place', fancy(field('venue')))
  const address = variant === 'bibtex' ? field('address') : first(() => (field('address') ? literalList(field('address')!) : undefined),
    when(et !== 'patent', () => (field('location') ? literalList(field('location')!) : undefined)))
  set('publisher-place', fancy(address))
  set('original-publisher-place', fancy(variant === 'bibtex' ? field('origlocation') : field('origlocation') && literalList(field('origlocation')!)))
  if (type === 'patent' && field('location')) set('jurisdiction', stringify(literalList(field('location')!)).split('; ').map(resolveKey).join('; '))

  // links and identifiers
  let url: string | undefined
  if (fields.has('url') && (et === 'online' || opts.get('url') !== 'false')) url = cleanUrl(raw('url')!)
  else {
    const base = eprintBases[(raw('eprinttype') ?? '').trim().toLowerCase()]
    if (base && raw('eprint') !== undefined) url = base + raw('eprint')!.trim()
  }
  if (raw('doi') !== undefined && opts.get('doi') !== 'false') {
    const {doi, url: doiUrl} = cleanDoi(raw('doi')!)
    set('DOI', doi)
    if (doiUrl) url = doiUrl
  }
  set('URL', url)
  set('ISBN', raw('isbn'))
  set('ISSN', raw('issn'))
  set('PMID', raw('pmid'))
  set('PMCID', raw('pmcid'))
  set('call-number', raw('library'))

  // notes
  set('annote', fancy(field('annotation') ?? field('annote')))
  set('abstract', fancy(field('abstract')))
  set('keyword', fancy(field('keywords')))
  const note = et === 'periodical' ? undefined : field('note')
  const addendum = variant === 'bibtex' ? undefined : field('addendum')
  if (note || addendum) set('note', fancy(concatWith('.', [orEmpty(note), orEmpty(addendum)])))
  const pubstate = field('pubstate')
  if (pubstate) set('status', fancy(pubstate.map((node) => (node.type === 'str' ? {type: 'str', text: resolveKey(node.text)} : node))))
  else if (issued?.literal === 'forthcoming') set('status', 'forthcoming')
  return item
}

function ordinal(n: string): string {
  const value = Math.abs(Number(n))
  const teen = value % 100 >= 11 && value % 100 <= 13
  const suffix = teen ? 'th' : value % 10 === 1 ? 'st' : value % 10 === 2 ? 'nd' : value % 10 === 3 ? 'rd' : 'th'
  return n + suffix
}
