/**
 * Building essays: which files, where their outputs go, and what each essay produces (the page and
 * the bibliography exports). The library part of the CLI: no printing, no exiting.
 */
import fs from 'node:fs'
import path from 'node:path'
import {VFile} from 'vfile'
import type {Root as HastRoot} from 'hast'
import {buildEdition, type EditionOptions} from './pipeline.js'
import {bibliographyFiles} from './plugins/remark-bibliography.js'
import {decodeUtf8, deepestNesting} from './util/text.js'
import {collectionPage} from './outputs/collection.js'
import type {OutputFiles} from './outputs/write.js'
import type {Paper} from './outputs/pdf.js'
import type {EpubChapter} from './outputs/epub.js'
import type {PrintedNode} from './util/html-memo.js'

export interface BuildOptions extends EditionOptions {
  /** Essay files or folders of essays; none: every essay in `essay/`. */
  inputs?: string[]
  /** Output folder (default `build`). */
  out?: string
  /** Warnings count as errors. */
  strict?: boolean
  /** Also print each essay as `<slug>.pdf` (src/outputs/pdf.ts), on this paper (default a4). */
  pdf?: boolean
  paper?: Paper
  /** Also make each essay an EPUB 3 book, `<slug>.epub` (src/outputs/epub.ts). */
  epub?: boolean
  /** Reuse the result of an essay whose inputs did not change (watch mode: src/watch.ts). */
  cache?: EssayCache
}

/** Builds an essay through a cache of earlier results (`BuildCache` in src/watch.ts). */
export interface EssayCache {
  build(source: string, slug: string, dir: string, options: BuildOptions, run: typeof buildEssay): Promise<EssayResult>
}

/** Folders searched for `<slug>.json` (and .bib, .yaml, .ris) when nothing names a bibliography. */
export function conventionDirsFor(source: string, options: BuildOptions): string[] {
  const cwd = options.cwd ?? process.cwd()
  return options.conventionBibliographyDirs ?? [path.join(cwd, 'bibliography'), path.join(path.dirname(source), '..', 'bibliography'), path.dirname(source)]
}

export interface EssayResult {
  source: string
  slug: string
  file: VFile
  /** Folder of this essay's outputs, relative to the output folder ('' for a single essay). */
  dir: string
  outputs: OutputFiles
  ok: boolean
  /** The essay as a book's chapter (with `epub`), for the collection's book. */
  epub?: EpubChapter
  /** The page as printed block by block (rebuilds with an `htmlMemo`), for the preview's patches. */
  printed?: PrintedNode[]
}

export interface BuildPlan {
  outDir: string
  essays: Array<{source: string; slug: string; dir: string}>
  /** True when a collection page lists the essays. */
  collection: boolean
}

/** A usage problem (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError'
}

function essaysIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /\.(md|markdown)$/i.test(name))
    .sort()
    .map((name) => path.join(dir, name))
}

/** Decide which essays are built and where. */
export function planBuild(options: BuildOptions): BuildPlan {
  const cwd = options.cwd ?? process.cwd()
  const inputs = options.inputs && options.inputs.length > 0 ? options.inputs : [path.join(cwd, 'essay')]
  const files: string[] = []
  let sawFolder = false
  for (const input of inputs) {
    const full = path.resolve(cwd, input)
    let stat: fs.Stats
    try {
      stat = fs.statSync(full)
    } catch {
      throw new UsageError(`No such file or folder: ${input}`)
    }
    if (stat.isDirectory()) {
      sawFolder = true
      files.push(...essaysIn(full))
    } else files.push(full)
  }
  if (files.length === 0) throw new UsageError(`No essay (.md) found in ${inputs.join(', ')}`)
  const single = files.length === 1 && !sawFolder && options.out !== undefined
  const outDir = path.resolve(cwd, options.out ?? 'build')
  const slugs = new Map<string, number>()
  const essays = files.map((source) => {
    let slug = path.basename(source).replace(/\.(md|markdown)$/i, '').replace(/[^\p{L}\p{N}._-]+/gu, '-') || 'essay'
    const seen = slugs.get(slug) ?? 0
    slugs.set(slug, seen + 1)
    if (seen > 0) slug = `${slug}-${seen + 1}`
    return {source, slug, dir: single ? '' : slug}
  })
  return {outDir, essays, collection: !single}
}

/** Every file the build reads: the output folder must hold none of them. */
export function sourcesOf(plan: BuildPlan, options: BuildOptions): string[] {
  const sources = plan.essays.map((essay) => essay.source)
  for (const file of options.bibliography ?? []) sources.push(path.resolve(options.cwd ?? process.cwd(), file))
  for (const style of options.styles ?? []) if (style.endsWith('.csl')) sources.push(path.resolve(options.cwd ?? process.cwd(), style))
  return sources
}

