/**
 * Stage "bibliography", the pure part: read CSL-JSON, CSL-YAML, BibTeX/BibLaTeX and RIS files
 * through citation-js 0.8 into CSL items, and say what is wrong with them, where.
 */
import fs from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'
import YAML from 'yaml'
import type {CslItem} from '../citations/render.js'
import {decodeUtf8, lineColumn, lineLocator} from '../util/text.js'
import {normalizeItem} from './normalize.js'
import {readYamlItem} from './markdown-text.js'
import {entryFields, entryToCsl, withInherited, type RawEntry, type Variant} from './biblatex.js'

const require = createRequire(import.meta.url)
const core = require('@citation-js/core') as {
  plugins: {
    input: {
      chain(input: string, options: {forceType: string; generateGraph: boolean}): CslItem[]
      data(input: string, type: string): unknown
    }
  }
}
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-ris')

/** A problem found in a bibliography file. */
export interface BibliographyDiagnostic {
  file: string
  line?: number
  column?: number
  message: string
  ruleId: string
  fatal: boolean
}

export interface LoadResult {
  items: CslItem[]
  diagnostics: BibliographyDiagnostic[]
}

export type BibliographyFormat = 'csl-json' | 'csl-yaml' | 'bibtex' | 'ris'

/** The format of a file, from its extension (as Pandoc decides it). */
export function formatOf(file: string): BibliographyFormat | undefined {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.json') return 'csl-json'
  if (ext === '.yaml' || ext === '.yml') return 'csl-yaml'
  if (ext === '.bib' || ext === '.bibtex' || ext === '.biblatex') return 'bibtex'
  if (ext === '.ris' || ext === '.txt') return 'ris'
  return undefined
}

/** Offsets of the top-level elements of a JSON array, for locating items. */
function arrayElementOffsets(text: string): number[] {
  const offsets: number[] = []
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') {
      inString = true
      if (depth === 1) offsets.push(i)
    } else if (ch === '{' || ch === '[') {
      if (depth === 1) offsets.push(i)
      depth++
    } else if (ch === '}' || ch === ']') depth--
    else if (depth === 1 && /[-0-9tfn]/.test(ch!)) {
      offsets.push(i)
      while (i + 1 < text.length && /[-+0-9.eEtruefalsn]/.test(text[i + 1]!)) i++
    }
  }
  return offsets
}

function parseJson(text: string, file: string, diagnostics: BibliographyDiagnostic[]): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const reason = (error as Error).message
    const at = /position (\d+)/.exec(reason)
    const where = at ? lineColumn(text, Number(at[1])) : lineColumn(text, text.length)
    diagnostics.push({file, ...where, message: `Bibliography is not valid JSON: ${reason.replace(/ in JSON at position \d+.*$/, '')}`, ruleId: 'bibliography-json', fatal: true})
    return undefined
  }
}

interface EntryHead {
  type: string
  label: string
  offset: number
}

/** Where each entry starts (`@type{label,`), in file order; `@string` and the like included. */
function entryHeads(text: string): EntryHead[] {
  const heads: EntryHead[] = []
  for (const match of text.matchAll(/@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]*)/g)) {
    heads.push({type: match[1]!.toLowerCase(), label: match[2]!, offset: match.index!})
  }
  return heads
}

const notEntries = new Set(['comment', 'string', 'preamble'])

/**
 * What Pandoc's reader skips between entries, blanked (offsets and lines kept) so that citation-js
 * does not take an `@` in it for an entry: `%` comment lines and `@comment{...}` blocks (JabRef's
 * `@Comment{jabref-meta: ...}` spans lines and holds braces).
 */
