/**
 * Stringify with a memory, for rebuilds (`build --watch`, `preview`): a page is mostly blocks
 * that an edit leaves as they were (the other paragraphs, the notes, nine reference lists), and
 * printing a page of nine styles takes seconds when it is large. `HtmlMemo.stringify` prints each
 * block once and, on the next build, prints again only blocks whose tree changed.
 *
 * The blocks are the element children of the page's containers (`html`, `body`, `main`,
 * `article`, `section`, `div`, `nav`, `ol`, `ul`), each known by its tree; containers are walked
 * into and their tags printed around their children. hast-util-to-html prints an element the
 * same alone as in its page unless optional tags are omitted or it stands inside `svg`: neither
 * happens here (no option; blocks are children of HTML containers only), so the page is
 * byte-identical to `toHtml(tree)` (tests/html-memo.test.ts). A tree holding `raw` nodes of its
 * own is printed plainly.
 *
 * The page is also kept as printed (`PrintedPage`): its containers' tags and blocks in order, which
 * the preview compares between versions to send only changed blocks, and the text nodes the essay
 * wrote, by where they were written, which a prose edit (src/util/prose-patch.ts) changes in place
 * before printing their blocks again (`reprint`).
 */
import type {Element, Nodes, Root, RootContent, Text} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {hasRaw} from './hast.js'

const containers = new Set(['html', 'body', 'main', 'article', 'section', 'div', 'nav', 'ol', 'ul'])

/** A block as printed: an element child of a container, and its tag. */
export interface PrintedBlock {
  tag: string
  html: string
}
/** A container: its opening and closing tags around its children. */
export interface PrintedContainer {
  open: string
  close: string
  children: PrintedNode[]
}
/** Text, comments and the doctype between blocks are plain strings. */
export type PrintedNode = string | PrintedBlock | PrintedContainer

/** A text node of the page, the block it is printed in, and that block's path in the printed page. */
export interface TextSite {
  node: Text
  block: Element
  path: number[]
}

/** The page as printed by the last `stringify`. */
export interface PrintedPage {
  /** As `stringify` printed it (a prose patch prints into copies: `EssayResult.printed` is the latest). */
  nodes: PrintedNode[]
  /** The page's tree (positions dropped). */
  root: Root
  /** Text nodes by the offset where their source starts (those with a position). */
  texts: Map<number, TextSite[]>
  /**
   * Edits of the essay's text since (src/util/prose-patch.ts), in order: the offsets of `texts`
   * are where the text was before the first.
   */
  edits: Array<{at: number; removed: number; added: number}>
}

/** The HTML of a printed page (or part). */
export function joinPrinted(nodes: PrintedNode[]): string {
  const parts: string[] = []
  const add = (node: PrintedNode) => {
    if (typeof node === 'string') parts.push(node)
    else if ('html' in node) parts.push(node.html)
    else {
      parts.push(node.open)
      for (const child of node.children) add(child)
      parts.push(node.close)
    }
  }
  nodes.forEach(add)
  return parts.join('')
}

/**
 * `page` with the blocks at `paths` printed again from their (changed) trees: a new page sharing
 * every unchanged part with `page`, which stays as it was.
 */
export function reprint(page: PrintedNode[], blocks: Array<{path: number[]; block: Element}>): PrintedNode[] {
  const root = page.slice()
  for (const {path, block} of blocks) {
    let children = root
    for (const index of path.slice(0, -1)) {
      const container = children[index] as PrintedContainer
      const copy = {...container, children: container.children.slice()}
      children[index] = copy
      children = copy.children
    }
    children[path[path.length - 1]!] = {tag: block.tagName, html: toHtml(block)}
  }
  return root
}

export class HtmlMemo {
  /** Printed blocks of the last build, by their tree as JSON. */
  private printed = new Map<string, string>()
  /** Blocks printed and blocks reused by the last `stringify` (for tests and `--verbose`). */
  lastRun = {printed: 0, reused: 0}
  /** The page the last `stringify` printed; undefined when it was printed plainly. */
  page: PrintedPage | undefined

