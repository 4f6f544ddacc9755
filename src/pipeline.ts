/**
 * The pipeline, stage by stage, top to bottom. Each stage is a unified plugin (src/plugins) or a
 * small pure utility; they speak to each other only through the tree and `file.data` (src/types.ts).
 *
 *   parse ────────── remark-parse + remark-gfm + remark-frontmatter + remark-pandoc (mdast):
 *                    Pandoc's dollar math, citations (`cite` nodes), raw TeX, block rules,
 *                    figures, read by micromark extensions (src/syntax/)
 *   pandoc inline ── inline notes ^[...] to footnotes, heading {#attributes} dropped
 *   metadata ─────── front matter -> file.data.metadata
 *   note checks ──── undefined and unreferenced notes
 *   TeX macros ───── \newcommand definitions in raw TeX, for the math stage
 *   smart ────────── curly quotes, dashes, ellipses as Pandoc's `smart` (text, notes, titles, citation affixes)
 *   cite ─────────── `cite` nodes -> citation values (locators, affixes as citeproc markup)
 *   bibliography ─── CSL-JSON / BibTeX / RIS -> file.data.bibliography
 *   render ───────── every style through citeproc-js -> node.data.cite, file.data.citations
 *   to hast ──────── remark-rehype with our handlers (cite, footnotes); raw HTML parsed
 *   sanitize ─────── the essay's own content, before we add ours
 *   heading levels ─ an essay using `#` headings shifted down one (the title is the page's h1)
 *   notes ────────── note references, endnotes, backlinks
 *   contents ─────── heading ids, table of contents (2+ headings)
 *   permalinks ───── paragraph ids p-N (as "¶ N"), links to paragraphs and headings
 *   references ───── one list per style, backlinks, copy buttons, COinS, exports
 *   cite this ────── the essay's own citation in every style and as BibTeX
 *   math ─────────── TeX to MathML (KaTeX, loaded for pages with math only); bad TeX shown as code
 *   document ─────── head, metadata (description, link previews), CSP, inline CSS and script
 *   stringify
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {unified, type Processor} from 'unified'
import remarkParse from 'remark-parse'
import remarkGfm from 'remark-gfm'
import remarkFrontmatter from 'remark-frontmatter'
import remarkRehype from 'remark-rehype'
import rehypeStringify from 'rehype-stringify'
import type {Root as HastRoot} from 'hast'
import type {Root as MdastRoot} from 'mdast'
import {VFile} from 'vfile'
import YAML from 'yaml'
import remarkPandoc from './plugins/remark-pandoc.js'
import remarkPandocInline from './plugins/remark-pandoc-inline.js'
import remarkTexMacros from './plugins/remark-tex-macros.js'
import remarkEssayMetadata from './plugins/remark-essay-metadata.js'
import remarkNoteDiagnostics from './plugins/remark-note-diagnostics.js'
import remarkCitations from './plugins/remark-citations.js'
import remarkSmartPunctuation from './plugins/remark-smart-punctuation.js'
import remarkBibliography from './plugins/remark-bibliography.js'
import remarkRenderCitations from './plugins/remark-render-citations.js'
import rehypeShiftHeadings from './plugins/rehype-shift-headings.js'
import rehypeNotes from './plugins/rehype-notes.js'
import rehypeToc from './plugins/rehype-toc.js'
import rehypePermalinks from './plugins/rehype-permalinks.js'
import rehypeReferences from './plugins/rehype-references.js'
import rehypeCiteThis from './plugins/rehype-cite-this.js'
import rehypeDocument from './plugins/rehype-document.js'
import rehypeMath from './plugins/rehype-math.js'
import {cite} from './handlers/cite.js'
import {footnoteDefinition, footnoteReference} from './handlers/footnotes.js'
import {rawTex, titleBlock} from './handlers/unprinted.js'
import {sanitizeTree} from './util/sanitize.js'
import {hasRaw} from './util/hast.js'
import type {HtmlMemo, PrintedNode} from './util/html-memo.js'
import type {MarkdownMemo} from './util/markdown-memo.js'
import {loadStyle, locateEssayStyle, shippedStyleIds, shippedStylesDir, StyleError, type CslStyle, type StyleLookup} from './citations/styles.js'
import type {renderStyle, RenderedStyle} from './citations/render.js'

export interface EditionOptions extends StyleLookup {
  /** Styles to render (ids or .csl paths); default: the nine shipped styles. */
  styles?: string[]
  /** Style shown first; default: the front matter's `style:`, else the first style. */
  defaultStyle?: string
  /** Bibliography files overriding the front matter. */
  bibliography?: string[]
  /** Folders searched for `<slug>.json` when nothing names a bibliography. */
  conventionBibliographyDirs?: string[]
  /** Keep raw HTML as written (trusted authors only). */
  trustHtml?: boolean
  /** Curly quotes, dashes and ellipses as Pandoc's `smart` extension makes them (default true; `--no-smart`). */
  smart?: boolean
  /** Client script and CSS to inline; default: the bundled assets. */
  assets?: {script: string; css: string}
  /** Render styles some other way (a worker pool). */
  renderAll?: (jobs: Array<Parameters<typeof renderStyle>[0]>) => RenderedStyle[] | Promise<RenderedStyle[]>
  /** Parse reusing the chunks an earlier build of the same essay parsed (rebuilds). */
  markdownMemo?: MarkdownMemo
  /** Print the page reusing the blocks an earlier build of the same essay printed (rebuilds). */
  htmlMemo?: HtmlMemo
  /** Told the time of each stage once it is done (`--verbose`). */
  onStage?: (name: string, ms: number) => void
}

