/**
 * The order of the works in a citation, as Pandoc's citeproc gives it: sorted by the style's
 * citation sort, but only within groups, "so that any suffix ends a group and any prefix begins a
 * group" (jgm/citeproc, Eval.hs): `[@smith2000; see also @jones1990]` keeps Smith first, where
 * citeproc-js would sort the whole cluster and print "(see also Jones, 1990; Smith, 2000)", the
 * "see also" now introducing the wrong work.
 *
 * citeproc-js sorts every cluster it renders with `makeCitationCluster`. For a cluster that falls
 * in two groups or more, `orderedCluster` sorts each group with citeproc-js's own sort keys and
 * comparison and renders the result with its sort turned off for that call. This reaches into
 * citeproc-js (`CSL.getSortKeys`, the citation's `srt` comparator, `citation_sort.tokens`), so it
 * is installed only on the citeproc-js it was proven on (`provenOn`); elsewhere the cluster is
 * sorted whole, as citeproc-js does (tests/cluster-sort.test.ts).
 */
import {createRequire} from 'node:module'

/** The citeproc-js this was written for and tested on (its PROCESSOR_VERSION). */
export const provenOn = '1.4.61'

interface SortableEngine {
  citation_sort?: {tokens: unknown[]}
  citation?: {srt?: {compareCompositeKeys(a: unknown, b: unknown): number}}
  retrieveItem(id: string): unknown
  makeCitationCluster(items: Array<Record<string, unknown>>): string
}
interface Citeproc {
  PROCESSOR_VERSION: string
  getSortKeys?: (this: SortableEngine, item: unknown, area: string) => unknown
}

const requireHere = createRequire(import.meta.url)
const CSL = createRequire(requireHere.resolve('@citation-js/plugin-csl'))('citeproc') as Citeproc

/** Whether this citeproc-js is the one the grouped sort was proven on. */
export const groupedSortAvailable = CSL.PROCESSOR_VERSION === provenOn && typeof CSL.getSortKeys === 'function'

const hasAffix = (value: unknown) => typeof value === 'string' && value.trim() !== ''

/** Pandoc's groups: a suffix ends a group, a prefix begins one. */
export function citationGroups<T extends {prefix?: unknown; suffix?: unknown}>(items: T[]): T[][] {
  const groups: T[][] = []
  for (const item of items) {
    const last = groups[groups.length - 1]
    const previous = last?.[last.length - 1]
    if (last && previous && !hasAffix(previous.suffix) && !hasAffix(item.prefix)) last.push(item)
    else groups.push([item])
  }
  return groups
}

/**
 * Render a cluster with `render` (a `makeCitationCluster` of the engine), its works in Pandoc's
 * order. A cluster of one group, a style without a citation sort, or another citeproc-js: as
 * citeproc-js sorts it.
 */
export function orderedCluster(engine: SortableEngine, input: Array<Record<string, unknown>>, render: (input: Array<Record<string, unknown>>) => string): string {
  const tokens = engine.citation_sort?.tokens
  const compare = engine.citation?.srt?.compareCompositeKeys
  if (!groupedSortAvailable || input.length < 2 || !tokens || tokens.length === 0 || !compare) return render(input)
  const groups = citationGroups(input)
  if (groups.length < 2) return render(input)
  const ordered = groups.flatMap((group) => {
    if (group.length < 2) return group
    const keyed = group.map((item, index) => {
      const Item = engine.retrieveItem(String(item.id))
      return {item, index, pair: [Item, {sortkeys: CSL.getSortKeys!.call(engine, Item, 'citation_sort')}]}
    })
    // A stable sort, as citeproc-js's: equal keys keep the written order.
    keyed.sort((a, b) => compare(a.pair, b.pair) || a.index - b.index)
    return keyed.map((entry) => entry.item)
  })
  engine.citation_sort!.tokens = []
  try {
    return render(ordered)
  } finally {
    engine.citation_sort!.tokens = tokens
  }
}
