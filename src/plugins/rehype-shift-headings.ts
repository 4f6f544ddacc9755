/**
 * Stage "heading levels": the page's title is its one `h1` (the masthead's). An essay that uses
 * level-1 headings of its own (`# Introduction`, as JOSS papers do) has all its headings shifted
 * down one level, as Pandoc's `--shift-heading-level-by=1` does: `#` becomes `h2`, `##` `h3`, ...,
 * and a level-6 heading, which has no level below, a paragraph (as in Pandoc). An essay whose
 * headings start at `##` is left as written. Runs on the essay alone, before the notes, contents
 * and permalinks stages, which then follow the new levels.
 */
import type {Element, Root} from 'hast'
import {walkElements} from '../util/hast.js'

const level = (node: Element): number => (/^h[1-6]$/.test(node.tagName) ? Number(node.tagName[1]) : 0)

export default function rehypeShiftHeadings() {
  return function transformer(tree: Root) {
    const headings: Element[] = []
    walkElements(tree, (node) => {
      if (level(node) > 0) headings.push(node)
    })
    if (!headings.some((node) => level(node) === 1)) return
    for (const node of headings) {
      const next = level(node) + 1
      node.tagName = next > 6 ? 'p' : `h${next}`
    }
  }
}
