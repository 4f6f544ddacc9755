/**
 * A seeded synthetic corpus for the benchmark: an essay in Markdown with footnotes and Pandoc
 * citations, and its bibliography as CSL-JSON. The same size and seed always give the same bytes.
 *
 *   small   20 notes,     15 works
 *   medium  300 notes,   200 works
 *   large   2,000 notes, 1,000 works
 *
 * Works: article-journal, book, chapter, webpage, report; names with diacritics and particles
 * ("van der", "de", "von"), some authors with several works of one year (disambiguation).
 * Citations: mostly in footnotes, some in the running text, some with several works, locators
 * (p., pp., chap., sec., para.), prefixes, narrative `@key [p. 3]`, author-suppressed `[-@key]`;
 * many repeat the previous or a recent work, so that ibid and subsequent forms occur.
 *
 *   node dist/bench/generate.js [--size small|medium|large|all] [--seed N] [--out DIR]
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const sizes = {
  small: {notes: 20, works: 15},
  medium: {notes: 300, works: 200},
  large: {notes: 2000, works: 1000}
} as const

export type SizeName = keyof typeof sizes

export interface Corpus {
  size: SizeName
  seed: number
  notes: number
  works: number
  /** Citations (bracketed or narrative), wherever they stand. */
  citations: number
  /** Cited works counted once per citation (a citation of three works counts three). */
  citedItems: number
  /** Citations in the running text, not in a note. */
  inText: number
  markdown: string
  items: Array<Record<string, unknown>>
}

