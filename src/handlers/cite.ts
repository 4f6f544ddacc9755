/**
 * mdast-to-hast handler for `cite` nodes (left by `remarkRenderCitations`): one `span.citation`
 * holding the citation as each style renders it. Only the default style's variant is visible
 * without script (the others carry `hidden`); every cited work is an `a[role=doc-biblioref]`
 * to `#ref-KEY`. Under note styles a citation in the running text is a note reference
 * (`a[data-note-ref]`) with its note's content beside it (`span[data-note-def]`, phrasing so that HTML parsing keeps it in place), for `rehypeNotes`.
 */
import type {Element, ElementContent} from 'hast'
import type {CiteNode} from 'mdast'
import type {State} from 'mdast-util-to-hast'
import {htmlFragment} from '../util/html-fragment.js'
import {el} from '../util/hast.js'
import type {CiteNodeData} from '../types.js'


function containsLink(node: ElementContent): boolean {
  return node.type === 'element' && (node.tagName === 'a' || node.children.some(containsLink))
}

/** citeproc HTML to hast, with each work's part linked to its entry. */
export function citationHtmlToHast(html: string, keys: string[]): ElementContent[] {
  const nodes = htmlFragment(html)
  const link = (nodes: ElementContent[]): ElementContent[] =>
    nodes.map((node) => {
      if (node.type !== 'element') return node
      const index = node.properties.dataCiteItem
      if (index !== undefined && index !== null) {
        const key = keys[Number(index)]
        const children = link(node.children)
        if (key === undefined) return el('span', {}, children)
        const anchor = (content: ElementContent[]) => el('a', {role: 'doc-biblioref', href: `#ref-${key}`, dataKey: key}, content)
        if (!children.some(containsLink)) return anchor(children)
        // citeproc linked a DOI or URL inside: link the part before it, keep the rest.
        const first = children.findIndex(containsLink)
        const head = children.slice(0, first)
        return el('span', {}, [...(head.length > 0 ? [anchor(head)] : []), ...children.slice(first)])
      }
      return {...node, children: link(node.children)}
    })
  return link(nodes)
}

function variantSpan(styles: string[], defaultStyle: string, children: ElementContent[]): Element {
  return el('span', {className: ['cite-variant'], dataStyles: styles.join(' '), hidden: !styles.includes(defaultStyle)}, children)
}

export function cite(state: State, node: CiteNode): Element | ElementContent[] {
  const data = node.data?.cite as CiteNodeData | undefined
  const keys = node.citation.items.map((item) => item.key)
  const children: ElementContent[] = []
  const inTextStyles = data ? data.variants.filter((variant) => variant.note === undefined).flatMap((variant) => variant.styles) : []
  if (data) {
    const noteVariants = data.variants.filter((variant) => variant.note !== undefined)
    for (const variant of data.variants) {
      if (variant.note !== undefined) continue
      children.push(variantSpan(variant.styles, data.defaultStyle, [...citationHtmlToHast(variant.inline, keys), ...(variant.after ? [text(variant.after)] : [])]))
    }
    if (noteVariants.length > 0) {
      // Under note styles, in the running text: the author of a narrative citation, or the
      // punctuation that followed a bracketed one, then the reference to the note that holds the
      // rest (Pandoc: "Fenichel¹ shows", "a claim.¹", "as Brown et al. show¹.", "Brown et al.¹").
      const allNoteStyles = noteVariants.flatMap((variant) => variant.styles)
      const inner: ElementContent[] = []
      for (const variant of noteVariants) {
        const shown = [...(variant.inline ? citationHtmlToHast(variant.inline, keys) : []), ...(variant.punctuation ? [text(variant.punctuation)] : [])]
        if (shown.length > 0) inner.push(variantSpan(variant.styles, data.defaultStyle, shown))
      }
      inner.push(el('a', {dataNoteRef: data.id, dataNoteGenerated: ''}, []))
      inner.push(
        el('span', {dataNoteDef: data.id, dataNoteGenerated: '', hidden: true},
          noteVariants.map((variant) => variantSpan(variant.styles, data.defaultStyle, citationHtmlToHast(variant.note!, keys))))
      )
      for (const variant of noteVariants) if (variant.after) inner.push(variantSpan(variant.styles, data.defaultStyle, [text(variant.after)]))
      children.push(variantSpan(allNoteStyles, data.defaultStyle, inner))
    }
  } else {
    children.push({type: 'text', value: keys.map((key) => `@${key}`).join('; ')})
  }
  const result = el('span', {className: ['citation'], dataCiteId: data?.id, dataKeys: keys.join(' ')}, children)
  state.patch(node, result)
  const around = data?.around
  if (!around || inTextStyles.length === 0) return result
  // What note styles took out of the text around the citation, printed back for in-text styles.
  const aside = (value: string): ElementContent[] => (value ? [el('span', {dataStyles: inTextStyles.join(' '), hidden: !inTextStyles.includes(data.defaultStyle)}, [text(value)])] : [])
  return [...aside((around.quote ?? '') + around.space), result, ...aside(around.punctuation)]
}

function text(value: string): ElementContent {
  return {type: 'text', value}
}
