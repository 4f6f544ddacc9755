/**
 * mdast-to-hast handlers for nodes that print nothing in HTML: raw TeX (`rawTex`, as Pandoc's HTML
 * writer drops it) and Pandoc's title block (`titleBlock`, read by the metadata stage instead).
 */
import type {RawTex, TitleBlock} from 'mdast'
import type {State} from 'mdast-util-to-hast'

export function rawTex(_state: State, _node: RawTex): undefined {
  return undefined
}

export function titleBlock(_state: State, _node: TitleBlock): undefined {
  return undefined
}
