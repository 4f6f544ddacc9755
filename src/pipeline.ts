/**
 * The pipeline, stage by stage, top to bottom. Each stage is a unified plugin (src/plugins) or a
 * small pure utility; they speak to each other only through the tree and `file.data` (src/types.ts).
 *
 *   parse ────────── remark-parse + remark-gfm + remark-frontmatter + remark-math (mdast)
 *   metadata ─────── front matter -> file.data.metadata
 *   note checks ──── undefined and unreferenced notes
 *   cite ─────────── Pandoc citation syntax -> `cite` nodes
 *   bibliography ─── CSL-JSON / BibTeX / RIS -> file.data.bibliography
 *   render ───────── every style through citeproc-js -> node.data.cite, file.data.citations
 *   to hast ──────── remark-rehype with our handlers (cite, footnotes); raw HTML parsed
 *   sanitize ─────── the essay's own content, before we add ours
 *   math ─────────── TeX to MathML (rehype-katex)
 *   notes ────────── note references, endnotes, backlinks
 *   references ───── one list per style, backlinks, copy buttons, COinS
 *   document ─────── head, metadata, CSP, inline CSS and script
 *   stringify
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {unified, type Processor} from 'unified'
import remarkParse from 'remark-parse'
import remarkGfm from 'remark-gfm'
import remarkFrontmatter from 'remark-frontmatter'
import remarkMath from 'remark-math'
import rehypeKatex from 'rehype-katex'
import remarkRehype from 'remark-rehype'
import rehypeRaw from 'rehype-raw'
import rehypeStringify from 'rehype-stringify'
import type {Root as HastRoot} from 'hast'
import type {Root as MdastRoot} from 'mdast'
import {VFile} from 'vfile'
import remarkPandocDollarMath from './plugins/remark-pandoc-dollar-math.js'
import remarkEssayMetadata from './plugins/remark-essay-metadata.js'
import remarkNoteDiagnostics from './plugins/remark-note-diagnostics.js'
import remarkCitations from './plugins/remark-citations.js'
import remarkBibliography from './plugins/remark-bibliography.js'
import remarkRenderCitations from './plugins/remark-render-citations.js'
import rehypeNotes from './plugins/rehype-notes.js'
import rehypeReferences from './plugins/rehype-references.js'
import rehypeDocument from './plugins/rehype-document.js'
import {cite} from './handlers/cite.js'
import {footnoteDefinition, footnoteReference} from './handlers/footnotes.js'
import {sanitizeTree} from './util/sanitize.js'
import {loadStyle, shippedStyleIds, StyleError, type CslStyle, type StyleLookup} from './citations/styles.js'
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
  /** Client script and CSS to inline; default: the bundled assets. */
  assets?: {script: string; css: string}
  /** Render styles some other way (a worker pool). */
  renderAll?: (jobs: Array<Parameters<typeof renderStyle>[0]>) => RenderedStyle[] | Promise<RenderedStyle[]>
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

/** The parse stage alone: Markdown with GFM and front matter to mdast. */
export function parser(): Processor<MdastRoot> {
  return unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).use(remarkMath) as unknown as Processor<MdastRoot>
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
      const message = file.message(error.message, {ruleId: error.ruleId, source: 'essay-edition'})
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
    const found = styles.find((s) => s.id === wantedDefault || s.path === path.resolve(wantedDefault))
    const style = found ?? load(wantedDefault, fromFrontMatter ? file.dirname : undefined)
    if (style) {
      if (!styles.some((s) => s.id === style.id)) styles.unshift(style)
      defaultStyle = style.id
    }
  }
  return {styles, defaultStyle}
}

/** Build one essay: Markdown source in, HTML page out, diagnostics on the returned file. */
export async function buildEdition(file: VFile, options: EditionOptions = {}): Promise<{html: string | undefined; file: VFile}> {
  const assets = options.assets ?? clientAssets()
  const markdown = parser()
  const mdast = markdown.parse(file)
  const front = unified().use(remarkPandocDollarMath).use(remarkEssayMetadata).use(remarkNoteDiagnostics).use(remarkCitations)
  await front.run(mdast, file)
  if (file.messages.some((m) => m.fatal)) return {html: undefined, file}

  const {styles, defaultStyle} = resolveStyles(file, options)
  if (file.messages.some((m) => m.fatal)) return {html: undefined, file}

  const render = unified()
    .use(remarkBibliography, {files: options.bibliography, cwd: options.cwd, conventionDirs: options.conventionBibliographyDirs})
    .use(remarkRenderCitations, {styles, defaultStyle, renderAll: options.renderAll})
  await render.run(mdast, file)
  if (file.messages.some((m) => m.fatal)) return {html: undefined, file}

  const defaultClass = styles.find((s) => s.id === (defaultStyle ?? styles[0]?.id))?.class
  const toHtml = unified()
    .use(remarkRehype, {allowDangerousHtml: true, handlers: {cite, footnoteReference, footnoteDefinition}})
    .use(rehypeRaw)
    .use(() => (tree: HastRoot) => (options.trustHtml ? tree : sanitizeTree(tree)))
    // TeX math to MathML, which browsers render natively: no fonts, no stylesheet, no script.
    .use(rehypeKatex, {output: 'mathml', strict: 'ignore', trust: false})
    .use(rehypeNotes, {mode: defaultClass === 'note' ? 'note' : 'in-text'})
    .use(rehypeReferences)
    .use(rehypeDocument, {script: assets.script, css: assets.css, fallbackTitle: file.stem})
  const hast = (await toHtml.run(mdast as never, file)) as HastRoot
  const html = unified().use(rehypeStringify).stringify(hast, file)
  return {html: String(html), file}
}
