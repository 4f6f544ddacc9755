/**
 * Stage "metadata": read the essay's YAML front matter (remark-frontmatter's `yaml` node) into
 * `file.data.metadata`. Broken YAML is an error at its line and column; unknown fields are warnings.
 */
import type {Root, TitleBlock, Yaml} from 'mdast'
import type {VFile} from 'vfile'
import YAML from 'yaml'
import type {CslItem} from '../citations/render.js'
import type {EssayMetadata} from '../types.js'

/** Fields we use, and Pandoc's usual ones that we accept quietly. */
const knownFields = new Set([
  'title', 'subtitle', 'author', 'authors', 'date', 'lang', 'language', 'description', 'abstract', 'keywords',
  'subject', 'publisher', 'container-title', 'url', 'doi', 'bibliography', 'references', 'nocite', 'style', 'csl',
  'link-citations', 'link-bibliography', 'suppress-bibliography', 'reference-section-title', 'citation-abbreviations',
  'header-includes', 'include-before', 'include-after', 'toc', 'toc-title', 'numbersections', 'documentclass',
  'classoption', 'geometry', 'fontsize', 'mainfont', 'linestretch', 'papersize', 'institute', 'affiliation',
  'thanks', 'tags', 'categories', 'output', 'format', 'date-meta', 'pagetitle', 'dir', 'biblio-style',
  'notes-after-punctuation', 'lof', 'lot', 'colorlinks', 'linkcolor', 'urlcolor', 'citecolor', 'draft',
  'editor', 'license', 'copyright', 'version', 'id', 'slug', 'summary'
])

export interface Options {
  /** Warn about fields neither we nor Pandoc know (default true). */
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

/** The unified plugin. */
export default function remarkEssayMetadata(options: Options = {}) {
  const warnUnknown = options.warnUnknownFields ?? true
  return function transformer(tree: Root, file: VFile) {
    const node = tree.children.find((child): child is Yaml => child.type === 'yaml')
    let raw: Record<string, unknown> = {}
    if (node) {
      const document = YAML.parseDocument(node.value, {prettyErrors: false, uniqueKeys: true})
      // The YAML body starts on the line after the opening `---`.
      const bodyLine = (node.position?.start.line ?? 1) + 1
      for (const error of document.errors) {
        const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1]
        const message = file.message(`Front matter is not valid YAML: ${error.message.split('\n')[0]}`, {
          place: {line: bodyLine + line - 1, column: col},
          ruleId: 'front-matter-yaml',
          source: 'essay-edition'
        })
        message.fatal = true
      }
      if (document.errors.length === 0) {
        const value: unknown = document.toJS()
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
            if (!knownFields.has(key)) {
              const pair = document.contents && 'items' in document.contents
                ? (document.contents.items as Array<{key?: {range?: [number, number, number]}}>).find((item) => String((item.key as {value?: unknown} | undefined)?.value) === key)
                : undefined
              const offset = pair?.key?.range?.[0]
              const before = offset === undefined ? '' : node.value.slice(0, offset)
              const line = bodyLine + (before.match(/\n/g)?.length ?? 0)
              const column = before.length - before.lastIndexOf('\n')
              file.message(`Unknown front-matter field \`${key}\``, {
                place: offset === undefined ? node.position : {line, column},
                ruleId: 'front-matter-unknown-field',
                source: 'essay-edition'
              })
            }
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
  }
}
