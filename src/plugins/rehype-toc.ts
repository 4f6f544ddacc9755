/**
 * Stage "contents": give the essay's headings stable ids made from their text, and, when the essay
 * has at least `minHeadings` of them, put a table of contents (`nav[aria-label=Contents]`) before
 * the text. Runs after the notes stage: headings inside sections (the endnotes) are not the essay's.
 *
 * Ids are slugs of the heading text (`Why it matters` -> `why-it-matters`), made unique in the page;
 * a slug that looks like one of the page's own ids (`fn-1`, `ref-KEY`, `p-3`, ...) gets an `h-` prefix.
 */
import type {Element, ElementContent, Root, RootContent} from 'hast'
import {toString} from 'hast-util-to-string'
import {walkElements} from '../util/hast.js'

export interface Options {
  /** Fewest headings for which a table of contents is made (default 2). */
  minHeadings?: number
  /** Deepest heading level listed (default 3). */
  maxDepth?: number
  /** Accessible name and visible title of the table of contents (default "Contents"). */
  title?: string
}

/** Ids the page uses for itself, or patterns of them, which a heading must not take. */
const reserved = /^(?:main|notes|notes-heading|references|contents|live-region|[a-z]+-select|(?:fn|fnref|ref|p|cite|note-popover|references-heading)-.*)$/

/** A heading's id from its text: lower case, letters and digits of any script, hyphens. */
export function headingSlug(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
  const id = slug || 'section'
  return reserved.test(id) ? `h-${id}` : id
}

const headingRank = (node: Element): number => (/^h[1-6]$/.test(node.tagName) ? Number(node.tagName[1]) : 0)

export default function rehypeToc(options: Options = {}) {
  const minHeadings = options.minHeadings ?? 2
  const maxDepth = options.maxDepth ?? 3
  const title = options.title ?? 'Contents'
  return function transformer(tree: Root) {
    const used = new Set<string>()
    const headings: Element[] = []
    walkElements(tree, (node, ancestors) => {
      if (node.properties.id !== undefined) used.add(String(node.properties.id))
      const inside = ancestors.some((a) => a.type === 'element' && ['section', 'aside', 'nav', 'blockquote', 'li', 'table'].includes(a.tagName))
      if (headingRank(node) > 0 && !inside) headings.push(node)
      else if (node.properties.dataHeadingId !== undefined) delete node.properties.dataHeadingId
    })
    // The author's ids first (`# Intro {#sec:intro}`, as Pandoc has them), in order, when free and
    // not one of the page's own; then slugs of the text for the other headings.
    for (const heading of headings) {
      const wanted = heading.properties.dataHeadingId
      delete heading.properties.dataHeadingId
      if (heading.properties.id === undefined && typeof wanted === 'string' && !reserved.test(wanted) && !used.has(wanted)) {
        heading.properties.id = wanted
        used.add(wanted)
      }
    }
    const entries: Array<{rank: number; id: string; text: string}> = []
    for (const heading of headings) {
      const text = toString(heading).replace(/\s+/g, ' ').trim()
      let id = heading.properties.id !== undefined ? String(heading.properties.id) : ''
      if (!id) {
        const base = headingSlug(text)
        id = base
        for (let n = 2; used.has(id); n++) id = `${base}-${n}`
        used.add(id)
        heading.properties.id = id
      }
      if (text) entries.push({rank: headingRank(heading), id, text})
    }
    if (entries.length < minHeadings) return
    const top = Math.min(...entries.map((e) => e.rank))
    const listed = entries.filter((e) => e.rank - top + 1 <= maxDepth)

    // Nested lists: one `ol` per level, an entry's sub-entries inside its `li`.
    const root: Element = {type: 'element', tagName: 'ol', properties: {}, children: []}
    const stack: Array<{rank: number; list: Element}> = [{rank: top, list: root}]
    for (const entry of listed) {
      while (stack.length > 1 && entry.rank < stack[stack.length - 1]!.rank) stack.pop()
      let current = stack[stack.length - 1]!
      if (entry.rank > current.rank) {
        const parentItem = current.list.children.filter((c): c is Element => c.type === 'element').at(-1)
        if (parentItem) {
          const list: Element = {type: 'element', tagName: 'ol', properties: {}, children: []}
          parentItem.children.push(list)
          current = {rank: entry.rank, list}
          stack.push(current)
        }
      }
      current.list.children.push({
        type: 'element',
        tagName: 'li',
        properties: {},
        children: [{type: 'element', tagName: 'a', properties: {href: `#${entry.id}`}, children: [{type: 'text', value: entry.text}]}]
      })
    }
    const nav: RootContent = {
      type: 'element',
      tagName: 'nav',
      properties: {className: ['toc'], ariaLabel: title},
      children: [
        {type: 'element', tagName: 'details', properties: {open: true}, children: [
          {type: 'element', tagName: 'summary', properties: {}, children: [{type: 'text', value: title}]},
          root as ElementContent
        ]}
      ]
    }
    tree.children.unshift(nav, {type: 'text', value: '\n'})
  }
}
