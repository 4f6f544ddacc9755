/**
 * Pandoc's `tex_math_dollars`, decided where the characters are read (a micromark extension and its
 * mdast utility), as Pandoc's Markdown reader decides it (`mathDisplayWith`, `mathInlineWith`):
 *
 * - `$$...$$` is display math anywhere in the text, also in the middle of a paragraph and across
 *   its lines (never across a blank line: a paragraph ends there). Tried before `$...$`.
 * - `$...$` is inline math when the opening `$` has a non-space character right after it, the
 *   closing `$` a non-space character right before it and no digit right after it:
 *   "US$ 92 million to US$ 800 million" and "($15,000,000) ... ($250,000)" stay text.
 *   Inside, `\$` does not close, and `\text{...}` may hold dollars.
 *
 * There is no block (flow) math: as in Pandoc, a paragraph made of `$$...$$` alone is a paragraph
 * holding display math, and text before or after it on the same lines stays in that paragraph.
 *
 * The nodes are mdast-util-math's `inlineMath`, with the classes rehype-katex and our math stage
 * read: `math-inline`, or `math-display` for display math (`data.display`).
 */
import type {Code, Construct, Effects, Extension, State, TokenizeContext} from 'micromark-util-types'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'
import type {InlineMath} from 'mdast'
import {markdownLineEnding, markdownSpace} from 'micromark-util-character'
import {valueTaker} from './values.js'

const dollar = 36
const backslash = 92
const leftBrace = 123
const rightBrace = 125

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocMath: 'pandocMath'
    pandocMathMarker: 'pandocMathMarker'
    pandocMathValue: 'pandocMathValue'
  }
}

declare module 'mdast' {
  /** TeX math in the text (mdast-util-math's node, which rehype-katex and our math stage read). */
  interface InlineMath extends Literal {
    type: 'inlineMath'
    data?: InlineMathData
  }
  interface InlineMathData extends Data {
    /** Display math (`$$...$$`), which Pandoc keeps inline, in its paragraph. */
    display?: boolean
  }
  interface PhrasingContentMap {
    inlineMath: InlineMath
  }
  interface RootContentMap {
    inlineMath: InlineMath
  }
}

const isLineEnding = markdownLineEnding
const isSpace = markdownSpace
const isDigit = (code: Code): boolean => code !== null && code >= 48 && code <= 57
/** `\text{` spelled out after a backslash (Pandoc lets `\text{...}` hold dollars). */
const textCommand = [116, 101, 120, 116, leftBrace]

/** `$$...$$`: anything but a blank line up to the first `$$`; at least one character. */
const displayMath: Construct = {name: 'pandocMathDisplay', tokenize: tokenizeDisplay}
/** `$...$` with Pandoc's rules for spaces and digits. */
const inlineMath: Construct = {name: 'pandocMathInline', tokenize: tokenizeInline}

function tokenizeDisplay(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  let closing = 0
  const value = valueTaker(effects, 'pandocMathValue')
  return start

  function start(code: Code): State | undefined {
    effects.enter('pandocMath', {_display: true} as never)
    effects.enter('pandocMathMarker')
    effects.consume(code)
    return second
  }

  function second(code: Code): State | undefined {
    if (code !== dollar) return nok(code)
    effects.consume(code)
    effects.exit('pandocMathMarker')
    return first
  }

  /** The first character is content whatever it is (Pandoc's `many1Till`). */
  function first(code: Code): State | undefined {
    if (code === null) return nok(code)
    value.take(code)
    return inside
  }

  function inside(code: Code): State | undefined {
    if (code === null) return nok(code)
    if (code === dollar) return effects.check(closingPair, close, more)(code)
    value.take(code)
    return inside
  }

  function more(code: Code): State | undefined {
    value.take(code)
    return inside
  }

  function close(code: Code): State | undefined {
    value.close()
    effects.enter('pandocMathMarker')
    return closeSequence(code)
  }

  function closeSequence(code: Code): State | undefined {
    if (closing < 2) {
      closing++
      effects.consume(code)
      return closeSequence
    }
    effects.exit('pandocMathMarker')
    effects.exit('pandocMath')
    return ok(code)
  }
}

/** Looks at `$$` without taking it. */
const closingPair: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    return (code) => {
      effects.enter('pandocMathMarker')
      effects.consume(code)
      return (next) => {
        if (next !== dollar) return nok(next)
        effects.consume(next)
        effects.exit('pandocMathMarker')
        return ok(next)
      }
    }
  }
}

