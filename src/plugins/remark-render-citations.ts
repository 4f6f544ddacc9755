/**
 * Stage "render": every `cite` node, in reading order (a note's citations stand where its first
 * reference is), rendered in every offered style by the citation renderer. Under note styles a
 * citation in the running text becomes a generated note numbered in sequence with the author's
 * own notes, as Pandoc does; under in-text styles it stays in the text.
 *
 * Leaves per-node renderings on `node.data.cite` (for the `cite` handler) and the reference lists
 * and citation places on `file.data.citations` (for the later stages).
 */
import type {FootnoteDefinition, Nodes, Root} from 'mdast'
import type {CiteNode} from 'mdast'
import type {VFile} from 'vfile'
import type {CslItem, PlacedCitation, RenderedCitation, RenderedStyle, renderStyle} from '../citations/render.js'
import {renderInThread} from '../citations/pool.js'
import type {CslStyle} from '../citations/styles.js'
import type {CiteNodeData, CitationPlace, RenderedCitations} from '../types.js'
import {essayItem} from '../bibliography/essay-item.js'

export interface Options {
  /** The styles to render, loaded (see `loadStyle`). */
  styles: CslStyle[]
  /** Id of the style shown first; the first style otherwise. */
  defaultStyle?: string
  /** Render the styles; defaults to `renderStyle` one after another (a worker pool may stand in). */
  renderAll?: (jobs: Array<Parameters<typeof renderStyle>[0]>) => RenderedStyle[] | Promise<RenderedStyle[]>
}

interface Occurrence {
  node: CiteNode
  /** Identifier of the author's note it stands in, if any. */
  note?: string
  /** Note number under note styles (own or generated) and under in-text styles (0 in the text). */
  noteIndexNoteStyle: number
  noteIndexInText: number
}

/** Walk the tree in reading order and number notes as both kinds of style do. */
export function collectCitations(tree: Root): Occurrence[] {
  const definitions = new Map<string, FootnoteDefinition>()
  for (const child of tree.children) {
    if (child.type === 'footnoteDefinition') definitions.set(child.identifier, child)
  }
  const occurrences: Occurrence[] = []
  const referenced = new Set<string>()
  let noteStyleCounter = 0
  let inTextCounter = 0
  const walk = (node: Nodes, note: string | undefined, noteNumbers: [number, number]) => {
    if (node.type === 'cite') {
      if (note === undefined) {
        noteStyleCounter++
        occurrences.push({node, noteIndexNoteStyle: noteStyleCounter, noteIndexInText: 0})
      } else {
        occurrences.push({node, note, noteIndexNoteStyle: noteNumbers[0], noteIndexInText: noteNumbers[1]})
      }
      return
    }
    if (node.type === 'footnoteReference') {
      const definition = definitions.get(node.identifier)
      if (definition && !referenced.has(node.identifier) && note === undefined) {
        referenced.add(node.identifier)
        noteStyleCounter++
        inTextCounter++
        const numbers: [number, number] = [noteStyleCounter, inTextCounter]
        for (const child of definition.children) walk(child, node.identifier, numbers)
      }
      return
    }
    if (node.type === 'footnoteDefinition') return
    if ('children' in node) for (const child of node.children) walk(child as Nodes, note, noteNumbers)
  }
  walk(tree, undefined, [0, 0])
  return occurrences
}

function fallbackAuthor(item: CslItem | undefined): string {
  const names = (item?.author ?? item?.editor) as Array<{family?: string; literal?: string}> | undefined
  if (!names || names.length === 0) return ''
  const family = names.map((n) => n.family ?? n.literal ?? '').filter(Boolean)
  if (family.length > 2) return `${family[0]} et al.`
  return family.join(' and ')
}

const noPrinted = /\[NO_PRINTED_FORM\]|\[CSL STYLE ERROR[^\]]*\]/g

