/**
 * The style registry: which CSL styles the edition offers, where their files are, and what each
 * one is (note or in-text, numeric or author-date). Pure file reading; no citeproc here.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {lineColumn} from '../util/text.js'

/** Folder of the styles and locales shipped with the project. */
export const shippedStylesDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../styles'
)

/** Folders where systems keep CSL styles (Debian's `citation-style-language-styles`). */
export const systemStyleDirs = ['/usr/share/citation-style-language/styles']
/** Folders where systems keep CSL locales. */
export const systemLocaleDirs = ['/usr/share/citation-style-language/locales']

/** The styles rendered by default, in the order the style control lists them. */
export const shippedStyleIds = [
  'modern-humanities-research-association',
  'chicago-fullnote-bibliography',
  'turabian-fullnote-bibliography',
  'chicago-author-date',
  'apa',
  'modern-language-association',
  'harvard-cite-them-right',
  'ieee',
  'vancouver'
] as const

export type StyleClass = 'note' | 'in-text'

export interface CslStyle {
  /** Style id: the file name without `.csl`. */
  id: string
  /** Human title from `<info><title>`. */
  title: string
  /** Short label for the style control. */
  label: string
  /** `note` styles put citations in footnotes; `in-text` styles in the running text. */
  class: StyleClass
  /** `author-date`, `numeric`, `note`, `author`, `label` (from `citation-format`). */
  format: string
  /** `default-locale` of the style, if any. */
  defaultLocale: string | undefined
  /** Distance in notes within which a citation is "near" (`near-note-distance`, default 5). */
  nearNoteDistance: number
  /** The CSL XML (of the independent parent for dependent styles). */
  xml: string
  /** Where it was read from. */
  path: string
}

/** A problem with a style, told with the file that has it. */
export class StyleError extends Error {
  constructor(message: string, readonly file?: string, readonly ruleId = 'style') {
    super(message)
    this.name = 'StyleError'
  }
}

const shortLabels: Record<string, string> = {
  'modern-humanities-research-association': 'MHRA (notes)',
  'chicago-fullnote-bibliography': 'Chicago (notes)',
  'turabian-fullnote-bibliography': 'Turabian (notes)',
  'chicago-author-date': 'Chicago (author-date)',
  apa: 'APA',
  'modern-language-association': 'MLA',
  'harvard-cite-them-right': 'Harvard',
  ieee: 'IEEE',
  vancouver: 'Vancouver'
}

