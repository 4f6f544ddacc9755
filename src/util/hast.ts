/**
 * Small hast helpers shared by the stages that build markup, and the one rule of which paragraphs
 * are the essay's own (numbered `p-N` and cited as "¶ N").
 */
import crypto from 'node:crypto'
import type {Element, ElementContent, Nodes, Root} from 'hast'

export function el(tagName: string, properties: Element['properties'] = {}, children: ElementContent[] = []): Element {
  return {type: 'element', tagName, properties, children}
}

export const text = (value: string): ElementContent => ({type: 'text', value})

/**
 * Whether a `p` is one of the essay's body paragraphs: not inside a note (`li[data-note]`), an
 * `aside` or a `section`. The permalinks stage numbers these `p-N`; the references stage labels
 * citations in them "¶ N".
 */
export function isBodyParagraph(node: Element, ancestors: ReadonlyArray<Root | Element>): boolean {
  if (node.tagName !== 'p') return false
  return !ancestors.some((a) => a.type === 'element' && (a.tagName === 'aside' || a.tagName === 'section' || (a.tagName === 'li' && a.properties.dataNote !== undefined)))
}

/**
 * Visit every element under `tree` in document order, with its ancestors (`tree` first). Works as
 * `visitParents(tree, 'element', ...)` does for descendants, without an array per node: on a page
 * of nine styles' citations and lists that walk costs a second, this one a tenth of it.
 * `ancestors` is one stack shared by all calls, valid only during the call. Children a visitor adds
 * to the node it visits are visited; return `'skip'` not to enter the node's children.
 */
export function walkElements(tree: Root | Element, visitor: (node: Element, ancestors: ReadonlyArray<Root | Element>) => void | 'skip'): void {
  const ancestors: Array<Root | Element> = []
  const walk = (parent: Root | Element): void => {
    ancestors.push(parent)
    const children = parent.children
    for (let index = 0; index < children.length; index++) {
      const child = children[index]!
      if (child.type === 'element' && visitor(child, ancestors) !== 'skip') walk(child)
    }
    ancestors.pop()
  }
  walk(tree)
}

/** Whether a tree holds `raw` nodes (HTML as a string: the essay's own, before it is parsed). */
export function hasRaw(node: Nodes): boolean {
  if (node.type === 'raw') return true
  return 'children' in node && node.children.some((child) => hasRaw(child))
}

/** A Content-Security-Policy source for an inline script or style: `'sha256-...'`. */
export function cspHash(source: string): string {
  return `'sha256-${crypto.createHash('sha256').update(source, 'utf8').digest('base64')}'`
}
