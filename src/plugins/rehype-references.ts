/**
 * Stage "references": one reference list per style (`section[role=doc-bibliography][data-style]`),
 * only the default one visible, as the page contract says. Each entry (`li[data-key]`, with
 * `id=ref-KEY` in the shown list) links to its DOI or URL, back to every place that cites it
 * ("note 3", "¶ 12"), carries a Copy button, and, in the default list, a COinS span.
 *
 * Reads `file.data.citations` and `file.data.bibliography`; the entries' HTML is citeproc's,
 * sanitized here.
 */
import type {Element, ElementContent, Root} from 'hast'
import type {VFile} from 'vfile'
import {el, isBodyParagraph, text, walkElements} from '../util/hast.js'
import {toString} from 'hast-util-to-string'
import {coinsTitle, workLink} from '../bibliography/coins.js'
import {htmlFragment} from '../util/html-fragment.js'
import {exportsOf} from '../bibliography/export.js'
import type {CslItem} from '../citations/render.js'

/** Split an export into its records, by the order of the works (each export keeps that order). */
function splitRecords(all: string, separator: RegExp, works: CslItem[]): Map<string, string> {
  const records = all.split(separator).map((r) => r.trim()).filter(Boolean)
  const byKey = new Map<string, string>()
  if (records.length !== works.length) return byKey
  works.forEach((work, index) => byKey.set(work.id, records[index]! + '\n'))
  return byKey
}

export interface Options {
  /** Heading of each list; by default "Bibliography" (note styles), "Works Cited" (MLA), "References". */
  heading?: (style: {id: string; class: string; format: string}) => string
}


function defaultHeading(style: {id: string; class: string; format: string}): string {
  if (style.class === 'note') return 'Bibliography'
  if (style.id.startsWith('modern-language-association')) return 'Works Cited'
  return 'References'
}

interface Place {
  id: string
  /** Label under note styles and under in-text styles. */
  note: string
  inText: string
}

/** Where each citation stands, labelled for readers, read from the finished tree. */
function citationPlaces(tree: Root): Map<string, Place> {
  const places = new Map<string, Place>()
  let paragraph = 0
  walkElements(tree, (node, ancestors) => {
    const inNote = ancestors.find((a): a is Element => a.type === 'element' && a.tagName === 'li' && a.properties.dataNote !== undefined)
    if (isBodyParagraph(node, ancestors)) paragraph++
    const id = node.properties.dataCiteId
    if (id === undefined) return
    node.properties.id = String(id)
    delete node.properties.dataCiteId
    if (inNote) {
      const numbers = noteNumbers(inNote)
      places.set(String(id), {id: String(id), note: `note ${numbers.note}`, inText: `note ${numbers.text}`})
      return
    }
    let generated: Element | undefined
    walkElements(node, (child) => {
      if (!generated && child.tagName === 'a' && child.properties.role === 'doc-noteref') generated = child
    })
    const n = generated ? (generated.properties.dataNNote ?? toString(generated)) : undefined
    places.set(String(id), {id: String(id), note: n !== undefined ? `note ${n}` : `¶ ${paragraph}`, inText: `¶ ${paragraph}`})
  })
  return places
}

function noteNumbers(li: Element): {note: string; text: string} {
  const value = String(li.properties.value ?? '')
  return {note: String(li.properties.dataNNote ?? value), text: String(li.properties.dataNText ?? value)}
}