function tokenizeInline(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  let braces = 0
  let matched = 0
  const value = valueTaker(effects, 'pandocMathValue')
  return start

  function start(code: Code): State | undefined {
    effects.enter('pandocMath')
    effects.enter('pandocMathMarker')
    effects.consume(code)
    effects.exit('pandocMathMarker')
    return afterOpening
  }

  function afterOpening(code: Code): State | undefined {
    // The opening `$` must be followed by a non-space.
    if (code === null || isSpace(code) || isLineEnding(code)) return nok(code)
    return content(code)
  }

  /** One piece of content: a character, an escape, `\text{...}`, or a run of white space. */
  function content(code: Code): State | undefined {
    if (code === null) return nok(code)
    if (code === backslash) {
      value.take(code)
      matched = 0
      return escaped
    }
    if (isSpace(code) || isLineEnding(code)) return space(code)
    value.take(code)
    return between
  }

  /** Between pieces: the closing `$` is tried first. */
  function between(code: Code): State | undefined {
    if (code === dollar) {
      value.close()
      effects.enter('pandocMathMarker')
      effects.consume(code)
      effects.exit('pandocMathMarker')
      return afterClosing
    }
    return content(code)
  }

  function afterClosing(code: Code): State | undefined {
    // "$5 and $10": a closing `$` followed by a digit means this is no math at all.
    if (isDigit(code)) return nok(code)
    effects.exit('pandocMath')
    return ok(code)
  }

  /** After `\`: `\text{...}` takes balanced braces whole, any other character is taken as is. */
  function escaped(code: Code): State | undefined {
    if (code === null) return nok(code)
    if (code === textCommand[matched]) {
      value.take(code)
      matched++
      if (matched === textCommand.length) {
        braces = 1
        return inBraces
      }
      return escapedWord
    }
    if (matched > 0) return between(code)
    value.take(code)
    return between
  }

  /** Part way through `text{`: stop matching at the first other character. */
  function escapedWord(code: Code): State | undefined {
    if (code === textCommand[matched]) return escaped(code)
    return between(code)
  }

  function inBraces(code: Code): State | undefined {
    if (code === null) return nok(code)
    if (code === leftBrace) braces++
    else if (code === rightBrace) braces--
    value.take(code)
    return braces === 0 ? between : inBraces
  }

  /** A run of spaces, with at most one line ending; a `$` may not follow it. */
  function space(code: Code): State | undefined {
    let lineEndings = 0
    const run = (next: Code): State | undefined => {
      if (isSpace(next)) {
        value.take(next)
        return run
      }
      if (isLineEnding(next) && lineEndings === 0) {
        lineEndings++
        value.take(next)
        return run
      }
      if (next === null || next === dollar || isLineEnding(next)) return nok(next)
      return content(next)
    }
    return run(code)
  }
}

/** The micromark extension: dollar math as Pandoc reads it. */
export function pandocMath(): Extension {
  return {text: {[dollar]: [displayMath, inlineMath]}}
}

/** Pandoc's `trimMath`: the TeX without white space at its ends. */
function trimMath(value: string): string {
  return value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
}

/** The mdast utility: `inlineMath` nodes, display math marked. */
export function pandocMathFromMarkdown(): FromMarkdownExtension {
  return {
    enter: {
      pandocMath(this: CompileContext, token: Token) {
        const display = Boolean((token as Token & {_display?: boolean})._display)
        const node: InlineMath = {
          type: 'inlineMath',
          value: '',
          data: {
            hName: 'code',
            hProperties: {className: ['language-math', display ? 'math-display' : 'math-inline']},
            hChildren: [],
            ...(display ? {display: true} : {})
          }
        }
        this.enter(node, token)
      }
    },
    exit: {
      pandocMath(this: CompileContext, token: Token) {
        const node = this.stack[this.stack.length - 1] as InlineMath
        const display = Boolean(node.data?.display)
        const written = this.sliceSerialize(token)
        const raw = display ? written.slice(2, -2) : written.slice(1, -1)
        // Pandoc collapses white space in inline math and trims both kinds; KaTeX does not mind.
        node.value = display ? trimMath(raw) : trimMath(raw.replace(/[ \t]*\r?\n[ \t]*|[ \t]+/g, ' '))
        node.data!.hChildren = [{type: 'text', value: node.value}]
        this.exit(token)
      }
    }
  }
}
