/**
 * Stage "math": TeX to MathML with KaTeX, which browsers render natively (no fonts, no stylesheet,
 * no script). Math is any element with the class `math-inline`, `math-display` or `language-math`
 * (remark-math's and ours, in the text, notes, citations and reference entries alike); display
 * math may stand inside a paragraph (Pandoc's `$$...$$` is inline display math), and a
 * `pre > code.language-math` block (` ```math `) is display math replacing the `pre`.
 *
 * The macros the essay defines in raw TeX (`\newcommand`, `file.data.texMacros`) are KaTeX's, as
 * Pandoc applies them. A formula KaTeX cannot read is a warning at the formula ("Math cannot be
 * rendered: KaTeX parse error: ..."; one warning for all the formulas that fail for the same
 * reason, at the first), and its TeX stays in the page as code (`code.katex-error`, the reason in `title`):
 * nothing written is lost, and no stack trace is printed. KaTeX (~0.1 s to load) is loaded only
 * for pages with math.
 */
import type {Element, ElementContent, Root} from 'hast'
import type {VFile} from 'vfile'
import type {Position} from 'unist'
import {fromHtml} from 'hast-util-from-html'
import {toString} from 'hast-util-to-string'
import {el, text, walkElements} from '../util/hast.js'

const mathClasses = ['math-inline', 'math-display', 'language-math']

interface Formula {
  /** The element replaced: the math element, or its `pre` for a ` ```math ` block. */
  scope: Element
  parent: Root | Element
  tex: string
  display: boolean
  /** Where it was written (or the nearest enclosing element that knows). */
  place: Position | undefined
}

function classesOf(node: Element): unknown[] {
  const classes = node.properties.className
  return Array.isArray(classes) ? classes : []
}

/** Every formula of the tree, in document order. */
function findFormulas(tree: Root): Formula[] {
  const found: Formula[] = []
  walkElements(tree, (node, ancestors) => {
    const classes = classesOf(node)
    if (!mathClasses.some((name) => classes.includes(name))) return undefined
    const parent = ancestors[ancestors.length - 1]!
    const block = node.tagName === 'code' && classes.includes('language-math') && parent.type === 'element' && parent.tagName === 'pre'
    const scope = block ? (parent as Element) : node
    const container = block ? ancestors[ancestors.length - 2] : parent
    if (!container) return 'skip'
    let place = scope.position ?? node.position
    for (let i = ancestors.length - 1; !place && i >= 0; i--) place = ancestors[i]!.position
    found.push({scope, parent: container, tex: toString(node), display: block || classes.includes('math-display'), place})
    return 'skip'
  })
  return found
}

/** What KaTeX says is wrong, in one line (its message also draws the formula with underlines). */
function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'ParseError') {
    const parse = error as Error & {rawMessage?: string; position?: number}
    if (parse.rawMessage !== undefined) {
      return `KaTeX parse error: ${parse.rawMessage}${parse.position !== undefined ? ` at position ${parse.position + 1}` : ''}`
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return `KaTeX failed: ${message.split('\n')[0]}`
}

export default function rehypeMath() {
  return async function transformer(tree: Root, file: VFile): Promise<void> {
    const formulas = findFormulas(tree)
    if (formulas.length === 0) return
    const {default: katex} = await import('katex')
    const rendered = new Map<string, string | Error>()
    const failures = new Map<string, {count: number; place: Position | undefined; reason: string}>()
    for (const formula of formulas) {
      const key = `${formula.display ? 'D' : 'I'}${formula.tex}`
      let html = rendered.get(key)
      if (html === undefined) {
        try {
          // The essay's own macros (a copy: KaTeX adds what `\gdef` defines to the object it is given).
          const macros = file.data.texMacros ? {...file.data.texMacros} : undefined
          html = katex.renderToString(formula.tex, {output: 'mathml', displayMode: formula.display, throwOnError: true, strict: 'ignore', trust: false, ...(macros ? {macros} : {})})
        } catch (error) {
          html = new Error(reasonOf(error))
        }
        rendered.set(key, html)
      }
      let replacement: ElementContent[]
      if (typeof html === 'string') {
        replacement = fromHtml(html, {fragment: true}).children as ElementContent[]
      } else {
        // One warning a cause: a macro the essay never defines fails every formula that uses it.
        const cause = html.message.replace(/ at position \d+$/, '')
        const known = failures.get(cause)
        if (known) known.count++
        else failures.set(cause, {count: 1, place: formula.place, reason: html.message})
        const code = el('code', {className: ['katex-error'], title: html.message}, [text(formula.tex)])
        replacement = [formula.scope.tagName === 'pre' ? el('pre', {}, [code]) : code]
      }
      const index = formula.parent.children.indexOf(formula.scope)
      if (index >= 0) formula.parent.children.splice(index, 1, ...replacement)
    }
    for (const {count, place, reason} of failures.values()) {
      file.message(`Math cannot be rendered: ${reason}${count > 1 ? ` (in ${count} formulas; the first is here)` : ''}`, {
        ...(place ? {place} : {}),
        ruleId: 'math',
        source: 'essay-edition'
      })
    }
  }
}
