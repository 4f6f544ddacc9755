/**
 * Pandoc's `markdown_in_html_blocks` and `native_divs` (an mdast utility of the parse stage): in
 * an HTML block, the block-level tags are HTML and what stands between them is Markdown.
 *
 *     <div class="figure">
 *     <img src="map.png" alt="A map" />
 *     <p class="caption">The *map*, after @smith2000.</p>
 *     </div>
 *
 * CommonMark reads those four lines as one block of raw HTML, so the caption's emphasis and
 * citation stay as written; Pandoc reads the caption as Markdown (R Markdown writes figures this
 * way). micromark still finds the block (its extent: up to a blank line); when the block's tree is
 * built, the block is cut at its block-level tags (Pandoc's list: `div`, `p`, `table`, `td`,
 * `figure`, `section`, ... and comments), the tags stay HTML, and the text between them is read as
 * Markdown by the same parser, positions kept. `pre`, `script`, `style` and `textarea` keep their
 * content verbatim, as in Pandoc. Text that runs up to a tag on its line is Pandoc's `Plain` (no
 * paragraph of its own: `<p class="caption">` holds it); text ending its line before `</div>` or
 * a blank line is a paragraph. A block with no text between its tags is left as it is.
 *
 * The nested text is parsed alone, so a footnote or link reference defined elsewhere in the essay
 * is not seen inside an HTML block (it stays as written).
 */
import type {Extension as FromMarkdownExtension} from 'mdast-util-from-markdown'
import type {Html, Nodes, Paragraph, Parent, Root, RootContent} from 'mdast'
import type {Point, Position} from 'unist'

