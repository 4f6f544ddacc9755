/**
 * Make a CSL item safe for citeproc-js: names as lists of name objects, dates as date objects,
 * text fields as strings. What cannot be repaired is dropped; each repair is told as a problem,
 * so that a hand-written bibliography never crashes a build or prints citeproc's own warnings.
 */
import {parseDateString, parseEdtf, type CslDate} from './dates.js'

export const nameFields = new Set([
  'author', 'chair', 'collection-editor', 'compiler', 'composer', 'container-author', 'contributor', 'curator',
  'director', 'editor', 'editorial-director', 'executive-producer', 'guest', 'host', 'illustrator', 'interviewer',
  'narrator', 'organizer', 'original-author', 'performer', 'producer', 'recipient', 'reviewed-author',
  'script-writer', 'series-creator', 'translator'
])
const dateFields = new Set(['accessed', 'available-date', 'event-date', 'issued', 'original-date', 'submitted'])
const keepAsIs = new Set(['id', 'type', 'custom', 'categories', 'language', 'system_id', 'citation-key', '_graph'])

type Item = Record<string, unknown>

/**
 * Pandoc's citeproc reads variable names in any case (`url`, `Url`); citeproc-js only in CSL's
 * spelling, which for these is upper case.
 */
const upperCaseVariables = new Map(['DOI', 'ISBN', 'ISSN', 'PMCID', 'PMID', 'URL'].map((name) => [name.toLowerCase(), name]))

function isName(value: unknown): value is Record<string, unknown> {
  return Boolean(value && typeof value === 'object' && !Array.isArray(value))
}

function repairName(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string' && value.trim()) return {literal: value.trim()}
  if (!isName(value)) return undefined
  const name: Record<string, unknown> = {}
  for (const [key, part] of Object.entries(value)) {
    if (typeof part === 'string' || typeof part === 'number' || typeof part === 'boolean') name[key] = typeof part === 'number' ? String(part) : part
  }
  return name.family || name.given || name.literal ? name : undefined
}

const asInt = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value)
  return undefined
}

/** `{year: 2006, month: 3, day: 5}` or `{year: 2006, season: 2}` (Pandoc's YAML date parts). */
function partsOfMap(value: Record<string, unknown>): number[] | undefined {
  const year = asInt(value.year)
  if (year === undefined) return undefined
  const season = asInt(value.season)
  const month = asInt(value.month) ?? (season !== undefined ? season + 20 : undefined)
  const day = asInt(value.day)
  return month === undefined ? [year] : day === undefined ? [year, month] : [year, month, day]
}

/** One element of `date-parts`: `[2006, 3]`, `["2006", "03"]`, `{year: 2006, month: 3}`. */
function partsOf(value: unknown): number[] | undefined {
  if (Array.isArray(value)) {
    const parts = value.filter((n) => n !== '' && n !== null).map((n) => asInt(n) ?? 0).slice(0, 3)
    return parts.length > 0 ? parts : undefined
  }
  if (isName(value)) return partsOfMap(value)
  return undefined
}

/**
 * Months 13-16 and 21-24 are seasons in CSL data (Pandoc writes spring as 13 or 21); citeproc-js
 * reads seasons from `season` only.
 */
function withSeasons(date: CslDate): CslDate {
  const parts = date['date-parts']
  if (!parts) return date
  let season: number | undefined
  const clean = parts.map((part) => {
    const month = part[1]
    if (month !== undefined && ((month >= 13 && month <= 16) || (month >= 21 && month <= 24))) {
      season ??= month > 20 ? month - 20 : month - 12
      return [part[0]!]
    }
    return part
  })
  if (season === undefined) return date
  return {...date, 'date-parts': clean, ...(date.season === undefined ? {season} : {})}
}

/** Pandoc's legacy ranges: a literal `2000_2005`. */
function legacyRange(date: CslDate): CslDate {
  if (date['date-parts'] || typeof date.literal !== 'string') return date
  const halves = date.literal.split('_')
  if (halves.length !== 2) return date
  const range = parseEdtf(`${halves[0]}/${halves[1]}`)
  return range ? {...range, ...(date.circa ? {circa: true} : {})} : date
}

