/**
 * The date a reproducible output carries (the PDF's Info dates, the EPUB's `dcterms:modified` and
 * zip entry times): the front matter's `date`, else SOURCE_DATE_EPOCH, else the Unix epoch. Never
 * the clock, never the machine's time zone.
 */
import {isoDate} from '../util/iso-date.js'

/** The date an output carries: `date` (a front matter date), else SOURCE_DATE_EPOCH, else the Unix epoch. */
export function sourceDate(date?: string | Date, env: NodeJS.ProcessEnv = process.env): Date {
  if (date instanceof Date && !Number.isNaN(date.getTime())) return date
  if (typeof date === 'string') {
    // A time only with its zone, so that the machine's time zone never changes the file; else a
    // day (or month, or year) at 00:00 UTC, written as the page reads front matter dates
    // (`2022-01-28`, `28 January 2022`: src/util/iso-date.ts).
    const text = date.trim()
    const day = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(isoDate(text) ?? '')
    const parsed = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text) ? new Date(text)
      : day ? new Date(Date.UTC(Number(day[1]), Number(day[2] ?? 1) - 1, Number(day[3] ?? 1))) : undefined
    if (parsed && !Number.isNaN(parsed.getTime())) return parsed
  }
  const epoch = env.SOURCE_DATE_EPOCH
  if (epoch && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000)
  return new Date(0)
}
