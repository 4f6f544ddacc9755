/**
 * Stage "bibliography": load the works the essay may cite into `file.data.bibliography`, from the
 * `bibliography` option (the CLI's `--bibliography`), else the front matter's `bibliography:`
 * (relative to the essay, as in Pandoc), else `bibliography/<slug>.json` by convention, plus any
 * inline `references:`. Problems are messages at their place in the bibliography file.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Root} from 'mdast'
import type {VFile} from 'vfile'
import {loadBibliographies, type BibliographyDiagnostic} from '../bibliography/load.js'
import {normalizeItem} from '../bibliography/normalize.js'
import type {CslItem} from '../citations/render.js'

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

export default function remarkBibliography(options: Options = {}) {
  return function transformer(_tree: Root, file: VFile) {
    const {files} = bibliographyFiles(file, options)
    const result = loadBibliographies(files)
    for (const diagnostic of result.diagnostics) report(file, diagnostic)
    const items = new Map<string, CslItem>()
    for (const item of result.items) items.set(item.id, item)
    for (const [index, entry] of (file.data.metadata?.references ?? []).entries()) {
      if (entry && typeof entry === 'object' && typeof entry.id === 'string' && !items.has(entry.id)) {
        items.set(entry.id, normalizeItem({type: 'document', ...entry}).item as CslItem)
      } else {
        report(file, {file: file.path, line: 1, column: 1, message: `Front-matter reference ${index + 1} has no \`id\`, or one used twice`, ruleId: 'bibliography-missing-id', fatal: true})
      }
    }
    file.data.bibliography = {items, files}
  }
}
