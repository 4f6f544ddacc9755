/**
 * A front-matter date as ISO 8601 (`2022`, `2022-01`, `2022-01-28`), for the places where the page
 * states its date to machines: `time[datetime]`, `citation_publication_date`, JSON-LD, "Cite this".
 * Reads ISO 8601 (a time after the day is dropped), `2022/01/28`, and English text dates as people
 * write them in front matter: `28 January 2022`, `January 28, 2022`, `Jan. 28th 2022`, `January 2022`.
 * Anything else (`3/5/2022`, which is March or May, `spring 2022`) is undefined: not guessed.
 */

const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

function month(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '')
  if (w.length < 3) return undefined
  const index = months.findIndex((m) => m === w || (w.length <= 4 && m.startsWith(w)) || (w === 'sept' && m === 'september'))
  return index >= 0 ? index + 1 : undefined
}

const pad = (n: number) => String(n).padStart(2, '0')

function make(year: number, m?: number, day?: number): string | undefined {
  if (year < 1 || year > 9999) return undefined
  if (m === undefined) return String(year).padStart(4, '0')
  if (m < 1 || m > 12) return undefined
  if (day === undefined) return `${String(year).padStart(4, '0')}-${pad(m)}`
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate()
  if (day < 1 || day > last) return undefined
  return `${String(year).padStart(4, '0')}-${pad(m)}-${pad(day)}`
}

export function isoDate(raw: string): string | undefined {
  const text = raw.trim().replace(/\s+/g, ' ')
  let m = /^(\d{4})(?:([-/])(\d{1,2})(?:\2(\d{1,2}))?)?(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text)
  if (m) return make(Number(m[1]), m[3] === undefined ? undefined : Number(m[3]), m[4] === undefined ? undefined : Number(m[4]))
  const day = '(\\d{1,2})(?:st|nd|rd|th)?'
  const name = '([A-Za-z]{3,9}\\.?)'
  // 28 January 2022
  m = new RegExp(`^${day} ${name},? (\\d{4})$`).exec(text)
  if (m) {
    const mm = month(m[2]!)
    return mm === undefined ? undefined : make(Number(m[3]), mm, Number(m[1]))
  }
  // January 28, 2022
  m = new RegExp(`^${name} ${day},? (\\d{4})$`).exec(text)
  if (m) {
    const mm = month(m[1]!)
    return mm === undefined ? undefined : make(Number(m[3]), mm, Number(m[2]))
  }
  // January 2022
  m = new RegExp(`^${name},? (\\d{4})$`).exec(text)
  if (m) {
    const mm = month(m[1]!)
    return mm === undefined ? undefined : make(Number(m[2]), mm)
  }
  return undefined
}
