/**
 * Stage "smart punctuation": curly quotes, apostrophes, en and em dashes, ellipses and the
 * non-breaking space after abbreviations, as Pandoc's Markdown reader makes them (its `smart`
 * extension, on by default; `--no-smart` leaves this stage out). The rule is Pandoc's parse of
 * quotes, dashes and dots (src/util/smart-punctuation.ts), run once per paragraph, heading and
 * table cell over its text, across emphasis and links, so that quotes pair around them.
 *
 * Never touched: code, math, raw HTML, URLs (an autolink's text), link targets and titles, front
 * matter fields that are not prose. Touched besides the text: image descriptions, the front
 * matter's title, subtitle, authors, description, keywords, publisher and container title
 * (`file.data.metadata`), and citations' prefixes and suffixes (phrasing children of `cite` nodes).
 *
 * Runs after parsing and before the cite stage makes citation values of the `cite` nodes (so that
 * `[@a, pp. 33--35]` reads its locator as `33–35`, as Pandoc does). An inline node this stage does
 * not know is descended into when it has children and is otherwise one opaque word-like atom, as
 * Pandoc treats a citation or math inline when it pairs quotes.
 */
import type {Image, ImageReference, Nodes, Parent, Root, Text} from 'mdast'
import type {VFile} from 'vfile'
import type {EssayMetadata} from '../types.js'
import {applyEdits, InlineRun, pandocAbbreviations, smartenRun, smartenString, type LiteralKind} from '../util/smart-punctuation.js'

export interface Options {
  /** Words after which a space becomes non-breaking (default: Pandoc's list, `pandocAbbreviations`). */
  abbreviations?: Iterable<string>
  /** Also the front matter's prose fields in `file.data.metadata` (default true). */
  metadata?: boolean
}

/** Blocks that hold other blocks: descended into. */
const blockContainers = new Set(['root', 'blockquote', 'list', 'listItem', 'footnoteDefinition', 'table', 'tableRow'])
/** Blocks whose children are inline content: each is one run. */
const inlineBlocks = new Set(['paragraph', 'heading', 'tableCell'])
/** Nodes left alone: code, math, raw HTML, front matter, link definitions. */
const untouched = new Set(['code', 'math', 'html', 'yaml', 'toml', 'definition', 'thematicBreak'])
/** Inline content types, to tell an unknown block holding inline content from one holding blocks. */
const phrasing = new Set(['text', 'emphasis', 'strong', 'delete', 'link', 'linkReference', 'inlineCode', 'inlineMath', 'html', 'image', 'imageReference', 'footnoteReference', 'break', 'cite'])

/**
 * Which characters of a text node were written escaped (`\"`) or as character references
 * (`&quot;`): the source under its position, read along its value. Undefined when the node has no
 * position or the source does not read as its value (then every character counts as written).
 */
export function literalCharacters(value: string, source: string, start: number, end: number): ((index: number) => LiteralKind | undefined) | undefined {
  if (end - start === value.length && source.startsWith(value, start)) return undefined
  const kinds = new Map<number, LiteralKind>()
  let i = start
  let j = 0
  while (j < value.length) {
    if (i >= end) return undefined
    const c = source[i]!
    if (c === '\\' && i + 1 < end && source[i + 1] === value[j] && /[!-/:-@[-`{-~]/.test(value[j]!)) {
      kinds.set(j, 'escape')
      i += 2
      j++
    } else if (c === '&' && !source.startsWith(value.slice(j, j + 2), i)) {
      const reference = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.exec(source.slice(i, i + 40))
      if (!reference) {
        i++
        continue
      }
      const width = value.codePointAt(j)! > 0xffff ? 2 : 1
      for (let w = 0; w < width; w++) kinds.set(j + w, 'reference')
      i += reference[0].length
      j += width
    } else if (c === value[j]) {
      i++
      j++
    } else i++ // a container's marker (`> `), indentation, white space the parser dropped
  }
  return kinds.size === 0 ? undefined : (index) => kinds.get(index)
}

/** A link that shows its own URL (`<https://...>`, a bare URL): its text is the URL, left as written. */
function showsItsUrl(node: Nodes): boolean {
  if (node.type !== 'link' || node.children.length !== 1) return false
  const only = node.children[0]!
  return only.type === 'text' && (only.value === node.url || `mailto:${only.value}` === node.url || `http://${only.value}` === node.url)
}

export default function remarkSmartPunctuation(options: Options = {}) {
  const abbreviations = options.abbreviations ? new Set(options.abbreviations) : pandocAbbreviations
  const smart = (value: string) => smartenString(value, abbreviations)

  function smartenMetadata(metadata: EssayMetadata): void {
    for (const key of ['title', 'subtitle', 'description', 'publisher', 'containerTitle'] as const) {
      const value = metadata[key]
      if (value) metadata[key] = smart(value)
    }
    if (metadata.keywords) metadata.keywords = metadata.keywords.map(smart)
    for (const author of metadata.author ?? []) {
      author.name = smart(author.name)
      if (author.given) author.given = smart(author.given)
      if (author.family) author.family = smart(author.family)
      if (author.affiliation) author.affiliation = smart(author.affiliation)
    }
  }

  return function transformer(tree: Root, file: VFile) {
    const source = String(file.value ?? '')

    /** Smarten one run: the inline content of `block`. */
    function smartenInline(block: Parent): void {
      const run = new InlineRun()
      const texts: Array<{node: Text; start: number}> = []
      const add = (node: Nodes): void => {
        switch (node.type) {
          case 'text': {
            const {start, end} = node.position ?? {}
            const literal = start?.offset !== undefined && end?.offset !== undefined ? literalCharacters(node.value, source, start.offset, end.offset) : undefined
            texts.push({node, start: run.addText(node.value, literal)})
            return
          }
          case 'inlineMath':
            run.atom('math')
            return
          case 'footnoteReference':
            run.atom('cite')
            return
          case 'break':
            run.atom('break')
            return
          case 'image':
          case 'imageReference':
            smartenAlt(node)
            run.atom()
            return
          case 'emphasis':
          case 'strong':
            run.open()
            for (const child of node.children) add(child)
            run.close(true)
            return
          default:
            break
        }
        if (showsItsUrl(node)) {
          run.atom()
          return
        }
        const children = 'children' in node && Array.isArray(node.children) ? (node.children as Nodes[]) : undefined
        if (node.type === 'cite') {
          if (!children || children.length === 0) {
            run.atom('cite')
            return
          }
          run.open(true)
        } else if (!children) {
          run.atom() // inline code, raw HTML, anything else without children
          return
        } else run.open()
        for (const child of children) add(child)
        run.close()
      }
      for (const child of block.children) add(child as Nodes)
      if (texts.length === 0) return
      const edits = smartenRun(run, abbreviations)
      if (edits.size === 0) return
      const values = applyEdits(texts.map(({node, start}) => ({value: node.value, start})), edits)
      texts.forEach(({node}, index) => {
        node.value = values[index]!
      })
    }

    function smartenAlt(node: Image | ImageReference): void {
      if (node.alt) node.alt = smart(node.alt)
    }

    function visitBlock(node: Nodes): void {
      if (untouched.has(node.type)) return
      if (!('children' in node) || !Array.isArray(node.children)) return
      const children = node.children as Nodes[]
      if (inlineBlocks.has(node.type) || (!blockContainers.has(node.type) && children.some((child) => phrasing.has(child.type)))) {
        smartenInline(node as Parent)
        return
      }
      for (const child of children) visitBlock(child)
    }

    visitBlock(tree)
    if (options.metadata !== false && file.data.metadata) smartenMetadata(file.data.metadata)
  }
}