export default function rehypeReferences(options: Options = {}) {
  const heading = options.heading ?? defaultHeading
  return function transformer(tree: Root, file: VFile) {
    const citations = file.data.citations
    if (!citations) return
    const items = file.data.bibliography?.items ?? new Map()
    const places = citationPlaces(tree)
    if (citations.listed.length === 0) return
    const byKey = new Map<string, string[]>()
    for (const place of citations.places) {
      for (const key of place.keys) {
        const list = byKey.get(key) ?? []
        if (!list.includes(place.id)) list.push(place.id)
        byKey.set(key, list)
      }
    }
    // The exports, made once: written beside the page by the build, and embedded per work so that
    // each entry's BibTeX and RIS download from the page alone, even offline.
    const listedItems = citations.listed.map((key) => items.get(key)).filter((item): item is CslItem => Boolean(item))
    const exports = exportsOf(listedItems)
    file.data.exports = exports
    const bibtexByKey = splitRecords(exports.bibtex, /\n(?=@)/, listedItems)
    const risByKey = splitRecords(exports.ris, /(?<=^ER {2}-.*)\n/m, listedItems)
    const perWork = Object.fromEntries(listedItems.map((item) => [item.id, {bib: bibtexByKey.get(item.id) ?? '', ris: risByKey.get(item.id) ?? ''}]))
    const container = el('div', {className: ['reference-lists'], id: 'references'})
    container.children.push(
      text('\n'),
      el('p', {className: ['exports']}, [
        text('Download the references: '),
        el('a', {href: 'references.bib', download: 'references.bib', dataExport: 'bib'}, [text('BibTeX')]), text(' · '),
        el('a', {href: 'references.ris', download: 'references.ris', dataExport: 'ris'}, [text('RIS')]), text(' · '),
        el('a', {href: 'references.json', download: 'references.json', dataExport: 'json'}, [text('CSL-JSON')])
      ]),
      text('\n'),
      // `<` escaped so that no value can close the element.
      el('script', {type: 'application/json', id: 'work-exports'}, [text(JSON.stringify({works: perWork, json: exports.cslJson}).replace(/</g, '\\u003c'))])
    )
    for (const style of citations.styles) {
      const shown = style.id === citations.defaultStyle
      const bibliography = citations.bibliographies[style.id]
      const entries: ElementContent[] = []
      for (const entry of bibliography?.entries ?? []) {
        const item = items.get(entry.key)
        const content = htmlFragment(entry.html, {sanitize: true})
        const actions: ElementContent[] = []
        const link = item ? workLink(item) : undefined
        if (link && !entry.html.includes(link.href.replace(/&/g, '&#38;')) && !entry.html.includes(link.href)) {
          actions.push(el('a', {className: ['work-link'], href: link.href}, [text(link.label)]), text(' '))
        }
        const citedAt = byKey.get(entry.key) ?? []
        if (citedAt.length > 0) {
          const links: ElementContent[] = [text('Cited at ')]
          citedAt.forEach((id, index) => {
            const place = places.get(id)
            if (index > 0) links.push(text(', '))
            links.push(el('a', {role: 'doc-backlink', href: `#${id}`}, [text(place ? (style.class === 'note' ? place.note : place.inText) : id)]))
          })
          actions.push(el('span', {className: ['cited-at']}, links), text(' '))
        }
        if (perWork[entry.key]) {
          for (const [format, name] of [['bib', 'BibTeX'], ['ris', 'RIS']] as const) {
            // Without script: the whole list's file beside the page; with it, this work alone.
            actions.push(el('a', {href: `references.${format}`, download: `${entry.key}.${format}`, dataExport: format}, [text(name)]), text(' '))
          }
        }
        const label = toString({type: 'root', children: content}).replace(/\s+/g, ' ').trim().slice(0, 40)
        actions.push(el('button', {type: 'button', className: ['copy-ref'], ariaLabel: `Copy reference: ${label}`}, [text('Copy')]))
        const li = el('li', {dataKey: entry.key, ...(shown ? {id: `ref-${entry.key}`} : {})}, [
          ...content,
          el('div', {className: ['entry-actions']}, actions)
        ])
        if (shown && item) li.children.push(el('span', {className: ['Z3988'], title: coinsTitle(item)}))
        entries.push(text('\n'), li)
      }
      entries.push(text('\n'))
      const headingId = `references-heading-${style.id.replace(/[^A-Za-z0-9-]/g, '-')}`
      const classes = ['references']
      if (bibliography?.hangingIndent) classes.push('hanging-indent')
      if (bibliography?.secondFieldAlign) classes.push('second-field-align')
      container.children.push(
        text('\n'),
        el('section', {role: 'doc-bibliography', dataStyle: style.id, className: classes, ariaLabelledby: headingId, hidden: !shown}, [
          text('\n'),
          el('h2', {id: headingId}, [text(heading(style))]),
          text('\n'),
          el('ul', {className: ['reference-list']}, entries),
          text('\n'),
          // After the list, so that the first Copy button of the page is the first entry's.
          el('button', {type: 'button', className: ['copy-all'], ariaLabel: `Copy all references (${style.label})`}, [text('Copy all')]),
          text('\n')
        ])
      )
    }
    container.children.push(text('\n'))
    tree.children.push(text('\n'), container)
  }
}
