/**
 * Stage "note checks": tell the author about notes that cannot work. GFM leaves a reference to an
 * undefined note as plain text `[^x]` (an error here, since readers would see it), and drops a note
 * nobody references (a warning), each at its place.
 */
import type {Root} from 'mdast'
import type {VFile} from 'vfile'
import {SKIP, visit} from 'unist-util-visit'

export default function remarkNoteDiagnostics() {
  return function transformer(tree: Root, file: VFile) {
    const defined = new Set<string>()
    const referenced = new Set<string>()
    visit(tree, (node) => {
      if (node.type === 'footnoteDefinition') defined.add(node.identifier)
      if (node.type === 'footnoteReference') referenced.add(node.identifier)
    })
    visit(tree, (node) => {
      if (node.type === 'inlineCode' || node.type === 'code' || node.type === 'html') return SKIP
      if (node.type === 'text') {
        for (const match of node.value.matchAll(/\[\^([^\]\s]+)\]/g)) {
          const start = node.position?.start
          const exact = start && !node.value.slice(0, match.index).includes('\n')
          // An error: the reader would see the raw `[^x]`.
          const message = file.message(`Note \`[^${match[1]}]\` is referenced but never defined (add \`[^${match[1]}]: ...\`)`, {
            place: exact ? {line: start.line, column: start.column + match.index!} : node.position,
            ruleId: 'note-undefined',
            source: 'essay-edition'
          })
          message.fatal = true
        }
      }
      if (node.type === 'footnoteDefinition' && !referenced.has(node.identifier)) {
        file.message(`Note \`[^${node.label ?? node.identifier}]\` is defined but never referenced`, {
          place: node.position,
          ruleId: 'note-unreferenced',
          source: 'essay-edition'
        })
      }
      return undefined
    })
  }
}
