/**
 * mdast-to-hast handlers for GFM footnotes. They leave a neutral convention that `rehypeNotes`
 * turns into the page's notes: a reference is `a[data-note-ref=ID]`, a note's content is
 * `aside[data-note-def=ID]`, wherever it stands. (remark-rehype's own footer is not built, since
 * these handlers do not fill its `footnoteOrder`.)
 */
import type {Element} from 'hast'
import type {FootnoteDefinition, FootnoteReference} from 'mdast'
import type {State} from 'mdast-util-to-hast'

export function footnoteReference(state: State, node: FootnoteReference): Element {
  const result: Element = {type: 'element', tagName: 'a', properties: {dataNoteRef: node.identifier, dataNoteLabel: node.label ?? node.identifier}, children: []}
  state.patch(node, result)
  return state.applyData(node, result)
}

export function footnoteDefinition(state: State, node: FootnoteDefinition): Element {
  const result: Element = {type: 'element', tagName: 'aside', properties: {dataNoteDef: node.identifier}, children: state.wrap(state.all(node), true)}
  state.patch(node, result)
  return state.applyData(node, result)
}
