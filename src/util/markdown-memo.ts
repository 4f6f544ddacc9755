/**
 * Parse with a memory, for rebuilds (`build --watch`, `preview`): after an edit, only the blocks
 * around it are parsed again; the rest of the tree is the previous parse's, its positions moved.
 *
 * The essay is cut into chunks where no Markdown construct can run across: before a line that
 * starts at the margin (not indented, not a list item) after a blank line, outside fenced code,
 * and front matter. An essay with HTML blocks (a line starting with `<`, but for an autolink or a
 * comment closed on its line) or fenced divs (`:::`) is not cut.
 * A chunk seen before (same text) reuses its nodes; a new one is parsed alone, with stand-in
 * definitions of every footnote and link label the other chunks define, since micromark reads
 * `[^1]` and `[text][label]` as references only when a definition exists somewhere in the essay.
 * The tree is the one a whole parse gives, positions included (tests/markdown-memo.test.ts);
 * when a chunk's nodes do not stay inside it, the essay is parsed whole.
 */
import type {Nodes, Root, RootContent} from 'mdast'

interface Chunk {
  start: number
  /** 1-based line of `start`. */
  line: number
  text: string
}

interface Parsed {
  /** The chunk's top-level nodes as JSON, positions as if the chunk began at `start`, `line`. */
  json: string
  start: number
  line: number
  /** Footnote and link definitions in the chunk: stand-in definition lines for other chunks. */
  definitions: string[]
}

const fence = /^ {0,3}(`{3,}|~{3,})/
const listItem = /^(?:[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))/
const blank = /^[ \t]*\r?$/

/** Where the essay may be cut; undefined when it holds HTML blocks. */
export function chunksOf(markdown: string, frontMatter: boolean): Chunk[] | undefined {
  const lines = markdown.split('\n')
  const chunks: Chunk[] = []
  let start = 0
  let startLine = 1
  let offset = 0
  let open: string | undefined
  let inFrontMatter = frontMatter
  let previousBlank = false
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!
    // HTML blocks and Pandoc's fenced divs may hold blank lines: such an essay is parsed whole.
    if (/^ {0,3}(?:<|:::)/.test(line) && !opensNoBlock(line)) return undefined
    if (inFrontMatter) {
      if (index > 0 && /^(?:---|\.\.\.)[ \t]*\r?$/.test(line)) inFrontMatter = false
    } else if (open) {
      const close = fence.exec(line)
      if (close && close[1]![0] === open[0] && close[1]!.length >= open.length && /^[ \t]*\r?$/.test(line.slice(close[0].length))) open = undefined
    } else {
      if (previousBlank && index > 0 && /^[^ \t\r\n]/.test(line) && !listItem.test(line) && offset > start) {
        chunks.push({start, line: startLine, text: markdown.slice(start, offset)})
        start = offset
        startLine = index + 1
      }
      const opening = fence.exec(line)
      if (opening) open = opening[1]!
    }
    previousBlank = blank.test(line)
    offset += line.length + 1
  }
  chunks.push({start, line: startLine, text: markdown.slice(start)})
  return chunks
}

/**
 * A line starting with `<` that opens no block running past it: an autolink (`<https://...>`,
 * `<name@example.org>`: no tag, so no HTML block starts), or a comment closed on its line.
 */
function opensNoBlock(line: string): boolean {
  const start = /^ {0,3}</.exec(line)?.[0].length
  if (start === undefined) return false
  if (/^<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/.test(line.slice(start - 1))) return true
  return line.startsWith('<!--', start - 1) && line.indexOf('-->', start + 3) >= 0
}

function shift(node: Nodes, offset: number, lines: number): void {
  const position = node.position
  if (position) {
    position.start = {line: position.start.line + lines, column: position.start.column, offset: (position.start.offset ?? 0) + offset}
    position.end = {line: position.end.line + lines, column: position.end.column, offset: (position.end.offset ?? 0) + offset}
  }
  if ('children' in node) for (const child of node.children) shift(child, offset, lines)
}

/**
 * Stand-in definition lines for the definitions among `nodes`, each label as written (`source` is
 * the text the nodes' positions point into): labels are matched as written, after normalising.
 */
export function definitionsIn(nodes: RootContent[], source: string): string[] {
  const found: string[] = []
  const visit = (node: Nodes) => {
    if (node.type === 'footnoteDefinition' || node.type === 'definition') {
      const at = node.position?.start.offset ?? 0
      const label = /^\[(\^?(?:[^\\\]]|\\.)*)\]:/.exec(source.slice(at, at + 1200))
      found.push(label ? `[${label[1]}]: x` : `[${node.type === 'footnoteDefinition' ? '^' : ''}${node.label ?? node.identifier}]: x`)
    }
    if ('children' in node) for (const child of node.children) visit(child)
  }
  nodes.forEach(visit)
  return found
}

