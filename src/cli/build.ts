/**
 * `essay-edition build`: build the reading editions and write them, all or nothing per essay.
 */
import path from 'node:path'
import type {ParseArgsConfig} from 'node:util'
import {failed, planBuild, sourcesOf, UsageError, type BuildOptions} from '../build.js'
import {collectionPage} from '../outputs/collection.js'
import {OutputError, sourcesInside, writeOutputs, type OutputFiles} from '../outputs/write.js'
import {clientAssets} from '../pipeline.js'
import {papers, type Paper} from '../outputs/print-html.js'
import {fail, parse, report, editionOptions, editionRequest, buildPlanned} from './shared.js'
import {Progress} from './progress.js'
import {watchBuild, type BuildCache} from '../watch.js'
import {defaultPoolSize, sharedRenderPool} from '../citations/pool.js'

export const buildUsage = `Usage: essay-edition build [FILE.md|DIR ...] [options]

Build the reading edition of each essay: index.html, references.bib, references.ris,
references.json. With no FILE, every essay in essay/ goes to build/<slug>/, with
build/index.html listing them. One FILE with --out DIR goes to DIR/index.html.

Options:
  --out DIR              output folder (default: build)
  --bibliography FILE    bibliography (CSL-JSON, BibTeX, RIS); may repeat; overrides the
                         front matter's bibliography:
  --style ID|FILE.csl    a style to offer; may repeat (default: the nine shipped styles)
  --default-style ID     the style shown first (default: front matter style:, else the first)
  --csl-dir DIR          another folder of .csl styles; may repeat
  --strict               warnings are errors
  --trust-html           keep the essay's raw HTML unsanitized (trusted authors only)
  --no-smart             keep straight quotes, --, --- and ... as typed (Pandoc's
                         -f markdown-smart); default: curly quotes, dashes, ellipses
  --pdf                  also print each essay as <slug>.pdf: notes at the foot of their
                         pages, running head, page numbers, bookmarks (needs Chromium)
  --paper a4|letter      the PDF's paper (default: a4)
  --epub                 also make each essay an EPUB 3 book, <slug>.epub: notes as pop-up
                         footnotes, references, MathML, images; with several essays also
                         collection.epub, every essay a chapter
  --collection-title T   the title of the collection page and book (default: Essays)
  --quiet                print errors only
  --verbose              also the time of each stage of each essay
  -w, --watch            after building, rebuild whenever an essay, its bibliography or a
                         style changes (unchanged essays are skipped); Ctrl-C stops
  -h, --help             this help

Examples:
  essay-edition build
  essay-edition build --watch
  essay-edition build paper/paper.md --out paper/out
  essay-edition build paper/paper.md --out paper/out --epub
  essay-edition build essay/a.md essay/b.md --out site --style apa --style ieee`

export const buildOptions = {
  ...editionOptions,
  out: {type: 'string'},
  pdf: {type: 'boolean'},
  paper: {type: 'string'},
  epub: {type: 'boolean'},
  'collection-title': {type: 'string'},
  watch: {type: 'boolean', short: 'w'}
} satisfies ParseArgsConfig['options']

