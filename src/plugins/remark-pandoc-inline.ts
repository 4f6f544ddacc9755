/**
 * Stage "parse", Pandoc's inline syntax that CommonMark and GFM lack, so that papers written for
 * Pandoc read as they should rather than showing their markup:
 *
 * - inline notes `text^[The note, with [@key, p. 3] if need be.]` become GFM footnotes (a reference
 *   and a definition), numbered with the others by their place;
 * - heading attributes `# Introduction {#sec:intro .unnumbered}` are taken off the heading's text;
 *   the id is kept as `data-heading-id` for the contents stage, which gives headings their ids.
 */
import type {FootnoteDefinition, FootnoteReference, Heading, Parent, PhrasingContent, Root, Text} from 'mdast'
import {visit} from 'unist-util-visit'

/** Where the `]` closing the `[` at `open` is, counting nested brackets; -1 when not in this string. */
function closingBracket(text: string, open: number, depth = 0): {index: number; depth: number} {
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '[') depth++
    else if (text[i] === ']' && --depth === 0) return {index: i, depth: 0}
  }
  return {index: -1, depth}
}

export default function remarkPandocInline() {
  return function transformer(tree: Root) {
    const definitions: FootnoteDefinition[] = []
    const taken = new Set<string>()
    visit(tree, 'footnoteDefinition', (node) => {
      taken.add(node.identifier)
    })
    let counter = 0
    const nextId = () => {
      let id: string
      do id = `inline-${++counter}`
      while (taken.has(id))
      return id
    }

    visit(tree, (node) => {
      if (!('children' in node)) return
      const parent = node as Parent
      for (let i = 0; i < parent.children.length; i++) {
        const child = parent.children[i]!
        if (child.type !== 'text') continue
        const start = child.value.indexOf('^[')
        if (start < 0) continue
        // The note may hold emphasis and the like: find its `]` in this or a later text sibling.
        let found = closingBracket(child.value, start + 1)
        let endChild = i
        while (found.index < 0 && endChild + 1 < parent.children.length) {
          endChild++
          const next = parent.children[endChild]!
          if (next.type === 'text') found = closingBracket(next.value, 0, found.depth)
        }
        if (found.index < 0) continue
        const before: Text = {type: 'text', value: child.value.slice(0, start)}
        let content: PhrasingContent[]
        let after: Text
        if (endChild === i) {
          content = [{type: 'text', value: child.value.slice(start + 2, found.index)}]
          after = {type: 'text', value: child.value.slice(found.index + 1)}
        } else {
          const last = parent.children[endChild] as Text
          content = [
            {type: 'text', value: child.value.slice(start + 2)},
            ...(parent.children.slice(i + 1, endChild) as PhrasingContent[]),
            {type: 'text', value: last.value.slice(0, found.index)}
          ]
          after = {type: 'text', value: last.value.slice(found.index + 1)}
        }
        const identifier = nextId()
        const reference: FootnoteReference = {type: 'footnoteReference', identifier, label: identifier}
        definitions.push({type: 'footnoteDefinition', identifier, label: identifier, children: [{type: 'paragraph', children: content.filter((c) => c.type !== 'text' || c.value)}]})
        const replacement = [before, reference, after].filter((n) => n.type !== 'text' || n.value) as Parent['children']
        parent.children.splice(i, endChild - i + 1, ...replacement)
        i += replacement.length - 2 // look again at what follows the note
      }
    })
    tree.children.push(...definitions)

    visit(tree, 'heading', (node: Heading) => {
      const last = node.children[node.children.length - 1]
      if (last?.type !== 'text') return
      const attributes = /\s*\{((?:\s*[#.][\w:.-]+|\s*[\w-]+="[^"]*"|\s*[\w-]+=[\w-]+)*)\s*\}\s*$/.exec(last.value)
      if (!attributes) return
      last.value = last.value.slice(0, attributes.index)
      // The author's id, for the contents stage to give the heading (it checks it is free).
      const id = /(?:^|\s)#([\w:.-]+)/.exec(attributes[1]!)?.[1]
      if (id) node.data = {...node.data, hProperties: {...node.data?.hProperties, dataHeadingId: id}}
    })
  }
}