/**
 * A date in any form Pandoc reads from CSL-JSON and CSL-YAML: a CSL date object (`date-parts`,
 * `raw`, `literal`, `season`, `circa`), parts given as strings, a string (EDTF, ISO 8601, older
 * forms like "Mar 2006"), a year as a number, Pandoc's YAML maps (`{year: 1986}`) and lists of
 * them (`[{year: 2006, month: 03}]`, a range when two). Undefined when nothing is a date.
 */
/** citeproc-js stops on a range whose ends have different lengths ([[2006, 3, 4], [2006, 5]]). */
function evenRange(date: CslDate): CslDate {
  const parts = date['date-parts']
  if (!parts || parts.length < 2 || parts[0]!.length === parts[1]!.length) return date
  const length = Math.min(parts[0]!.length, parts[1]!.length)
  return {...date, 'date-parts': parts.map((part) => part.slice(0, length))}
}

export function repairDate(value: unknown): CslDate | undefined {
  const done = (date: CslDate | undefined) => (date ? evenRange(withSeasons(legacyRange(date))) : undefined)
  if (typeof value === 'number') return Number.isInteger(value) ? {'date-parts': [[value]]} : undefined
  if (typeof value === 'string') return value.trim() ? done(parseDateString(value.trim())) : undefined
  if (Array.isArray(value)) {
    const parts = value.map(partsOf).filter((part): part is number[] => part !== undefined).slice(0, 2)
    return parts.length > 0 ? done({'date-parts': parts}) : undefined
  }
  if (!isName(value)) return undefined
  if (typeof value.raw === 'string' && value.raw.trim()) {
    const date = parseDateString(value.raw.trim())
    if (!date.literal) return done(date)
  }
  const date: CslDate = {}
  const rawParts = value['date-parts']
  if (Array.isArray(rawParts)) {
    // `[[2006, 3]]`, or a single level `[2006, 3]`.
    const list = rawParts.length > 0 && !Array.isArray(rawParts[0]) && !isName(rawParts[0]) ? [rawParts] : rawParts
    const parts = list.map(partsOf).filter((part): part is number[] => part !== undefined).slice(0, 2)
    if (parts.length > 0) date['date-parts'] = parts
  } else {
    const parts = partsOfMap(value)
    if (parts) date['date-parts'] = [parts]
  }
  const season = asInt(value.season)
  if (season !== undefined) date.season = season
  else if (typeof value.season === 'string' && value.season.trim()) date.season = value.season.trim() as unknown as number
  if (value.circa === true || value.circa === 'true' || value.circa === 1 || value.circa === '1') date.circa = true
  if (typeof value.literal === 'string' && value.literal.trim()) date.literal = value.literal.trim()
  if (!date['date-parts'] && !date.literal && typeof value.raw === 'string' && value.raw.trim()) date.literal = value.raw.trim()
  return date['date-parts'] || date.literal ? done(date) : undefined
}

/** Repair one item in place of a copy; returns the copy and the names of the fields it changed. */
export function normalizeItem(item: Item): {item: Item; repaired: string[]} {
  const out: Item = {}
  const repaired: string[] = []
  for (const [written, value] of Object.entries(item)) {
    if (value === undefined || value === null) continue
    const field = upperCaseVariables.get(written.toLowerCase()) ?? written
    if (keepAsIs.has(field)) {
      out[field] = value
      continue
    }
    if (nameFields.has(field)) {
      const list = (Array.isArray(value) ? value : [value]).map(repairName).filter(Boolean)
      if (!Array.isArray(value) || list.length !== value.length) repaired.push(field)
      if (list.length > 0) out[field] = list
      continue
    }
    if (dateFields.has(field)) {
      // Every form Pandoc reads is read without a word; only a value that is no date is told.
      const date = repairDate(value)
      if (date) out[field] = date
      else repaired.push(field)
      continue
    }
    if (typeof value === 'string') out[field] = value
    else if (typeof value === 'number' || typeof value === 'boolean') out[field] = String(value)
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      out[field] = value.join(', ')
      repaired.push(field)
    } else repaired.push(field)
  }
  return {item: out, repaired}
}
