/**
 * Stage "metadata": read the essay's YAML front matter (remark-frontmatter's `yaml` node) into
 * `file.data.metadata`. Broken YAML is an error at its line and column. As in Pandoc, a key given
 * twice takes its later value (a warning), and any other field is accepted: templates (JOSS's
 * `affiliations`, Quarto's `format`, a journal's own) use many. Only a field that is a near miss
 * of one that changes the edition (`bibliograpy`, `Title`) is warned about, since it was most
 * likely meant as that one and is otherwise silently without effect.
 */
import type {Root, TitleBlock, Yaml} from 'mdast'
import type {VFile} from 'vfile'
import YAML, {isScalar, type Pair, type Scalar} from 'yaml'
import type {CslItem} from '../citations/render.js'
import type {EssayMetadata} from '../types.js'
import {editDistance, lineLocator} from '../util/text.js'
import {isoDate} from '../util/iso-date.js'

/** Fields that change the edition (ours, and Pandoc's citation fields): a near miss of one is warned. */
const effectiveFields = [
  'title', 'subtitle', 'author', 'authors', 'date', 'lang', 'language', 'description', 'abstract', 'summary', 'keywords',
  'tags', 'subject', 'publisher', 'container-title', 'url', 'doi', 'bibliography', 'references', 'nocite', 'style', 'csl',
  'link-citations', 'link-bibliography', 'suppress-bibliography', 'reference-section-title', 'citation-abbreviations'
]

/**
 * Fields that templates and Pandoc's writers use, never warned even when they look like one of the
 * above (`css` is one edit from `csl`, `affiliations` from nothing we read).
 */
const templateFields = new Set([
  'header-includes', 'include-before', 'include-after', 'toc', 'toc-title', 'toc-depth', 'numbersections', 'number-sections',
  'secnumdepth', 'documentclass', 'classoption', 'geometry', 'fontsize', 'mainfont', 'sansfont', 'monofont', 'mathfont',
  'linestretch', 'papersize', 'margin-left', 'margin-right', 'margin-top', 'margin-bottom', 'indent', 'institute',
  'affiliation', 'affiliations', 'thanks', 'categories', 'output', 'format', 'date-meta', 'author-meta', 'title-meta',
  'title-prefix', 'pagetitle', 'dir', 'biblio-style', 'biblio-title', 'natbiboptions', 'notes-after-punctuation', 'lof',
  'lot', 'colorlinks', 'linkcolor', 'urlcolor', 'citecolor', 'filecolor', 'toccolor', 'draft', 'editor', 'license',
  'copyright', 'version', 'id', 'slug', 'css', 'theme', 'data', 'abstract-title', 'keywords-title', 'subject-title',
  'citation', 'crossref', 'filters', 'execute', 'jupyter', 'funding', 'website', 'journal', 'volume', 'issue', 'page',
  'year', 'aas-doi', 'aas-journal'
])

/** The field a name was most likely meant as, when it is an unknown near miss of one that matters. */
export function likelyMeant(name: string): string | undefined {
  if (effectiveFields.includes(name) || templateFields.has(name)) return undefined
  let best: string | undefined
  let bestDistance = Infinity
  for (const field of effectiveFields) {
    const allowed = field.length <= 4 ? 1 : field.length <= 9 ? 2 : 3
    // Lengths further apart than that are further apart in edits too.
    if (Math.abs(name.length - field.length) > allowed) continue
    const d = name.toLowerCase() === field ? 1 : editDistance(name, field)
    if (d <= allowed && d < bestDistance) {
      best = field
      bestDistance = d
    }
  }
  return best
}

export interface Options {
  /** Warn about unknown fields that look like a mistyped known one (default true). */
  warnUnknownFields?: boolean
}

function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

function readAuthors(value: unknown): EssayMetadata['author'] {
  const authors: NonNullable<EssayMetadata['author']> = []
  for (const entry of asList(value)) {
    if (typeof entry === 'string') authors.push({name: entry})
    else if (entry && typeof entry === 'object') {
      const record = entry as Record<string, unknown>
      const family = asString(record.family)
      const given = asString(record.given)
      const name = asString(record.name) ?? asString(record.literal) ?? [given, family].filter(Boolean).join(' ')
      if (name) {
        const author: NonNullable<EssayMetadata['author']>[number] = {name}
        if (family) author.family = family
        if (given) author.given = given
        const affiliation = asString(record.affiliation)
        if (affiliation) author.affiliation = affiliation
        const orcid = asString(record.orcid)
        if (orcid) author.orcid = orcid
        authors.push(author)
      }
    }
  }
  return authors.length > 0 ? authors : undefined
}

