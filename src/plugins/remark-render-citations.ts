/**
 * Stage "render": every `cite` node, in reading order (a note's citations stand where its first
 * reference is), rendered in every offered style by the citation renderer. Under note styles a
 * citation in the running text becomes a generated note numbered in sequence with the author's
 * own notes, as Pandoc does; under in-text styles it stays in the text.
 *
 * Leaves per-node renderings on `node.data.cite` (for the `cite` handler) and the reference lists
 * and citation places on `file.data.citations` (for the later stages).
 */
import type {FootnoteDefinition, Nodes, Parent, Root} from 'mdast'
import type {CiteNode} from 'mdast'
import type {VFile} from 'vfile'
import type {CslItem, PlacedCitation, RenderedCitation, RenderedStyle, renderStyle} from '../citations/render.js'
import {renderInThread} from '../citations/pool.js'
import {readLocale, type CslStyle} from '../citations/styles.js'
import type {CiteNodeData, CitationPlace, RenderedCitations} from '../types.js'
import {essayItem} from '../bibliography/essay-item.js'
import {capitalizeFirst, citationInNote, endsWithPeriod, hasText} from '../citations/note-layout.js'

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
  /** In an author's note: the citation opens the note, whose only block is a paragraph. */
  opensNote: boolean
  /**
   * Nothing follows the citation in its paragraph, or text starting with a capital letter (after
   * spaces): where Pandoc keeps the final period of a narrative citation inside a note.
   */
  beforeSentence: boolean
  /** Where it stands: its parent and its index there. */
  parent?: Parent
  index: number
}

/**
 * Under note styles Pandoc puts a note made from a bracketed citation after the punctuation that
 * follows it and takes away the space before it (`mvPunct`): "a claim [@key]." reads "a claim.¹".
 * Takes the space and the punctuation out of the text around the citation and says what was
 * taken; the handler prints them back for in-text styles. Only for citations in the running text
 * (the ones that become notes), not narrative ones (their author stays where it is).
 */
/**
 * The punctuation at the start of `text` that a note moves before it: Pandoc's run of
 * punctuation, but never an opening bracket or quote (`.[^2]`, an undefined note reference, keeps
 * its `[`; Pandoc would print ".¹^2]").
 */
function closingPunctuation(text: string): string {
  return /^(?:(?![\p{Ps}\p{Pi}])\p{P})+/u.exec(text)?.[0] ?? ''
}

