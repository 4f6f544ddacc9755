/**
 * Stage "cite": find Pandoc citations (`[@key, p. 33]`, `@key`, `[-@key]` ...) in the text of the
 * essay, body and notes alike, and replace them with `cite` nodes that keep their source position.
 * Code, links and raw HTML are left alone, so `@` there is never a citation; nor is an e-mail address.
 */
import type {Parent, PhrasingContent, Root, Text} from 'mdast'
import type {VFile} from 'vfile'
import {location} from 'vfile-location'
import {SKIP, visit} from 'unist-util-visit'
import {locatorTermsFromLocales, type LocatorTerms} from '../citations/locators.js'
import {readLocale} from '../citations/styles.js'
import {findCitations} from '../citations/syntax.js'

export interface Options {
  /** Locator labels; by default those of the en-US and en-GB locales. */
  locatorTerms?: LocatorTerms
}

let defaultTerms: LocatorTerms | undefined

export default function remarkCitations(options: Options = {}) {
  return function transformer(tree: Root, file: VFile) {
    const terms = options.locatorTerms ?? (defaultTerms ??= locatorTermsFromLocales(readLocale('en-US'), readLocale('en-GB')))
    const place = location(file)
    visit(tree, (node, index, parent) => {
      if (node.type === 'link' || node.type === 'linkReference' || node.type === 'inlineCode' || node.type === 'code' || node.type === 'html' || node.type === 'yaml' || node.type === 'inlineMath' || node.type === 'math') {
        return SKIP
      }
      if (node.type !== 'text' || !parent || index === undefined) return
      const text = node as Text
      const found = findCitations(text.value, terms)
      if (found.length === 0) return
      const start = text.position?.start.offset
      // Offsets map to the source only when the text was not changed by escapes or references.
      const exact = start !== undefined && text.position?.end.offset !== undefined &&
        String(file.value).slice(start, text.position.end.offset) === text.value
      const point = (offset: number) => (exact ? place.toPoint(start + offset) : undefined)
      const replacement: PhrasingContent[] = []
      let last = 0
      for (const {start: from, end, citation} of found) {
        if (from > last) replacement.push({type: 'text', value: text.value.slice(last, from)})
        const startPoint = point(from)
        const endPoint = point(end)
        replacement.push({
          type: 'cite',
          citation,
          position: startPoint && endPoint ? {start: startPoint, end: endPoint} : text.position
        } as PhrasingContent)
        last = end
      }
      if (last < text.value.length) replacement.push({type: 'text', value: text.value.slice(last)})
      ;(parent as Parent).children.splice(index, 1, ...(replacement as Parent['children']))
      return index + replacement.length
    })
  }
}
