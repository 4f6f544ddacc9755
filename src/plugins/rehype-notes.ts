/**
 * Stage "notes": turn note references (`a[data-note-ref=ID]`) and note contents
 * (`[data-note-def=ID]`, an `aside` or, for phrasing, a `span`, wherever they stand) into the page's notes, as the page contract
 * says: `a[role=doc-noteref]` to `#fn-ID` showing the note's number, and endnotes in
 * `section[role=doc-endnotes]`, one `li#fn-ID` per note, with one `a[role=doc-backlink]` per reference.
 * The popover is the client script's work; without it these links jump both ways.
 *
 * Notes generated for citations under note styles (`data-note-generated`) are numbered in sequence
 * with the author's notes under those styles only: each reference and note then carries both
 * numbers (`data-n-note`, `data-n-text`) and shows the one of the initial `mode`.
 */
import type {Element, ElementContent, Root, RootContent} from 'hast'
import {visit, SKIP} from 'unist-util-visit'

export interface Options {
  /** Numbering shown first: `note` when the default style is a note style. */
  mode?: 'note' | 'in-text'
  /** Heading of the endnotes (default "Notes"). */
  heading?: string
}

interface Note {
  id: string
  definition: Element
  generated: boolean
  numberNote: number
  numberText: number
  refs: string[]
}

function slug(text: string): string {
  return text.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'note'
}

function isElement(node: unknown, tagName?: string): node is Element {
  return Boolean(node && (node as Element).type === 'element' && (!tagName || (node as Element).tagName === tagName))
}

export default function rehypeNotes(options: Options = {}) {
  const mode = options.mode ?? 'in-text'
  const heading = options.heading ?? 'Notes'
  return function transformer(tree: Root) {
    const definitions = new Map<string, Element>()
    visit(tree, 'element', (node, index, parent) => {
      if (node.properties.dataNoteDef !== undefined && parent && index !== undefined) {
        const id = String(node.properties.dataNoteDef)
        if (!definitions.has(id)) definitions.set(id, node)
        parent.children.splice(index, 1)
        return [SKIP, index]
      }
      return undefined
    })

    const notes = new Map<string, Note>()
    const usedIds = new Set<string>()
    let countNote = 0
    let countText = 0
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'a' || node.properties.dataNoteRef === undefined || !parent || index === undefined) return
      const key = String(node.properties.dataNoteRef)
      const definition = definitions.get(key)
      if (!definition) {
        // A reference to a note that has no content: keep the reader's text, drop the link.
        parent.children.splice(index, 1, {type: 'text', value: `[^${String(node.properties.dataNoteLabel ?? key)}]`})
        return [SKIP, index + 1]
      }
      let note = notes.get(key)
      if (!note) {
        const generated = node.properties.dataNoteGenerated !== undefined
        countNote++
        if (!generated) countText++
        let id = slug(key)
        for (let n = 2; usedIds.has(id); n++) id = `${slug(key)}-${n}`
        usedIds.add(id)
        note = {id, definition, generated, numberNote: countNote, numberText: generated ? 0 : countText, refs: []}
        notes.set(key, note)
      }
      const refId = `fnref-${note.id}${note.refs.length > 0 ? `-${note.refs.length + 1}` : ''}`
      note.refs.push(refId)
      const shown = mode === 'note' || note.generated ? note.numberNote : note.numberText
      const differs = note.numberNote !== note.numberText
      const anchor: Element = {
        type: 'element',
        tagName: 'a',
        properties: {
          role: 'doc-noteref',
          href: `#fn-${note.id}`,
          id: refId,
          className: ['note-ref'],
          ...(differs ? {dataNNote: note.numberNote, dataNText: note.numberText} : {})
        },
        children: [{type: 'text', value: String(mode === 'note' ? note.numberNote : shown)}]
      }
      parent.children.splice(index, 1, {type: 'element', tagName: 'sup', properties: {className: ['note-mark']}, children: [anchor]})
      return [SKIP, index + 1]
    })

    if (notes.size === 0) return
    const items: ElementContent[] = []
    for (const note of notes.values()) {
      let content = note.definition.children.filter((child) => !(child.type === 'text' && !child.value.trim()))
      // A note given as phrasing (a generated citation note) becomes one paragraph.
      if (note.definition.tagName === 'span') content = [{type: 'element', tagName: 'p', properties: {}, children: content}]
      const backlinks: ElementContent[] = []
      note.refs.forEach((refId, n) => {
        backlinks.push({type: 'text', value: ' '})
        backlinks.push({
          type: 'element',
          tagName: 'a',
          properties: {role: 'doc-backlink', href: `#${refId}`, className: ['note-backlink'], ariaLabel: `Back to reference${note.refs.length > 1 ? ` ${n + 1}` : ''} in the text`},
          children: [{type: 'text', value: note.refs.length > 1 ? `↩${String.fromCharCode(97 + (n % 26))}` : '↩'}]
        })
      })
      const last = content[content.length - 1]
      if (isElement(last, 'p')) last.children.push(...backlinks)
      else content.push({type: 'element', tagName: 'p', properties: {}, children: backlinks.slice(1)})
      const differs = note.numberNote !== note.numberText
      items.push({type: 'text', value: '\n'})
      items.push({
        type: 'element',
        tagName: 'li',
        properties: {
          id: `fn-${note.id}`,
          dataNote: note.id,
          value: mode === 'note' || note.generated ? note.numberNote : note.numberText,
          ...(differs ? {dataNNote: note.numberNote, dataNText: note.numberText} : {}),
          ...(note.generated ? {dataNoteGenerated: '', hidden: mode !== 'note'} : {})
        },
        children: content
      })
    }
    items.push({type: 'text', value: '\n'})
    const section: RootContent = {
      type: 'element',
      tagName: 'section',
      properties: {role: 'doc-endnotes', id: 'notes', className: ['endnotes'], ariaLabelledby: 'notes-heading'},
      children: [
        {type: 'text', value: '\n'},
        {type: 'element', tagName: 'h2', properties: {id: 'notes-heading'}, children: [{type: 'text', value: heading}]},
        {type: 'text', value: '\n'},
        {type: 'element', tagName: 'ol', properties: {}, children: items},
        {type: 'text', value: '\n'}
      ]
    }
    tree.children.push({type: 'text', value: '\n'}, section)
  }
}
