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

const require = createRequire(import.meta.url)
const core = require('@citation-js/core') as {
  plugins: {
    input: {chain(input: string, options: {forceType: string; generateGraph: boolean}): CslItem[]}
    config: {get(name: string): {parse: {sentenceCase: string; strict?: boolean}}}
  }
}
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-ris')
// BibTeX keeps titles in title case; CSL wants sentence case, as Pandoc makes it (shared/notes).
core.plugins.config.get('@bibtex').parse.sentenceCase = 'english'

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

/** BibLaTeX fields and types that citation-js's BibTeX reader leaves out. */
const biblatexOnly = /^\s*(date|journaltitle|location|urldate|eventdate|origdate|maintitle|eprint|eprinttype)\s*=|^\s*@(online|report|mvbook|bookinbook|dataset|software|thesis)\s*[{(]/im

function fromBibtex(text: string, file: string, diagnostics: BibliographyDiagnostic[]): CslItem[] {
  try {
    const classic = core.plugins.input.chain(text, {forceType: '@bibtex/text', generateGraph: false})
    if (!biblatexOnly.test(text)) return classic
    // BibLaTeX: read it both ways; classic readings win (they give Pandoc's "PhD thesis" and the like).
    const modern = new Map(core.plugins.input.chain(text, {forceType: '@biblatex/text', generateGraph: false}).map((item) => [item.id, item]))
    return classic.map((item) => {
      const other = modern.get(item.id)
      const merged = {...other, ...Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined))} as CslItem
      // An entry type only BibLaTeX knows (`@online`) comes out of the classic reader as `document`.
      if (item.type === 'document' && other?.type) merged.type = other.type
      return merged
    })
  } catch (error) {
    const reason = (error as Error).message
    const at = /at line (\d+) col (\d+)/.exec(reason)
    diagnostics.push({
      file,
      line: at ? Number(at[1]) : 1,
      column: at ? Number(at[2]) : 1,
      message: `BibTeX cannot be read: ${reason.split('\n')[0]!.replace(/ at line \d+ col \d+:?$/, '')}`,
      ruleId: 'bibliography-bibtex',
      fatal: true
    })
    return []
  }
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

/**
 * BibTeX's "van der Berg, Anna" is Berg with the particle "van der", which biblatex (by default,
 * `useprefix=false`) and Pandoc drop in front of the family name: "Berg, A. van der". citation-js
 * keeps it as a non-dropping particle; move it, so that entries read and sort as Pandoc's.
 */
function dropLowercaseParticles(item: Record<string, unknown>) {
  for (const role of ['author', 'editor', 'translator', 'container-author', 'collection-editor']) {
    const names = item[role]
    if (!Array.isArray(names)) continue
    for (const name of names as Array<Record<string, unknown>>) {
      const particle = name['non-dropping-particle']
      if (typeof particle === 'string' && /^\p{Ll}/u.test(particle) && name['dropping-particle'] === undefined) {
        name['dropping-particle'] = particle
        delete name['non-dropping-particle']
      }
    }
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
export function loadBibliographyFile(file: string): LoadResult {
  let stamp: string | undefined
  try {
    const stat = fs.statSync(file)
    if (stat.isFile()) stamp = `${stat.size}:${stat.mtimeMs}`
  } catch {
    // Reported by the read below.
  }
  const known = stamp ? loaded.get(file) : undefined
  if (known && known.stamp === stamp) return structuredClone(known.result)
  const result = readBibliographyFile(file)
  if (stamp) loaded.set(file, {stamp, result: structuredClone(result)})
  return result
}

function readBibliographyFile(file: string): LoadResult {
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
      const value = document.toJS() as unknown
      raw = Array.isArray(value) ? value : Array.isArray((value as {references?: unknown})?.references) ? (value as {references: unknown[]}).references : []
    }
  } else if (format === 'bibtex') {
    raw = fromBibtex(text, file, diagnostics)
    if (raw.length === 0 && diagnostics.length === 0 && text.trim()) {
      diagnostics.push({file, line: 1, column: 1, message: 'No BibTeX entry found in the file', ruleId: 'bibliography-bibtex', fatal: true})
    }
  } else {
    raw = fromRis(text, file, diagnostics)
  }

  const items: CslItem[] = []
  const taken = new Set<string>()
  const locate = lineLocator(text)
  raw.forEach((entry, index) => {
    const where = offsets[index] !== undefined ? locate(offsets[index]!) : {}
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      diagnostics.push({file, ...where, message: `Item ${index + 1} is not an object`, ruleId: 'bibliography-item', fatal: true})
      return
    }
    const item = {...(entry as Record<string, unknown>)}
    if (format === 'bibtex' || format === 'ris') delete item._graph
    if (format === 'bibtex') dropLowercaseParticles(item)
    let id = item.id
    if ((id === undefined || id === null || id === '') && format === 'ris') id = makeKey(item as CslItem, taken)
    if (typeof id === 'number') id = String(id)
    if (typeof id !== 'string' || id === '') {
      diagnostics.push({file, ...where, message: `Item ${index + 1}${item.title ? ` ("${String(item.title).slice(0, 60)}")` : ''} has no \`id\``, ruleId: 'bibliography-missing-id', fatal: true})
      return
    }
    if (taken.has(id)) {
      const at = format === 'bibtex' ? locateBibtexKey(text, id, 2) : where
      diagnostics.push({file, ...at, message: `Duplicate id \`${id}\`: each work needs its own`, ruleId: 'bibliography-duplicate-id', fatal: true})
      return
    }
    taken.add(id)
    if (typeof item.type !== 'string') item.type = 'document'
    const {item: clean, repaired} = normalizeItem({...item, id})
    if (repaired.length > 0) {
      diagnostics.push({file, ...where, message: `Item \`${id}\`: ${repaired.map((f) => `\`${f}\``).join(', ')} ${repaired.length === 1 ? 'is' : 'are'} not in CSL form; repaired or left out`, ruleId: 'bibliography-field', fatal: false})
    }
    items.push(clean as CslItem)
  })
  return {items, diagnostics}
}

function locateBibtexKey(text: string, key: string, occurrence: number): {line?: number; column?: number} {
  let from = 0
  let found = -1
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`@\\w+\\s*[{(]\\s*${escaped}\\s*,`, 'g')
  for (let n = 0; n < occurrence; n++) {
    re.lastIndex = from
    const match = re.exec(text)
    if (!match) break
    found = match.index
    from = match.index + 1
  }
  return found >= 0 ? lineColumn(text, found) : {}
}

/** Read several files; later files do not override earlier ones (a duplicate id is reported). */
export function loadBibliographies(files: string[]): LoadResult {
  const items: CslItem[] = []
  const diagnostics: BibliographyDiagnostic[] = []
  const seen = new Map<string, string>()
  for (const file of files) {
    const result = loadBibliographyFile(file)
    diagnostics.push(...result.diagnostics)
    for (const item of result.items) {
      if (seen.has(item.id)) {
        diagnostics.push({file, message: `Duplicate id \`${item.id}\`: also in ${seen.get(item.id)}`, ruleId: 'bibliography-duplicate-id', fatal: true})
        continue
      }
      seen.set(item.id, file)
      items.push(item)
    }
  }
  return {items, diagnostics}
}
