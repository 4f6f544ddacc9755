/**
 * A prose edit without a rebuild (`build --watch`, `preview`). When an edit changes only words of
 * the essay's running text or notes (the same paragraphs, marks, links, notes, citations and math,
 * only the text between them different), the new page is the last one with those text nodes
 * changed and their blocks printed again: no citeproc, no html stage, no full stringify. On a
 * page of 2,000 notes that is some milliseconds against seconds.
 *
 * The edit is proven prose before the page is touched:
 * - the essay differs in one chunk of the Markdown memo (src/util/markdown-memo.ts), outside the
 *   front matter, with the same footnote and link definitions;
 * - that chunk as it was and as it is, each read by the same stages as the essay
 *   (`frontStages`: inline notes, note checks, smart punctuation, citation values), have the same
 *   tree but for the values of text nodes, none of them in a heading, table, citation, image or
 *   raw HTML, and give the same messages;
 * - each changed text node is found in the last page where it was written (the html memo notes
 *   every text node by its source offset, `PrintedPage.texts`), holding the text the last build
 *   gave it (`trimLines`, as mdast-util-to-hast makes text), or that text with its ends taken off
 *   by a note style (the space before a citation, the punctuation after it) and the edit between
 *   them (`printedText`);
 * - no changed text is in the paragraphs the page's description (in the head) was made of.
 * Anything else is built in full. tests/prose-patch.test.ts compares patched pages with full builds.
 */