function attribute(xml: string, element: string, name: string): string | undefined {
  const tag = new RegExp(`<${element}\\b[^>]*>`).exec(xml)
  if (!tag) return undefined
  const attr = new RegExp(`\\s${name}="([^"]*)"`).exec(tag[0])
  return attr ? attr[1] : undefined
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

/** Where an XML text is not well formed (unbalanced or unclosed tags), as a message; undefined if fine. */
export function xmlProblem(xml: string): string | undefined {
  const stack: Array<{name: string; offset: number}> = []
  const position = (offset: number) => {
    const {line, column} = lineColumn(xml, offset)
    return `${line}:${column}`
  }
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|</g
  for (const match of xml.matchAll(tag)) {
    if (match[0] === '<') return `stray "<" at ${position(match.index!)}`
    const name = match[2]
    if (!name) continue
    if (match[1]) {
      const open = stack.pop()
      if (!open) return `closing </${name}> without an opening tag at ${position(match.index!)}`
      if (open.name !== name) return `<${open.name}> opened at ${position(open.offset)} is closed by </${name}> at ${position(match.index!)}`
    } else if (!match[4]) stack.push({name, offset: match.index!})
  }
  const open = stack.pop()
  return open ? `<${open.name}> opened at ${position(open.offset)} is never closed` : undefined
}

/** Read what matters of a CSL file. Throws StyleError when it is not a usable style. */
export function parseStyle(xml: string, file: string, resolveParent?: (id: string) => string | undefined): CslStyle {
  if (!/<style\b/.test(xml) || !/<\/style>\s*$/.test(xml.trim() + '\n') && !/<\/style>/.test(xml)) {
    throw new StyleError(`${file} is not a CSL style (no <style> element)`, file, 'style-malformed')
  }
  const problem = xmlProblem(xml)
  if (problem) throw new StyleError(`${file} is not well-formed XML: ${problem}`, file, 'style-malformed')
  const id = path.basename(file).replace(/\.csl$/i, '')
  const titleMatch = /<info>[\s\S]*?<title>([^<]*)<\/title>/.exec(xml)
  const title = titleMatch ? decodeXmlText(titleMatch[1]!.trim()) : id
  const parentLink = /<link\b[^>]*rel="independent-parent"[^>]*>/.exec(xml)
  let body = xml
  if (parentLink) {
    const href = /href="([^"]*)"/.exec(parentLink[0])?.[1] ?? ''
    const parentId = href.replace(/\/$/, '').split('/').pop() ?? ''
    const parentXml = resolveParent?.(parentId)
    if (!parentXml) {
      throw new StyleError(`${file} is a dependent style whose parent "${parentId}" cannot be found`, file, 'style-parent')
    }
    body = parentXml
  }
  if (!/<citation\b/.test(body) ) {
    throw new StyleError(`${file} has no <citation> element`, file, 'style-malformed')
  }
  const cls = attribute(body, 'style', 'class')
  if (cls !== 'note' && cls !== 'in-text') {
    throw new StyleError(`${file}: <style> needs class="note" or class="in-text"`, file, 'style-malformed')
  }
  const format = /citation-format="([^"]*)"/.exec(xml)?.[1] ?? (cls === 'note' ? 'note' : 'author-date')
  const near = Number(attribute(body, 'citation', 'near-note-distance') ?? 5)
  return {
    id,
    title,
    label: shortLabels[id] ?? title,
    class: cls,
    format,
    defaultLocale: attribute(xml, 'style', 'default-locale') ?? attribute(body, 'style', 'default-locale'),
    nearNoteDistance: Number.isFinite(near) ? near : 5,
    xml: body,
    path: file
  }
}

export interface StyleLookup {
  /** Extra folders searched for styles given by id (`--csl-dir`). */
  styleDirs?: string[]
  /** Base folder for relative `.csl` paths. */
  cwd?: string
}

function searchDirs(lookup: StyleLookup): string[] {
  return [shippedStylesDir, ...(lookup.styleDirs ?? []), ...systemStyleDirs]
}

function findStyleFile(id: string, lookup: StyleLookup): string | undefined {
  for (const dir of searchDirs(lookup)) {
    for (const candidate of [path.join(dir, `${id}.csl`), path.join(dir, 'dependent', `${id}.csl`)]) {
      if (fs.existsSync(candidate)) return candidate
    }
  }
  return undefined
}

/**
 * Resolve a style given as an id (`apa`) or a path (`my/style.csl`) to its parsed form.
 * Throws StyleError with a clear message for unknown ids and unreadable or malformed files.
 */