/** Pandoc's `nocite: '@a, @b'` or `[ '@*' ]`: keys without the `@`. */
function readNocite(value: unknown): string[] | undefined {
  const keys: string[] = []
  for (const entry of asList(value)) {
    const text = asString(entry) ?? ''
    for (const match of text.matchAll(/@(\{[^}]*\}|[^\s,;\]]+)/g)) {
      keys.push(match[1]!.replace(/^\{|\}$/g, ''))
    }
  }
  return keys.length > 0 ? keys : undefined
}

/** Turn the raw front matter into metadata; pure, for reuse. */
export function readMetadata(raw: Record<string, unknown>): EssayMetadata {
  const metadata: EssayMetadata = {raw}
  const set = <K extends keyof EssayMetadata>(key: K, value: EssayMetadata[K] | undefined) => {
    if (value !== undefined) metadata[key] = value
  }
  const title = raw.title
  set('title', typeof title === 'object' && title && !Array.isArray(title) ? asString((title as Record<string, unknown>).text) : asString(title))
  set('subtitle', asString(raw.subtitle))
  set('author', readAuthors(raw.author ?? raw.authors))
  set('date', asString(raw.date))
  if (metadata.date) set('dateIso', isoDate(metadata.date))
  set('lang', asString(raw.lang ?? raw.language))
  set('description', asString(raw.description ?? raw.abstract ?? raw.summary))
  const keywords = asList(raw.keywords ?? raw.tags).map(asString).filter((k): k is string => Boolean(k))
  if (keywords.length > 0) metadata.keywords = keywords
  set('subject', asString(raw.subject))
  set('publisher', asString(raw.publisher))
  set('containerTitle', asString(raw['container-title']))
  set('url', asString(raw.url))
  set('doi', asString(raw.doi))
  const bibliography = asList(raw.bibliography).map(asString).filter((b): b is string => Boolean(b))
  if (bibliography.length > 0) metadata.bibliography = bibliography
  if (Array.isArray(raw.references)) metadata.references = raw.references as CslItem[]
  set('nocite', readNocite(raw.nocite))
  set('style', asString(raw.style) ?? asString(raw.csl))
  return metadata
}

/** A field's name as written, when it is a plain scalar (`title`, `42`). */
function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value !== null && typeof pair.key.value !== 'object' ? String(pair.key.value) : undefined
}

/** Where a title block's date stands: its third `%` line (the block's start if that is not found). */
function titleBlockDatePlace(source: string, block: TitleBlock): {line: number; column: number} | undefined {
  const start = block.position?.start
  if (!start || !block.position) return undefined
  const lines = source.split('\n')
  let seen = 0
  for (let line = start.line; line <= block.position.end.line; line++) {
    const textLine = lines[line - 1] ?? ''
    if (!textLine.startsWith('%')) continue
    if (++seen === 3) return {line, column: (/^%[ \t]*/.exec(textLine)?.[0].length ?? 1) + 1}
  }
  return start
}