/** mulberry32: small, fast, good enough, and the same everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const givenNames = [
  'Anna', 'José', 'Zoë', 'Søren', 'Łukasz', 'Ingrid', 'Chloé', 'Mehmet', 'Aurélie', 'Jürgen', 'Ayşe',
  'Björn', 'Nuño', 'Dóra', 'Ivana', 'Hiroshi', 'Feroze Hassan', 'Syed Muhammad', 'Peter', 'Rouben',
  'Mary', 'John', 'Olga', 'Dmitri', 'François', 'Maël', 'Renée', 'Tomáš', 'Jiří', 'Agnieszka'
]
const familyNames = [
  'Müller', 'Ødegaard', 'Çelik', 'Nguyễn', 'Ångström', 'Dvořák', 'Žižek', 'Sánchez', 'Kowalczyk',
  'Østergård', 'Ibáñez', 'Gödel', 'Straße', 'Łęcki', 'Khan', 'Zaidi', 'Azizian', 'Smith', 'Clark',
  'Brown', 'Okafor', 'Ivanov', 'Petrova', 'Haddad', 'Takahashi', 'Moreau', 'Novák', 'Lindqvist',
  'García Márquez', 'Schäfer', 'Rahman', 'Yılmaz', 'Ferreira', 'Papadopoulos', 'Kim', 'Wójcik'
]
const particles: Array<{family: string; given: string; 'non-dropping-particle'?: string; 'dropping-particle'?: string}> = [
  {family: 'Berg', given: 'Pieter', 'non-dropping-particle': 'van der'},
  {family: 'Hoek', given: 'Ans', 'non-dropping-particle': 'van'},
  {family: 'Gaulle', given: 'Charles', 'non-dropping-particle': 'de'},
  {family: 'Humboldt', given: 'Alexander', 'dropping-particle': 'von'},
  {family: 'Santos', given: 'Maria', 'non-dropping-particle': 'dos'},
  {family: 'Bruijn', given: 'Nicolaas Govert', 'non-dropping-particle': 'de'},
  {family: 'Heyden', given: 'Jan', 'non-dropping-particle': 'van der'},
  {family: 'Mehdi', given: 'Ali', 'non-dropping-particle': 'al-'}
]
const institutions = ['World Bank', 'Ministry of Foreign Affairs of Pakistan', 'Организация Объединённых Наций', 'Institut für Sozialforschung', 'Office québécois de la langue française']
const words = (
  'policy relations strategic energy regional security trade corridor cooperation history archive treaty ' +
  'frontier economy diplomacy alliance rivalry partnership pipeline memory nation empire reform market ' +
  'identity migration border conflict settlement ocean island river city province network doctrine ' +
  'sovereignty geography power transition crisis recovery order influence narrative evidence method'
).split(' ')
const adjectives = 'new old critical comparative emerging uneasy cautious global local long early late hidden public'.split(' ')
const journals = [
  'Journal of Indo-Pacific Affairs', 'Asian Affairs', 'Herald of the Russian Academy of Sciences', 'Revue française de science politique',
  'Zeitschrift für Politikwissenschaft', 'International Affairs', 'Strategic Studies', 'Études internationales', 'Slavic Review'
]
const publishers = [
  ['Oxford University Press', 'Oxford'], ['Cambridge University Press', 'Cambridge'], ['Routledge', 'London'],
  ['Éditions du Seuil', 'Paris'], ['Suhrkamp', 'Frankfurt am Main'], ['Nauka', 'Moskva'], ['Brill', 'Leiden'],
  ['University of Chicago Press', 'Chicago'], ['Sang-e-Meel', 'Lahore']
] as const
const sentenceWords = (
  'the state its interest shaped ties between two sides after decades of distance while both sought a ' +
  'new balance in the region and beyond trade grew slowly yet visits multiplied officials met again ' +
  'agreements followed on energy defence education and culture critics doubted how long it would last ' +
  'others saw a deliberate turn towards economic links rather than arms'
).split(' ')

export function generateCorpus(size: SizeName, seed = 20240601): Corpus {
  const {notes, works} = sizes[size]
  const random = prng(seed)
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const chance = (p: number) => random() < p

  const title = (n: number) => {
    const parts: string[] = []
    for (let i = 0; i < n; i++) parts.push(chance(0.25) ? pick(adjectives) : pick(words))
    const text = parts.join(' ')
    return text[0]!.toUpperCase() + text.slice(1)
  }
  const person = () => {
    if (chance(0.12)) return {...pick(particles)}
    return {family: pick(familyNames), given: pick(givenNames)}
  }
  const authors = () => Array.from({length: chance(0.6) ? 1 : chance(0.6) ? 2 : int(3, 5)}, person)

  // Works. Every seventh reuses an earlier work's first author and year: "2003a", "2003b".
  const items: Array<Record<string, unknown>> = []
  const types = ['article-journal', 'book', 'chapter', 'webpage', 'report'] as const
  for (let i = 0; i < works; i++) {
    const type = types[i % types.length]!
    const earlier = i > 7 && i % 7 === 0 ? items[int(0, i - 1)] : undefined
    const author = earlier && Array.isArray(earlier.author) ? [(earlier.author as unknown[])[0], ...(chance(0.5) ? [person()] : [])] : authors()
    const year = earlier ? ((earlier.issued as {'date-parts': number[][]})['date-parts'][0]![0]!) : int(1950, 2023)
    const family = String((author[0] as {family: string}).family)
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase()
    const item: Record<string, unknown> = {
      id: `${family || 'anon'}${year}-${i}`,
      type,
      title: title(int(3, 9)) + (chance(0.4) ? `: ${title(int(2, 6))}` : ''),
      issued: {'date-parts': [chance(0.5) ? [year] : [year, int(1, 12), int(1, 28)]]}
    }
    if (type === 'report' && chance(0.5)) item.author = [{literal: pick(institutions)}]
    else item.author = author
    if (type === 'article-journal') {
      item['container-title'] = pick(journals)
      item.volume = String(int(1, 90))
      item.issue = String(int(1, 12))
      const first = int(1, 400)
      item.page = `${first}-${first + int(5, 40)}`
      if (chance(0.6)) item.DOI = `10.${int(1000, 9999)}/bench.${i}`
    } else if (type === 'book') {
      const [publisher, place] = pick(publishers)
      item.publisher = publisher
      item['publisher-place'] = place
      if (chance(0.2)) item.edition = String(int(2, 5))
    } else if (type === 'chapter') {
      const [publisher, place] = pick(publishers)
      item['container-title'] = title(int(3, 7))
      item.editor = Array.from({length: int(1, 2)}, person)
      item.publisher = publisher
      item['publisher-place'] = place
      const first = int(1, 300)
      item.page = `${first}-${first + int(10, 30)}`
    } else if (type === 'webpage') {
      item['container-title'] = pick(['Dawn', 'The Diplomat', 'Коммерсантъ', 'Le Monde diplomatique', 'Foreign Policy'])
      item.URL = `https://example.org/${size}/${i}`
      item.accessed = {'date-parts': [[2024, int(1, 12), int(1, 28)]]}
    } else {
      item.publisher = pick(institutions)
      item['publisher-place'] = pick(publishers)[1]
      item.number = `WP-${int(1, 99)}/${year}`
      if (chance(0.5)) item.URL = `https://example.org/reports/${i}`
    }
    items.push(item)
  }

  // Which work a citation names: the previous one (ibid), a recent one (subsequent), else a fresh
  // work in shuffled order until every work has been cited, then any.
  const fresh = items.map((item) => String(item.id))
  for (let i = fresh.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!]
  }
  const recent: string[] = []
  let citations = 0
  let citedItems = 0
  let inText = 0
  const nextKey = (): string => {
    const roll = random()
    let key: string
    if (recent.length > 0 && roll < 0.25) key = recent[recent.length - 1]!
    else if (recent.length > 3 && roll < 0.55) key = recent[Math.max(0, recent.length - int(2, 12))]!
    else key = fresh.length > 0 ? fresh.pop()! : String(pick(items).id)
    recent.push(key)
    if (recent.length > 40) recent.shift()
    return key
  }
  const locator = () => {
    const roll = random()
    if (roll < 0.35) return ''
    if (roll < 0.65) return `, p. ${int(1, 400)}`
    if (roll < 0.75) {
      const a = int(1, 300)
      return `, pp. ${a}-${a + int(1, 12)}`
    }
    if (roll < 0.85) return `, chap. ${int(1, 14)}`
    if (roll < 0.93) return `, sec. ${int(1, 9)}.${int(1, 9)}`
    return `, para. ${int(1, 60)}`
  }
  const bracketed = () => {
    citations++
    const count = chance(0.15) ? int(2, 3) : 1
    const parts: string[] = []
    const used = new Set<string>()
    for (let i = 0; i < count; i++) {
      let key = nextKey()
      if (used.has(key)) key = String(pick(items).id)
      if (used.has(key)) continue
      used.add(key)
      citedItems++
      const prefix = chance(0.15) ? pick(['see ', 'cf. ', 'see also ', 'on this, ']) : ''
      const suppress = count === 1 && chance(0.04) ? '-' : ''
      parts.push(`${prefix}${suppress}@${key}${locator()}`)
    }
    return `[${parts.join('; ')}]`
  }
  const narrative = () => {
    citations++
    citedItems++
    const loc = locator()
    return `@${nextKey()}${loc ? ` [${loc.slice(2)}]` : ''}`
  }
  const sentence = (min: number, max: number) => {
    const n = int(min, max)
    const parts: string[] = []
    for (let i = 0; i < n; i++) parts.push(pick(sentenceWords))
    const text = parts.join(' ')
    return text[0]!.toUpperCase() + text.slice(1)
  }

  const lines: string[] = ['---', `title: "Benchmark essay (${size}, seed ${seed})"`, `bibliography: ${size}.json`, '---', '']
  const definitions: string[] = []
  let note = 0
  let section = 0
  while (note < notes) {
    if (note % 40 === 0) lines.push(`## Part ${++section}`, '')
    const sentences: string[] = []
    const perParagraph = Math.min(int(1, 3), notes - note)
    for (let i = 0; i < perParagraph; i++) {
      let text = sentence(12, 28)
      if (chance(0.15)) {
        inText++
        text += chance(0.3) ? `, as ${narrative()} argues` : ` ${bracketed()}`
      }
      note++
      sentences.push(`${text}.[^${note}]`)
      // The note: one citation mostly, sometimes two, sometimes commentary only.
      const body: string[] = []
      const kind = random()
      if (kind < 0.05) body.push(`${sentence(8, 16)}.`)
      else if (kind < 0.68) body.push(`${chance(0.3) ? sentence(3, 8) + ' ' : ''}${bracketed()}.`)
      else if (kind < 0.9) body.push(`${sentence(4, 10)} ${bracketed()}; ${sentence(3, 6).toLowerCase()} ${bracketed()}.`)
      else body.push(`As ${narrative()} shows, ${sentence(5, 12).toLowerCase()}.`)
      definitions.push(`[^${note}]: ${body.join(' ')}`)
    }
    lines.push(sentences.join(' ') + ` ${sentence(10, 20)}.`, '')
  }
  lines.push(...definitions.flatMap((line) => [line, '']))
  return {size, seed, notes, works, citations, citedItems, inText, markdown: lines.join('\n'), items}
}

/** Write `<size>.md` and `<size>.json` into `dir`; returns the Markdown file's path. */
export function writeCorpus(corpus: Corpus, dir: string): string {
  fs.mkdirSync(dir, {recursive: true})
  const md = path.join(dir, `${corpus.size}.md`)
  fs.writeFileSync(md, corpus.markdown)
  fs.writeFileSync(path.join(dir, `${corpus.size}.json`), JSON.stringify(corpus.items, null, 2) + '\n')
  return md
}

/** bench/corpus in the source tree (git-ignored). */
export const corpusDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/corpus')

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {parseArgs} = await import('node:util')
  const {values} = parseArgs({options: {size: {type: 'string', default: 'all'}, seed: {type: 'string'}, out: {type: 'string'}}})
  const chosen = values.size === 'all' ? (Object.keys(sizes) as SizeName[]) : (values.size!.split(',') as SizeName[])
  for (const size of chosen) {
    if (!(size in sizes)) throw new Error(`unknown size ${size}: small, medium or large`)
    const corpus = generateCorpus(size, values.seed ? Number(values.seed) : undefined)
    const file = writeCorpus(corpus, path.resolve(values.out ?? corpusDir))
    process.stdout.write(`${file}: ${corpus.notes} notes, ${corpus.works} works, ${corpus.citations} citations (${corpus.inText} in the text), ${Buffer.byteLength(corpus.markdown)} bytes\n`)
  }
}
