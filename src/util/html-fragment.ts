/**
 * citeproc's HTML strings as hast, parsed once: the same citation or entry comes back many times
 * (repeated citations, styles that agree, every rebuild in watch and preview), and parse5 is the
 * costly part. Each call returns its own copy, so callers may change what they get.
 */
import type {ElementContent} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {sanitizeTree} from './sanitize.js'

const parsed = new Map<string, ElementContent[]>()
const limit = 200_000

/** `html` as hast nodes; `sanitize` runs the page's sanitizing schema over them first. */
export function htmlFragment(html: string, options: {sanitize?: boolean} = {}): ElementContent[] {
  const key = (options.sanitize ? 's' : 'r') + html
  let nodes = parsed.get(key)
  if (!nodes) {
    const tree = fromHtml(html, {fragment: true})
    nodes = (options.sanitize ? sanitizeTree(tree) : tree).children as ElementContent[]
    if (parsed.size >= limit) parsed.clear()
    parsed.set(key, nodes)
  }
  return structuredClone(nodes)
}
