/**
 * Stage "permalinks": give the essay's body paragraphs stable ids `p-1`, `p-2`, ... and put a small
 * link to itself (`a.permalink`) in each, and in each heading that has an id (rehype-toc gives them
 * theirs). The stylesheet shows the links on hover and keyboard focus.
 *
 * Paragraphs are numbered as the references stage numbers the places it labels "¶ N": every `p` in
 * the text, not inside a note, an `aside` or a `section` (see `isBodyParagraph`), so that "¶ 12" in
 * a reference list is `#p-12` in the page. Run it after the notes stage and before the references.
 */
import type {Element, Root} from 'hast'
import {isBodyParagraph, walkElements} from '../util/hast.js'

export {isBodyParagraph}

export interface Options {
  /** Accessible name of a paragraph's link (default "Link to this paragraph"). */
  paragraphLabel?: string
  /** Accessible name of a heading's link (default "Link to this section"). */
  headingLabel?: string
}


function permalink(id: string, label: string, symbol: string): Element {
  return {type: 'element', tagName: 'a', properties: {className: ['permalink'], href: `#${id}`, ariaLabel: label}, children: [{type: 'text', value: symbol}]}
}

export default function rehypePermalinks(options: Options = {}) {
  const paragraphLabel = options.paragraphLabel ?? 'Link to this paragraph'
  const headingLabel = options.headingLabel ?? 'Link to this section'
  return function transformer(tree: Root) {
    const used = new Set<string>()
    walkElements(tree, (node) => {
      if (node.properties.id !== undefined) used.add(String(node.properties.id))
    })
    let paragraph = 0
    walkElements(tree, (node, ancestors) => {
      if (isBodyParagraph(node, ancestors)) {
        paragraph++
        const id = `p-${paragraph}`
        // A paragraph keeps an id of its own; `p-N` is ours to give otherwise.
        if (node.properties.id === undefined && !used.has(id)) node.properties.id = id
        const target = String(node.properties.id ?? '')
        if (target) node.children.push(permalink(target, paragraphLabel, '¶'))
        return
      }
      if (/^h[1-6]$/.test(node.tagName) && node.properties.id !== undefined && !ancestors.some((a) => a.type === 'element' && a.tagName === 'section')) {
        node.children.push(permalink(String(node.properties.id), headingLabel, '#'))
      }
    })
  }
}