  /**
   * The page as `toHtml(tree)` prints it, reusing blocks printed by the previous call. Drops the
   * `position` of every node of `tree` (it is meant to be printed last; positions change no HTML).
   */
  stringify(tree: Root): string {
    this.page = undefined
    if (hasRaw(tree)) return toHtml(tree)
    const previous = this.printed
    const next = new Map<string, string>()
    const run = {printed: 0, reused: 0}
    const texts = new Map<number, TextSite[]>()
    // What a block prints is its tree without positions, which toHtml ignores (an edit above a
    // block moves its positions, not its HTML): they are dropped, as the tree is printed last,
    // after the text nodes' are noted.
    const path: number[] = []
    // A block is known by its JSON itself, not a digest of it: a Map hashes and compares strings
    // faster than a digest is made, and the page's blocks are not so many that keeping their
    // JSON for one build matters.
    const block = (node: Element): string => {
      noteTexts(node, node, path.slice(), texts)
      const key = JSON.stringify(node)
      let html = next.get(key) ?? previous.get(key)
      if (html === undefined) {
        html = toHtml(node)
        run.printed++
      } else {
        run.reused++
      }
      next.set(key, html)
      return html
    }
    // Text, comments and the doctype between blocks, printed once per run by value.
    const leaves = new Map<string, string>()
    const leaf = (node: RootContent): string => {
      const key = node.type === 'text' || node.type === 'comment' ? node.type + ':' + node.value : JSON.stringify(node)
      let html = leaves.get(key)
      if (html === undefined) leaves.set(key, (html = toHtml(node)))
      return html
    }
    // The page is assembled from strings: a container's tags printed from a copy without
    // children (`<ol class=x></ol>` is its opening tag and `</ol>`), its children in between.
    const emit = (node: RootContent): PrintedNode => {
      delete node.position
      if (node.type !== 'element') return leaf(node)
      if (!containers.has(node.tagName)) return {tag: node.tagName, html: block(node)}
      const shell = toHtml({...node, children: []})
      const close = `</${node.tagName}>`
      const children: PrintedNode[] = []
      node.children.forEach((child, index) => {
        path.push(index)
        children.push(emit(child))
        path.pop()
      })
      return {open: shell.slice(0, shell.length - close.length), close, children}
    }
    delete tree.position
    const nodes = tree.children.map((child, index) => {
      path.push(index)
      const printed = emit(child)
      path.pop()
      return printed
    })
    this.printed = next
    this.lastRun = run
    this.page = {nodes, root: tree, texts, edits: []}
    return joinPrinted(nodes)
  }
}

/** Note the text nodes under `node` (in `block`) by their source offset, and drop every position. */
function noteTexts(node: Nodes, block: Element, path: number[], texts: Map<number, TextSite[]>): void {
  const offset = node.position?.start.offset
  if (node.type === 'text' && offset !== undefined) {
    const sites = texts.get(offset)
    if (sites) sites.push({node, block, path})
    else texts.set(offset, [{node, block, path}])
  }
  delete node.position
  if ('children' in node) for (const child of node.children) noteTexts(child, block, path, texts)
}

/** The attribute of a stand-in for an unchanged block in `printChanges` (its value: the block's tag). */
export const unchangedBlock = 'data-essay-edition-same'

const tagOf = (node: PrintedBlock | PrintedContainer): string => ('tag' in node ? node.tag : /^<([^\s>/]+)/.exec(node.open)![1]!)
/** A block that runs a script (a JSON data block does not): never stood in for, so that the page sees a script change. */
const runsScript = (node: PrintedBlock) => node.html.includes('<script') && /<script\b(?![^>]*\btype="application\/(?:ld\+)?json")/.test(node.html)

function samePrinted(a: PrintedNode, b: PrintedNode): boolean {
  if (a === b) return true
  if (typeof a === 'string' || typeof b === 'string') return a === b
  if ('html' in a || 'html' in b) return 'html' in a && 'html' in b && a.html === b.html
  return a.open === b.open && a.children.length === b.children.length && a.children.every((child, index) => samePrinted(child, b.children[index]!))
}

/**
 * The page `now` as HTML for a reader who has `was` open (the preview, src/cli/preview.ts): in the
 * body, the blocks and containers equal in both at the start and end of each container stand in as
 * `<template data-essay-edition-same="TAG">` (the page keeps its own); in between, containers with
 * the same tags are printed so in turn, other nodes in full. The head, and everything outside the
 * body, is printed in full; so is any block that runs a script.
 */
export function printChanges(was: PrintedNode[], now: PrintedNode[]): string {
  const parts: string[] = []
  const full = (node: PrintedNode) => parts.push(joinPrinted([node]))
  const standIn = (node: PrintedNode) => {
    if (typeof node === 'string' || ('html' in node && runsScript(node))) full(node)
    else parts.push(`<template ${unchangedBlock}="${tagOf(node)}"></template>`)
  }
  const inside = (a: PrintedContainer, b: PrintedContainer, body: boolean) => {
    parts.push(b.open)
    walk(a.children, b.children, body || /^<body[\s>]/i.test(b.open))
    parts.push(b.close)
  }
  const container = (node: PrintedNode | undefined): PrintedContainer | undefined => (node && typeof node !== 'string' && !('html' in node) ? node : undefined)
  const walk = (a: PrintedNode[], b: PrintedNode[], body: boolean): void => {
    if (!body) {
      // Outside the body: node for node, into containers that stand at the same place.
      b.forEach((node, index) => {
        const [x, y] = [container(a[index]), container(node)]
        if (x && y && x.open === y.open) inside(x, y, false)
        else full(node)
      })
      return
    }
    let start = 0
    while (start < a.length && start < b.length && samePrinted(a[start]!, b[start]!)) start++
    let [endA, endB] = [a.length, b.length]
    while (endA > start && endB > start && samePrinted(a[endA - 1]!, b[endB - 1]!)) {
      endA--
      endB--
    }
    for (let i = 0; i < start; i++) standIn(b[i]!)
    for (let i = start; i < endB; i++) {
      const [x, y] = [i < endA ? container(a[i]) : undefined, container(b[i])]
      if (x && y && x.open === y.open) inside(x, y, true)
      else full(b[i]!)
    }
    for (let i = endB; i < b.length; i++) standIn(b[i]!)
  }
  walk(was, now, false)
  return parts.join('')
}
