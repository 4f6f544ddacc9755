/**
 * Stage "parse": Pandoc's Markdown where it differs from CommonMark and GFM, read by micromark
 * extensions of ours (src/syntax/), as remark-gfm adds GFM: the rule lives where the characters
 * are read, so no later repair can lose text to a wrong guess.
 *
 * - dollar math (`$...$`, `$$...$$` anywhere in a paragraph), Pandoc's `tex_math_dollars`;
 * - citations (`[see @a, p. 33; @b]`, `@a [p. 33]`, `@{braced}`), Pandoc's `citations`;
 * - raw TeX (`\newpage`, `\vspace{1em}`, `\begin{env}...\end{env}`), Pandoc's `raw_tex`;
 * - figures: an image alone in its paragraph is a figure with its caption as Markdown;
 *   `{attributes}` after images and links; inline code trimmed;
 * - `^superscript^`, `~subscript~`; `:::` fenced divs; `| ` line blocks; `% Title` blocks;
 * - Markdown between the block-level tags of an HTML block (`<p class="caption">The *map*.</p>`),
 *   Pandoc's `markdown_in_html_blocks`;
 * - block structure: a paragraph goes on over lines that would start a list, a heading, a block
 *   quote or a rule in CommonMark (Pandoc wants a blank line before those), a setext heading is one
 *   line of text; Pandoc's title block (`% Title`).
 */
import type {Processor} from 'unified'
import type {Extension as MicromarkExtension} from 'micromark-util-types'
import type {Extension as FromMarkdownExtension} from 'mdast-util-from-markdown'
import {pandocMath, pandocMathFromMarkdown} from '../syntax/pandoc-math.js'
import {pandocCitation, pandocCitationFromMarkdown} from '../syntax/pandoc-citation.js'
import {pandocBlocks} from '../syntax/pandoc-blocks.js'
import {pandocRawTex, pandocRawTexFromMarkdown} from '../syntax/pandoc-raw-tex.js'
import {pandocFiguresFromMarkdown} from '../syntax/pandoc-figures.js'
import {pandocScript, pandocScriptFromMarkdown} from '../syntax/pandoc-script.js'
import {pandocDiv, pandocDivFromMarkdown} from '../syntax/pandoc-div.js'
import {pandocTitleBlock, pandocTitleBlockFromMarkdown} from '../syntax/pandoc-title-block.js'
import {pandocLineBlock, pandocLineBlockFromMarkdown} from '../syntax/pandoc-line-block.js'
import {pandocHtmlBlocksFromMarkdown} from '../syntax/pandoc-html-blocks.js'
import {fromMarkdown} from 'mdast-util-from-markdown'

export interface Options {
  /** `$` and `$$` math (default true). */
  math?: boolean
  /** Citations (default true). */
  citations?: boolean
  /** Images alone in a paragraph as figures, `{attributes}` after images and links, trimmed inline code (default true). */
  figures?: boolean
  /** Pandoc's title block, `% Title` lines at the start (default true). */
  titleBlock?: boolean
  /** `| ` line blocks (default true). */
  lineBlocks?: boolean
  /** `:::` fenced divs (default true). */
  divs?: boolean
  /** `^superscript^` and `~subscript~` (default true; give remark-gfm `singleTilde: false`). */
  script?: boolean
  /** Raw TeX commands and environments, dropped from HTML (default true). */
  rawTex?: boolean
  /** Pandoc's block rules: no list, heading, quote or rule without a blank line before (default true). */
  blocks?: boolean
  /** Markdown between the block-level tags of HTML blocks (default true). */
  htmlBlocks?: boolean
}

declare module 'unified' {
  interface Data {
    micromarkExtensions?: MicromarkExtension[]
    fromMarkdownExtensions?: Array<FromMarkdownExtension | FromMarkdownExtension[]>
  }
}

export default function remarkPandoc(this: Processor, options: Options = {}): undefined {
  const data = this.data()
  const micromarkExtensions = (data.micromarkExtensions ??= [])
  const fromMarkdownExtensions = (data.fromMarkdownExtensions ??= [])
  if (options.blocks !== false) micromarkExtensions.push(pandocBlocks())
  if (options.figures !== false) fromMarkdownExtensions.push(pandocFiguresFromMarkdown())
  if (options.titleBlock !== false) {
    micromarkExtensions.push(pandocTitleBlock())
    fromMarkdownExtensions.push(pandocTitleBlockFromMarkdown())
  }
  if (options.lineBlocks !== false) {
    micromarkExtensions.push(pandocLineBlock())
    fromMarkdownExtensions.push(pandocLineBlockFromMarkdown())
  }
  if (options.divs !== false) {
    micromarkExtensions.push(pandocDiv())
    fromMarkdownExtensions.push(pandocDivFromMarkdown())
  }
  if (options.math !== false) {
    micromarkExtensions.push(pandocMath())
    fromMarkdownExtensions.push(pandocMathFromMarkdown())
  }
  if (options.rawTex !== false) {
    micromarkExtensions.push(pandocRawTex())
    fromMarkdownExtensions.push(pandocRawTexFromMarkdown())
  }
  if (options.script !== false) {
    micromarkExtensions.push(pandocScript())
    fromMarkdownExtensions.push(pandocScriptFromMarkdown())
  }
  if (options.citations !== false) {
    micromarkExtensions.push(pandocCitation())
    fromMarkdownExtensions.push(pandocCitationFromMarkdown())
  }
  if (options.htmlBlocks !== false) {
    // The text between the tags is read by this same parser, with every extension (these included).
    fromMarkdownExtensions.push(pandocHtmlBlocksFromMarkdown((value) => fromMarkdown(value, {extensions: micromarkExtensions, mdastExtensions: fromMarkdownExtensions})))
  }
}
