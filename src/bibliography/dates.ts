/**
 * Dates as Pandoc 2.17 reads them (citeproc's `rawDateEDTF` and `rawDateOld`, Pandoc's
 * `getOldDate`): EDTF and ISO 8601 (`2019-03-05`, `2019-03/2019-05`, `2019~`, `199u`), older
 * text forms (`Mar 2019`, `3/5/2019`, `spring 2019`), BibTeX's year, month and day fields.
 */

export interface CslDate {
  'date-parts'?: number[][]
  circa?: boolean
  season?: number
  literal?: string
}

const readInt = (text: string): number | undefined => (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined)

/** An EDTF/ISO date or range, or undefined (`rawDateEDTF`). */
export function parseEdtf(raw: string): CslDate | undefined {
  let text = raw
  const slashParts = text.split('/')
  if (slashParts.length === 1 && text.includes('u')) text = `${text.replace(/u/g, '0')}/${text.replace(/u/g, '9')}`
  else if (slashParts.length === 2 && (slashParts[1] === 'open' || slashParts[1] === 'unknown')) text = `${slashParts[0]}/`
  const ranges = text.split('/').map((part) => part.trim())
  const circa = ranges.some((part) => part.endsWith('~'))
  const parts: number[][] = []
  for (const range of ranges) {
    let rest = range
    const hasY = rest.startsWith('y')
    if (hasY) rest = rest.slice(1)
    const negative = rest.startsWith('-')
    if (negative) rest = rest.slice(1)
    rest = rest.replace(/[~?%T].*$/, '')
    if (rest === '') {
      parts.push([0])
      continue
    }
    const pieces = rest.split('-')
    if (pieces.length > 3) return undefined
    const [y, m, d] = pieces
    if (!(y!.length === 4 || (hasY && y!.length >= 4))) return undefined
    if (m !== undefined && m.length !== 2) return undefined
    if (d !== undefined && d.length !== 2) return undefined
    const values = pieces.map(readInt)
    if (values.some((v) => v === undefined)) return undefined
    const nums = values as number[]
    if (negative) nums[0] = -nums[0]! - 1
    parts.push(nums)
  }
  return circa ? {'date-parts': parts, circa: true} : {'date-parts': parts}
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const seasons = ['spr', 'sum', 'fal', 'win']

/** Older text dates (`rawDateOld`): `Mar 2019`, `3/5/2019`, `1998-2000`. */
export function parseOldDate(raw: string): CslDate | undefined {
  const textMonth = (text: string): number | undefined => {
    const key = text.slice(0, 3).toLowerCase()
    const month = months.indexOf(key)
    if (month >= 0) return month + 1
    const season = seasons.indexOf(key)
    return season >= 0 ? season + 13 : undefined
  }
  const parts: number[][] = []
  for (const range of raw.split('-')) {
    const pieces = range.trim().split(/[ /,]/)
    if (pieces.length > 3) return undefined
    const y = readInt(pieces.at(-1)!)
    if (y === undefined) return undefined
    if (pieces.length === 1) parts.push([y])
    else {
      const m = readInt(pieces[0]!) ?? textMonth(pieces[0]!)
      if (m === undefined) return undefined
      if (pieces.length === 2) parts.push([y, m])
      else {
        const d = readInt(pieces[1]!)
        if (d === undefined) return undefined
        parts.push([y, m, d])
      }
    }
  }
  return {'date-parts': parts}
}

/** A date string as Pandoc's CSL readers take it: EDTF, else an older form, else a literal. */
export function parseDateString(raw: string): CslDate {
  return parseEdtf(raw) ?? parseOldDate(raw) ?? {literal: raw}
}

/** BibTeX's month field (`parseMonth`): `mar`, `3`, `03`; anything else is no month. */
export function parseMonth(raw: string): number | undefined {
  const month = months.indexOf(raw.trim().toLowerCase())
  return month >= 0 ? month + 1 : readInt(raw)
}
