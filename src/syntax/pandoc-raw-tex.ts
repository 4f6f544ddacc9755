/**
 * Pandoc's `raw_tex`, decided where the characters are read (a micromark extension and its mdast
 * utility): TeX commands written in the Markdown (`\newpage`, `\vspace{2em}`, `\label{fig:x}`,
 * `\autoref{fig:map}`, `\newcommand{\R}{\mathbb{R}}`) are raw TeX, which Pandoc drops from HTML;
 * so do we (`rawTex` nodes, which print nothing).
 *
 * - in text: `\` and a command name (letters), then an optional `*`, spaces, and any number of
 *   `[...]` and `{...}` arguments (balanced); `\begin{env}...\end{env}` whole;
 * - a block starting with `\begin{env}` at the start of a line runs to the line of its
 *   `\end{env}`, blank lines included.
 *
 * One difference, on purpose: the environments of display math (`equation`, `align`, `gather`,
 * ...) become display math, as `pandoc --mathjax` or `--katex` make them (plain Pandoc drops them).
 */
import type {Code, Construct, Effects, Extension, State, TokenizeContext} from 'micromark-util-types'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'
import type {InlineMath, Nodes, Paragraph, Root} from 'mdast'
import {markdownLineEnding, markdownSpace} from 'micromark-util-character'
import {valueTaker} from './values.js'

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocRawTex: 'pandocRawTex'
    pandocRawTexValue: 'pandocRawTexValue'
    pandocRawTexBlock: 'pandocRawTexBlock'
  }
}

declare module 'mdast' {
  /** Raw TeX (Pandoc's `RawInline (Format "tex")`), printed by no HTML writer. */
  interface RawTex extends Literal {
    type: 'rawTex'
  }
  interface PhrasingContentMap {
    rawTex: RawTex
  }
  interface RootContentMap {
    rawTex: RawTex
  }
  interface BlockContentMap {
    rawTex: RawTex
  }
}

const backslash = 92
const star = 42
const leftBrace = 123
const rightBrace = 125
const leftBracket = 91
const rightBracket = 93

/** Environments of display math (Pandoc's HTML writer renders these as math under MathJax/KaTeX). */
export const mathEnvironments = new Set([
  'align', 'align*', 'alignat', 'alignat*', 'dmath', 'dmath*', 'dgroup', 'dgroup*', 'darray', 'darray*',
  'eqnarray', 'eqnarray*', 'equation', 'equation*', 'flalign', 'flalign*', 'gather', 'gather*',
  'multline', 'multline*', 'split', 'subequations', 'xalignat', 'xalignat*', 'xxalignat', 'xxalignat*'
])

const isLetter = (code: Code) => code !== null && ((code >= 65 && code <= 90) || (code >= 97 && code <= 122))
const isSpace = markdownSpace
const isLineEnding = markdownLineEnding

/**
 * `[...]` or `{...}`, balanced, after optional spaces: one argument of a command. `seen` is told
 * the argument's text (without its brackets).
 */
function texArgument(seen: (text: string) => void): Construct {
  return {
    partial: true,
    tokenize(effects, ok, nok) {
      const value = valueTaker(effects, 'pandocRawTexValue')
      let depth = 0
      let text = ''
      return before
      function before(code: Code): State | undefined {
        if (isSpace(code)) {
          value.take(code)
          return before
        }
        if (code !== leftBrace && code !== leftBracket) return nok(code)
        return inside(code)
      }
      function inside(code: Code): State | undefined {
        if (code === null) return nok(code)
        if (code === leftBrace || code === leftBracket) depth++
        else if (code === rightBrace || code === rightBracket) depth--
        if (depth > 0 && !(depth === 1 && (code === leftBrace || code === leftBracket))) text += isLineEnding(code) ? '\n' : String.fromCharCode(code)
        value.take(code)
        if (depth === 0) {
          value.close()
          seen(text)
          return ok
        }
        return inside
      }
    }
  }
}

/**
 * A command with its arguments, or an environment to its end (`type` says whether in text or as a
 * block, where blank lines may stand inside). Tokens: `type` around value and line-ending tokens.
 */