/** Pandoc 2.17's block tags (Text.Pandoc.Readers.HTML.TagCategories: block, DocBook, EPUB, either). */
const blockTags = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'canvas', 'caption', 'center', 'col', 'colgroup', 'dd',
  'details', 'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'head', 'header', 'hgroup', 'hr', 'html', 'isindex', 'main', 'menu', 'meta', 'noframes', 'nav', 'ol',
  'output', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'textarea', 'thead', 'tfoot', 'ul', 'frameset',
  'li', 'td', 'th', 'tr', 'script', 'style',
  'calloutlist', 'bibliolist', 'glosslist', 'itemizedlist', 'orderedlist', 'segmentedlist', 'simplelist',
  'variablelist', 'caution', 'important', 'note', 'tip', 'warning', 'literallayout', 'programlisting',
  'programlistingco', 'screen', 'screenco', 'screenshot', 'synopsis', 'example', 'informalexample',
  'informalfigure', 'informaltable', 'para', 'simpara', 'formalpara', 'equation', 'informalequation',
  'mediaobject', 'qandaset', 'procedure', 'task', 'cmdsynopsis', 'funcsynopsis', 'classsynopsis', 'epigraph',
  'msgset', 'sidebar', 'title', 'case', 'switch', 'default',
  'audio', 'applet', 'button', 'iframe', 'embed', 'del', 'ins', 'progress', 'map', 'area', 'noscript', 'object',
  'svg', 'video', 'source'
])
const verbatim = new Set(['pre', 'script', 'style', 'textarea'])
const tag = /<(\/?)([A-Za-z][A-Za-z0-9-]*)(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*\/?>|<!--[\s\S]*?-->/y

/** Parses Markdown with the essay's own parser (its micromark and mdast extensions). */
export type ParseMarkdown = (value: string) => Root

interface Piece {
  kind: 'html' | 'text'
  value: string
  /** Offset in the block's value. */
  start: number
  /** For text: the tag that follows it (lowercase name with `/` if closing), if any. */
  next?: string
}

/** The block cut at its block-level tags; undefined when it holds no text to read or no tag. */
function pieces(value: string): Piece[] | undefined {
  const out: Piece[] = []
  let text = 0
  let index = 0
  const html = (from: number, to: number) => {
    const last = out.at(-1)
    if (last?.kind === 'html') last.value += value.slice(from, to)
    else out.push({kind: 'html', value: value.slice(from, to), start: from})
  }
  while (index < value.length) {
    const lt = value.indexOf('<', index)
    if (lt < 0) break
    tag.lastIndex = lt
    const match = tag.exec(value)
    const name = match?.[2]?.toLowerCase()
    if (!match || (name !== undefined && !blockTags.has(name))) {
      index = lt + 1
      continue
    }
    let end = lt + match[0].length
    if (name && !match[1] && verbatim.has(name)) {
      // Verbatim to its closing tag (or the block's end).
      const close = new RegExp(`</${name}\\s*>`, 'ig')
      close.lastIndex = end
      const closing = close.exec(value)
      end = closing ? closing.index + closing[0].length : value.length
    }
    if (lt > text) {
      const between = value.slice(text, lt)
      if (/\S/.test(between)) out.push({kind: 'text', value: between, start: text, next: name ? `${match[1]}${name}` : '!--'})
      else html(text, lt)
    }
    html(lt, end)
    text = index = end
  }
  if (text < value.length) {
    const rest = value.slice(text)
    if (/\S/.test(rest)) out.push({kind: 'text', value: rest, start: text})
    else html(text, value.length)
  }
  // No block-level tag read (`<div id="foo"` with no `>`): the block is text as CommonMark has it.
  // With a tag, every text piece is shorter than the block, so reading it again ends.
  return out.some((piece) => piece.kind === 'text') && out.some((piece) => piece.kind === 'html') ? out : undefined
}

/** Where `offset` of the block's value is in the file (the block starts at `start`). */
function pointAt(value: string, start: Point, offset: number): Point {
  let line = start.line
  let column = start.column
  for (let i = 0; i < offset; i++) {
    if (value[i] === '\n') {
      line++
      column = 1
    } else column++
  }
  return start.offset === undefined ? {line, column} : {line, column, offset: start.offset + offset}
}

/** Positions of nodes parsed from a piece moved to where the piece is in the file. */
function shift(node: Nodes, at: Point, removed: number[]): void {
  const move = (point: Point): Point => {
    const line = at.line + point.line - 1
    const column = (point.line === 1 ? at.column - 1 : 0) + point.column + (removed[point.line - 1] ?? 0)
    const lineStartsBefore = removed.slice(0, point.line).reduce((sum, count) => sum + count, 0)
    return at.offset === undefined || point.offset === undefined ? {line, column} : {line, column, offset: at.offset + point.offset + lineStartsBefore}
  }
  if (node.position) node.position = {start: move(node.position.start), end: move(node.position.end)}
  if ('children' in node) for (const child of node.children) shift(child as Nodes, at, removed)
}

/** A piece's text as Markdown: its lines' common indent (that of its first line) taken off, as Pandoc does. */
function dedent(text: string): {text: string; removed: number[]} {
  const lines = text.split('\n')
  const first = lines.findIndex((line, i) => i > 0 && /\S/.test(line))
  const indent = text.startsWith('\n') || /^\s*$/.test(lines[0]!) ? (first < 0 ? 0 : /^ */.exec(lines[first]!)![0].length) : 0
  const removed = lines.map((line) => Math.min(indent, /^ */.exec(line)![0].length))
  return {text: lines.map((line, i) => line.slice(removed[i])).join('\n'), removed}
}

function read(block: Html, parse: ParseMarkdown): RootContent[] | undefined {
  const cut = pieces(block.value)
  const start = block.position?.start
  if (!cut || !start) return undefined
  const out: RootContent[] = []
  for (const piece of cut) {
    const place: Position = {start: pointAt(block.value, start, piece.start), end: pointAt(block.value, start, piece.start + piece.value.length)}
    if (piece.kind === 'html') {
      out.push({type: 'html', value: piece.value, position: place})
      continue
    }
    const {text, removed} = dedent(piece.value)
    const tree = parse(text)
    for (const child of tree.children) shift(child, place.start, removed)
    const children = tree.children
    // Pandoc's Plain: text running up to the tag on its line, or ending its line before a
    // closing tag other than `</div>`, is no paragraph of its own.
    const last = children.at(-1)
    const endsLine = /\n[ \t]*$/.test(piece.value)
    const paragraph = piece.next === undefined || (endsLine && (piece.next === '/div' || /\n[ \t]*\n[ \t]*$/.test(piece.value)))
    if (last?.type === 'paragraph' && !paragraph) {
      const plain: Paragraph = {...last, data: {...last.data, hName: 'span'}}
      children[children.length - 1] = plain
    }
    out.push(...children)
  }
  return out
}

/** The mdast utility: HTML blocks whose text is Markdown, read as Pandoc reads them. */
export function pandocHtmlBlocksFromMarkdown(parse: ParseMarkdown): FromMarkdownExtension {
  const visit = (parent: Parent) => {
    for (let i = 0; i < parent.children.length; i++) {
      const child = parent.children[i]!
      if (child.type === 'html') {
        const first = /^<\/?([A-Za-z][A-Za-z0-9-]*)/.exec(child.value)
        const name = first?.[1]?.toLowerCase()
        if (!name || !blockTags.has(name) || verbatim.has(name)) continue
        const replacement = read(child, parse)
        if (!replacement) continue
        parent.children.splice(i, 1, ...(replacement as typeof parent.children))
        i += replacement.length - 1
      } else if ('children' in child && child.type !== 'paragraph' && child.type !== 'heading') visit(child as Parent)
    }
  }
  return {transforms: [(tree: Root) => visit(tree)]}
}