export async function build(args: string[], context: {cache?: BuildCache} = {}): Promise<number> {
  const {values, positionals} = parse(args, buildOptions, buildUsage)
  if (values.help) {
    process.stdout.write(buildUsage + '\n')
    return 0
  }
  const paper = (values.paper ?? 'a4').toLowerCase() as Paper
  if (!papers.includes(paper)) fail(`--paper must be a4 or letter, not "${values.paper}"`, buildUsage)
  if (values.paper !== undefined && !values.pdf) fail('--paper is for the PDF: add --pdf', buildUsage)
  if (values.pdf) {
    // Loaded for PDFs only: Chromium's driver (playwright-core) costs ~0.6 s and ~70 MB to load.
    const {findChromium, installHint} = await import('../outputs/chromium.js')
    if (!findChromium()) {
      process.stderr.write(`essay-edition: --pdf needs Chromium, which was not found. ${installHint}\n`)
      return 1
    }
  }
  if (values.watch && !context.cache) return watchBuild((cache) => build(args, {cache}), {inputs: positionals.length > 0 ? positionals : ['essay'], out: path.resolve(values.out ?? 'build'), quiet: values.quiet})
  const options: BuildOptions = {
    ...editionRequest(values, positionals),
    ...(values.out !== undefined ? {out: values.out} : {}),
    ...(values.pdf ? {pdf: true, paper} : {}),
    ...(values.epub ? {epub: true} : {}),
    ...(context.cache ? {cache: context.cache} : {})
  }
  let plan
  try {
    plan = planBuild(options)
  } catch (error) {
    if (error instanceof UsageError) fail(error.message, buildUsage)
    throw error
  }
  const endangered = sourcesInside(plan.outDir, sourcesOf(plan, options))
  if (endangered.length > 0) {
    fail(`refusing to write into ${path.relative(process.cwd(), plan.outDir) || '.'}: it holds ${endangered.map((s) => path.relative(process.cwd(), s)).join(', ')}. Choose a fresh folder, e.g. --out ${path.join(path.relative(process.cwd(), path.dirname(plan.essays[0]!.source)) || '.', 'out')}`, buildUsage)
  }
  // The styles render on worker threads, one per core (src/citations/pool.ts); started now, the
  // workers load citeproc while the first essay is parsed. Idle, they never hold the process.
  // ESSAY_EDITION_WORKERS=0 renders in this thread instead.
  if (!options.renderAll && defaultPoolSize() > 0) {
    const pool = sharedRenderPool()
    pool.start()
    options.renderAll = (jobs) => pool.render(jobs)
  }
  const progress = new Progress({quiet: values.quiet, verbose: values.verbose})
  const results = await buildPlanned(plan, options, progress)
  const output = report(results.map((r) => r.file), {quiet: values.quiet, strict: options.strict})
  if (output) process.stderr.write(output + '\n')
  const good = results.filter((r) => r.ok && !failed(r.file, options.strict))
  const files: OutputFiles = new Map()
  for (const result of good) for (const [name, content] of result.outputs) files.set(name, content)
  const collectionTitle = values['collection-title'] ?? 'Essays'
  if (plan.collection && good.length > 0 && values.epub) {
    const {epubBook} = await import('../outputs/epub.js')
    const chapters = good.flatMap((result) => (result.epub ? [result.epub] : []))
    if (chapters.length > 0) files.set('collection.epub', epubBook(chapters, {title: collectionTitle}))
  }
  if (plan.collection && good.length > 0) {
    files.set('index.html', collectionPage(good.map((result) => ({
      href: `${result.dir}/index.html`,
      title: result.file.data.metadata?.title ?? result.slug,
      ...(result.file.data.metadata?.author ? {author: result.file.data.metadata.author.map((a) => a.name).join(', ')} : {}),
      ...(result.file.data.metadata?.date ? {date: result.file.data.metadata.date} : {}),
      excerpt: excerpt(String(result.file.value)),
      ...(result.outputs.has(`${result.dir}/${result.slug}.pdf`) ? {pdf: `${result.dir}/${result.slug}.pdf`} : {}),
      ...(result.outputs.has(`${result.dir}/${result.slug}.epub`) ? {epub: `${result.dir}/${result.slug}.epub`} : {})
    })), clientAssets(), collectionTitle, files.has('collection.epub') ? {book: 'collection.epub'} : {}))
  }
  try {
    if (files.size > 0) writeOutputs(plan.outDir, files)
  } catch (error) {
    if (!(error instanceof OutputError)) throw error
    process.stderr.write(`essay-edition: ${error.message}\n`)
    return 1
  }
  progress.summary({done: good.length, total: results.length, files: results.map((r) => r.file), outDir: plan.outDir, ...(context.cache ? {unchanged: context.cache.reused, patched: context.cache.patched} : {})})
  return good.length === results.length ? 0 : 1
}

/** The first lines of an essay's text, for the collection page. */
export function excerpt(markdown: string): string {
  const body = markdown.replace(/^---\r?\n[\s\S]*?\r?\n(---|\.\.\.)\r?\n/, '')
  const paragraph = body.split(/\r?\n\s*\r?\n/).find((block) => /^[^#>\-*|`\[\s]/.test(block.trim()) && !/^\[\^/.test(block.trim())) ?? ''
  const text = paragraph.replace(/\[\^[^\]]+\]/g, '').replace(/\[@[^\]]+\]/g, '').replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim()
  return text.length > 240 ? text.slice(0, 240).replace(/\s+\S*$/, '') + '…' : text
}