function tokenizeCommand(type: 'pandocRawTex' | 'pandocRawTexBlock') {
  return function (this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const value = valueTaker(effects, 'pandocRawTexValue')
    let name = ''
    let lastArgument = ''
    const argument = texArgument((text) => {
      lastArgument = text
    })
    let environment = ''
    let nesting = 0
    /** The last characters of an environment's body, to find `\begin{env}` and `\end{env}`. */
    let tail = ''
    return start

    function start(code: Code): State | undefined {
      effects.enter(type)
      value.take(code)
      return firstLetter
    }
    function firstLetter(code: Code): State | undefined {
      if (!isLetter(code)) return nok(code)
      return letters(code)
    }
    function letters(code: Code): State | undefined {
      if (isLetter(code)) {
        name += String.fromCharCode(code!)
        value.take(code)
        return letters
      }
      // `\end` alone is text for Pandoc, as is `\begin` without its environment's end.
      if (name === 'end') return nok(code)
      if (code === star) {
        value.take(code)
        return spaces
      }
      return spaces(code)
    }
    function spaces(code: Code): State | undefined {
      if (isSpace(code)) {
        value.take(code)
        return spaces
      }
      value.close()
      if (name === 'begin') return effects.attempt(argument, body, nok)(code)
      return effects.attempt(argument, moreArguments, done)(code)
    }
    function moreArguments(code: Code): State | undefined {
      return effects.attempt(argument, moreArguments, done)(code)
    }
    function body(code: Code): State | undefined {
      environment = lastArgument.trim()
      nesting = 1
      tail = ''
      return inEnvironment(code)
    }
    function inEnvironment(code: Code): State | undefined {
      if (code === null) return nok(code)
      value.take(code)
      tail = (tail + (isLineEnding(code) ? '\n' : String.fromCharCode(code))).slice(-(environment.length + 8))
      if (tail.endsWith(`\\begin{${environment}}`)) nesting++
      else if (tail.endsWith(`\\end{${environment}}`) && --nesting === 0) return type === 'pandocRawTexBlock' ? restOfLine : done
      return inEnvironment
    }
    function restOfLine(code: Code): State | undefined {
      if (code === null || isLineEnding(code)) return done(code)
      if (!isSpace(code)) return nok(code)
      value.take(code)
      return restOfLine
    }
    function done(code: Code): State | undefined {
      value.close()
      effects.exit(type)
      return ok(code)
    }
  }
}

/** Text: raw TeX inline. */
const rawTexText: Construct = {name: 'pandocRawTexText', tokenize: tokenizeCommand('pandocRawTex')}

/**
 * Flow: `\begin{env}` at the start of a line, to its `\end{env}`. A command alone on its line is
 * raw TeX inline, in a paragraph that then prints nothing.
 */
const rawTexFlow: Construct = {
  name: 'pandocRawTexFlow',
  concrete: true,
  tokenize(effects, ok, nok) {
    // As in Pandoc, it does not interrupt a paragraph: there it is raw TeX inline.
    if (this.interrupt) return nok
    const block = tokenizeCommand('pandocRawTexBlock').call(this, effects, ok, nok)
    return (code) => effects.check(beginAhead, block, nok)(code)
  }
}

/** Looks for `\begin{` without taking it. */
const beginAhead: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    const word = '\\begin{'
    let index = 0
    const next = (code: Code): State | undefined => {
      if (index === word.length) return ok(code)
      if (code !== word.charCodeAt(index)) return nok(code)
      index++
      effects.enter('pandocRawTexValue')
      effects.consume(code)
      effects.exit('pandocRawTexValue')
      return next
    }
    return next
  }
}

export function pandocRawTex(): Extension {
  return {text: {[backslash]: rawTexText}, flow: {[backslash]: rawTexFlow}}
}

function environmentOf(value: string): string | undefined {
  return /^\\begin\s*\{([^}]*)\}/.exec(value)?.[1]
}

/** The mdast utility: `rawTex` nodes; display math for math environments. */
export function pandocRawTexFromMarkdown(): FromMarkdownExtension {
  const enter = function (this: CompileContext, token: Token) {
    this.enter({type: 'rawTex', value: ''} as never, token)
  }
  const exit = function (this: CompileContext, token: Token) {
    const node = this.stack[this.stack.length - 1] as unknown as {type: string; value: string}
    node.value = this.sliceSerialize(token)
    this.exit(token)
    const environment = environmentOf(node.value.trim())
    if (environment && mathEnvironments.has(environment)) {
      const math: InlineMath = {
        type: 'inlineMath',
        value: node.value.trim(),
        data: {hName: 'code', hProperties: {className: ['language-math', 'math-display']}, hChildren: [{type: 'text', value: node.value.trim()}], display: true}
      }
      const replacement = token.type === 'pandocRawTexBlock'
        ? ({type: 'paragraph', children: [math], position: (node as {position?: Paragraph['position']}).position} as Paragraph)
        : {...math, position: (node as {position?: Paragraph['position']}).position}
      Object.assign(node, replacement)
      if (token.type === 'pandocRawTexBlock') delete (node as {value?: string}).value
    }
  }
  return {
    enter: {pandocRawTex: enter, pandocRawTexBlock: enter},
    exit: {pandocRawTex: exit, pandocRawTexBlock: exit},
    transforms: [dropTexOnlyParagraphs]
  }
}

/** A paragraph of nothing but raw TeX (`\newpage` on its own line) is no paragraph: it would print empty. */
function dropTexOnlyParagraphs(tree: Root): undefined {
  const visit = (node: Nodes) => {
    if (!('children' in node)) return
    const children = node.children as Nodes[]
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index]!
      if (child.type === 'paragraph' && child.children.some((c) => c.type === 'rawTex') &&
        child.children.every((c) => c.type === 'rawTex' || (c.type === 'text' && !c.value.trim()))) {
        // The raw TeX stays in the tree (for whoever reads it), out of any paragraph.
        children.splice(index, 1, ...(child.children.filter((c) => c.type === 'rawTex') as never[]))
      } else visit(child)
    }
  }
  visit(tree)
}