export default function remarkRenderCitations(options: Options) {
  const renderAll = options.renderAll ?? renderInThread
  return async function transformer(tree: Root, file: VFile) {
    const styles = options.styles
    const items = file.data.bibliography?.items ?? new Map<string, CslItem>()
    const metadata = file.data.metadata
    const defaultStyle = styles.find((s) => s.id === options.defaultStyle)?.id ?? styles[0]?.id ?? ''
    const occurrences = collectCitations(tree)

    // Unknown keys: a warning at the citation, rendered visibly as `?key`.
    const missingByNode = new Map<CiteNode, string[]>()
    for (const {node} of occurrences) {
      const missing = node.citation.items.filter((item) => !items.has(item.key)).map((item) => item.key)
      if (missing.length > 0) {
        missingByNode.set(node, missing)
        for (const key of missing) {
          file.message(`Unknown citation key \`${key}\`: no work with this id in the bibliography`, {
            place: node.position,
            ruleId: 'unknown-key',
            source: 'essay-edition'
          })
        }
      }
    }
    const known = occurrences
      .map((occurrence) => ({
        occurrence,
        citation: {...occurrence.node.citation, items: occurrence.node.citation.items.filter((item) => items.has(item.key))}
      }))
      .filter((entry) => entry.citation.items.length > 0)

    let nocite = metadata?.nocite ?? []
    if (nocite.includes('*')) nocite = [...items.keys()]
    for (const key of nocite) {
      if (!items.has(key)) file.message(`Unknown key \`${key}\` in nocite`, {ruleId: 'unknown-key', source: 'essay-edition'})
    }

    const essay = essayItem(metadata, items)
    const jobs = styles.map((style) => ({
      style,
      items,
      nocite,
      ...(essay ? {standalone: [essay]} : {}),
      ...(metadata?.lang ? {lang: metadata.lang} : {}),
      citations: known.map(({occurrence, citation}): PlacedCitation => ({
        citation,
        noteIndex: style.class === 'note' ? occurrence.noteIndexNoteStyle : occurrence.noteIndexInText
      }))
    }))
    let rendered: RenderedStyle[]
    try {
      rendered = await renderAll(jobs)
    } catch (error) {
      // citeproc-js refused a style or an item that passed our checks: say so, do not crash.
      const message = file.message(`Citations could not be rendered: ${(error as Error).message}`, {ruleId: 'render-failed', source: 'essay-edition'})
      message.fatal = true
      return
    }

    const places: CitationPlace[] = []
    const renderedIndex = new Map(known.map(({occurrence}, index) => [occurrence.node, index]))
    occurrences.forEach(({node, note}, index) => {
      const id = `cite-${index + 1}`
      const at = renderedIndex.get(node)
      const groups = new Map<string, CiteNodeData['variants'][number]>()
      if (at !== undefined) {
        rendered.forEach((result, styleIndex) => {
          const style = styles[styleIndex]!
          const one: RenderedCitation = result.citations[at]!
          const html = one.html.replace(noPrinted, '')
          let narrative = one.narrative
          if (narrative) {
            const author = narrative.author.replace(noPrinted, '').replace(/<[^>]*>/g, '').trim()
              ? narrative.author.replace(noPrinted, '')
              : `<span data-cite-item="0">${escapeHtml(fallbackAuthor(items.get(node.citation.items[0]!.key)))}</span>`
            const rest = narrative.rest.replace(noPrinted, '').replace(/<[^>]*>/g, '').trim() ? narrative.rest.replace(noPrinted, '') : ''
            narrative = {author, rest}
          }
          const key = `${style.class}\u0000${html}\u0000${narrative ? narrative.author + '\u0000' + narrative.rest : ''}`
          const group = groups.get(key)
          if (group) group.styles.push(style.id)
          else groups.set(key, {styles: [style.id], class: style.class, html, ...(narrative ? {narrative} : {})})
        })
      }
      const data: CiteNodeData = {
        id,
        inBody: note === undefined,
        missing: missingByNode.get(node) ?? [],
        defaultStyle,
        variants: [...groups.values()]
      }
      node.data = {...node.data, cite: data}
      places.push({id, keys: node.citation.items.map((item) => item.key).filter((key) => items.has(key)), inNote: note !== undefined})
    })

    const listed = rendered[0]?.bibliography.map((entry) => entry.key) ?? []
    const cited = new Set(places.flatMap((place) => place.keys))
    const uncited = [...items.keys()].filter((key) => !cited.has(key) && !nocite.includes(key))
    if (uncited.length > 0 && items.size > 0) {
      file.info(`${uncited.length} of ${items.size} works in the bibliography are not cited, and not listed: ${uncited.slice(0, 10).join(', ')}${uncited.length > 10 ? ', …' : ''}`, {
        ruleId: 'uncited-works',
        source: 'essay-edition'
      })
    }

    const citations: RenderedCitations = {
      styles: styles.map(({id, title, label, class: cls, format}) => ({id, title, label, class: cls, format})),
      defaultStyle,
      listed,
      bibliographies: Object.fromEntries(
        rendered.map((result) => [result.styleId, {entries: result.bibliography, hangingIndent: result.hangingIndent, secondFieldAlign: result.secondFieldAlign}])
      ),
      places,
      ...(essay
        ? {citeThis: {item: essay, entries: Object.fromEntries(rendered.map((result) => [result.styleId, result.standalone[0]?.html ?? '']))}}
        : {})
    }
    file.data.citations = citations
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
