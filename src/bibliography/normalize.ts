/**
 * Make a CSL item safe for citeproc-js: names as lists of name objects, dates as date objects,
 * text fields as strings. What cannot be repaired is dropped; each repair is told as a problem,
 * so that a hand-written bibliography never crashes a build or prints citeproc's own warnings.
 */

const nameFields = new Set([
  'author', 'chair', 'collection-editor', 'compiler', 'composer', 'container-author', 'contributor', 'curator',
  'director', 'editor', 'editorial-director', 'executive-producer', 'guest', 'host', 'illustrator', 'interviewer',
  'narrator', 'organizer', 'original-author', 'performer', 'producer', 'recipient', 'reviewed-author',
  'script-writer', 'series-creator', 'translator'
])
const dateFields = new Set(['accessed', 'available-date', 'event-date', 'issued', 'original-date', 'submitted'])
const keepAsIs = new Set(['id', 'type', 'custom', 'categories', 'language', 'system_id', 'citation-key', '_graph'])

type Item = Record<string, unknown>

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

function repairDate(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'number') return {'date-parts': [[value]]}
  if (typeof value === 'string') {
    const iso = /^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(value.trim())
    if (iso) return {'date-parts': [iso.slice(1).filter(Boolean).map(Number)]}
    return value.trim() ? {literal: value.trim()} : undefined
  }
  if (!isName(value)) return undefined
  const date: Record<string, unknown> = {}
  const parts = value['date-parts']
  if (Array.isArray(parts)) {
    const clean = parts
      .filter(Array.isArray)
      .map((part) => (part as unknown[]).map((n) => Number(n)).filter((n) => Number.isFinite(n)).slice(0, 3))
      .filter((part) => part.length > 0)
      .slice(0, 2)
    if (clean.length > 0) date['date-parts'] = clean
  }
  for (const key of ['literal', 'raw', 'season', 'circa']) {
    const part = value[key]
    if (typeof part === 'string' || typeof part === 'number' || typeof part === 'boolean') date[key] = part
  }
  if (typeof date.raw === 'string' && !date['date-parts'] && !date.literal) {
    const repaired = repairDate(date.raw)
    if (repaired) return repaired
  }
  return date['date-parts'] || date.literal || date.raw ? date : undefined
}

/** Repair one item in place of a copy; returns the copy and the names of the fields it changed. */
export function normalizeItem(item: Item): {item: Item; repaired: string[]} {
  const out: Item = {}
  const repaired: string[] = []
  for (const [field, value] of Object.entries(item)) {
    if (value === undefined || value === null) continue
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
      const date = repairDate(value)
      if (!isName(value) || JSON.stringify(date) !== JSON.stringify(value)) repaired.push(field)
      if (date) out[field] = date
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