/** The unified plugin. */
export default function remarkEssayMetadata(options: Options = {}) {
  const warnUnknown = options.warnUnknownFields ?? true
  return function transformer(tree: Root, file: VFile) {
    const node = tree.children.find((child): child is Yaml => child.type === 'yaml')
    let raw: Record<string, unknown> = {}
    const places: Record<string, {line: number; column: number}> = {}
    if (node) {
      // Duplicate keys are not a YAML error here: as in Pandoc, the later value wins (warned below).
      const document = YAML.parseDocument(node.value, {prettyErrors: false, uniqueKeys: false})
      // The YAML body starts on the line after the opening `---`.
      const bodyLine = (node.position?.start.line ?? 1) + 1
      const locate = lineLocator(node.value)
      const at = (offset: number) => {
        const {line, column} = locate(offset)
        return {line: bodyLine + line - 1, column}
      }
      for (const error of document.errors) {
        const message = file.message(`Front matter is not valid YAML: ${error.message.split('\n')[0]}`, {
          place: at(error.pos[0]),
          ruleId: 'front-matter-yaml',
          source: 'essay-edition'
        })
        message.fatal = true
      }
      if (document.errors.length === 0) {
        YAML.visit(document, {
          Map(_, map) {
            const seen = new Map<string, Pair>()
            for (const pair of map.items) {
              const name = keyName(pair)
              if (name === undefined) continue
              const first = seen.get(name)
              const offset = (pair.key as Scalar).range?.[0]
              if (first && offset !== undefined) {
                const firstAt = at((first.key as Scalar).range?.[0] ?? 0)
                file.message(`Front-matter key \`${name}\` is given twice (first at ${firstAt.line}:${firstAt.column}); the later value is used`, {
                  place: at(offset),
                  ruleId: 'front-matter-duplicate-key',
                  source: 'essay-edition'
                })
              }
              seen.set(name, pair)
              if (map === document.contents && offset !== undefined) places[name] = at(offset)
            }
          }
        })
        for (const warning of document.warnings) {
          file.message(`Front matter: ${warning.message.split('\n')[0]}`, {place: at(warning.pos[0]), ruleId: 'front-matter-yaml', source: 'essay-edition'})
        }
        let value: unknown
        try {
          value = document.toJS()
        } catch (error) {
          // The yaml library refuses aliases that expand without bound ("billion laughs").
          const message = file.message(`Front matter cannot be read: ${(error as Error).message}`, {
            place: node.position?.start,
            ruleId: 'front-matter-yaml',
            source: 'essay-edition'
          })
          message.fatal = true
        }
        if (value && typeof value === 'object' && !Array.isArray(value)) raw = value as Record<string, unknown>
        else if (value !== null && value !== undefined) {
          const message = file.message('Front matter must be a mapping of fields (`title: ...`)', {
            place: node.position,
            ruleId: 'front-matter-yaml',
            source: 'essay-edition'
          })
          message.fatal = true
        }
        if (warnUnknown) {
          for (const key of Object.keys(raw)) {
            const near = likelyMeant(key)
            if (near === undefined) continue
            file.message(`Unknown front-matter field \`${key}\` (did you mean \`${near}\`?)`, {
              place: places[key] ?? node.position,
              ruleId: 'front-matter-unknown-field',
              source: 'essay-edition'
            })
          }
        }
      }
    }
    else if (/^---[ \t]*\r?\n\s*[A-Za-z_][\w-]*[ \t]*:(\s|$)/.test(String(file.value)) && !/^---[ \t]*\r?\n[\s\S]*?\n(---|\.\.\.)[ \t]*(\r?\n|$)/.test(String(file.value))) {
      const message = file.message('Front matter is not closed: the opening `---` has no closing `---` or `...` line', {
        place: {line: 1, column: 1},
        ruleId: 'front-matter-unclosed',
        source: 'essay-edition'
      })
      message.fatal = true
    }
    // Pandoc's title block (`% Title`): its fields, unless the front matter gives them.
    const block = tree.children.find((child): child is TitleBlock => child.type === 'titleBlock')
    if (block) {
      const fromBlock: Record<string, unknown> = {}
      if (block.title) fromBlock.title = block.title
      if (block.authors.length > 0) fromBlock.author = block.authors
      if (block.date) fromBlock.date = block.date
      raw = {...fromBlock, ...raw}
    }
    file.data.metadata = readMetadata(raw)
    if (Object.keys(places).length > 0) file.data.metadata.places = places
    const {date, dateIso} = file.data.metadata
    if (date && !dateIso) {
      const place = places.date ?? (block?.date && raw.date === block.date ? titleBlockDatePlace(String(file.value), block) : node?.position?.start)
      file.message(`Date "${date}" cannot be read as a date (write it as 2022-01-28, or 28 January 2022); it is shown as written, and left out of the page's metadata`, {
        ...(place ? {place} : {}),
        ruleId: 'front-matter-date',
        source: 'essay-edition'
      })
    }
  }
}
