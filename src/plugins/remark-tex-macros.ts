/**
 * Stage "TeX macros": the macros an essay defines in raw TeX (`\newcommand{\R}{\mathbb{R}}`,
 * `\renewcommand`, `\providecommand`, `\def\R{...}`), collected for the math stage, which gives
 * them to KaTeX, as Pandoc's `latex_macros` applies them to the essay's TeX math. The definitions
 * themselves print nothing (raw TeX).
 */
import type {Nodes, Root} from 'mdast'
import type {VFile} from 'vfile'

declare module 'vfile' {
  interface DataMap {
    /** Macros defined in the essay's raw TeX, name (with its backslash) to expansion, for KaTeX. */
    texMacros: Record<string, string>
  }
}

/** The text of the balanced group that opens at `from` (a `{`), and where it ends; undefined if none. */
function group(text: string, from: number): {inner: string; end: number} | undefined {
  if (text[from] !== '{') return undefined
  let depth = 0
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return {inner: text.slice(from + 1, i), end: i + 1}
  }
  return undefined
}

/** The definitions in one piece of raw TeX, in order. */
export function macrosIn(tex: string): Array<[string, string]> {
  const found: Array<[string, string]> = []
  const definition = /\\(?:(?:re)?newcommand|providecommand)\*?\s*(?:\{\s*(\\[A-Za-z]+)\s*\}|(\\[A-Za-z]+))\s*(?:\[(\d)\])?\s*(?:\[[^\]]*\])?\s*|\\def\s*(\\[A-Za-z]+)\s*(?:#\d)*\s*/g
  for (let match = definition.exec(tex); match; match = definition.exec(tex)) {
    const name = match[1] ?? match[2] ?? match[4]
    const body = group(tex, definition.lastIndex)
    if (!name || !body) continue
    found.push([name, body.inner])
    definition.lastIndex = body.end
  }
  return found
}

export default function remarkTexMacros() {
  return function transformer(tree: Root, file: VFile) {
    const macros: Record<string, string> = {}
    const visit = (node: Nodes) => {
      if (node.type === 'rawTex') for (const [name, body] of macrosIn(node.value)) macros[name] = body
      if ('children' in node) for (const child of node.children as Nodes[]) visit(child)
    }
    visit(tree)
    if (Object.keys(macros).length > 0) file.data.texMacros = macros
  }
}
