/**
 * Stringify with a memory, for rebuilds (`build --watch`, `preview`): a page is mostly blocks
 * that an edit leaves as they were (the other paragraphs, the notes, nine reference lists), and
 * printing a page of nine styles takes seconds when it is large. `HtmlMemo.stringify` prints each
 * block once and, on the next build, prints again only blocks whose tree changed.
 *
 * The blocks are the element children of the page's containers (`html`, `body`, `main`,
 * `article`, `section`, `div`, `nav`, `ol`, `ul`), each known by a hash of its tree; containers
 * are walked into. hast-util-to-html prints an element the same alone as in its page unless
 * optional tags are omitted or it stands inside `svg`: neither happens here (no option; blocks
 * are children of HTML containers only), so the page is byte-identical to `toHtml(tree)`
 * (tests/html-memo.test.ts). A tree holding `raw` nodes of its own is printed plainly.
 */
import crypto from 'node:crypto'
import type {Element, Nodes, Root, RootContent} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {hasRaw} from './hast.js'

const containers = new Set(['html', 'body', 'main', 'article', 'section', 'div', 'nav', 'ol', 'ul'])

export class HtmlMemo {
  /** Printed blocks of the last build, by hash of their tree. */
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
    const block = (node: Element): RootContent => {
      const hash = crypto.createHash('sha1').update(JSON.stringify(node)).digest('base64')
      let html = next.get(hash) ?? previous.get(hash)
      if (html === undefined) {
        html = toHtml(node)
        run.printed++
      } else {
        run.reused++
      }
      next.set(hash, html)
      return {type: 'raw', value: html}
    }
    const walk = <T extends Root | Element>(parent: T): T => ({
      ...parent,
      children: parent.children.map((child) => {
        if (child.type !== 'element') return child
        return containers.has(child.tagName) ? walk(child) : block(child)
      })
    })
    const html = toHtml(walk(tree), {allowDangerousHtml: true})
    this.printed = next
    this.lastRun = run
    return html
  }
}

function dropPositions(node: Nodes): void {
  delete node.position
  if ('children' in node) for (const child of node.children) dropPositions(child)
}
