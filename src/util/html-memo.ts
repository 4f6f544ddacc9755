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
 */
import type {Element, Nodes, Root, RootContent} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {hasRaw} from './hast.js'

const containers = new Set(['html', 'body', 'main', 'article', 'section', 'div', 'nav', 'ol', 'ul'])

export class HtmlMemo {
  /** Printed blocks of the last build, by their tree as JSON. */
  private printed = new Map<string, string>()
  /** Blocks printed and blocks reused by the last `stringify` (for tests and `--verbose`). */
  lastRun = {printed: 0, reused: 0}

  /**
   * The page as `toHtml(tree)` prints it, reusing blocks printed by the previous call. Drops the
   * `position` of every node of `tree` (it is meant to be printed last; positions change no HTML).
   */
  stringify(tree: Root): string {
    if (hasRaw(tree)) return toHtml(tree)
    const previous = this.printed
    const next = new Map<string, string>()
    const run = {printed: 0, reused: 0}
    // What a block prints is its tree without positions, which toHtml ignores (an edit above a
    // block moves its positions, not its HTML): they are dropped, as the tree is printed last.
    dropPositions(tree)
    // A block is known by its JSON itself, not a digest of it: a Map hashes and compares strings
    // faster than a digest is made, and the page's blocks are not so many that keeping their
    // JSON for one build matters.
    const block = (node: Element): string => {
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
    const parts: string[] = []
    const emit = (node: RootContent): void => {
      if (node.type !== 'element') {
        parts.push(leaf(node))
      } else if (containers.has(node.tagName)) {
        const shell = toHtml({...node, children: []})
        const close = `</${node.tagName}>`
        parts.push(shell.slice(0, shell.length - close.length))
        for (const child of node.children) emit(child)
        parts.push(close)
      } else {
        parts.push(block(node))
      }
    }
    for (const child of tree.children) emit(child)
    this.printed = next
    this.lastRun = run
    return parts.join('')
  }
}

function dropPositions(node: Nodes): void {
  delete node.position
  if ('children' in node) for (const child of node.children) dropPositions(child)
}
