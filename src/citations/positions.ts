/**
 * CSL citation positions computed in one pass, in document order (CSL 1.0.2, "Position"):
 * first, subsequent, ibid, ibid-with-locator, plus `near-note` and `first-reference-note-number`.
 *
 * citeproc-js can compute these itself (`processCitationCluster`), but each call re-reads every
 * earlier citation; doing it here once is linear and gives the same output (see shared/notes).
 */

/** citeproc-js's numeric position codes. */
export const Position = {first: 0, subsequent: 1, ibid: 2, ibidWithLocator: 3} as const

export interface PositionInput {
  /** Note number the citation stands in (0 for running text). */
  noteIndex: number
  items: Array<{key: string; locator?: string; label?: string}>
}

export interface ItemPosition {
  position: number
  nearNote: boolean
  firstReferenceNoteNumber: number
}

/**
 * Positions for every item of every citation, in the order given.
 * `noteStyle` is true for note styles: there "ibid" also needs the previous citation to stand in
 * the same or the immediately preceding note, as the Chicago manual has it, and that note to cite
 * no other work (Pandoc's citeproc: two works cited in one note leave it unclear what "ibid"
 * refers to).
 */
export function computePositions(
  citations: PositionInput[],
  options: {nearNoteDistance: number; noteStyle: boolean}
): ItemPosition[][] {
  const firstNote = new Map<string, number>()
  const lastNote = new Map<string, number>()
  /** The works cited in each note so far. */
  const worksInNote = new Map<number, Set<string>>()
  let previous: PositionInput | undefined
  const result: ItemPosition[][] = []
  for (const citation of citations) {
    const positions: ItemPosition[] = []
    citation.items.forEach((item, index) => {
      const seen = firstNote.has(item.key)
      let position: number = Position.first
      if (seen) {
        position = Position.subsequent
        let before: {key: string; locator?: string; label?: string} | undefined
        if (index > 0) {
          before = citation.items[index - 1]
        } else if (previous && previous.items.length === 1) {
          const adjacent = !options.noteStyle || citation.noteIndex - previous.noteIndex <= 1
          const alone = !options.noteStyle || previous.noteIndex === 0 || (worksInNote.get(previous.noteIndex)?.size ?? 0) <= 1
          if (adjacent && alone) before = previous.items[0]
        }
        if (before && before.key === item.key) {
          if (!item.locator && !before.locator) position = Position.ibid
          else if (item.locator && (item.locator !== before.locator || (item.label ?? 'page') !== (before.label ?? 'page'))) {
            position = Position.ibidWithLocator
          } else if (item.locator) position = Position.ibid
          // The previous cite had a locator and this one has none: subsequent, per the spec.
        }
      }
      const last = lastNote.get(item.key)
      const nearNote = last !== undefined && citation.noteIndex > 0 && citation.noteIndex - last <= options.nearNoteDistance
      if (!seen) firstNote.set(item.key, citation.noteIndex)
      lastNote.set(item.key, citation.noteIndex)
      if (citation.noteIndex > 0) {
        let works = worksInNote.get(citation.noteIndex)
        if (!works) worksInNote.set(citation.noteIndex, (works = new Set()))
        works.add(item.key)
      }
      positions.push({position, nearNote, firstReferenceNoteNumber: firstNote.get(item.key)!})
    })
    result.push(positions)
    previous = citation
  }
  return result
}