/** The parse stage: Markdown to mdast, with or without front matter. */
export type ParseMarkdown = (markdown: string, frontMatter: boolean) => Root

export class MarkdownMemo {
  private parsed = new Map<string, Parsed>()
  /** Every definition of the essay last parsed: a chunk reads the same only beside the same ones. */
  private definitions = ''

  /**
   * `parseMarkdown` is the parse stage; past `maxNew` new chunks (a pasted chapter) the essay is
   * parsed whole, which is then quicker.
   */
  constructor(private readonly parseMarkdown: ParseMarkdown, private readonly maxNew = 8) {}

  /** What the last `parse` did: parsed the essay whole, or so many chunks, reusing the others. */
  lastRun = {whole: true, parsed: 0, reused: 0}

  /** The tree `parser({frontMatter}).parse(markdown)` gives, parsing only chunks not seen before. */
  parse(markdown: string, frontMatter: boolean): Root {
    const chunks = chunksOf(markdown, frontMatter)
    const known = this.parsed
    const missing = chunks?.filter((chunk) => !known.has(key(chunk, frontMatter))) ?? []
    // Nothing to reuse (a first build, a pasted chapter): one whole parse, remembered by chunk.
    if (!chunks || known.size === 0 || missing.length > this.maxNew) return this.whole(markdown, frontMatter, chunks)

    const next = new Map<string, Parsed>()
    for (const chunk of chunks) {
      const parsed = known.get(key(chunk, frontMatter))
      if (parsed) next.set(key(chunk, frontMatter), parsed)
    }
    // One new chunk (an edit): parsed once, with the other chunks' definitions; its own are read
    // off that parse (the stand-ins come after it and are left out).
    if (missing.length === 1) {
      const chunk = missing[0]!
      const nodes = this.parseChunk(chunk, frontMatter, [...next.values()].flatMap((parsed) => parsed.definitions))
      if (!nodes) return this.whole(markdown, frontMatter, chunks)
      const own = definitionsIn(nodes, chunk.text)
      if (definitionSet([...[...next.values()].map((parsed) => parsed.definitions), own]) !== this.definitions) return this.whole(markdown, frontMatter, chunks)
      next.set(key(chunk, frontMatter), {json: JSON.stringify(nodes), start: 0, line: 1, definitions: own})
      return this.assemble(markdown, frontMatter, chunks, next, 1)
    }
    // New chunks: their own definitions first, then each parsed with everyone else's.
    const alone = missing.map((chunk) => this.parseChunk(chunk, frontMatter, []))
    if (alone.some((nodes) => !nodes)) return this.whole(markdown, frontMatter, chunks)
    const own = alone.map((nodes, index) => definitionsIn(nodes!, missing[index]!.text))
    // A definition added or removed can turn text elsewhere into a reference, or back.
    if (definitionSet([...[...next.values()].map((parsed) => parsed.definitions), ...own]) !== this.definitions) return this.whole(markdown, frontMatter, chunks)
    for (const [index, chunk] of missing.entries()) {
      const others = [...[...next.values()].flatMap((parsed) => parsed.definitions), ...own.filter((_, i) => i !== index).flat()]
      const nodes = others.length === 0 ? alone[index] : this.parseChunk(chunk, frontMatter, others)
      if (!nodes) return this.whole(markdown, frontMatter, chunks)
      next.set(key(chunk, frontMatter), {json: JSON.stringify(nodes), start: 0, line: 1, definitions: own[index]!})
    }
    return this.assemble(markdown, frontMatter, chunks, next, missing.length)
  }

