/**
 * Stage "note checks": tell the author about notes that cannot work, each at its place. Both are
 * warnings, as Pandoc builds such essays: a reference to an undefined note is not a note to GFM (nor
 * to Pandoc), so `[^x]` stays in the text as written; a note nobody references is dropped, as
 * Pandoc drops it. An escaped `\[^x]` is text the author meant, and not warned about.
 */
import type {Root, Text} from 'mdast'
import type {VFile} from 'vfile'
import {SKIP, visit} from 'unist-util-visit'
import {lineLocator} from '../util/text.js'

export default function remarkNoteDiagnostics() {
  return function transformer(tree: Root, file: VFile) {
    const referenced = new Set<string>()
    visit(tree, 'footnoteReference', (node) => {
      referenced.add(node.identifier)
    })
    const source = String(file.value)
    let locate: ReturnType<typeof lineLocator> | undefined
    /** Each `[^x]` of a text node with its offset in the source, when it can be found there. */
    const undefinedNotes = (node: Text): Array<{label: string; offset: number | undefined}> => {
      const found: Array<{label: string; offset: number | undefined}> = []
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      const written = start !== undefined && end !== undefined ? source.slice(start, end) : undefined
      if (written === undefined || !written.includes('[^')) {
        for (const match of node.value.matchAll(/\[\^([^\]\s]+)\]/g)) found.push({label: match[1]!, offset: undefined})
        return found
      }
      // Read the source itself: the text node has lost its escapes and character references.
      for (const match of written.matchAll(/(\\*)\[\^([^\]\s]+)\]/g)) {
        if (match[1]!.length % 2 === 1) continue
        found.push({label: match[2]!, offset: start! + match.index! + match[1]!.length})
      }
      return found
    }
    visit(tree, (node) => {
      if (node.type === 'inlineCode' || node.type === 'code' || node.type === 'html') return SKIP
      if (node.type === 'text' && node.value.includes('[^')) {
        for (const {label, offset} of undefinedNotes(node)) {
          locate ??= lineLocator(source)
          const place = offset === undefined ? node.position : {start: locate(offset), end: locate(offset + label.length + 3)}
          file.message(`Note \`[^${label}]\` is referenced but never defined (add \`[^${label}]: ...\`); it stays in the text as written`, {
            place,
            ruleId: 'note-undefined',
            source: 'essay-edition'
          })
        }
      }
      if (node.type === 'footnoteDefinition' && !referenced.has(node.identifier)) {
        file.message(`Note \`[^${node.label ?? node.identifier}]\` is defined but never referenced; it is left out`, {
          place: node.position,
          ruleId: 'note-unreferenced',
          source: 'essay-edition'
        })
      }
      return undefined
    })
  }
}
