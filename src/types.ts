/**
 * What the stages tell each other, through `file.data` (as unified plugins do). Each field is
 * written by one stage and read by later ones; nothing else passes between stages.
 */
import type {Element as HastElement} from 'hast'
import type {CslItem, RenderedEntry} from './citations/render.js'
import type {CslStyle} from './citations/styles.js'

/** The essay's front matter, as read by `remarkEssayMetadata`. */
export interface EssayMetadata {
  title?: string
  subtitle?: string
  author?: Array<{name: string; family?: string; given?: string; affiliation?: string; orcid?: string}>
  /** The date as written (shown in the masthead). */
  date?: string
  /** The date as ISO 8601 (`2022-01-28`), when `date` can be read as one (util/iso-date.ts). */
  dateIso?: string
  lang?: string
  description?: string
  keywords?: string[]
  subject?: string
  publisher?: string
  containerTitle?: string
  url?: string
  doi?: string
  /** Bibliography files named in the front matter, relative to the essay. */
  bibliography?: string[]
  /** CSL-JSON/YAML items given inline (`references:`). */
  references?: CslItem[]
  /** Keys to list without citing (`nocite`), `*` for all. */
  nocite?: string[]
  /** The style shown first (`style:` or `csl:`). */
  style?: string
  /** Every field as written. */
  raw: Record<string, unknown>
  /** Where each top-level field's name stands in the essay (for messages about its value). */
  places?: Record<string, {line: number; column: number}>
}

/** The loaded bibliography, as `remarkBibliography` leaves it. */
export interface LoadedBibliography {
  items: Map<string, CslItem>
  /** Files read, in order. */
  files: string[]
  /** Works whose `note` is text only (read from BibTeX): no `key: value` line of it is a variable. */
  plainNotes?: string[]
}

/** One citation of the document: where it stands and what it cites. */
export interface CitationPlace {
  /** Its element id in the page (`cite-3`). */
  id: string
  keys: string[]
  /** True when it stands in one of the author's notes. */
  inNote: boolean
}

/** What `remarkRenderCitations` leaves for the later stages. */
export interface RenderedCitations {
  styles: Array<Pick<CslStyle, 'id' | 'title' | 'label' | 'class' | 'format'>>
  defaultStyle: string
  /** Keys listed in the reference lists, in first-citation order. */
  listed: string[]
  /** Per style: the reference list entries. */
  bibliographies: Record<string, {entries: RenderedEntry[]; hangingIndent: boolean; secondFieldAlign: boolean}>
  places: CitationPlace[]
  /**
   * The essay itself as a work, and its entry in each style ("Cite this essay"); `quotes`: per
   * style, the essay cited at a paragraph, the number being `paragraphPlaceholder` ("Copy quote").
   */
  citeThis?: {item: CslItem; entries: Record<string, string>; quotes: Record<string, string>}
}

/** Data that `remarkRenderCitations` puts on each `cite` node for the mdast-to-hast handler. */
export interface CiteNodeData {
  id: string
  /** True when the citation stands in the running text (not in an author's note). */
  inBody: boolean
  defaultStyle: string
  /** Renderings grouped by identical output. */
  variants: Array<{
    styles: string[]
    class: 'note' | 'in-text'
    /**
     * citeproc HTML for where the citation was written: the citation (in-text styles, and in the
     * author's notes), or under note styles in the running text the author of a narrative
     * citation ('' for others), followed by the note reference.
     */
    inline: string
    /** Under note styles, for a citation in the running text: its note's content. */
    note?: string
    /** Under note styles: punctuation printed before the note reference (taken from after it). */
    punctuation?: string
    /** Text printed after the citation (in-text styles) or its note reference (note styles). */
    after?: string
  }>
  /**
   * What was taken out of the text around a citation in the running text that note styles make a
   * note of (Pandoc puts the note after the punctuation, with no space before it): in-text styles
   * print the space before and the punctuation after the citation.
   */
  around?: {space: string; punctuation: string; quote?: string}
}

declare module 'vfile' {
  interface DataMap {
    metadata: EssayMetadata
    bibliography: LoadedBibliography
    citations: RenderedCitations
    /** The cited works as BibTeX, RIS and CSL-JSON (made by `rehypeReferences`). */
    exports: {bibtex: string; ris: string; cslJson: string}
    /**
     * Keys of citations written inside another citation's prefix or suffix (`[@a,@b]`), which
     * `remarkCitations` leaves as text: their works are listed all the same, as Pandoc lists them.
     */
    affixCitationKeys: string[]
    /**
     * The paragraphs whose text made the page's description (its opening sentences; none when the
     * front matter gives one), by `rehypeDocument`: an edit of their words changes the head.
     */
    descriptionParagraphs: HastElement[]
  }
}

// The `cite` node type (and its items and affixes) is declared with its syntax:
// src/syntax/pandoc-citation.ts.
export type {CiteItemNode, CitePrefix, CiteSuffix} from './syntax/pandoc-citation.js'

declare module 'mdast' {
  interface CiteData {
    /** The citation as rendered, for the `cite` handler (`remarkRenderCitations`). */
    cite?: CiteNodeData
  }
}