function blankComments(text: string): string {
  if (!/%|@\s*comment/i.test(text)) return text
  const blank = (from: number, to: number) => text.slice(from, to).replace(/[^\n]/g, ' ')
  let out = ''
  let last = 0
  // Inside an entry: its brace depth, and whether it opened with a parenthesis.
  let depth = 0
  let parenthesized = false
  let inside = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inside) {
      if (c === '\\') i++
      else if (c === '{') depth++
      else if (c === '}') {
        if (depth === 0 && !parenthesized) inside = false
        else depth--
      } else if (c === ')' && parenthesized && depth === 0) inside = false
      continue
    }
    if (c === '%') {
      const end = text.indexOf('\n', i)
      const stop = end < 0 ? text.length : end
      out += text.slice(last, i) + blank(i, stop)
      last = stop
      i = stop - 1
    } else if (c === '@') {
      const comment = /^@\s*comment\s*([{(])?/i.exec(text.slice(i, i + 40))
      if (comment) {
        let end = i + comment[0].length
        if (comment[1]) {
          const close = comment[1] === '{' ? '}' : ')'
          let inner = 0
          for (; end < text.length; end++) {
            if (text[end] === '{') inner++
            else if (text[end] === '}' && inner > 0) inner--
            else if (text[end] === close && inner === 0) {
              end++
              break
            }
          }
        } else {
          const next = text.indexOf('\n', end)
          end = next < 0 ? text.length : next
        }
        out += text.slice(last, i) + blank(i, end)
        last = end
        i = end - 1
      } else {
        const head = /^@\s*[A-Za-z]+\s*([{(])/.exec(text.slice(i, i + 40))
        if (head) {
          inside = true
          depth = 0
          parenthesized = head[1] === '('
          i += head[0].length - 1
        }
      }
    }
  }
  return out + text.slice(last)
}

function syntaxReason(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!.replace(/ at line \d+ col \d+:?$/, '')
}

/**
 * The entries of a BibTeX file, each with its offset. citation-js reads the whole file; when it
 * cannot, each entry is read on its own (with the `@string`s before it), and one that cannot be
 * read is a warning at its place: every other entry is kept.
 */
function bibtexEntries(source: string, file: string, diagnostics: BibliographyDiagnostic[]): Array<{entry: RawEntry; offset?: number}> {
  const text = blankComments(source)
  const heads = entryHeads(text)
  const withOffsets = (entries: RawEntry[], candidates: EntryHead[]) => {
    let next = 0
    return entries.map((entry) => {
      let at = next
      while (at < candidates.length && candidates[at]!.label !== entry.label) at++
      if (at >= candidates.length) return {entry}
      next = at + 1
      return {entry, offset: candidates[at]!.offset}
    })
  }
  try {
    return withOffsets(core.plugins.input.data(text, '@biblatex/text') as RawEntry[], heads.filter((head) => !notEntries.has(head.type)))
  } catch {
    // Read below, entry by entry.
  }
  const out: Array<{entry: RawEntry; offset?: number}> = []
  let strings = ''
  heads.forEach((head, index) => {
    if (head.type === 'comment') return
    const chunk = text.slice(head.offset, heads[index + 1]?.offset ?? text.length)
    try {
      const entries = core.plugins.input.data(strings + chunk, '@biblatex/text') as RawEntry[]
      if (head.type === 'string') strings += chunk + '\n'
      for (const entry of entries) out.push({entry, offset: head.offset})
    } catch (error) {
      // A syntax error stops Pandoc for the whole file; here it costs only its entry: a warning
      // (an error under --strict), so that an entry nobody cites never stops a build.
      const what = notEntries.has(head.type) ? `\`@${head.type}\`` : `entry \`${head.label}\``
      diagnostics.push({file, ...lineColumn(text, head.offset), message: `BibTeX cannot be read: ${what} is left out (${syntaxReason(error)})`, ruleId: 'bibliography-bibtex', fatal: false})
    }
  })
  return out
}

function fromBibtex(text: string, file: string, diagnostics: BibliographyDiagnostic[], options: {variant: Variant; english: boolean}): {items: unknown[]; offsets: Array<number | undefined>} {
  const {variant} = options
  const entries = bibtexEntries(text, file, diagnostics)
  const byKey = new Map<string, {entry: RawEntry; fields: ReturnType<typeof entryFields>}>()
  for (const {entry} of entries) byKey.set(entry.label, {entry, fields: entryFields(entry)})
  const items: unknown[] = []
  const offsets: Array<number | undefined> = []
  // Commands left out because they are not known: one warning a command, at its first use.
  const unknown = new Map<string, {entries: Set<string>; offset: number | undefined}>()
  for (const {entry, offset} of entries) {
    if (entry.type.toLowerCase() === 'xdata') continue
    const onUnknownCommand = (name: string) => {
      const known = unknown.get(name)
      if (known) known.entries.add(entry.label)
      else {
        const use = offset === undefined ? -1 : text.slice(offset).search(new RegExp(`\\\\${name}(?![a-zA-Z])`))
        unknown.set(name, {entries: new Set([entry.label]), offset: use < 0 ? offset : offset! + use})
      }
    }
    try {
      const fields = withInherited(entry, entryFields(entry), byKey, variant)
      items.push(entryToCsl(entry, fields, {...options, onUnknownCommand}))
      offsets.push(offset)
    } catch (error) {
      const where = offset !== undefined ? lineColumn(text, offset) : {}
      diagnostics.push({file, ...where, message: `Entry \`${entry.label}\` cannot be read and is left out: ${syntaxReason(error)}`, ruleId: 'bibliography-bibtex', fatal: false})
    }
  }
  for (const [name, {entries: using, offset}] of unknown) {
    const where = offset !== undefined ? lineColumn(text, offset) : {}
    diagnostics.push({file, ...where, message: `LaTeX command \`\\${name}\` is not known and is left out, as Pandoc leaves it out${using.size > 1 ? ` (in ${using.size} entries; the first is here)` : ''}`, ruleId: 'bibliography-latex', fatal: false})
  }
  return {items, offsets}
}

function fromRis(text: string, file: string, diagnostics: BibliographyDiagnostic[]): CslItem[] {
  if (!/^TY {2}- /m.test(text)) {
    diagnostics.push({file, line: 1, column: 1, message: 'RIS file has no record (no `TY  - ` line)', ruleId: 'bibliography-ris', fatal: true})
    return []
  }
  const unclosed = text.split(/^ER {2}-.*$/m).slice(-1)[0]!
  if (/^TY {2}- /m.test(unclosed)) {
    const offset = text.length - unclosed.length + unclosed.search(/^TY {2}- /m)
    diagnostics.push({file, ...lineColumn(text, offset), message: 'RIS record is not closed by an `ER  - ` line', ruleId: 'bibliography-ris', fatal: true})
  }
  try {
    return core.plugins.input.chain(text, {forceType: '@ris/file', generateGraph: false})
  } catch (error) {
    diagnostics.push({file, line: 1, column: 1, message: `RIS cannot be read: ${(error as Error).message.split('\n')[0]}`, ruleId: 'bibliography-ris', fatal: true})
    return []
  }
}

/** A Pandoc/Better-BibTeX-like key for items that come without one (RIS). */
function makeKey(item: CslItem, taken: Set<string>): string {
  const names = (item.author ?? item.editor) as Array<{family?: string; literal?: string}> | undefined
  const name = names?.[0]?.family ?? names?.[0]?.literal ?? String(item.title ?? 'item').split(/\s+/)[0]!
  const year = (item.issued as {'date-parts'?: number[][]} | undefined)?.['date-parts']?.[0]?.[0] ?? ''
  const base = (name.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase() || 'item') + year
  let key = base
  for (let n = 0; taken.has(key); n++) key = base + String.fromCharCode(97 + (n % 26)) + (n >= 26 ? String(n) : '')
  return key
}

const loaded = new Map<string, {stamp: string; result: LoadResult}>()

/**
 * Read one bibliography file. Never throws for bad input: problems come back as diagnostics.
 * Items keep the order of the file. A file read before and unchanged since (same size and
 * modification time) is not parsed again: rebuilds in watch and preview reuse it.
 */
export interface LoadOptions {
  /**
   * The document's language (`lang`, BCP 47). Pandoc converts BibTeX titles to sentence case only
   * when it is English or not given.
   */
  lang?: string
}

export function loadBibliographyFile(file: string, options: LoadOptions = {}): LoadResult {
  let stamp: string | undefined
  try {
    const stat = fs.statSync(file)
    if (stat.isFile()) stamp = `${stat.size}:${stat.mtimeMs}`
  } catch {
    // Reported by the read below.
  }
  const english = !options.lang || /^en\b/i.test(options.lang)
  if (stamp) stamp += english ? ':en' : ':other'
  const known = stamp ? loaded.get(file) : undefined
  if (known && known.stamp === stamp) return structuredClone(known.result)
  const result = readBibliographyFile(file, english)
  if (stamp) loaded.set(file, {stamp, result: structuredClone(result)})
  return result
}

function readBibliographyFile(file: string, english: boolean): LoadResult {
  const diagnostics: BibliographyDiagnostic[] = []
  const format = formatOf(file)
  if (!format) {
    return {items: [], diagnostics: [{file, message: `Unknown bibliography format "${path.extname(file)}": use .json (CSL-JSON), .yaml, .bib or .ris`, ruleId: 'bibliography-format', fatal: true}]}
  }
  let buffer: Buffer
  try {
    buffer = fs.readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'Bibliography file not found' : code === 'EISDIR' ? 'Bibliography is a folder, not a file' : `Bibliography cannot be read (${code ?? String(error)})`
    return {items: [], diagnostics: [{file, message: reason, ruleId: 'bibliography-missing', fatal: true}]}
  }
  const decoded = decodeUtf8(buffer)
  if (!('text' in decoded)) {
    return {items: [], diagnostics: [{file, line: decoded.line, column: decoded.column, message: `Bibliography is not UTF-8 text (byte ${decoded.badOffset})`, ruleId: 'encoding', fatal: true}]}
  }
  const text = decoded.text
  let raw: unknown[] = []
  let offsets: number[] = []
  if (format === 'csl-json') {
    const value = parseJson(text, file, diagnostics)
    if (value !== undefined) {
      if (Array.isArray(value)) {
        raw = value
        offsets = arrayElementOffsets(text)
      } else if (value && typeof value === 'object' && Array.isArray((value as {items?: unknown}).items)) {
        raw = (value as {items: unknown[]}).items
      } else if (value && typeof value === 'object' && 'id' in value) {
        raw = [value]
      } else {
        diagnostics.push({file, line: 1, column: 1, message: 'CSL-JSON must be an array of items', ruleId: 'bibliography-json', fatal: true})
      }
    }
  } else if (format === 'csl-yaml') {
    const document = YAML.parseDocument(text)
    if (document.errors.length > 0) {
      const error = document.errors[0]!
      diagnostics.push({file, line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1, message: `Bibliography is not valid YAML: ${error.message.split('\n')[0]}`, ruleId: 'bibliography-yaml', fatal: true})
    } else {
      let value: unknown
      try {
        value = document.toJS()
      } catch (error) {
        // The yaml library refuses aliases that expand without bound ("billion laughs").
        diagnostics.push({file, line: 1, column: 1, message: `Bibliography cannot be read: ${(error as Error).message.split('\n')[0]}`, ruleId: 'bibliography-yaml', fatal: true})
      }
      raw = Array.isArray(value) ? value : Array.isArray((value as {references?: unknown})?.references) ? (value as {references: unknown[]}).references : []
      // Pandoc reads CSL-YAML as Markdown (markdown-text.ts); each item located by its node.
      raw = raw.map((entry) => (entry && typeof entry === 'object' && !Array.isArray(entry) ? readYamlItem(entry as Record<string, unknown>) : entry))
      const list = YAML.isSeq(document.contents) ? document.contents : YAML.isMap(document.contents) ? document.contents.get('references', true) : undefined
      if (YAML.isSeq(list)) offsets = list.items.map((node) => (node as {range?: [number, number, number]}).range?.[0] ?? 0)
    }
  } else if (format === 'bibtex') {
    const read = fromBibtex(text, file, diagnostics, {variant: path.extname(file).toLowerCase() === '.bibtex' ? 'bibtex' : 'biblatex', english})
    raw = read.items
    offsets = read.offsets as number[]
    if (raw.length === 0 && diagnostics.length === 0 && /@\s*[A-Za-z]+\s*[{(]/.test(text) && !/^\s*@\s*(string|preamble|comment)/i.test(text)) {
      diagnostics.push({file, line: 1, column: 1, message: 'No BibTeX entry found in the file', ruleId: 'bibliography-bibtex', fatal: true})
    }
  } else {
    raw = fromRis(text, file, diagnostics)
  }

  const items: CslItem[] = []
  const taken = new Set<string>()
  const indexOf = new Map<string, number>()
  const locate = lineLocator(text)
  raw.forEach((entry, index) => {
    const where = offsets[index] !== undefined ? locate(offsets[index]!) : {}
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      diagnostics.push({file, ...where, message: `Item ${index + 1} is not an object`, ruleId: 'bibliography-item', fatal: true})
      return
    }
    const item = {...(entry as Record<string, unknown>)}
    if (format === 'ris') delete item._graph
    let id = item.id
    if ((id === undefined || id === null || id === '') && format === 'ris') id = makeKey(item as CslItem, taken)
    if (typeof id === 'number') id = String(id)
    if (typeof id !== 'string' || id === '') {
      diagnostics.push({file, ...where, message: `Item ${index + 1}${item.title ? ` ("${String(item.title).slice(0, 60)}")` : ''} has no \`id\``, ruleId: 'bibliography-missing-id', fatal: true})
      return
    }
    // Two works with one id: the last is used, as Pandoc does; a warning, never an error.
    const duplicate = taken.has(id)
    if (duplicate) {
      diagnostics.push({file, ...where, message: `Duplicate id \`${id}\`: this later entry is used, the earlier one is ignored`, ruleId: 'bibliography-duplicate-id', fatal: false})
    }
    taken.add(id)
    // No type is Pandoc's "" (citeproc's fallbacks), as for BibTeX's @misc.
    if (typeof item.type !== 'string') item.type = ''
    const {item: clean, repaired} = normalizeItem({...item, id})
    if (repaired.length > 0) {
      diagnostics.push({file, ...where, message: `Item \`${id}\`: ${repaired.map((f) => `\`${f}\``).join(', ')} ${repaired.length === 1 ? 'is' : 'are'} not in CSL form; repaired or left out`, ruleId: 'bibliography-field', fatal: false})
    }
    if (duplicate) items[indexOf.get(id)!] = clean as CslItem
    else {
      indexOf.set(id, items.length)
      items.push(clean as CslItem)
    }
  })
  return {items, diagnostics}
}

/** Read several files; a work in a later file replaces one with the same id (as in Pandoc), with a warning. */
export function loadBibliographies(files: string[], options: LoadOptions = {}): LoadResult & {plainNotes: string[]} {
  const items: CslItem[] = []
  const diagnostics: BibliographyDiagnostic[] = []
  const seen = new Map<string, {file: string; index: number}>()
  for (const file of files) {
    const result = loadBibliographyFile(file, options)
    diagnostics.push(...result.diagnostics)
    for (const item of result.items) {
      const earlier = seen.get(item.id)
      if (earlier) {
        diagnostics.push({file, message: `Duplicate id \`${item.id}\`: also in ${earlier.file}; this later one is used`, ruleId: 'bibliography-duplicate-id', fatal: false})
        items[earlier.index] = item
        seen.set(item.id, {file, index: earlier.index})
        continue
      }
      seen.set(item.id, {file, index: items.length})
      items.push(item)
    }
  }
  // A BibTeX `note` is text: Pandoc reads `key: value` lines of a note as CSL variables (Zotero's
  // way) only in CSL-JSON and CSL-YAML, which citeproc-js does for every item.
  const plainNotes = [...seen].filter(([, where]) => formatOf(where.file) === 'bibtex').map(([id]) => id)
  return {items, diagnostics, plainNotes}
}