function takePunctuation(occurrence: Occurrence): {space: string; punctuation: string; quote?: string} | undefined {
  const {parent, index, node} = occurrence
  if (!parent || node.citation.mode !== 'normal') return undefined
  const before = parent.children[index - 1]
  const after = parent.children[index + 1]
  const spaced = before?.type === 'text' && /\s$/.test(before.value)
  const next = after?.type === 'text' ? after.value : ''
  let punctuation = ''
  if (spaced) {
    // 'x [^1],' -> 'x,[^1]': all the punctuation that follows, whatever it is (none when the
    // space is all there is before the citation).
    if (before.value.trimEnd() !== '' || index > 1) punctuation = closingPunctuation(next)
  } else if (/^[.,;:!?]/.test(next)) {
    // 'x[^1],' -> 'x,[^1]'.
    punctuation = closingPunctuation(next)
  }
  // Punctuation followed by the author's own note reference stays between the two references:
  // moved, it would leave them side by side (".¹²", read as note twelve).
  if (punctuation && next.length === punctuation.length && parent.children[index + 2]?.type === 'footnoteReference') punctuation = ''
  let space = ''
  if (spaced) {
    space = /\s+$/.exec(before.value)![0]
    before.value = before.value.slice(0, -space.length)
  }
  if (punctuation && after?.type === 'text') after.value = after.value.slice(punctuation.length)
  // '"a quote" [@key], here': a comma or period that moves before the note may go inside the
  // closing quote (`quotedPunctuation`), so the quote is taken too.
  let quote: string | undefined
  if (/^[.,]/.test(punctuation) && before?.type === 'text' && /[”’"']$/.test(before.value)) {
    quote = before.value.slice(-1)
    before.value = before.value.slice(0, -1)
  }
  if (!space && !punctuation) return undefined
  return quote ? {space, punctuation, quote} : {space, punctuation}
}

/**
 * What a note style prints before its note reference, of what was taken from around the citation:
 * the punctuation, and a closing quote it followed. When the style's locale puts punctuation
 * inside quotation marks (`punctuation-in-quote`, en-US), a leading comma or period goes inside:
 * '"a quote" [@key], here' reads '“a quote,”¹ here' (Pandoc's `movePunctuationInsideQuotes`).
 */
export function quotedPunctuation(taken: {punctuation: string; quote?: string}, punctuationInQuote: boolean): string {
  if (!taken.quote) return taken.punctuation
  if (!punctuationInQuote) return taken.quote + taken.punctuation
  const inside = /^[.,]/.exec(taken.punctuation)![0]
  return inside + taken.quote + taken.punctuation.slice(inside.length)
}

const punctuationInQuoteCache = new Map<string, boolean>()
/** Whether a locale puts punctuation inside quotation marks (its `punctuation-in-quote`). */
function punctuationInQuote(lang: string): boolean {
  let value = punctuationInQuoteCache.get(lang)
  if (value === undefined) {
    const xml = readLocale(lang) ?? (lang.includes('-') ? readLocale(lang.split('-')[0]!) : undefined) ?? ''
    value = /punctuation-in-quote="true"/.test(xml)
    punctuationInQuoteCache.set(lang, value)
  }
  return value
}

/**
 * Pandoc prints no period after a citation whose text ends with one (`mvPunct`: "Brown et al."
 * then "." is "Brown et al."; "[@key, chap. 2]." opening a note is "..., chap. 2."): when some
 * style's rendering ends with a period, takes the period that follows the citation out of the
 * text, for each style to print after its rendering unless that ends with one.
 */
function takePeriod(occurrence: Occurrence, variants: CiteNodeData['variants']): boolean {
  const {parent, index} = occurrence
  const after = parent?.children[index + 1]
  if (after?.type !== 'text' || !after.value.startsWith('.')) return false
  if (!variants.some((variant) => endsWithPeriod(variant.inline))) return false
  after.value = after.value.slice(1)
  return true
}

/** Pandoc's `needsPeriod`: what follows a citation starts a sentence (or nothing follows). */
function beforeSentence(parent: Parent, index: number): boolean {
  const next = parent.children[index + 1]
  if (!next) return true
  if (next.type !== 'text') return false
  const text = next.value.replace(/^ +/, '')
  if (text === '') return parent.children[index + 2] === undefined
  return /^\p{Lu}/u.test(text)
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
  let opening: CiteNode | undefined
  const walk = (node: Nodes, note: string | undefined, noteNumbers: [number, number], parent?: Parent, index = 0) => {
    if (node.type === 'cite') {
      const after = parent ? beforeSentence(parent, index) : true
      if (note === undefined) {
        noteStyleCounter++
        occurrences.push({node, noteIndexNoteStyle: noteStyleCounter, noteIndexInText: 0, opensNote: false, beforeSentence: after, parent, index})
      } else {
        occurrences.push({node, note, noteIndexNoteStyle: noteNumbers[0], noteIndexInText: noteNumbers[1], opensNote: node === opening, beforeSentence: after, parent, index})
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
        const only = definition.children.length === 1 ? definition.children[0] : undefined
        opening = only?.type === 'paragraph' && only.children[0]?.type === 'cite' ? only.children[0] : undefined
        definition.children.forEach((child, at) => walk(child, node.identifier, numbers, definition, at))
        opening = undefined
      }
      return
    }
    if (node.type === 'footnoteDefinition') return
    if ('children' in node) node.children.forEach((child, at) => walk(child as Nodes, note, noteNumbers, node as Parent, at))
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

/** pandoc-crossref's reference prefixes (`@fig:map`, `@tbl:x`, `@eq:y`, `@sec:z`, `@lst:w`). */
const crossReference = /^(?:fig|tbl|eq|sec|lst):/

export default function remarkRenderCitations(options: Options) {
  const renderAll = options.renderAll ?? renderInThread
  return async function transformer(tree: Root, file: VFile) {
    const styles = options.styles
    const items = file.data.bibliography?.items ?? new Map<string, CslItem>()
    const metadata = file.data.metadata
    const defaultStyle = styles.find((s) => s.id === options.defaultStyle)?.id ?? styles[0]?.id ?? ''
    const occurrences = collectCitations(tree)

    // Unknown keys: printed as Pandoc prints them (by the renderer), and told once each, at the
    // first citation of the key.
    const unknown = new Map<string, {node: CiteNode; count: number}>()
    for (const {node} of occurrences) {
      for (const item of node.citation.items) {
        if (items.has(item.key)) continue
        const seen = unknown.get(item.key)
        if (seen) seen.count++
        else unknown.set(item.key, {node, count: 1})
      }
    }
    for (const [key, {node, count}] of unknown) {
      const times = count > 1 ? ` (cited ${count} times)` : ''
      const hint = crossReference.test(key) ? '; a pandoc-crossref reference is printed as Pandoc prints it without pandoc-crossref' : ''
      file.message(`Unknown citation key \`${key}\`${times}: no work with this id in the bibliography${hint}`, {
        place: node.position,
        ruleId: 'unknown-key',
        source: 'essay-edition'
      })
    }

    let nocite = metadata?.nocite ?? []
    if (nocite.includes('*')) nocite = [...items.keys()]
    for (const key of nocite) {
      if (!items.has(key)) file.message(`Unknown key \`${key}\` in nocite`, {ruleId: 'unknown-key', source: 'essay-edition'})
    }
    // Works of citations left as text inside another's affix are listed, as Pandoc lists them.
    const written = (file.data.affixCitationKeys ?? []).filter((key) => items.has(key) && !nocite.includes(key))
    if (written.length > 0) nocite = [...nocite, ...written]

    const essay = essayItem(metadata, items)
    const jobs = styles.map((style) => ({
      style,
      items,
      nocite,
      ...(essay ? {standalone: [essay]} : {}),
      ...(metadata?.lang ? {lang: metadata.lang} : {}),
      ...(file.data.bibliography?.plainNotes ? {plainNotes: file.data.bibliography.plainNotes} : {}),
      citations: occurrences.map((occurrence): PlacedCitation => {
        const {citation} = occurrence.node
        if (style.class !== 'note') return {citation, noteIndex: occurrence.noteIndexInText}
        const placed: PlacedCitation = {citation, noteIndex: occurrence.noteIndexNoteStyle}
        // In an author's note, within its sentence: Pandoc drops the final period (see note-layout.ts).
        if (occurrence.note !== undefined && (citation.mode === 'narrative' || !occurrence.opensNote)) {
          placed.midNote = {keepPeriod: citation.mode === 'narrative' && occurrence.beforeSentence}
        }
        return placed
      })
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
    occurrences.forEach((occurrence, index) => {
      const {node, note} = occurrence
      const id = `cite-${index + 1}`
      const groups = new Map<string, CiteNodeData['variants'][number]>()
      rendered.forEach((result, styleIndex) => {
        const style = styles[styleIndex]!
        const one: RenderedCitation = result.citations[index]!
        const html = one.html.replace(noPrinted, '')
        let narrative = one.narrative
        if (narrative) {
          const author = hasText(narrative.author.replace(noPrinted, ''))
            ? narrative.author.replace(noPrinted, '')
            : `<span data-cite-item="0">${escapeHtml(fallbackAuthor(items.get(node.citation.items[0]!.key)))}</span>`
          const rest = narrative.rest.replace(noPrinted, '')
          narrative = {author, rest: hasText(rest) ? rest : ''}
        }
        let variant: Omit<CiteNodeData['variants'][number], 'styles'>
        if (style.class === 'in-text') {
          variant = {class: 'in-text', inline: narrative ? `${narrative.author}${narrative.rest ? ` ${narrative.rest}` : ''}` : html}
        } else if (note === undefined) {
          // A note of its own, starting with a capital (Pandoc); a narrative citation's author stays in the text.
          variant = {class: 'note', inline: narrative ? narrative.author : '', note: capitalizeFirst(narrative ? narrative.rest : html)}
        } else {
          variant = {class: 'note', inline: citationInNote({html, ...(narrative ? {narrative} : {})}, node.citation.mode, occurrence.opensNote)}
        }
        const key = `${variant.class}\u0000${variant.inline}\u0000${variant.note ?? ''}`
        const group = groups.get(key)
        if (group) group.styles.push(style.id)
        else groups.set(key, {styles: [style.id], ...variant})
      })
      const variants = [...groups.values()]
      let around: CiteNodeData['around']
      if (note === undefined && variants.some((variant) => variant.note !== undefined)) {
        const taken = takePunctuation(occurrence)
        if (taken) {
          around = taken
          for (const variant of variants) {
            if (variant.note === undefined || !taken.punctuation) continue
            const style = styles.find((s) => s.id === variant.styles[0])
            variant.punctuation = quotedPunctuation(taken, punctuationInQuote(metadata?.lang ?? style?.defaultLocale ?? 'en-US'))
          }
        }
      }
      if (takePeriod(occurrence, variants)) {
        for (const variant of variants) if (!endsWithPeriod(variant.inline)) variant.after = '.'
      }
      const data: CiteNodeData = {
        id,
        inBody: note === undefined,
        defaultStyle,
        variants,
        ...(around ? {around} : {})
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
        ? {
            citeThis: {
              item: essay,
              entries: Object.fromEntries(rendered.map((result) => [result.styleId, result.standalone[0]?.html ?? ''])),
              quotes: Object.fromEntries(rendered.map((result) => [result.styleId, result.quoteCitation ?? '']))
            }
          }
        : {})
    }
    file.data.citations = citations
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
