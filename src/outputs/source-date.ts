/**
 * The date a reproducible output carries (the PDF's Info dates, the EPUB's `dcterms:modified` and
 * zip entry times): the front matter's `date`, else SOURCE_DATE_EPOCH, else the Unix epoch. Never
 * the clock, never the machine's time zone.
 */

/** The date an output carries: `date` (a front matter date), else SOURCE_DATE_EPOCH, else the Unix epoch. */
export function sourceDate(date?: string | Date, env: NodeJS.ProcessEnv = process.env): Date {
  if (date instanceof Date && !Number.isNaN(date.getTime())) return date
  if (typeof date === 'string') {
    // A day (or month, or year) is taken at 00:00 UTC; a time only with its zone, so that the
    // machine's time zone never changes the file.
    const day = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date.trim())
    const parsed = day
      ? new Date(Date.UTC(Number(day[1]), Number(day[2] ?? 1) - 1, Number(day[3] ?? 1)))
      : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(date.trim()) ? new Date(date.trim()) : undefined
    if (parsed && !Number.isNaN(parsed.getTime())) return parsed
  }
  const epoch = env.SOURCE_DATE_EPOCH
  if (epoch && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000)
  return new Date(0)
}
