/**
 * Stage "parse", a correction: Pandoc's rule for `$...$` math. The opening `$` must have a
 * non-space character right after it, the closing `$` a non-space character right before it and no
 * digit right after it, so that "US$ 92 million to US$ 800 million" stays text. remark-math does
 * not apply this rule: inline math that breaks it goes back to the text it was written as.
 */
import type {Root, Text} from 'mdast'
import type {VFile} from 'vfile'
import {visit} from 'unist-util-visit'

export default function remarkPandocDollarMath() {
  return function transformer(tree: Root, file: VFile) {
    const source = String(file.value)
    visit(tree, 'inlineMath', (node, index, parent) => {
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      if (start === undefined || end === undefined || !parent || index === undefined) return
      const written = source.slice(start, end)
      const fence = /^\$+/.exec(written)?.[0].length ?? 1
      if (fence !== 1) return
      const inner = written.slice(1, -1)
      const after = source[end] ?? ''
      const breaksRule = /^\s/.test(inner) || /\s$/.test(inner) || /[0-9]/.test(after)
      if (!breaksRule) return
      const text: Text = {type: 'text', value: written, position: node.position}
      parent.children.splice(index, 1, text)
    })
    // Neighbouring text nodes are merged so that later stages see the sentence whole.
    visit(tree, (node) => {
      if (!('children' in node)) return
      const children = node.children as Array<{type: string; value?: string; position?: Text['position']}>
      for (let i = children.length - 1; i > 0; i--) {
        const a = children[i - 1]!
        const b = children[i]!
        if (a.type === 'text' && b.type === 'text') {
          a.value = (a.value ?? '') + (b.value ?? '')
          if (a.position && b.position) a.position = {start: a.position.start, end: b.position.end}
          children.splice(i, 1)
        }
      }
    })
  }
}
