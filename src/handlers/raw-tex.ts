/**
 * mdast-to-hast handler for `rawTex` nodes (src/syntax/pandoc-raw-tex.ts): raw TeX prints nothing
 * in HTML, as in Pandoc's HTML writer.
 */
import type {RawTex} from 'mdast'
import type {State} from 'mdast-util-to-hast'

export function rawTex(_state: State, _node: RawTex): undefined {
  return undefined
}
