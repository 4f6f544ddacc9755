/**
 * Stage "bibliography": load the works the essay may cite into `file.data.bibliography`, from the
 * `bibliography` option (the CLI's `--bibliography`), else the front matter's `bibliography:`
 * (relative to the essay, as in Pandoc), else `bibliography/<slug>.json` by convention, plus any
 * inline `references:`. Problems are messages at their place in the bibliography file.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Root, Yaml} from 'mdast'
import type {VFile} from 'vfile'
import YAML from 'yaml'
import {loadBibliographies, type BibliographyDiagnostic} from '../bibliography/load.js'
import {normalizeItem} from '../bibliography/normalize.js'
import {readYamlItem} from '../bibliography/markdown-text.js'
import type {CslItem} from '../citations/render.js'
import {lineColumn} from '../util/text.js'

export interface Options {
  /** Bibliography files, overriding the front matter (absolute or relative to `cwd`). */
  files?: string[]
  /** Folder for relative `files` (default: the process's). */
  cwd?: string
  /** Folders searched by convention for `<slug>.json` and friends, when nothing names a file. */
  conventionDirs?: string[]
}

/** Which bibliography files an essay uses, following the rules above. */
export function bibliographyFiles(file: VFile, options: Options = {}): {files: string[]; byConvention: boolean} {
  if (options.files && options.files.length > 0) {
    return {files: options.files.map((f) => path.resolve(options.cwd ?? process.cwd(), f)), byConvention: false}
  }
  const named = file.data.metadata?.bibliography
  if (named && named.length > 0) {
    return {files: named.map((f) => path.resolve(file.dirname ?? options.cwd ?? process.cwd(), f)), byConvention: false}
  }
  if (file.path) {
    const slug = path.basename(file.path).replace(/\.(md|markdown)$/i, '')
    for (const dir of options.conventionDirs ?? []) {
      for (const ext of ['.json', '.bib', '.yaml', '.ris']) {
        const candidate = path.join(dir, slug + ext)
        if (fs.existsSync(candidate)) return {files: [candidate], byConvention: true}
      }
    }
  }
  return {files: [], byConvention: true}
}

export function report(file: VFile, diagnostic: BibliographyDiagnostic) {
  const message = file.message(diagnostic.message, {
    place: diagnostic.line ? {line: diagnostic.line, column: diagnostic.column ?? 1} : undefined,
    ruleId: diagnostic.ruleId,
    source: 'essay-edition'
  })
  message.file = diagnostic.file
  message.fatal = diagnostic.fatal ? true : false
}

/** Where each item of the front matter's `references:` starts in the essay (line, column). */
function referencePlaces(tree: Root): Array<{line: number; column: number} | undefined> {
  const node = tree.children.find((child): child is Yaml => child.type === 'yaml')
  if (!node?.position) return []
  const document = YAML.parseDocument(node.value)
  const list = YAML.isMap(document.contents) ? document.contents.get('references', true) : undefined
  if (!YAML.isSeq(list)) return []
  // The YAML body starts on the line after the opening `---`.
  return list.items.map((item) => {
    const offset = (item as {range?: [number, number, number]}).range?.[0]
    if (offset === undefined) return undefined
    const at = lineColumn(node.value, offset)
    return {line: node.position!.start.line + at.line, column: at.column}
  })
}

export default function remarkBibliography(options: Options = {}) {
  return function transformer(tree: Root, file: VFile) {
    const {files} = bibliographyFiles(file, options)
    const result = loadBibliographies(files, {lang: file.data.metadata?.lang})
    for (const diagnostic of result.diagnostics) report(file, diagnostic)
    const items = new Map<string, CslItem>()
    const from = new Map<string, string>()
    for (const item of result.items) {
      items.set(item.id, item)
      from.set(item.id, 'file')
    }
    // The front matter's `references:`, read as Pandoc reads CSL-YAML; they win over the files'.
    const references = file.data.metadata?.references ?? []
    const places = references.length > 0 ? referencePlaces(tree) : []
    for (const [index, entry] of references.entries()) {
      const place = places[index] ?? {line: 1, column: 1}
      const item = entry && typeof entry === 'object' && !Array.isArray(entry) ? readYamlItem(entry as Record<string, unknown>) : undefined
      if (!item || typeof item.id !== 'string' || item.id === '') {
        report(file, {file: file.path, ...place, message: `Front-matter reference ${index + 1} has no \`id\` and is left out`, ruleId: 'bibliography-missing-id', fatal: false})
        continue
      }
      const id = item.id
      if (items.has(id)) {
        const where = from.get(id) === 'front matter' ? 'earlier in the front matter' : 'in the bibliography'
        report(file, {file: file.path, ...place, message: `Duplicate id \`${id}\`: also ${where}; this one is used`, ruleId: 'bibliography-duplicate-id', fatal: false})
      }
      const {item: clean, repaired} = normalizeItem({type: '', ...item})
      if (repaired.length > 0) {
        report(file, {file: file.path, ...place, message: `Front-matter reference \`${id}\`: ${repaired.map((f) => `\`${f}\``).join(', ')} ${repaired.length === 1 ? 'is' : 'are'} not in CSL form; repaired or left out`, ruleId: 'bibliography-field', fatal: false})
      }
      items.set(id, clean as CslItem)
      from.set(id, 'front matter')
    }
    const plainNotes = result.plainNotes.filter((id) => from.get(id) === 'file')
    file.data.bibliography = {items, files, ...(plainNotes.length > 0 ? {plainNotes} : {})}
  }
}