  /**
   * A prose edit's blocks (src/util/prose-patch.ts): when `markdown` differs from `previous`, the
   * essay last parsed, in one chunk only (not the front matter) whose definitions stay the same,
   * that chunk's nodes as they were (positions in `previous`) and as they are now (parsed as
   * `parse` would parse them, positions in `markdown`); the memo then holds the new chunk, as
   * after `parse(markdown)`. Undefined otherwise, the memo unchanged.
   */
  edit(previous: string, markdown: string, frontMatter: boolean): {before: RootContent[]; after: RootContent[]} | undefined {
    const was = chunksOf(previous, frontMatter)
    const now = chunksOf(markdown, frontMatter)
    if (!was || !now || was.length !== now.length || !was.every((chunk) => this.parsed.has(key(chunk, frontMatter)))) return undefined
    const changed = now.map((_, index) => index).filter((index) => was[index]!.text !== now[index]!.text)
    if (changed.length !== 1) return undefined
    const index = changed[0]!
    const [old, chunk] = [was[index]!, now[index]!]
    if (index === 0 && frontMatter) return undefined
    const stored = this.parsed.get(key(old, frontMatter))!
    const others = was.filter((_, i) => i !== index).flatMap((other) => this.parsed.get(key(other, frontMatter))!.definitions)
    const nodes = this.parseChunk(chunk, frontMatter, others)
    if (!nodes) return undefined
    const own = definitionsIn(nodes, chunk.text)
    if (definitionSet([own]) !== definitionSet([stored.definitions])) return undefined
    if (!was.some((other, i) => i !== index && other.text === old.text)) this.parsed.delete(key(old, frontMatter))
    this.parsed.set(key(chunk, frontMatter), {json: JSON.stringify(nodes), start: 0, line: 1, definitions: own})
    this.lastRun = {whole: false, parsed: 1, reused: now.length - 1}
    const before = JSON.parse(stored.json) as RootContent[]
    for (const node of before) shift(node, old.start - stored.start, old.line - stored.line)
    for (const node of nodes) shift(node, chunk.start, chunk.line - 1)
    return {before, after: nodes}
  }

  /** The tree from every chunk's nodes, each moved to where its chunk stands. */
  private assemble(markdown: string, frontMatter: boolean, chunks: Chunk[], next: Map<string, Parsed>, parsed: number): Root {
    const children: RootContent[] = []
    for (const chunk of chunks) {
      const parsed = next.get(key(chunk, frontMatter))!
      const nodes = JSON.parse(parsed.json) as RootContent[]
      for (const node of nodes) {
        shift(node, chunk.start - parsed.start, chunk.line - parsed.line)
        children.push(node)
      }
    }
    this.parsed = next
    this.lastRun = {whole: false, parsed, reused: chunks.length - parsed}
    return {type: 'root', children, position: rootPosition(markdown)}
  }

  /** A chunk's nodes, positions relative to it; undefined when they do not stay inside it. */
  private parseChunk(chunk: Chunk, frontMatter: boolean, all: string[]): RootContent[] | undefined {
    // Only the labels the chunk's text names (compared as micromark compares labels): 2,000
    // stand-in notes would take longer to parse than the chunk.
    const normalize = (value: string) => value.replace(/[\t\n\r ]+/g, ' ').toLowerCase().toUpperCase()
    const named = normalize(chunk.text)
    const definitions = all.filter((line) => named.includes(normalize(line.slice(0, line.lastIndexOf(']:')))))
    const text = definitions.length > 0 ? `${chunk.text}\n\n${definitions.join('\n\n')}\n` : chunk.text
    const tree = this.parseMarkdown(text, frontMatter && chunk.start === 0)
    const nodes = tree.children.filter((node) => (node.position?.start.offset ?? 0) < chunk.text.length)
    if (nodes.some((node) => (node.position?.end.offset ?? 0) > chunk.text.length)) return undefined
    return nodes
  }

  private whole(markdown: string, frontMatter: boolean, chunks: Chunk[] | undefined): Root {
    const tree = this.parseMarkdown(markdown, frontMatter)
    this.parsed = new Map()
    this.definitions = ''
    this.lastRun = {whole: true, parsed: chunks?.length ?? 1, reused: 0}
    if (!chunks) return tree
    // Remember the tree chunk by chunk (each node must lie inside one chunk).
    let at = 0
    for (const chunk of chunks) {
      const end = chunk.start + chunk.text.length
      const nodes: RootContent[] = []
      while (at < tree.children.length && (tree.children[at]!.position?.start.offset ?? 0) < end) nodes.push(tree.children[at++]!)
      if (nodes.some((node) => (node.position?.end.offset ?? 0) > end)) {
        this.parsed = new Map()
        return tree
      }
      this.parsed.set(key(chunk, frontMatter), {json: JSON.stringify(nodes), start: chunk.start, line: chunk.line, definitions: definitionsIn(nodes, markdown)})
    }
    this.definitions = definitionSet([...this.parsed.values()].map((parsed) => parsed.definitions))
    return tree
  }
}

function definitionSet(lists: string[][]): string {
  return [...new Set(lists.flat())].sort().join('\n')
}

function key(chunk: Chunk, frontMatter: boolean): string {
  return (chunk.start === 0 && frontMatter ? 'f' : 'b') + chunk.text
}

/** The root's position as fromMarkdown sets it: the whole text. */
function rootPosition(markdown: string): Root['position'] {
  const lines = markdown.split('\n')
  return {
    start: {line: 1, column: 1, offset: 0},
    end: {line: lines.length, column: lines[lines.length - 1]!.length + 1, offset: markdown.length}
  }
}