export function loadStyle(spec: string, lookup: StyleLookup = {}): CslStyle {
  const isPath = spec.endsWith('.csl') || spec.includes('/') || spec.includes(path.sep)
  const file = isPath ? path.resolve(lookup.cwd ?? process.cwd(), spec) : findStyleFile(spec, lookup)
  if (!file) {
    throw new StyleError(
      `Unknown style "${spec}": not shipped, not in ${searchDirs(lookup).join(', ')}. ` +
        'Give a path to a .csl file, or run `essay-edition styles --all` to list the known ids.',
      undefined,
      'style-unknown'
    )
  }
  let xml: string
  try {
    xml = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new StyleError(`Cannot read style ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, 'style-unreadable')
  }
  const readParent = (parentId: string) => {
    const parentFile = findStyleFile(parentId, lookup)
    return parentFile ? fs.readFileSync(parentFile, 'utf8') : undefined
  }
  // Rebuilds load every style again: a file whose text (and parent's) is the same is not parsed again.
  const known = parsedStyles.get(file)
  if (known && known.xml === xml && known.parents.every(([id, parentXml]) => readParent(id) === parentXml)) return {...known.style}
  const parents: Array<[string, string | undefined]> = []
  const style = parseStyle(xml, file, (parentId) => {
    const parentXml = readParent(parentId)
    parents.push([parentId, parentXml])
    return parentXml
  })
  parsedStyles.set(file, {xml, parents, style: {...style}})
  return style
}

/** Styles parsed, by file: their text, their parents' text, what was read of them. */
const parsedStyles = new Map<string, {xml: string; parents: Array<[string, string | undefined]>; style: CslStyle}>()

/** Where an essay's own style (`csl:` or `style:` in its front matter) is, and how it was found. */
export interface EssayStyleFile {
  file: string
  /**
   * Set when the file named is missing (or is a URL, which is never fetched) and a style of the same
   * id, found among the known ones, stands in for it: what was named.
   */
  standsInFor?: string
}

/**
 * Find the style an essay's front matter names, as Pandoc reads `csl:`: a path (with `.csl` added
 * when it has no extension) relative to the essay's folder, where Pandoc looks in its resource path;
 * then an id among the shipped, extra and system styles. A file named but missing, or a URL, whose
 * id is known is replaced by the known style of that id (`standsInFor`). Throws a StyleError
 * (`style-unknown`) when nothing is found.
 */
export function locateEssayStyle(spec: string, essayDir: string, lookup: StyleLookup = {}): EssayStyleFile {
  const isUrl = /^[a-z][a-z\d+.-]*:\/\//i.test(spec)
  if (!isUrl) {
    const named = path.resolve(essayDir, spec)
    const candidates = path.extname(spec) ? [named] : [`${named}.csl`, named]
    for (const candidate of candidates) if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return {file: candidate}
  }
  const isPath = isUrl || path.extname(spec) !== '' || spec.includes('/') || spec.includes(path.sep)
  const id = isPath ? (spec.replace(/[?#].*$/, '').replace(/\/+$/, '').split(/[\\/]/).pop() ?? '').replace(/\.csl$/i, '') : spec
  const known = id ? findStyleFile(id, lookup) : undefined
  if (known) return isPath ? {file: known, standsInFor: spec} : {file: known}
  throw new StyleError(
    isUrl
      ? `Style "${spec}" is a URL, which is not fetched, and no known style has the id "${id}"`
      : `Style "${spec}" not found: no ${path.extname(spec) ? spec : `${spec}.csl`} beside the essay, and no style "${id}" in ${searchDirs(lookup).join(', ')}`,
    undefined,
    'style-unknown'
  )
}

/** Every style file found in the shipped, extra and system folders: id -> path. */
export function listStyleFiles(lookup: StyleLookup = {}): Map<string, string> {
  const found = new Map<string, string>()
  for (const dir of searchDirs(lookup)) {
    for (const sub of [dir, path.join(dir, 'dependent')]) {
      let names: string[] = []
      try {
        names = fs.readdirSync(sub)
      } catch {
        continue
      }
      for (const name of names.sort()) {
        if (name.endsWith('.csl') && !found.has(name.slice(0, -4))) found.set(name.slice(0, -4), path.join(sub, name))
      }
    }
  }
  return found
}

const localeCache = new Map<string, string | undefined>()

/** The XML of a CSL locale (`en-GB`), from the shipped folder or the system's; undefined if none. */
export function readLocale(lang: string): string | undefined {
  if (localeCache.has(lang)) return localeCache.get(lang)
  let xml: string | undefined
  for (const dir of [shippedStylesDir, ...systemLocaleDirs]) {
    const file = path.join(dir, `locales-${lang}.xml`)
    if (fs.existsSync(file)) {
      xml = fs.readFileSync(file, 'utf8')
      break
    }
  }
  localeCache.set(lang, xml)
  return xml
}
