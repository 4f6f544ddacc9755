/**
 * Stage "cite this": how to cite the essay itself, in every offered style (only the shown style's
 * entry is visible; the style control switches it with the rest) and as BibTeX, each with a Copy
 * button. Made from `file.data.citations.citeThis`, i.e. from the front matter alone.
 *
 * Also, for the reader's "Copy quote" (src/client/annotations.ts): `script#quote-citations`, JSON
 * `{STYLE: HTML}`, the essay cited at a paragraph in each style, the number being
 * `paragraphPlaceholder` (sanitized as the entries are).
 */
import type {ElementContent, Root} from 'hast'
import type {VFile} from 'vfile'
import {el, text} from '../util/hast.js'
import {toBibtex} from '../bibliography/export.js'
import {htmlFragment} from '../util/html-fragment.js'
import {toHtml} from 'hast-util-to-html'

export interface Options {
  /** Heading of the section (default "Cite this essay"). */
  heading?: string
}


export default function rehypeCiteThis(options: Options = {}) {
  const heading = options.heading ?? 'Cite this essay'
  return function transformer(tree: Root, file: VFile) {
    const citations = file.data.citations
    const citeThis = citations?.citeThis
    if (!citations || !citeThis) return
    const groups = new Map<string, string[]>()
    for (const style of citations.styles) {
      const html = citeThis.entries[style.id]
      if (!html) continue
      groups.set(html, [...(groups.get(html) ?? []), style.id])
    }
    const items: ElementContent[] = []
    for (const [html, styles] of groups) {
      const labels = citations.styles.filter((s) => styles.includes(s.id)).map((s) => s.label).join(', ')
      items.push(text('\n'), el('li', {dataStyles: styles.join(' '), hidden: !styles.includes(citations.defaultStyle)}, [
        ...htmlFragment(html, {sanitize: true}),
        el('div', {className: ['entry-actions']}, [
          el('button', {type: 'button', className: ['copy-ref'], ariaLabel: `Copy the citation of this essay (${labels})`}, [text('Copy')])
        ])
      ]))
    }
    const bibtex = toBibtex([citeThis.item]).trim()
    items.push(text('\n'), el('li', {className: ['bibtex-entry']}, [
      el('pre', {}, [el('code', {className: ['language-bibtex']}, [text(bibtex)])]),
      el('div', {className: ['entry-actions']}, [
        el('button', {type: 'button', className: ['copy-ref'], ariaLabel: 'Copy BibTeX of this essay'}, [text('Copy BibTeX')]),
        text(' '),
        el('a', {href: `data:application/x-bibtex;charset=utf-8,${encodeURIComponent(bibtex + '\n')}`, download: 'this-essay.bib', className: ['download']}, [text('Download BibTeX')])
      ])
    ]), text('\n'))
    const quotes = Object.fromEntries(Object.entries(citeThis.quotes).filter(([, html]) => html).map(([style, html]) => [style, toHtml(htmlFragment(html, {sanitize: true}))]))
    tree.children.push(text('\n'), el('section', {className: ['cite-this'], id: 'cite-this', ariaLabelledby: 'cite-this-heading'}, [
      text('\n'),
      el('h2', {id: 'cite-this-heading'}, [text(heading)]),
      text('\n'),
      el('ul', {className: ['reference-list', 'cite-this-list']}, items),
      text('\n'),
      el('script', {type: 'application/json', id: 'quote-citations'}, [text(JSON.stringify(quotes).replace(/</g, '\\u003c'))]),
      text('\n')
    ]))
  }
}