/** A stopwatch for `onStage`: each call reports the time since the previous one. */
function stageTimer(onStage: EditionOptions['onStage']): (name: string) => void {
  let last = performance.now()
  return (name) => {
    if (!onStage) return
    const now = performance.now()
    onStage(name, now - last)
    last = now
  }
}

const here = path.dirname(fileURLToPath(import.meta.url))
let cachedAssets: {script: string; css: string} | undefined

/** The bundled client script and stylesheet (made by `npm run compile`). */
export function clientAssets(): {script: string; css: string} {
  if (!cachedAssets) {
    const dir = path.resolve(here, '../client')
    cachedAssets = {
      script: fs.readFileSync(path.join(dir, 'reader.js'), 'utf8'),
      css: fs.readFileSync(path.join(dir, 'reader.css'), 'utf8')
    }
  }
  return cachedAssets
}

/**
 * The parse stage alone: Markdown with GFM, Pandoc's extensions and (unless told not to) YAML
 * front matter to mdast. The front matter closes with `---` or, as YAML and Pandoc allow, `...`
 * (`frontMatterClose`, which `closingFence` reads off the essay).
 */
export function parser(options: {frontMatter?: boolean; frontMatterClose?: '---' | '...'} = {}): Processor<MdastRoot> {
  const processor = unified().use(remarkParse).use(remarkGfm, {singleTilde: false})
  if (options.frontMatter !== false) processor.use(remarkFrontmatter, [{type: 'yaml', fence: {open: '---', close: options.frontMatterClose ?? '---'}}])
  return processor.use(remarkPandoc) as unknown as Processor<MdastRoot>
}

