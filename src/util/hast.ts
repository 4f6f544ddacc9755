/**
 * Small hast helpers shared by the stages that build markup, and the one rule of which paragraphs
 * are the essay's own (numbered `p-N` and cited as "¶ N").
 */
import crypto from 'node:crypto'
import type {Element, ElementContent, Root} from 'hast'

export function el(tagName: string, properties: Element['properties'] = {}, children: ElementContent[] = []): Element {
  return {type: 'element', tagName, properties, children}
}

export const text = (value: string): ElementContent => ({type: 'text', value})

/**
 * Whether a `p` is one of the essay's body paragraphs: not inside a note (`li[data-note]`), an
 * `aside` or a `section`. The permalinks stage numbers these `p-N`; the references stage labels
 * citations in them "¶ N".
 */
export function isBodyParagraph(node: Element, ancestors: Array<Root | Element>): boolean {
  if (node.tagName !== 'p') return false
  return !ancestors.some((a) => a.type === 'element' && (a.tagName === 'aside' || a.tagName === 'section' || (a.tagName === 'li' && a.properties.dataNote !== undefined)))
}

/** A Content-Security-Policy source for an inline script or style: `'sha256-...'`. */
export function cspHash(source: string): string {
  return `'sha256-${crypto.createHash('sha256').update(source, 'utf8').digest('base64')}'`
}