/** Read an essay's bytes into a VFile, or say why it cannot be read. */
export function readEssay(source: string): VFile {
  const file = new VFile({path: source})
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(source)
  } catch (error) {
    const message = file.message(`Cannot read the essay (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {ruleId: 'essay-unreadable', source: 'essay-edition'})
    message.fatal = true
    return file
  }
  const decoded = decodeUtf8(bytes)
  if (!('text' in decoded)) {
    const message = file.message(`The essay is not UTF-8 text (byte ${decoded.badOffset}); save it as UTF-8`, {
      place: {line: decoded.line, column: decoded.column},
      ruleId: 'encoding',
      source: 'essay-edition'
    })
    message.fatal = true
    return file
  }
  file.value = decoded.text
  return file
}

/** True when the file has an error (or, under `strict`, a warning). */
export function failed(file: VFile, strict = false): boolean {
  return file.messages.some((m) => m.fatal === true || (strict && m.fatal === false))
}

/** Build one essay into its output files (nothing is written here). */
export async function buildEssay(source: string, slug: string, dir: string, options: BuildOptions): Promise<EssayResult> {
  const {cache, ...uncached} = options
  if (cache) return cache.build(source, slug, dir, uncached, buildEssay)
  const file = readEssay(source)
  const outputs: OutputFiles = new Map()
  const result: EssayResult = {source, slug, file, dir, outputs, ok: false}
  if (failed(file)) return result
  let html: string | undefined
  let tree: HastRoot | undefined
  let printed: PrintedNode[] | undefined
  try {
    ;({html, tree, printed} = await buildEdition(file, {...options, conventionBibliographyDirs: conventionDirsFor(source, options)}))
  } catch (error) {
    // Block quotes, lists, emphasis or HTML elements nested some thousand levels deep overflow
    // the recursion of the Markdown and HTML tree utilities: the input's limit, not a bug.
    // (An overflow on an essay that does not nest so deep is a bug, and reported as one.)
    const deepest = error instanceof RangeError && /call stack/i.test(error.message) ? deepestNesting(String(file.value)) : undefined
    if (!deepest || deepest.depth < 500) throw error
    const message = file.message(`The essay nests too deeply to be built: about ${deepest.depth} levels of block quotes, lists, emphasis or HTML elements here (a thousand or so can be built)`, {
      place: {line: deepest.line, column: deepest.column},
      ruleId: 'nesting',
      source: 'essay-edition'
    })
    message.fatal = true
    return result
  }
  if (html === undefined || failed(file, options.strict)) return result
  const join = (name: string) => (dir ? `${dir}/${name}` : name)
  outputs.set(join('index.html'), html)
  if (printed) result.printed = printed
  const exports = file.data.exports
  if (exports && (file.data.citations?.listed.length ?? 0) > 0) {
    outputs.set(join('references.bib'), exports.bibtex)
    outputs.set(join('references.ris'), exports.ris)
    outputs.set(join('references.json'), exports.cslJson)
  }
  if (options.pdf) {
    // Loaded for PDFs only: Chromium's driver (playwright-core) costs ~0.6 s and ~70 MB to load.
    const {renderPdf} = await import('./outputs/pdf.js')
    const metadata = file.data.metadata
    try {
      outputs.set(join(`${slug}.pdf`), await renderPdf(html, {
        paper: options.paper ?? 'a4',
        title: metadata?.title ?? file.stem ?? slug,
        ...(metadata?.author ? {author: metadata.author.map((a) => a.name)} : {}),
        ...(metadata?.subject ? {subject: metadata.subject} : {}),
        ...(metadata?.keywords ? {keywords: metadata.keywords} : {}),
        ...(metadata?.date ? {date: metadata.date} : {})
      }))
    } catch (error) {
      const message = file.message(`Cannot print the PDF: ${(error as Error).message}`, {ruleId: 'pdf', source: 'essay-edition'})
      message.fatal = true
      return result
    }
  }
  if (options.epub && tree) {
    const {epubBook, epubChapter} = await import('./outputs/epub.js')
    const chapter = epubChapter(tree, file)
    // An image or link the book cannot hold is a warning: an error under --strict.
    if (failed(file, options.strict)) return result
    outputs.set(join(`${slug}.epub`), epubBook([chapter]))
    result.epub = chapter
  }
  result.ok = true
  return result
}

export {bibliographyFiles, collectionPage}