/** The line that closes the essay's front matter, as Pandoc reads it: the first `---` or `...`. */
export function closingFence(markdown: string): '---' | '...' {
  return /^---[ \t]*\r?\n(?:[\s\S]*?\r?\n)??(---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(markdown)?.[1] === '...' ? '...' : '---'
}

/**
 * As in Pandoc, a leading `---` block is front matter only when it holds YAML fields (or is broken
 * YAML, which is then reported); `---`, `Foo`, `---` is a rule and a heading, as CommonMark reads it.
 */
export function startsWithFrontMatter(markdown: string): boolean {
  const block = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(markdown)
  if (!block) return /^---[ \t]*\r?\n/.test(markdown)
  const body = block[1]!
  if (!body.trim()) return true
  try {
    const value: unknown = YAML.parse(body, {logLevel: 'error'})
    return value === null || typeof value === 'object'
  } catch {
    return true
  }
}

/**
 * The stages between the parse and the styles, on mdast: inline notes, metadata, note checks,
 * TeX macros, smart punctuation, citation values (also run by src/util/prose-patch.ts on the
 * blocks a prose edit changed).
 */
export function frontStages(options: {smart?: boolean}): Processor<MdastRoot, MdastRoot, MdastRoot> {
  const front = unified().use(remarkPandocInline).use(remarkEssayMetadata).use(remarkNoteDiagnostics).use(remarkTexMacros)
  // Smart punctuation before the citations become values: their affixes read as the text around them.
  if (options.smart !== false) front.use(remarkSmartPunctuation)
  return front.use(remarkCitations) as unknown as Processor<MdastRoot, MdastRoot, MdastRoot>
}

/** Resolve the styles an edition offers; problems are fatal messages on `file`. */
export function resolveStyles(file: VFile, options: EditionOptions): {styles: CslStyle[]; defaultStyle: string | undefined} {
  const specs = options.styles && options.styles.length > 0 ? [...options.styles] : [...shippedStyleIds]
  const wantedDefault = options.defaultStyle ?? file.data.metadata?.style
  const styles: CslStyle[] = []
  const load = (spec: string, base?: string): CslStyle | undefined => {
    try {
      return loadStyle(spec, {...options, cwd: base ?? options.cwd ?? process.cwd()})
    } catch (error) {
      if (!(error instanceof StyleError)) throw error
      const at = / at (\d+):(\d+)/.exec(error.message)
      const message = file.message(error.message, {
        ...(at ? {place: {line: Number(at[1]), column: Number(at[2])}} : {}),
        ruleId: error.ruleId,
        source: 'essay-edition'
      })
      if (error.file) message.file = error.file
      message.fatal = true
      return undefined
    }
  }
  for (const spec of specs) {
    const style = load(spec)
    if (style && !styles.some((s) => s.id === style.id)) styles.push(style)
  }
  let defaultStyle: string | undefined
  if (wantedDefault) {
    const fromFrontMatter = !options.defaultStyle
    const found = fromFrontMatter ? undefined : styles.find((s) => s.id === wantedDefault || s.path === path.resolve(wantedDefault))
    const style = found ?? (fromFrontMatter ? essayStyle(file, wantedDefault, styles, options, load) : load(wantedDefault))
    if (style) {
      const same = styles.find((s) => s.id === style.id)
      // The essay's own file of an offered style's id (an older `apa.csl`) is shown first, as Pandoc
      // would render it, under an id of its own and its title; the offered one stays offered.
      const own = !same ? style : same.xml === style.xml ? same : {...style, id: `${style.id}-essay`, label: style.title}
      if (own !== same) styles.unshift(own)
      defaultStyle = own.id
    }
  }
  return {styles, defaultStyle}
}

/**
 * The style the front matter names (`csl:` or `style:`), found as Pandoc finds it, beside the essay
 * (`locateEssayStyle`). Leniently: a missing file whose id is known is replaced by that style, and a
 * style not found at all leaves the edition its other styles; both are warnings at the field.
 */
function essayStyle(file: VFile, spec: string, styles: CslStyle[], options: EditionOptions, load: (spec: string) => CslStyle | undefined): CslStyle | undefined {
  const raw = file.data.metadata?.raw ?? {}
  const place = file.data.metadata?.places?.[typeof raw.style === 'string' ? 'style' : 'csl']
  let located
  try {
    located = locateEssayStyle(spec, file.dirname ?? options.cwd ?? process.cwd(), options)
  } catch (error) {
    if (!(error instanceof StyleError)) throw error
    file.message(`${error.message}; the edition offers its other styles`, {...(place ? {place} : {}), ruleId: error.ruleId, source: 'essay-edition'})
    return undefined
  }
  if (located.standsInFor !== undefined) {
    const id = path.basename(located.file, '.csl')
    const where = located.file.startsWith(shippedStylesDir + path.sep) ? 'the shipped style' : `the style at ${located.file}`
    const why = /^[a-z][a-z\d+.-]*:\/\//i.test(spec) ? 'is a URL, which is not fetched' : 'not found beside the essay'
    file.message(`Style "${spec}" ${why}; using ${where} "${id}" instead`, {
      ...(place ? {place} : {}),
      ruleId: 'style-stand-in',
      source: 'essay-edition'
    })
  }
  return styles.find((s) => s.path === located.file) ?? load(located.file)
}

/** Build one essay: Markdown source in, HTML page (and its tree) out, diagnostics on the returned file. */
export async function buildEdition(file: VFile, options: EditionOptions = {}): Promise<{html: string | undefined; file: VFile; tree?: HastRoot; printed?: PrintedNode[]}> {
  const assets = options.assets ?? clientAssets()
  const stage = stageTimer(options.onStage)
  const frontMatter = startsWithFrontMatter(String(file.value))
  const mdast = options.markdownMemo ? options.markdownMemo.parse(String(file.value), frontMatter) : parser({frontMatter, frontMatterClose: closingFence(String(file.value))}).parse(file)
  stage('parse')
  await frontStages(options).run(mdast, file)
  stage('metadata/notes/cite')
  if (file.messages.some((m) => m.fatal)) return {html: undefined, file}

  const {styles, defaultStyle} = resolveStyles(file, options)
  stage('styles')
  if (file.messages.some((m) => m.fatal)) return {html: undefined, file}

  const render = unified()
    .use(remarkBibliography, {files: options.bibliography, cwd: options.cwd, conventionDirs: options.conventionBibliographyDirs})
    .use(() => () => stage('bibliography'))
    .use(remarkRenderCitations, {styles, defaultStyle, renderAll: options.renderAll})
  await render.run(mdast, file)
  stage('render')
  if (file.messages.some((m) => m.fatal)) return {html: undefined, file}

  const defaultClass = styles.find((s) => s.id === (defaultStyle ?? styles[0]?.id))?.class
  const toHtml = unified()
    .use(remarkRehype, {allowDangerousHtml: true, handlers: {cite, footnoteReference, footnoteDefinition, rawTex, titleBlock}})
    // rehype-raw re-parses the whole page with parse5 to place the essay's own HTML; a page with
    // none (no `raw` node) comes out of it as it went in, so it skips that, and is not even loaded.
    .use(() => async (tree: HastRoot, file: VFile) => {
      if (!hasRaw(tree)) return tree
      const {default: rehypeRaw} = await import('rehype-raw')
      return rehypeRaw()(tree, file)
    })
    .use(() => (tree: HastRoot) => (options.trustHtml ? tree : sanitizeTree(tree)))
    .use(rehypeShiftHeadings)
    .use(rehypeNotes, {mode: defaultClass === 'note' ? 'note' : 'in-text'})
    .use(rehypeToc)
    .use(rehypePermalinks)
    .use(rehypeReferences)
    .use(rehypeCiteThis)
    // After the references and "cite this": math in citations and entries is typeset too, and
    // headings are slugged from their TeX (as Pandoc's ids are), not from MathML's text.
    .use(rehypeMath)
    .use(rehypeDocument, {script: assets.script, css: assets.css, fallbackTitle: file.stem})
  const hast = (await toHtml.run(mdast as never, file)) as HastRoot
  stage('html')
  const html = options.htmlMemo ? options.htmlMemo.stringify(hast) : unified().use(rehypeStringify).stringify(hast, file)
  stage('stringify')
  // The page's tree too, for the outputs made from it (the EPUB: src/outputs/epub.ts).
  const printed = options.htmlMemo?.page?.nodes
  return {html: String(html), file, tree: hast, ...(printed ? {printed} : {})}
}