import type {Nodes as MdastNodes, Root as MdastRoot, RootContent, Text as MdastText} from 'mdast'
import {trimLines} from 'trim-lines'
import {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'
import type {Point, Position} from 'unist'
import {frontStages, startsWithFrontMatter} from '../pipeline.js'
import type {EssayResult} from '../build.js'
import type {Nodes as HastNodes} from 'hast'
import {joinPrinted, reprint, type HtmlMemo, type TextSite} from './html-memo.js'
import type {MarkdownMemo} from './markdown-memo.js'

/** Where text nodes may be changed by a prose edit. */
const proseParents = new Set(['root', 'paragraph', 'emphasis', 'strong', 'delete', 'link', 'linkReference', 'blockquote', 'list', 'listItem', 'footnoteDefinition'])

/** One edit of the essay's text: `removed` characters at `at` replaced by `added` ones. */
export interface TextEdit {
  at: number
  removed: number
  added: number
}

/** The one span where `before` and `after` differ. */
export function textEdit(before: string, after: string): TextEdit {
  let start = 0
  const shorter = Math.min(before.length, after.length)
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++
  let end = 0
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++
  return {at: start, removed: before.length - start - end, added: after.length - start - end}
}

/** An offset after `edits` where it was before them; undefined inside text they added. */
export function offsetBefore(offset: number, edits: readonly TextEdit[]): number | undefined {
  let at: number | undefined = offset
  for (let i = edits.length - 1; i >= 0 && at !== undefined; i--) {
    const edit = edits[i]!
    if (at > edit.at) at = at >= edit.at + edit.added ? at - edit.added + edit.removed : undefined
  }
  return at
}

export interface ProsePatchOptions {
  markdownMemo: MarkdownMemo
  htmlMemo: HtmlMemo
  smart?: boolean
  onStage?: (name: string, ms: number) => void
}

/**
 * The essay's result after its text became `source`, patched from `last` (built with these memos),
 * or undefined when the edit is not prose alone (the essay is then built in full).
 */
export async function patchProse(last: EssayResult, source: string, options: ProsePatchOptions): Promise<EssayResult | undefined> {
  const page = options.htmlMemo.page
  const previous = String(last.file.value)
  if (!page || !last.ok || !last.printed) return undefined
  const frontMatter = startsWithFrontMatter(source)
  if (frontMatter !== startsWithFrontMatter(previous)) return undefined
  let time = performance.now()
  const stage = (name: string) => {
    const now = performance.now()
    options.onStage?.(name, now - time)
    time = now
  }
  const edit = textEdit(previous, source)
  const chunk = options.markdownMemo.edit(previous, source, frontMatter)
  stage('parse')
  if (!chunk) return undefined
  const [before, after] = await Promise.all([readAlone(chunk.before, previous, last, options), readAlone(chunk.after, source, last, options)])
  if (before.messages !== after.messages) return undefined
  const changes: Array<{was: MdastText; now: MdastText}> = []
  if (!sameButText(before.tree, after.tree, [], changes) || changes.length === 0) return undefined

  // Each changed text node where the page printed it, holding the text it was printed with.
  const sites: Array<{site: TextSite; value: string}> = []
  for (const {was, now} of changes) {
    const start = was.position?.start.offset
    const base = start === undefined ? undefined : offsetBefore(start, page.edits)
    const found = base === undefined ? undefined : page.texts.get(base)
    if (!found) return undefined
    for (const site of found) {
      const value = printedText(site.node.value, trimLines(was.value), trimLines(now.value))
      if (value === undefined) return undefined
      sites.push({site, value})
    }
  }
  // Words of the paragraphs the description was made of change the head: built in full.
  const opening = last.file.data.descriptionParagraphs ?? []
  if (sites.some(({site}) => opening.some((paragraph) => holds(paragraph, site.node)))) return undefined
  for (const {site, value} of sites) site.node.value = value
  stage('patch text')

  const blocks = [...new Map(sites.map(({site}) => [site.block, site.path])).entries()].map(([block, path]) => ({block, path}))
  const printed = reprint(last.printed, blocks)
  page.edits.push(edit)
  const file = new VFile({path: last.file.path, value: source})
  file.data = last.file.data
  const moves = {edit, before: lineStarts(previous), after: lineStarts(source)}
  file.messages = last.file.messages.map((message) => moved(message, moves))
  const outputs = new Map(last.outputs)
  outputs.set(last.dir ? `${last.dir}/index.html` : 'index.html', joinPrinted(printed))
  stage('print')
  return {...last, file, outputs, printed}
}

/**
 * What a text node printed as `printed` from the text `was` prints now that the text is `now`:
 * `now` when it printed as it was written; when a later stage took off its ends (under a note
 * style, the space before a citation and the punctuation after it, which the note's number moves
 * past), the same ends taken off `now`, provided the edit left the printed part's first and last
 * characters alone, on which those stages decide. Otherwise undefined.
 */
function printedText(printed: string, was: string, now: string): string | undefined {
  if (printed === was) return now
  const at = was.indexOf(printed)
  if (printed.length < 2 || at < 0 || was.lastIndexOf(printed) !== at) return undefined
  const edit = textEdit(was, now)
  if (edit.at <= at || edit.at + edit.removed >= at + printed.length) return undefined
  return now.slice(at, now.length - (was.length - at - printed.length))
}

function holds(parent: HastNodes, node: HastNodes): boolean {
  return parent === node || ('children' in parent && parent.children.some((child) => holds(child, node)))
}

/** Nodes of one chunk read by the front stages alone, and the messages that gave. */
async function readAlone(nodes: RootContent[], source: string, last: EssayResult, options: ProsePatchOptions): Promise<{tree: MdastRoot; messages: string}> {
  const tree: MdastRoot = {type: 'root', children: nodes}
  const file = new VFile({path: last.file.path, value: source})
  await frontStages({smart: options.smart}).run(tree, file)
  return {tree, messages: JSON.stringify(file.messages.map((m) => [m.ruleId, m.reason]))}
}

/** Any value but positions, compared as JSON (a node's data, a citation's value). */
const plain = (value: unknown) => JSON.stringify(value, (key, inner: unknown) => (key === 'position' ? undefined : inner))

/** True when `a` and `b` are the same tree but for the values of text nodes in prose, which are listed. */
function sameButText(a: MdastNodes, b: MdastNodes, parents: string[], changes: Array<{was: MdastText; now: MdastText}>): boolean {
  if (a.type !== b.type) return false
  const keys = Object.keys(a).filter((k) => k !== 'position' && k !== 'children' && !(a.type === 'text' && k === 'value'))
  const other = Object.keys(b).filter((k) => k !== 'position' && k !== 'children' && !(b.type === 'text' && k === 'value'))
  if (keys.length !== other.length) return false
  for (const k of keys) if (plain((a as unknown as Record<string, unknown>)[k]) !== plain((b as unknown as Record<string, unknown>)[k])) return false
  if (a.type === 'text' && a.value !== (b as MdastText).value) {
    if (!parents.every((type) => proseParents.has(type))) return false
    changes.push({was: a, now: b as MdastText})
  }
  const ac = 'children' in a ? (a.children as MdastNodes[]) : []
  const bc = 'children' in b ? (b.children as MdastNodes[]) : []
  if (ac.length !== bc.length || ('children' in a) !== ('children' in b)) return false
  parents.push(a.type)
  const same = ac.every((child, index) => sameButText(child, bc[index]!, parents, changes))
  parents.pop()
  return same
}

/** A message of the last build, its place where the edit moved its text (lines start at `before`, `after`). */
function moved(message: VFileMessage, {edit, before, after}: {edit: TextEdit; before: number[]; after: number[]}): VFileMessage {
  if (!message.place) return message
  const point = (p: Point): Point => {
    const was = p.offset ?? (before[p.line - 1] ?? Infinity) + p.column - 1
    if (!Number.isFinite(was) || was <= edit.at) return p
    const offset = Math.max(edit.at + edit.added, was - edit.removed + edit.added)
    let [low, high] = [0, after.length - 1]
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (after[middle]! <= offset) low = middle
      else high = middle - 1
    }
    return {line: low + 1, column: offset - after[low]! + 1, ...(p.offset === undefined ? {} : {offset})}
  }
  const place: Point | Position = 'start' in message.place ? {start: point(message.place.start), end: point(message.place.end)} : point(message.place)
  const copy = Object.assign(Object.create(Object.getPrototypeOf(message) as object) as VFileMessage, message)
  const start = 'start' in place ? place.start : place
  copy.place = place
  copy.line = start.line
  copy.column = start.column
  return copy
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}
